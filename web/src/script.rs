//! A session as text: the command lines a user ran, in order, as `kubesim run` reads
//! them. A command that read stdin carries it as a shell here-document:
//!
//! ```text
//! kubectl create deployment web --image=nginx --replicas=3
//! sim advance 30s
//! kubectl apply -f - <<'EOF'
//! apiVersion: v1
//! kind: Service
//! ...
//! EOF
//! ```
//!
//! Also the two ways a session leaves the page: the saved-session JSON in
//! localStorage and the `#script=<base64url>` share fragment.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// One command line and the text it reads on stdin, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptEntry {
    pub line: String,
    pub stdin: Option<String>,
}

impl ScriptEntry {
    pub fn command(line: impl Into<String>) -> Self {
        ScriptEntry {
            line: line.into(),
            stdin: None,
        }
    }

    pub fn with_stdin(line: impl Into<String>, stdin: impl Into<String>) -> Self {
        ScriptEntry {
            line: line.into(),
            stdin: Some(stdin.into()),
        }
    }
}

/// Why a script could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError(pub String);

impl std::fmt::Display for ScriptError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// The script as text; entries with stdin become here-documents whose delimiter
/// does not occur as a line of the stdin.
pub fn to_text(entries: &[ScriptEntry]) -> String {
    let mut text = String::new();
    for entry in entries {
        text.push_str(&entry.line);
        if let Some(stdin) = &entry.stdin {
            let delimiter = heredoc_delimiter(stdin);
            text.push_str(&format!(" <<'{delimiter}'\n"));
            text.push_str(stdin);
            if !stdin.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&delimiter);
        }
        text.push('\n');
    }
    text
}

fn heredoc_delimiter(stdin: &str) -> String {
    let mut delimiter = "EOF".to_string();
    let mut attempt = 0;
    while stdin.lines().any(|line| line == delimiter) {
        attempt += 1;
        delimiter = format!("EOF{attempt}");
    }
    delimiter
}

/// Reads a script: one command per line; blank lines and `#` comments are skipped;
/// `<<EOF`, `<<'EOF'` or `<<"EOF"` at the end of a line starts a here-document.
pub fn parse(text: &str) -> Result<Vec<ScriptEntry>, ScriptError> {
    let mut entries = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((index, raw)) = lines.next() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((command, delimiter)) = split_heredoc(line) else {
            entries.push(ScriptEntry::command(line));
            continue;
        };
        let mut stdin = String::new();
        let mut closed = false;
        for (_, body) in lines.by_ref() {
            if body == delimiter {
                closed = true;
                break;
            }
            stdin.push_str(body);
            stdin.push('\n');
        }
        if !closed {
            return Err(ScriptError(format!(
                "line {}: the here-document is never closed by a line \"{delimiter}\"",
                index + 1
            )));
        }
        entries.push(ScriptEntry::with_stdin(command, stdin));
    }
    Ok(entries)
}

/// `kubectl apply -f - <<'EOF'` into (`kubectl apply -f -`, `EOF`).
fn split_heredoc(line: &str) -> Option<(&str, String)> {
    let (command, marker) = line.rsplit_once("<<")?;
    let delimiter = marker.trim().trim_matches(|c| c == '\'' || c == '"');
    let valid = !delimiter.is_empty()
        && delimiter
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    valid.then(|| (command.trim_end(), delimiter.to_string()))
}

/// What the page keeps in localStorage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SavedSession {
    /// Always [`SavedSession::FORMAT`]; anything else is not ours.
    pub format: String,
    pub version: u32,
    pub seed: u64,
    /// Worker nodes of the starting cluster, when not the default three.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<u32>,
    /// The script, as [`to_text`] writes it.
    pub script: String,
}

impl SavedSession {
    pub const FORMAT: &'static str = "kubesim-session";
    pub const VERSION: u32 = 1;

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads saved JSON, saying what is wrong with it when it cannot be used.
    pub fn from_json(text: &str) -> Result<SavedSession, ScriptError> {
        let saved: SavedSession = serde_json::from_str(text)
            .map_err(|error| ScriptError(format!("it is not a kubesim session ({error})")))?;
        if saved.format != Self::FORMAT {
            return Err(ScriptError(format!(
                "its format is {:?}, not {:?}",
                saved.format,
                Self::FORMAT
            )));
        }
        if saved.version != Self::VERSION {
            return Err(ScriptError(format!(
                "it was saved by another version of the playground (format version {}, this one reads {})",
                saved.version,
                Self::VERSION
            )));
        }
        Ok(saved)
    }
}

/// The share fragment: `script=<base64url>`, plus `seed=` and `workers=` when they are
/// not the defaults. base64url (RFC 4648 §5, no padding) survives URLs untouched.
pub fn share_fragment(script: &str, seed: Option<u64>, workers: Option<u32>) -> String {
    let mut fragment = format!("script={}", URL_SAFE_NO_PAD.encode(script.as_bytes()));
    if let Some(seed) = seed {
        fragment.push_str(&format!("&seed={seed}"));
    }
    if let Some(workers) = workers {
        fragment.push_str(&format!("&workers={workers}"));
    }
    fragment
}

/// What a URL fragment or query asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SharedSession {
    pub script: Option<String>,
    pub seed: Option<u64>,
    pub workers: Option<u32>,
}

/// Reads `script=…&seed=…&workers=…` (with or without the leading `#` or `?`).
pub fn parse_fragment(fragment: &str) -> Result<SharedSession, ScriptError> {
    let mut shared = SharedSession::default();
    let fragment = fragment.trim_start_matches(['#', '?']);
    for pair in fragment.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "script" => {
                let bytes = URL_SAFE_NO_PAD
                    .decode(value.trim_end_matches('='))
                    .map_err(|error| {
                        ScriptError(format!("the shared script is not base64url: {error}"))
                    })?;
                let text = String::from_utf8(bytes)
                    .map_err(|_| ScriptError("the shared script is not UTF-8 text".to_string()))?;
                shared.script = Some(text);
            }
            "seed" => {
                shared.seed = Some(value.parse().map_err(|_| {
                    ScriptError(format!("the seed {value:?} is not a whole number"))
                })?)
            }
            "workers" => {
                let workers: u32 = value
                    .parse()
                    .map_err(|_| ScriptError(format!("workers={value:?} is not a whole number")))?;
                if workers == 0 || workers > MAX_WORKERS {
                    return Err(ScriptError(format!(
                        "workers={workers} is outside 1..={MAX_WORKERS}"
                    )));
                }
                shared.workers = Some(workers);
            }
            // Other keys (embed=1 and the like) belong to the page, not the session.
            _ => {}
        }
    }
    Ok(shared)
}

/// The most worker nodes a URL may ask for.
pub const MAX_WORKERS: u32 = 500;

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<ScriptEntry> {
        vec![
            ScriptEntry::command("kubectl create deployment web --image=nginx --replicas=3"),
            ScriptEntry::command("sim advance 30s"),
            ScriptEntry::with_stdin(
                "kubectl apply -f -",
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
            ),
        ]
    }

    #[test]
    fn text_round_trips_with_heredocs() {
        let text = to_text(&sample());
        assert_eq!(
            text,
            "kubectl create deployment web --image=nginx --replicas=3\nsim advance 30s\n\
             kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nEOF\n"
        );
        assert_eq!(parse(&text).unwrap(), sample());
    }

    #[test]
    fn heredoc_delimiter_avoids_lines_of_the_body() {
        let entries = vec![ScriptEntry::with_stdin("kubectl apply -f -", "EOF\nEOF1\n")];
        let text = to_text(&entries);
        assert!(text.starts_with("kubectl apply -f - <<'EOF2'\n"));
        assert_eq!(parse(&text).unwrap(), entries);
    }

    #[test]
    fn comments_and_blank_lines_are_skipped_and_unclosed_heredocs_reported() {
        let entries = parse("# setup\n\n  kubectl get pods  \n").unwrap();
        assert_eq!(entries, [ScriptEntry::command("kubectl get pods")]);
        let error = parse("kubectl get pods\nkubectl apply -f - <<EOF\nkind: Pod\n").unwrap_err();
        assert_eq!(
            error.0,
            "line 2: the here-document is never closed by a line \"EOF\""
        );
    }

    #[test]
    fn share_fragment_round_trips() {
        let text = to_text(&sample());
        let fragment = share_fragment(&text, Some(7), Some(50));
        assert!(fragment.starts_with("script="));
        assert!(!fragment.contains('+') && !fragment.contains('/'));
        let shared = parse_fragment(&format!("#{fragment}&embed=1")).unwrap();
        assert_eq!(shared.script.as_deref(), Some(text.as_str()));
        assert_eq!(shared.seed, Some(7));
        assert_eq!(shared.workers, Some(50));
        assert_eq!(parse_fragment("").unwrap(), SharedSession::default());
    }

    #[test]
    fn bad_fragments_are_reported() {
        assert!(parse_fragment("#script=%%%").is_err());
        assert!(parse_fragment("#seed=abc").is_err());
        assert!(parse_fragment("#workers=0").is_err());
        // Invalid UTF-8 (0xff) in base64url.
        assert!(parse_fragment("#script=_w").is_err());
    }

    #[test]
    fn saved_sessions_are_versioned_and_corruption_is_explained() {
        let saved = SavedSession {
            format: SavedSession::FORMAT.to_string(),
            version: SavedSession::VERSION,
            seed: 42,
            workers: None,
            script: "kubectl get pods\n".to_string(),
        };
        assert_eq!(SavedSession::from_json(&saved.to_json()).unwrap(), saved);
        assert!(
            SavedSession::from_json("{not json")
                .unwrap_err()
                .0
                .starts_with("it is not a kubesim session")
        );
        let old = saved.to_json().replace("\"version\":1", "\"version\":0");
        assert!(
            SavedSession::from_json(&old)
                .unwrap_err()
                .0
                .contains("another version")
        );
    }
}
