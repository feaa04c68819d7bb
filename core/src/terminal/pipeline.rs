//! The bit of shell syntax scripts use around kubectl: `;`, `&&` and `||` lists,
//! `|` pipelines into text filters (`grep`, `head`, `tail`, `wc`, `sort`, `uniq`,
//! `awk '{print $N}'`, `cut`, see [`super::filters`]), and the redirections
//! `2>&1`, `>/dev/null` and `2>/dev/null`. Everything else a shell does (variables,
//! `$(...)`, background jobs) is an error, not a guess.

/// How a list element follows the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    /// The first element, or after `;`.
    Always,
    /// After `&&`: runs when the previous element succeeded.
    And,
    /// After `||`: runs when the previous element failed.
    Or,
}

/// One pipeline: a kubectl or sim command, then filters fed its stdout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    pub connector: Connector,
    /// The command line for the interpreter.
    pub command: String,
    /// Each filter as its command line (`grep -v web`).
    pub filters: Vec<String>,
    /// `2>&1` on the command: its stderr goes down the pipe too.
    pub stderr_to_stdout: bool,
    /// `>/dev/null` / `2>/dev/null` on the command.
    pub discard_stdout: bool,
    pub discard_stderr: bool,
}

/// Splits a line into pipelines. Quotes and backslashes are respected; the
/// interpreter splits each command into words itself.
pub fn split(line: &str) -> Result<Vec<Pipeline>, String> {
    let mut pipelines = Vec::new();
    let mut stages: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut connector = Connector::Always;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let characters: Vec<char> = line.chars().collect();
    let mut index = 0;
    let finish_pipeline = |stages: &mut Vec<String>,
                           current: &mut String,
                           connector: Connector,
                           pipelines: &mut Vec<Pipeline>|
     -> Result<(), String> {
        stages.push(std::mem::take(current));
        let pipeline = build(connector, std::mem::take(stages))?;
        pipelines.push(pipeline);
        Ok(())
    };
    while index < characters.len() {
        let character = characters[index];
        let next = characters.get(index + 1).copied();
        if escaped {
            escaped = false;
            current.push(character);
            index += 1;
            continue;
        }
        match (quote, character) {
            (Some(open), _) if character == open => {
                quote = None;
                current.push(character);
            }
            (Some('"'), '\\') => {
                escaped = true;
                current.push(character);
            }
            (Some(_), _) => current.push(character),
            (None, '\\') => {
                escaped = true;
                current.push(character);
            }
            (None, '\'' | '"') => {
                quote = Some(character);
                current.push(character);
            }
            (None, ';') => {
                finish_pipeline(&mut stages, &mut current, connector, &mut pipelines)?;
                connector = Connector::Always;
            }
            (None, '&') if next == Some('&') => {
                finish_pipeline(&mut stages, &mut current, connector, &mut pipelines)?;
                connector = Connector::And;
                index += 1;
            }
            (None, '|') if next == Some('|') => {
                finish_pipeline(&mut stages, &mut current, connector, &mut pipelines)?;
                connector = Connector::Or;
                index += 1;
            }
            (None, '|') => stages.push(std::mem::take(&mut current)),
            (None, '&') if current.ends_with('>') => current.push(character),
            (None, '&') => {
                return Err(
                    "kubesim: background jobs (&) are not supported: commands run one after another"
                        .to_string(),
                );
            }
            (None, '$') if next == Some('(') => {
                return Err("kubesim: command substitution $(...) is not supported".to_string());
            }
            (None, '`') => {
                return Err("kubesim: command substitution `...` is not supported".to_string());
            }
            _ => current.push(character),
        }
        index += 1;
    }
    if !current.trim().is_empty() || !stages.is_empty() || pipelines.is_empty() {
        finish_pipeline(&mut stages, &mut current, connector, &mut pipelines)?;
    }
    pipelines.retain(|pipeline| !pipeline.command.is_empty() || !pipeline.filters.is_empty());
    Ok(pipelines)
}

fn build(connector: Connector, stages: Vec<String>) -> Result<Pipeline, String> {
    let mut stages = stages.into_iter().map(|stage| stage.trim().to_string());
    let first = stages.next().unwrap_or_default();
    let filters: Vec<String> = stages.collect();
    if filters.iter().any(String::is_empty) || (first.is_empty() && !filters.is_empty()) {
        return Err("kubesim: syntax error near unexpected token `|'".to_string());
    }
    let mut pipeline = Pipeline {
        connector,
        command: String::new(),
        filters,
        stderr_to_stdout: false,
        discard_stdout: false,
        discard_stderr: false,
    };
    let raw = raw_words(&first);
    let mut words: Vec<&str> = Vec::new();
    let mut tokens = raw.iter().map(String::as_str).peekable();
    while let Some(token) = tokens.next() {
        match token {
            "2>&1" => pipeline.stderr_to_stdout = true,
            ">/dev/null" | "1>/dev/null" => pipeline.discard_stdout = true,
            "2>/dev/null" => pipeline.discard_stderr = true,
            "&>/dev/null" => {
                pipeline.discard_stdout = true;
                pipeline.discard_stderr = true;
            }
            ">" | "1>" | "2>" if tokens.peek() == Some(&"/dev/null") => {
                tokens.next();
                if token == "2>" {
                    pipeline.discard_stderr = true;
                } else {
                    pipeline.discard_stdout = true;
                }
            }
            _ if is_redirection(token) => {
                return Err(format!(
                    "kubesim: redirection {token} is not supported (only 2>&1 and >/dev/null)"
                ));
            }
            _ => words.push(token),
        }
    }
    pipeline.command = words.join(" ");
    Ok(pipeline)
}

/// Splits at unquoted whitespace, keeping each word's quotes as written.
fn raw_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for character in text.chars() {
        if escaped {
            escaped = false;
            word.push(character);
            continue;
        }
        match (quote, character) {
            (None, c) if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                continue;
            }
            (None, '\\') | (Some('"'), '\\') => escaped = true,
            (None, '\'' | '"') => quote = Some(character),
            (Some(open), c) if c == open => quote = None,
            _ => {}
        }
        word.push(character);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// A word that starts like a redirection outside quotes.
fn is_redirection(token: &str) -> bool {
    let rest = token.trim_start_matches(|c: char| c.is_ascii_digit() || c == '&');
    rest.starts_with('>') || rest.starts_with('<')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_pipelines_and_redirections() {
        let pipelines = split(
            "kubectl get pods | grep web | wc -l && sim advance 5m; kubectl get x 2>&1 || sim time",
        )
        .unwrap();
        assert_eq!(pipelines.len(), 4);
        assert_eq!(pipelines[0].command, "kubectl get pods");
        assert_eq!(pipelines[0].filters, ["grep web", "wc -l"]);
        assert_eq!(pipelines[1].connector, Connector::And);
        assert_eq!(pipelines[2].connector, Connector::Always);
        assert!(pipelines[2].stderr_to_stdout);
        assert_eq!(pipelines[2].command, "kubectl get x");
        assert_eq!(pipelines[3].connector, Connector::Or);
    }

    #[test]
    fn quotes_keep_shell_characters() {
        let pipelines =
            split("kubectl get pods -l 'app in (a|b)' -o 'jsonpath={.items[*]}  x'").unwrap();
        assert_eq!(pipelines.len(), 1);
        assert!(pipelines[0].filters.is_empty());
        assert_eq!(
            pipelines[0].command,
            "kubectl get pods -l 'app in (a|b)' -o 'jsonpath={.items[*]}  x'"
        );
    }

    #[test]
    fn what_is_not_supported_says_so() {
        assert_eq!(
            split("kubectl get pods > pods.txt").unwrap_err(),
            "kubesim: redirection > is not supported (only 2>&1 and >/dev/null)"
        );
        assert!(split("kubectl get pods &").is_err());
        assert!(split("kubectl get pod $(whoami)").is_err());
        assert_eq!(
            split("kubectl get pods | | wc").unwrap_err(),
            "kubesim: syntax error near unexpected token `|'"
        );
        let quiet = split("kubectl get pods >/dev/null 2>/dev/null").unwrap();
        assert!(quiet[0].discard_stdout && quiet[0].discard_stderr);
    }
}
