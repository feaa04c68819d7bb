//! Script parsing: a `.kubesim` script is a shell-like list of command lines.
//!
//! - One command per line; blank lines and `#` comments are skipped, and a `#`
//!   that starts a word ends the line as in a shell.
//! - A line ending in `\` continues on the next line.
//! - `<<WORD`, `<<'WORD'`, `<<"WORD"` and `<<-WORD` start a here-document: the
//!   following lines up to one that is exactly `WORD` are the command's stdin
//!   (`<<-` strips leading tabs first). The body is taken literally: kubesim does
//!   no `$VAR` expansion.
//! - `cat <<EOF | kubectl apply -f -` is read as the here-document piped into the
//!   command after `|`, the usual way to apply an inline manifest.

/// One command of a script, with what a terminal would have echoed for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptCommand {
    /// The 1-based line the command starts on.
    pub line_number: usize,
    /// The command line handed to the interpreter (here-document marker removed).
    pub command: String,
    /// The here-document body, if any, with a newline after every line.
    pub stdin: Option<String>,
    /// The lines as typed: the first is echoed after `$ `, the rest after `> `.
    pub echo: Vec<String>,
}

/// A problem the shell would warn about but run through, as bash does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptWarning {
    pub line_number: usize,
    pub message: String,
}

/// A parsed script: its commands in order and any warnings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<ScriptCommand>,
    pub warnings: Vec<ScriptWarning>,
}

/// A here-document marker found on a command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeredocMarker {
    /// The word that ends the body.
    pub delimiter: String,
    /// `<<-`: leading tabs are stripped from the body and the delimiter line.
    pub strip_tabs: bool,
    /// The command line without the marker.
    pub command: String,
}

/// Parses a whole script.
pub fn parse(text: &str) -> Script {
    let lines: Vec<&str> = text.lines().collect();
    let mut script = Script::default();
    let mut index = 0;
    while index < lines.len() {
        let line_number = index + 1;
        let mut echo = vec![lines[index].to_string()];
        let mut logical = lines[index].to_string();
        index += 1;
        // Backslash-newline joins lines, as in a shell.
        while ends_with_continuation(&logical) && index < lines.len() {
            // Backslash-newline vanishes, as in a shell: `a\` + `b` is `ab`.
            logical.pop();
            logical.push_str(lines[index]);
            echo.push(lines[index].to_string());
            index += 1;
        }
        let logical = strip_comment(&logical);
        let trimmed = logical.trim();
        if trimmed.is_empty() {
            continue;
        }
        let mut command = trimmed.to_string();
        let mut stdin = None;
        if let Some(marker) = find_heredoc(trimmed) {
            let mut body = String::new();
            let mut terminated = false;
            while index < lines.len() {
                let raw = lines[index];
                echo.push(raw.to_string());
                index += 1;
                let content = if marker.strip_tabs {
                    raw.trim_start_matches('\t')
                } else {
                    raw
                };
                if content == marker.delimiter {
                    terminated = true;
                    break;
                }
                body.push_str(content);
                body.push('\n');
            }
            if !terminated {
                script.warnings.push(ScriptWarning {
                    line_number,
                    message: format!(
                        "here-document at line {line_number} delimited by end-of-file (wanted `{}')",
                        marker.delimiter
                    ),
                });
            }
            command = marker.command;
            stdin = Some(body);
        }
        script.commands.push(ScriptCommand {
            line_number,
            command,
            stdin,
            echo,
        });
    }
    script
}

fn ends_with_continuation(line: &str) -> bool {
    let backslashes = line.chars().rev().take_while(|c| *c == '\\').count();
    backslashes % 2 == 1
}

/// Quote state while scanning a command line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Single,
    Double,
}

/// Calls `visit(byte_index, char)` for every character outside quotes and escapes.
fn for_each_unquoted(line: &str, mut visit: impl FnMut(usize, char) -> bool) {
    let mut quote = Quote::None;
    let mut escaped = false;
    for (index, character) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, character) {
            (Quote::Single, '\'') => quote = Quote::None,
            (Quote::Single, _) => {}
            (Quote::Double, '"') => quote = Quote::None,
            (Quote::Double, '\\') => escaped = true,
            (Quote::Double, _) => {}
            (Quote::None, '\\') => escaped = true,
            (Quote::None, '\'') => quote = Quote::Single,
            (Quote::None, '"') => quote = Quote::Double,
            (Quote::None, _) => {
                if !visit(index, character) {
                    return;
                }
            }
        }
    }
}

/// Drops a `#` comment: a `#` outside quotes at the start of a word.
fn strip_comment(line: &str) -> String {
    let mut cut = None;
    for_each_unquoted(line, |index, character| {
        let at_word_start = index == 0
            || line[..index]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace);
        if character == '#' && at_word_start {
            cut = Some(index);
            return false;
        }
        true
    });
    match cut {
        Some(index) => line[..index].to_string(),
        None => line.to_string(),
    }
}

/// Finds a `<<WORD` marker on a command line, and rewrites `cat <<WORD | CMD` as `CMD`.
pub fn find_heredoc(line: &str) -> Option<HeredocMarker> {
    let mut start = None;
    for_each_unquoted(line, |index, character| {
        if character == '<' && line[index..].starts_with("<<") && !line[index..].starts_with("<<<")
        {
            start = Some(index);
            return false;
        }
        true
    });
    let start = start?;
    let mut rest = &line[start + 2..];
    let strip_tabs = rest.starts_with('-');
    if strip_tabs {
        rest = &rest[1..];
    }
    let rest = rest.trim_start();
    let (delimiter, after) = if let Some(quoted) = rest.strip_prefix('\'') {
        let end = quoted.find('\'')?;
        (quoted[..end].to_string(), &quoted[end + 1..])
    } else if let Some(quoted) = rest.strip_prefix('"') {
        let end = quoted.find('"')?;
        (quoted[..end].to_string(), &quoted[end + 1..])
    } else {
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '|' || c == ';')
            .unwrap_or(rest.len());
        (rest[..end].replace('\\', ""), &rest[end..])
    };
    if delimiter.is_empty() {
        return None;
    }
    let before = line[..start].trim_end();
    let after = after.trim();
    let command = match after.strip_prefix('|') {
        // `cat <<EOF | kubectl apply -f -`: the body goes to the piped command.
        Some(piped) if before == "cat" => piped.trim().to_string(),
        _ => format!("{before} {after}").trim().to_string(),
    };
    Some(HeredocMarker {
        delimiter,
        strip_tabs,
        command,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_comments_and_blank_lines() {
        let script = parse("# setup\n\nkubectl get pods   # list them\n  sim advance 30s\n");
        let commands: Vec<(&str, usize)> = script
            .commands
            .iter()
            .map(|command| (command.command.as_str(), command.line_number))
            .collect();
        assert_eq!(commands, [("kubectl get pods", 3), ("sim advance 30s", 4)]);
        assert_eq!(script.commands[0].echo, ["kubectl get pods   # list them"]);
    }

    #[test]
    fn a_hash_inside_quotes_or_a_word_is_kept() {
        let script = parse("kubectl annotate pod web note='a # b' x=y#z\n");
        assert_eq!(
            script.commands[0].command,
            "kubectl annotate pod web note='a # b' x=y#z"
        );
    }

    #[test]
    fn heredocs_in_every_spelling() {
        let text = "kubectl apply -f - <<EOF\nkind: Pod\nEOF\nkubectl apply -f - <<'YAML'\na: $b\nYAML\nkubectl apply -f - <<-END\n\tkind: Service\n\tEND\ncat <<EOF | kubectl create -f -\nx: 1\nEOF\n";
        let script = parse(text);
        assert!(script.warnings.is_empty());
        let got: Vec<(&str, Option<&str>)> = script
            .commands
            .iter()
            .map(|command| (command.command.as_str(), command.stdin.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("kubectl apply -f -", Some("kind: Pod\n")),
                ("kubectl apply -f -", Some("a: $b\n")),
                ("kubectl apply -f -", Some("kind: Service\n")),
                ("kubectl create -f -", Some("x: 1\n")),
            ]
        );
        assert_eq!(
            script.commands[0].echo,
            ["kubectl apply -f - <<EOF", "kind: Pod", "EOF"]
        );
    }

    #[test]
    fn an_unterminated_heredoc_takes_the_rest_and_warns_as_bash_does() {
        let script = parse("sim time\nkubectl apply -f - <<EOF\nkind: Pod\n");
        assert_eq!(script.commands[1].stdin.as_deref(), Some("kind: Pod\n"));
        assert_eq!(
            script.warnings,
            [ScriptWarning {
                line_number: 2,
                message: "here-document at line 2 delimited by end-of-file (wanted `EOF')"
                    .to_string()
            }]
        );
    }

    #[test]
    fn backslash_continues_a_line() {
        let script = parse("kubectl create deployment web \\\n  --image=nginx\nsim time\n");
        assert_eq!(
            script.commands[0].command,
            "kubectl create deployment web   --image=nginx"
        );
        assert_eq!(script.commands[0].echo.len(), 2);
        assert_eq!(script.commands[1].line_number, 3);
    }

    #[test]
    fn heredoc_marker_inside_quotes_is_not_one() {
        assert_eq!(find_heredoc("kubectl annotate pod x a='<<EOF'"), None);
        assert_eq!(find_heredoc("kubectl get pods"), None);
    }
}
