//! File access for `-f PATH`: the interpreter in core does no IO, so the CLI reads
//! the files a command names and hands their text over.
//!
//! Paths are relative to the script's folder (the current folder for `-` and the
//! interactive shell). [`DiskFiles`] is core's `FileSource` backed by the disk;
//! core expands directories as kubectl does.

use std::path::{Path, PathBuf};

use kubesim::kubectl::files::{FileNode, FileSource};

/// The real file system, rooted at the script's folder.
#[derive(Clone, Debug)]
pub struct DiskFiles {
    base_dir: PathBuf,
}

impl DiskFiles {
    pub fn new(base_dir: impl Into<PathBuf>) -> Self {
        DiskFiles {
            base_dir: base_dir.into(),
        }
    }

    pub fn base_dir(&self) -> &Path {
        &self.base_dir
    }

    fn resolve(&self, path: &str) -> PathBuf {
        let path = Path::new(path);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base_dir.join(path)
        }
    }

    /// The file or directory at `path` (as the user typed it), or None when missing
    /// or unreadable.
    fn read_node(&self, path: &str) -> Option<FileNode> {
        let resolved = self.resolve(path);
        if resolved.is_dir() {
            let mut entries: Vec<String> = std::fs::read_dir(&resolved)
                .ok()?
                .filter_map(Result::ok)
                .map(|entry| {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if path.ends_with('/') {
                        format!("{path}{name}")
                    } else {
                        format!("{path}/{name}")
                    }
                })
                .collect();
            entries.sort();
            Some(FileNode::Directory(entries))
        } else {
            std::fs::read_to_string(&resolved).ok().map(FileNode::File)
        }
    }
}

impl FileSource for DiskFiles {
    fn read(&self, path: &str) -> Option<FileNode> {
        self.read_node(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubesim::kubectl::files::read_sources;

    #[test]
    fn files_and_directories_are_read_from_the_script_folder() {
        let dir = std::env::temp_dir().join(format!("kubesim-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("manifests/nested")).unwrap();
        std::fs::write(dir.join("manifests/b.yaml"), "kind: B\n").unwrap();
        std::fs::write(dir.join("manifests/a.yml"), "kind: A\n").unwrap();
        std::fs::write(dir.join("manifests/notes.txt"), "ignored\n").unwrap();
        std::fs::write(dir.join("manifests/nested/c.json"), "{}").unwrap();
        let files = DiskFiles::new(&dir);
        let names = |recursive| -> Vec<String> {
            read_sources(&["manifests".to_string()], recursive, "", &files)
                .unwrap()
                .into_iter()
                .map(|source| source.name)
                .collect()
        };
        assert_eq!(names(false), ["manifests/a.yml", "manifests/b.yaml"]);
        assert_eq!(
            names(true),
            [
                "manifests/a.yml",
                "manifests/b.yaml",
                "manifests/nested/c.json"
            ]
        );
        assert_eq!(
            read_sources(&["nope.yaml".to_string()], false, "", &files).unwrap_err(),
            "error: the path \"nope.yaml\" does not exist"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
