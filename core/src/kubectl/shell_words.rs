//! Splits a command line into words as a POSIX shell would: whitespace
//! separates words, single quotes keep everything literal, double quotes keep
//! whitespace (a backslash escapes `"`, `\`, `$` and a backquote inside them),
//! and a backslash outside quotes escapes the next character.

/// A command line with an unterminated quote.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unterminated {quote} quote in command line")]
pub struct UnterminatedQuote {
    pub quote: &'static str,
}

pub fn split(line: &str) -> Result<Vec<String>, UnterminatedQuote> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut characters = line.chars();
    while let Some(character) = characters.next() {
        match character {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match characters.next() {
                        Some('\'') => break,
                        Some(quoted) => word.push(quoted),
                        None => return Err(UnterminatedQuote { quote: "single" }),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match characters.next() {
                        Some('"') => break,
                        Some('\\') => match characters.next() {
                            Some(escaped @ ('"' | '\\' | '$' | '`')) => word.push(escaped),
                            Some(other) => {
                                word.push('\\');
                                word.push(other);
                            }
                            None => return Err(UnterminatedQuote { quote: "double" }),
                        },
                        Some(quoted) => word.push(quoted),
                        None => return Err(UnterminatedQuote { quote: "double" }),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(escaped) = characters.next() {
                    word.push(escaped);
                }
            }
            other => {
                in_word = true;
                word.push(other);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(
            split("kubectl get pods").unwrap(),
            ["kubectl", "get", "pods"]
        );
        assert_eq!(split("  a   b ").unwrap(), ["a", "b"]);
        assert_eq!(
            split(r#"sh -c "echo done; sleep 5""#).unwrap(),
            ["sh", "-c", "echo done; sleep 5"]
        );
        assert_eq!(
            split("-o jsonpath='{.items[*].metadata.name}'").unwrap(),
            ["-o", "jsonpath={.items[*].metadata.name}"]
        );
        assert_eq!(split(r#"a\ b "x\"y" ''"#).unwrap(), ["a b", "x\"y", ""]);
        assert!(split("echo 'oops").is_err());
        assert!(split("echo \"oops").is_err());
    }
}
