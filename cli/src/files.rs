//! File access for `-f PATH`: the interpreter in core does no IO, so the CLI reads
//! the files a command names and hands their text over.
//!
//! Paths are relative to the script's folder (the current folder for `-` and the
//! interactive shell). A directory gives its `.json`, `.yaml` and `.yml` files in
//! lexical order, subdirectories only with `-R`, as kubectl's
//! `cli-runtime/pkg/resource/visitor.go` (`ExpandPathsToFileVisitors`) does.

use std::path::{Path, PathBuf};

use kubesim::kubectl::shell_words;

/// The extensions kubectl reads from a directory (`resource.FileExtensions`).
const FILE_EXTENSIONS: &[&str] = &["json", "yaml", "yml"];

/// Bound on the files one command may read, so a huge tree is an error, not a hang.
const MAX_FILES: usize = 10_000;

/// What a path names on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskNode {
    File(String),
    /// Full paths of the entries, in lexical order.
    Directory(Vec<String>),
}

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
    pub fn read(&self, path: &str) -> Option<DiskNode> {
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
            Some(DiskNode::Directory(entries))
        } else {
            std::fs::read_to_string(&resolved).ok().map(DiskNode::File)
        }
    }

    /// Every manifest file a `-f PATH` names: the file itself, or a directory's
    /// manifest files. Errors are kubectl's words.
    pub fn expand(&self, path: &str, recursive: bool) -> Result<Vec<(String, String)>, String> {
        let mut files = Vec::new();
        match self.read(path) {
            None => return Err(format!("error: the path \"{path}\" does not exist")),
            Some(DiskNode::File(text)) => files.push((path.to_string(), text)),
            Some(DiskNode::Directory(entries)) => self.walk(entries, recursive, &mut files)?,
        }
        Ok(files)
    }

    fn walk(
        &self,
        entries: Vec<String>,
        recursive: bool,
        files: &mut Vec<(String, String)>,
    ) -> Result<(), String> {
        for entry in entries {
            if files.len() >= MAX_FILES {
                return Err(format!(
                    "error: more than {MAX_FILES} files to read; kubesim stops here"
                ));
            }
            match self.read(&entry) {
                Some(DiskNode::Directory(children)) if recursive => {
                    self.walk(children, recursive, files)?
                }
                Some(DiskNode::File(text)) if has_manifest_extension(&entry) => {
                    files.push((entry, text))
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn has_manifest_extension(path: &str) -> bool {
    Path::new(path)
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| FILE_EXTENSIONS.contains(&extension))
}

/// A command line with its `-f PATH` files read into stdin and the flags turned
/// into one `-f -`, for an interpreter that reads manifests from stdin only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inlined {
    pub command: String,
    pub stdin: String,
}

/// Reads the files named by `-f`/`--filename` into stdin. Lines without a file
/// argument come back unchanged.
pub fn inline_files(command: &str, stdin: &str, files: &DiskFiles) -> Result<Inlined, String> {
    let unchanged = || Inlined {
        command: command.to_string(),
        stdin: stdin.to_string(),
    };
    let Ok(words) = shell_words::split(command) else {
        return Ok(unchanged());
    };
    if words.first().map(String::as_str) != Some("kubectl") {
        return Ok(unchanged());
    }
    let recursive = words
        .iter()
        .any(|word| word == "-R" || word == "--recursive" || word == "--recursive=true");
    let mut kept: Vec<String> = Vec::new();
    let mut paths: Vec<String> = Vec::new();
    let mut index = 0;
    while index < words.len() {
        let word = &words[index];
        if word == "--" {
            kept.extend(words[index..].iter().cloned());
            break;
        }
        let value = if word == "-f" || word == "--filename" {
            index += 1;
            match words.get(index) {
                Some(value) => Some(value.clone()),
                None => {
                    kept.push(word.clone());
                    None
                }
            }
        } else if let Some(value) = word
            .strip_prefix("--filename=")
            .or_else(|| word.strip_prefix("-f="))
        {
            Some(value.to_string())
        } else if let Some(value) = word.strip_prefix("-f").filter(|value| !value.is_empty()) {
            Some(value.to_string())
        } else {
            kept.push(word.clone());
            None
        };
        if let Some(value) = value {
            paths.push(value);
        }
        index += 1;
    }
    if paths.iter().all(|path| path == "-") {
        return Ok(unchanged());
    }
    let mut documents: Vec<String> = Vec::new();
    for path in &paths {
        if path == "-" {
            documents.push(stdin.to_string());
            continue;
        }
        if path.starts_with("http://") || path.starts_with("https://") {
            return Err(format!(
                "error: kubesim reads no URLs (\"{path}\"): save the manifest to a file and use -f FILE"
            ));
        }
        for (_, text) in files.expand(path, recursive)? {
            documents.push(text);
        }
    }
    if documents.iter().all(|text| text.trim().is_empty()) {
        return Err(format!(
            "error: no objects passed to {}",
            words.get(1).map(String::as_str).unwrap_or("kubectl")
        ));
    }
    let mut joined = String::new();
    for text in documents {
        if !joined.is_empty() {
            joined.push_str("---\n");
        }
        joined.push_str(&text);
        if !joined.ends_with('\n') {
            joined.push('\n');
        }
    }
    // Put `-f -` right after the verb so the interpreter sees it where kubectl would.
    let split_at = kept.len().min(2);
    let mut rebuilt: Vec<String> = kept[..split_at].to_vec();
    rebuilt.push("-f".to_string());
    rebuilt.push("-".to_string());
    rebuilt.extend(kept[split_at..].iter().cloned());
    Ok(Inlined {
        command: rebuilt
            .iter()
            .map(|word| quote(word))
            .collect::<Vec<_>>()
            .join(" "),
        stdin: joined,
    })
}

/// Quotes a word for a POSIX shell when it needs it.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '=' | ':' | ',' | '@')
        });
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kubesim-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("manifests/nested")).unwrap();
        std::fs::write(dir.join("manifests/b.yaml"), "kind: B\n").unwrap();
        std::fs::write(dir.join("manifests/a.yml"), "kind: A\n").unwrap();
        std::fs::write(dir.join("manifests/notes.txt"), "ignored\n").unwrap();
        std::fs::write(dir.join("manifests/nested/c.json"), "{\"kind\": \"C\"}").unwrap();
        dir
    }

    #[test]
    fn files_and_directories_are_read_in_lexical_order() {
        let dir = temp_dir("order");
        let files = DiskFiles::new(&dir);
        let flat = inline_files("kubectl apply -f manifests", "", &files).unwrap();
        assert_eq!(flat.command, "kubectl apply -f -");
        assert_eq!(flat.stdin, "kind: A\n---\nkind: B\n");
        let deep = inline_files("kubectl apply -R -f manifests/", "", &files).unwrap();
        assert_eq!(
            deep.stdin,
            "kind: A\n---\nkind: B\n---\n{\"kind\": \"C\"}\n"
        );
        let one = inline_files(
            "kubectl delete --filename=manifests/b.yaml --wait=false",
            "",
            &files,
        )
        .unwrap();
        assert_eq!(one.command, "kubectl delete -f - --wait=false");
        assert_eq!(one.stdin, "kind: B\n");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn missing_paths_and_stdin_only_lines() {
        let files = DiskFiles::new(std::env::temp_dir());
        assert_eq!(
            inline_files("kubectl apply -f nope.yaml", "", &files).unwrap_err(),
            "error: the path \"nope.yaml\" does not exist"
        );
        let stdin = inline_files("kubectl apply -f -", "kind: Pod\n", &files).unwrap();
        assert_eq!(stdin.command, "kubectl apply -f -");
        assert_eq!(stdin.stdin, "kind: Pod\n");
        let other = inline_files("sim advance 5m", "", &files).unwrap();
        assert_eq!(other.command, "sim advance 5m");
    }
}
