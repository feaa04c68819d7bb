//! The files a command reads with `-f`, without touching a file system.
//!
//! core does no IO, so the caller hands the interpreter a [`FileSource`]: the CLI
//! backs it with the real file system, the playground with its editor buffers,
//! tests with a [`Files`] map. `-f -` reads the text the caller passed as stdin.
//! Directory expansion follows `cli-runtime/pkg/resource/visitor.go`
//! (`ExpandPathsToFileVisitors`): entries in lexical order, only `.json`, `.yaml`
//! and `.yml` files, subdirectories only with `-R`.

use std::collections::BTreeMap;

/// What a path names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileNode {
    /// A file's text.
    File(String),
    /// A directory's entries, as full paths (`dir/a.yaml`), in any order.
    Directory(Vec<String>),
}

/// Read access to files by path. Paths are what the user typed.
pub trait FileSource {
    /// The file or directory at `path`, or None when it does not exist.
    fn read(&self, path: &str) -> Option<FileNode>;
}

/// No files at all: every path is missing. What [`crate::kubectl::run`] uses.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoFiles;

impl FileSource for NoFiles {
    fn read(&self, _path: &str) -> Option<FileNode> {
        None
    }
}

/// Files held in memory, keyed by path (`manifests/web.yaml`). Directories are
/// implied by the paths of the files under them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Files {
    files: BTreeMap<String, String>,
}

impl Files {
    pub fn new() -> Self {
        Files::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: &str, text: impl Into<String>) -> &mut Self {
        self.files.insert(normalize(path), text.into());
        self
    }

    pub fn with(mut self, path: &str, text: impl Into<String>) -> Self {
        self.insert(path, text);
        self
    }
}

/// `./a//b/` → `a/b`; `.` stays `.`.
fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

impl FileSource for Files {
    fn read(&self, path: &str) -> Option<FileNode> {
        let path = normalize(path);
        if let Some(text) = self.files.get(&path) {
            return Some(FileNode::File(text.clone()));
        }
        let prefix = if path == "." {
            String::new()
        } else {
            format!("{path}/")
        };
        let mut entries: Vec<String> = Vec::new();
        for key in self.files.keys().filter(|key| key.starts_with(&prefix)) {
            let rest = &key[prefix.len()..];
            let child = match rest.split_once('/') {
                Some((directory, _)) => directory,
                None => rest,
            };
            let full = format!("{prefix}{child}");
            if entries.last() != Some(&full) {
                entries.push(full);
            }
        }
        entries.dedup();
        if entries.is_empty() {
            None
        } else {
            Some(FileNode::Directory(entries))
        }
    }
}

/// One file's text and the name kubectl reports it by (`STDIN` for `-`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// The extensions kubectl reads from a directory (`resource.FileExtensions`).
const FILE_EXTENSIONS: &[&str] = &[".json", ".yaml", ".yml"];

/// Bound on the files one `-f` may expand to, so a huge tree is an error, not a hang.
const MAX_FILES: usize = 10_000;

/// Reads every `-f` argument (comma-separated values allowed, as pflag's
/// StringSlice) into sources, in order. `-` is stdin.
pub fn read_sources(
    filenames: &[String],
    recursive: bool,
    stdin: &str,
    files: &dyn FileSource,
) -> Result<Vec<Source>, String> {
    let mut sources = Vec::new();
    for argument in filenames {
        for path in argument.split(',').filter(|path| !path.is_empty()) {
            if path == "-" {
                sources.push(Source {
                    name: "STDIN".to_string(),
                    text: stdin.to_string(),
                });
                continue;
            }
            if path.starts_with("http://") || path.starts_with("https://") {
                return Err(format!(
                    "error: kubesim cannot fetch URLs: {path}; save the file and pass its path"
                ));
            }
            match files.read(path) {
                None => return Err(format!("error: the path \"{path}\" does not exist")),
                Some(FileNode::File(text)) => sources.push(Source {
                    name: path.to_string(),
                    text,
                }),
                Some(FileNode::Directory(_)) => {
                    walk(path, recursive, files, &mut sources)?;
                }
            }
        }
    }
    Ok(sources)
}

fn walk(
    directory: &str,
    recursive: bool,
    files: &dyn FileSource,
    sources: &mut Vec<Source>,
) -> Result<(), String> {
    let Some(FileNode::Directory(mut entries)) = files.read(directory) else {
        return Ok(());
    };
    entries.sort();
    for entry in entries {
        if sources.len() >= MAX_FILES {
            return Err(format!(
                "error: more than {MAX_FILES} files under \"{directory}\""
            ));
        }
        match files.read(&entry) {
            Some(FileNode::File(text)) => {
                if FILE_EXTENSIONS.iter().any(|ext| entry.ends_with(ext)) {
                    sources.push(Source { name: entry, text });
                }
            }
            Some(FileNode::Directory(_)) if recursive => walk(&entry, recursive, files, sources)?,
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_expand_like_kubectl() {
        let files = Files::new()
            .with("app/b.yaml", "b")
            .with("app/a.yml", "a")
            .with("app/notes.txt", "n")
            .with("app/nested/c.json", "c")
            .with("web.yaml", "w");
        let names = |recursive| {
            read_sources(&["app".to_string()], recursive, "", &files)
                .unwrap()
                .into_iter()
                .map(|source| source.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(false), ["app/a.yml", "app/b.yaml"]);
        assert_eq!(
            names(true),
            ["app/a.yml", "app/b.yaml", "app/nested/c.json"]
        );
        let explicit = read_sources(&["./web.yaml,-".to_string()], false, "s", &files).unwrap();
        assert_eq!(explicit[0].name, "./web.yaml");
        assert_eq!(explicit[1].name, "STDIN");
        assert_eq!(
            read_sources(&["missing.yaml".to_string()], false, "", &files).unwrap_err(),
            "error: the path \"missing.yaml\" does not exist"
        );
    }
}
