//! The text filters scripts pipe kubectl into, with GNU coreutils' behaviour for
//! the options scripts use: `grep [-v -i -E -F -w -c -q -e P]`, `head`/`tail
//! [-n N | -N | -n +N]`, `wc [-l -w -c]`, `sort [-r -u -n]`, `uniq [-c]`,
//! `awk '{print $N, …}'` and `cut -c LIST` / `cut -d D -f LIST` (GNU lists: `1-3,5`,
//! `-4`, `7-`).

use crate::kubectl::{CommandOutput, shell_words};

/// Runs one filter over `input`. An unknown program is bash's "command not found".
pub fn run_filter(command: &str, input: &str) -> CommandOutput {
    let words = match shell_words::split(command) {
        Ok(words) => words,
        Err(error) => return CommandOutput::error(format!("kubesim: {error}")),
    };
    let Some((program, arguments)) = words.split_first() else {
        return CommandOutput::default();
    };
    let result = match program.as_str() {
        "grep" | "egrep" | "fgrep" => grep(program, arguments, input),
        "head" => head_tail(true, arguments, input),
        "tail" => head_tail(false, arguments, input),
        "wc" => wc(arguments, input),
        "sort" => sort(arguments, input),
        "uniq" => uniq(arguments, input),
        "awk" => awk(arguments, input),
        "cut" => cut(arguments, input),
        "cat" if arguments.is_empty() => Ok(CommandOutput::ok(input)),
        _ => {
            return CommandOutput {
                stdout: String::new(),
                stderr: format!(
                    "kubesim: {program}: command not found (kubesim runs kubectl and sim; pipes may go into grep, head, tail, wc, sort, uniq, awk and cut)\n"
                ),
                exit_code: 127,
            };
        }
    };
    match result {
        Ok(output) => output,
        Err(message) => CommandOutput {
            stdout: String::new(),
            stderr: format!("{program}: {message}\n"),
            exit_code: 2,
        },
    }
}

fn lines(input: &str) -> Vec<&str> {
    input.lines().collect()
}

fn joined(lines: &[&str]) -> String {
    let mut text = String::new();
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Short options may be bundled (`-vi`); returns the letters and the rest.
fn short_flags(argument: &str) -> Option<Vec<char>> {
    let letters = argument.strip_prefix('-')?;
    if letters.is_empty() || argument.starts_with("--") {
        return None;
    }
    Some(letters.chars().collect())
}

/// GNU grep's basic regular expressions, turned into the regex crate's syntax:
/// `\|`, `\(`, `\)`, `\+`, `\?`, `\{` are the operators; bare ones are literals.
fn basic_to_extended(pattern: &str) -> String {
    let mut out = String::new();
    let mut characters = pattern.chars();
    while let Some(character) = characters.next() {
        match character {
            '\\' => match characters.next() {
                Some(operator @ ('|' | '(' | ')' | '+' | '?' | '{' | '}')) => out.push(operator),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push_str("\\\\"),
            },
            '|' | '(' | ')' | '+' | '?' | '{' | '}' => {
                out.push('\\');
                out.push(character);
            }
            _ => out.push(character),
        }
    }
    out
}

fn grep(program: &str, arguments: &[String], input: &str) -> Result<CommandOutput, String> {
    let (mut invert, mut ignore_case, mut count, mut quiet, mut word) =
        (false, false, false, false, false);
    let mut extended = program == "egrep";
    let mut fixed = program == "fgrep";
    let mut patterns: Vec<String> = Vec::new();
    let mut rest = arguments.iter();
    while let Some(argument) = rest.next() {
        if argument == "-e" {
            patterns.push(
                rest.next()
                    .ok_or("option requires an argument -- 'e'")?
                    .clone(),
            );
            continue;
        }
        match short_flags(argument) {
            Some(letters) => {
                for letter in letters {
                    match letter {
                        'v' => invert = true,
                        'i' => ignore_case = true,
                        'c' => count = true,
                        'q' => quiet = true,
                        'w' => word = true,
                        'E' => extended = true,
                        'F' => fixed = true,
                        other => return Err(format!("invalid option -- '{other}'")),
                    }
                }
            }
            None if patterns.is_empty() => patterns.push(argument.clone()),
            None => return Err(format!("{argument}: kubesim's grep reads only its input")),
        }
    }
    if patterns.is_empty() {
        return Err("usage: grep [OPTION]... PATTERNS".to_string());
    }
    let alternatives: Vec<String> = patterns
        .iter()
        .map(|pattern| {
            let body = if fixed {
                regex_lite::escape(pattern)
            } else if extended {
                pattern.clone()
            } else {
                basic_to_extended(pattern)
            };
            if word {
                format!(r"\b(?:{body})\b")
            } else {
                format!("(?:{body})")
            }
        })
        .collect();
    let matcher = regex_lite::RegexBuilder::new(&alternatives.join("|"))
        .case_insensitive(ignore_case)
        .build()
        .map_err(|error| format!("invalid pattern: {error}"))?;
    let selected: Vec<&str> = lines(input)
        .into_iter()
        .filter(|line| matcher.is_match(line) != invert)
        .collect();
    let exit_code = if selected.is_empty() { 1 } else { 0 };
    let stdout = if quiet {
        String::new()
    } else if count {
        format!("{}\n", selected.len())
    } else {
        joined(&selected)
    };
    Ok(CommandOutput {
        stdout,
        stderr: String::new(),
        exit_code,
    })
}

fn head_tail(head: bool, arguments: &[String], input: &str) -> Result<CommandOutput, String> {
    let mut count_text: Option<String> = None;
    let mut rest = arguments.iter();
    while let Some(argument) = rest.next() {
        if argument == "-n" {
            count_text = Some(
                rest.next()
                    .ok_or("option requires an argument -- 'n'")?
                    .clone(),
            );
        } else if let Some(value) = argument.strip_prefix("-n") {
            count_text = Some(value.to_string());
        } else if let Some(value) = argument.strip_prefix("--lines=") {
            count_text = Some(value.to_string());
        } else if argument.len() > 1
            && argument.starts_with('-')
            && argument[1..].bytes().all(|b| b.is_ascii_digit())
        {
            count_text = Some(argument[1..].to_string());
        } else {
            return Err(format!(
                "cannot open '{argument}' for reading: kubesim's {} reads only its input",
                if head { "head" } else { "tail" }
            ));
        }
    }
    let text = count_text.unwrap_or_else(|| "10".to_string());
    let from_start = text.starts_with('+');
    let count: usize = text
        .trim_start_matches('+')
        .parse()
        .map_err(|_| format!("invalid number of lines: '{text}'"))?;
    let all = lines(input);
    let selected: &[&str] = if head {
        &all[..count.min(all.len())]
    } else if from_start {
        &all[count.saturating_sub(1).min(all.len())..]
    } else {
        &all[all.len().saturating_sub(count)..]
    };
    Ok(CommandOutput::ok(joined(selected)))
}

fn wc(arguments: &[String], input: &str) -> Result<CommandOutput, String> {
    let line_count = input.matches('\n').count();
    let word_count = input.split_whitespace().count();
    let byte_count = input.len();
    let mut selected = Vec::new();
    for argument in arguments {
        for letter in short_flags(argument)
            .ok_or_else(|| format!("{argument}: kubesim's wc reads only its input"))?
        {
            match letter {
                'l' => selected.push(line_count),
                'w' => selected.push(word_count),
                'c' => selected.push(byte_count),
                other => return Err(format!("invalid option -- '{other}'")),
            }
        }
    }
    if selected.is_empty() {
        // GNU wc pads each count to 7 columns when it prints several.
        return Ok(CommandOutput::ok(format!(
            "{line_count:>7} {word_count:>7} {byte_count:>7}\n"
        )));
    }
    let text: Vec<String> = selected.iter().map(ToString::to_string).collect();
    Ok(CommandOutput::ok(format!("{}\n", text.join(" "))))
}

fn sort(arguments: &[String], input: &str) -> Result<CommandOutput, String> {
    let (mut reverse, mut unique, mut numeric) = (false, false, false);
    for argument in arguments {
        for letter in short_flags(argument).ok_or_else(|| {
            format!("cannot read: {argument}: kubesim's sort reads only its input")
        })? {
            match letter {
                'r' => reverse = true,
                'u' => unique = true,
                'n' => numeric = true,
                other => return Err(format!("invalid option -- '{other}'")),
            }
        }
    }
    let mut all = lines(input);
    if numeric {
        let key = |line: &str| -> f64 {
            let digits: String = line
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
                .collect();
            digits.parse().unwrap_or(0.0)
        };
        all.sort_by(|a, b| key(a).total_cmp(&key(b)).then_with(|| a.cmp(b)));
    } else {
        all.sort();
    }
    if unique {
        all.dedup();
    }
    if reverse {
        all.reverse();
    }
    Ok(CommandOutput::ok(joined(&all)))
}

fn uniq(arguments: &[String], input: &str) -> Result<CommandOutput, String> {
    let count = match arguments {
        [] => false,
        [flag] if flag == "-c" => true,
        _ => return Err("kubesim's uniq takes only -c".to_string()),
    };
    let mut groups: Vec<(usize, &str)> = Vec::new();
    for line in input.lines() {
        match groups.last_mut() {
            Some((n, last)) if *last == line => *n += 1,
            _ => groups.push((1, line)),
        }
    }
    let text: String = groups
        .iter()
        .map(|(n, line)| {
            if count {
                format!("{n:>7} {line}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    Ok(CommandOutput::ok(text))
}

/// `awk '{print $1}'`, `awk '{print $1, $3}'`, `awk 'NR>1 {print $2}'`.
fn awk(arguments: &[String], input: &str) -> Result<CommandOutput, String> {
    let [program] = arguments else {
        return Err("kubesim's awk takes one program, e.g. awk '{print $1}'".to_string());
    };
    let unsupported =
        || format!("kubesim's awk runs only '{{print $N, ...}}' with an optional NR>N: {program}");
    let (condition, body) = match program.find('{') {
        Some(open) => (program[..open].trim(), program[open..].trim()),
        None => return Err(unsupported()),
    };
    let skip_records: usize = match condition {
        "" => 0,
        _ => condition
            .strip_prefix("NR>")
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(unsupported)?,
    };
    let fields_text = body
        .strip_prefix('{')
        .and_then(|b| b.strip_suffix('}'))
        .map(str::trim)
        .and_then(|b| b.strip_prefix("print"))
        .ok_or_else(unsupported)?;
    let mut fields: Vec<usize> = Vec::new();
    for field in fields_text
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        fields.push(
            field
                .strip_prefix('$')
                .and_then(|n| n.parse().ok())
                .ok_or_else(unsupported)?,
        );
    }
    let mut out = String::new();
    for line in input.lines().skip(skip_records) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let values: Vec<&str> = if fields.is_empty() {
            vec![line]
        } else {
            fields
                .iter()
                .map(|&n| {
                    if n == 0 {
                        line
                    } else {
                        words.get(n - 1).copied().unwrap_or("")
                    }
                })
                .collect()
        };
        out.push_str(&values.join(" "));
        out.push('\n');
    }
    Ok(CommandOutput::ok(out))
}

/// One range of a cut list: `N`, `N-M`, `N-` (to the end), `-M` (from 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CutRange {
    first: usize,
    last: Option<usize>,
}

/// What cut selects: bytes (`-b`, and `-c`, which GNU cut treats as bytes), or
/// fields (`-f`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CutUnit {
    Bytes,
    Fields,
}

/// Parses a cut list as GNU's `set_fields` does (`src/set-fields.c`):
/// `1-3,5` → [1-3, 5]; `-4` → [1-4]; `7-` → [7-]; a blank also separates items.
/// Errors carry GNU's messages: `0` → "fields and positions are numbered from 1",
/// `3-2` → "invalid decreasing range", `-` → "invalid range with no endpoint: -".
fn parse_cut_list(list: &str, unit: CutUnit) -> Result<Vec<CutRange>, String> {
    let invalid = match unit {
        CutUnit::Bytes => "invalid byte or character range",
        CutUnit::Fields => "invalid field range",
    };
    let mut ranges = Vec::new();
    for item in list.split([',', ' ', '\t']) {
        if item.is_empty() {
            return Err("fields and positions are numbered from 1".to_string());
        }
        let number = |text: &str| -> Result<usize, String> {
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid.to_string());
            }
            text.parse::<usize>().map_err(|_| match unit {
                CutUnit::Bytes => format!("byte/character offset '{text}' is too large"),
                CutUnit::Fields => format!("field number '{text}' is too large"),
            })
        };
        let range = match item.split_once('-') {
            None => {
                let value = number(item)?;
                CutRange {
                    first: value,
                    last: Some(value),
                }
            }
            Some(("", "")) => return Err("invalid range with no endpoint: -".to_string()),
            Some(("", last)) => CutRange {
                first: 1,
                last: Some(number(last)?),
            },
            Some((first, "")) => CutRange {
                first: number(first)?,
                last: None,
            },
            Some((first, last)) => CutRange {
                first: number(first)?,
                last: Some(number(last)?),
            },
        };
        if range.first == 0 {
            return Err(match (unit, range.last) {
                (_, Some(0)) => "fields and positions are numbered from 1".to_string(),
                (CutUnit::Bytes, _) => "byte/character positions are numbered from 1".to_string(),
                (CutUnit::Fields, _) => "fields are numbered from 1".to_string(),
            });
        }
        if range.last.is_some_and(|last| last < range.first) {
            return Err("invalid decreasing range".to_string());
        }
        ranges.push(range);
    }
    Ok(ranges)
}

fn cut_selected(ranges: &[CutRange], position: usize, complement: bool) -> bool {
    let inside = ranges
        .iter()
        .any(|r| position >= r.first && r.last.is_none_or(|last| position <= last));
    inside != complement
}

/// GNU cut: `-b LIST`, `-c LIST`, `-f LIST [-d D] [-s]`, `--complement`,
/// `--output-delimiter=S`. Selected pieces come out in input order, each once
/// (`cut -f 3,1` prints field 1 then field 3). Usage errors exit 1 with GNU's
/// "Try 'cut --help'" line.
fn cut(arguments: &[String], input: &str) -> Result<CommandOutput, String> {
    let usage = |message: &str| {
        Ok(CommandOutput {
            stdout: String::new(),
            stderr: format!("cut: {message}\nTry 'cut --help' for more information.\n"),
            exit_code: 1,
        })
    };
    let mut delimiter: Option<char> = None;
    let mut output_delimiter: Option<String> = None;
    let mut list: Option<(CutUnit, String)> = None;
    let mut only_delimited = false;
    let mut complement = false;
    let mut rest = arguments.iter();
    while let Some(argument) = rest.next() {
        if let Some(value) = argument.strip_prefix("--output-delimiter=") {
            output_delimiter = Some(value.to_string());
            continue;
        }
        match argument.as_str() {
            "--complement" => {
                complement = true;
                continue;
            }
            "-s" | "--only-delimited" => {
                only_delimited = true;
                continue;
            }
            "-n" => continue,
            _ => {}
        }
        let (flag, inline) = if argument.len() > 2 && argument.starts_with('-') {
            (&argument[..2], Some(argument[2..].to_string()))
        } else {
            (argument.as_str(), None)
        };
        let mut value = || -> Result<String, String> {
            match &inline {
                Some(value) => Ok(value.clone()),
                None => rest
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("option requires an argument -- '{}'", &flag[1..])),
            }
        };
        let unit = match flag {
            "-d" => {
                let text = value()?;
                let mut characters = text.chars();
                delimiter = match (characters.next(), characters.next()) {
                    (Some(c), None) => Some(c),
                    (None, _) => Some('\0'),
                    _ => return usage("the delimiter must be a single character"),
                };
                continue;
            }
            "-b" | "-c" => CutUnit::Bytes,
            "-f" => CutUnit::Fields,
            _ if flag.starts_with("--") || !flag.starts_with('-') => {
                return Err(format!("kubesim's cut reads only its input: {argument}"));
            }
            _ => return usage(&format!("invalid option -- '{}'", &flag[1..2])),
        };
        let text = value()?;
        if list.is_some() {
            return usage("only one list may be specified");
        }
        list = Some((unit, text));
    }
    let Some((unit, text)) = list else {
        return usage("you must specify a list of bytes, characters, or fields");
    };
    if unit == CutUnit::Bytes && delimiter.is_some() {
        return usage("an input delimiter may be specified only when operating on fields");
    }
    if unit == CutUnit::Bytes && only_delimited {
        return usage(
            "suppressing non-delimited lines makes sense\n\tonly when operating on fields",
        );
    }
    let ranges = match parse_cut_list(&text, unit) {
        Ok(ranges) => ranges,
        Err(message) => return usage(&message),
    };
    let delimiter = delimiter.unwrap_or('\t');
    let mut out = String::new();
    for line in input.lines() {
        match unit {
            CutUnit::Bytes => {
                let bytes: Vec<u8> = line
                    .bytes()
                    .enumerate()
                    .filter(|(index, _)| cut_selected(&ranges, index + 1, complement))
                    .map(|(_, byte)| byte)
                    .collect();
                // GNU cut's -c counts bytes; a split character shows as U+FFFD.
                out.push_str(&String::from_utf8_lossy(&bytes));
            }
            CutUnit::Fields => {
                if !line.contains(delimiter) {
                    if only_delimited {
                        continue;
                    }
                    out.push_str(line);
                } else {
                    let separator = output_delimiter
                        .clone()
                        .unwrap_or_else(|| delimiter.to_string());
                    let values: Vec<&str> = line
                        .split(delimiter)
                        .enumerate()
                        .filter(|(index, _)| cut_selected(&ranges, index + 1, complement))
                        .map(|(_, value)| value)
                        .collect();
                    out.push_str(&values.join(&separator));
                }
            }
        }
        out.push('\n');
    }
    Ok(CommandOutput::ok(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "NAME        READY   STATUS    RESTARTS   AGE\nweb-1       1/1     Running   0          5m\nweb-2       0/1     Pending   0          5m\napi-1       1/1     Running   2          1h\n";

    fn out(command: &str) -> (String, i32) {
        let output = run_filter(command, TABLE);
        (output.stdout + &output.stderr, output.exit_code)
    }

    #[test]
    fn grep_like_gnu_grep() {
        assert_eq!(out("grep Running").0.lines().count(), 2);
        assert_eq!(out("grep -v Running").0.lines().count(), 2);
        assert_eq!(out("grep -c web"), ("2\n".to_string(), 0));
        assert_eq!(out("grep -ci PENDING"), ("1\n".to_string(), 0));
        assert_eq!(out("grep -E 'web-1|api'").0.lines().count(), 2);
        assert_eq!(out("grep 'web-1\\|api'").0.lines().count(), 2);
        assert_eq!(out("grep 'a|b'"), (String::new(), 1));
        assert_eq!(out("grep -q web"), (String::new(), 0));
        assert_eq!(out("grep nothing"), (String::new(), 1));
        assert_eq!(out("grep -w web").0.lines().count(), 2);
        assert_eq!(out("grep -w we"), (String::new(), 1));
    }

    #[test]
    fn head_tail_wc_sort_awk_cut() {
        assert_eq!(
            out("head -n 2").0,
            "NAME        READY   STATUS    RESTARTS   AGE\nweb-1       1/1     Running   0          5m\n"
        );
        assert_eq!(out("head -1").0.lines().count(), 1);
        assert_eq!(
            out("tail -n 1").0,
            "api-1       1/1     Running   2          1h\n"
        );
        assert_eq!(out("tail -n +2").0.lines().count(), 3);
        assert_eq!(out("wc -l").0, "4\n");
        assert_eq!(out("awk '{print $1}'").0, "NAME\nweb-1\nweb-2\napi-1\n");
        assert_eq!(
            out("awk 'NR>1 {print $1, $3}'").0,
            "web-1 Running\nweb-2 Pending\napi-1 Running\n"
        );
        let sorted = run_filter("sort -r", "b\na\nc\n").stdout;
        assert_eq!(sorted, "c\nb\na\n");
        assert_eq!(
            run_filter("uniq -c", "a\na\nb\n").stdout,
            "      2 a\n      1 b\n"
        );
        assert_eq!(
            run_filter("cut -d / -f 2", "pod/web\npod/api\n").stdout,
            "web\napi\n"
        );
        assert_eq!(run_filter("cut -d/ -f2", "pod/web\n").stdout, "web\n");
    }

    #[test]
    fn cut_lists_as_gnu_cut() {
        let line = "2025-01-01T00:00:05Z web-1 started\n";
        let cut = |command: &str| run_filter(command, line).stdout;
        assert_eq!(cut("cut -c1-10"), "2025-01-01\n");
        assert_eq!(cut("cut -c 1-4,6-7"), "202501\n");
        assert_eq!(cut("cut -c -4"), "2025\n");
        assert_eq!(cut("cut -c 22-"), "web-1 started\n");
        assert_eq!(cut("cut -c 1"), "2\n");
        assert_eq!(cut("cut -b 1-4"), "2025\n");
        // Overlapping and unordered items select each position once, in order.
        assert_eq!(cut("cut -c 3,1,1-2"), "202\n");
        assert_eq!(cut("cut -c 100-"), "\n");
        assert_eq!(cut("cut -c 1-60"), line);
        assert_eq!(cut("cut --complement -c 1-21"), "web-1 started\n");
        // Fields take the same lists and keep input order.
        assert_eq!(cut("cut -d ' ' -f 3,1"), "2025-01-01T00:00:05Z started\n");
        assert_eq!(cut("cut -d ' ' -f 2-"), "web-1 started\n");
        assert_eq!(
            cut("cut -d ' ' -f -2 --output-delimiter=,"),
            "2025-01-01T00:00:05Z,web-1\n"
        );
        assert_eq!(run_filter("cut -d: -f1 -s", "a:b\nplain\n").stdout, "a\n");
        // GNU's errors (src/set-fields.c, src/cut.c), exit 1.
        let error = |command: &str| {
            let output = run_filter(command, line);
            assert_eq!(output.exit_code, 1, "{command}");
            output.stderr.lines().next().unwrap_or_default().to_string()
        };
        assert_eq!(
            error("cut -c 0"),
            "cut: fields and positions are numbered from 1"
        );
        assert_eq!(
            error("cut -c 0-3"),
            "cut: byte/character positions are numbered from 1"
        );
        assert_eq!(error("cut -f 0-3"), "cut: fields are numbered from 1");
        assert_eq!(error("cut -c 5-3"), "cut: invalid decreasing range");
        assert_eq!(error("cut -c -"), "cut: invalid range with no endpoint: -");
        assert_eq!(error("cut -c x"), "cut: invalid byte or character range");
        assert_eq!(error("cut -f 1-2-3"), "cut: invalid field range");
        assert_eq!(
            error("cut -c 1 -f 2"),
            "cut: only one list may be specified"
        );
        assert_eq!(
            error("cut -d: -c 1"),
            "cut: an input delimiter may be specified only when operating on fields"
        );
        assert_eq!(
            error("cut -d:"),
            "cut: you must specify a list of bytes, characters, or fields"
        );
    }

    #[test]
    fn unknown_programs_and_options() {
        assert_eq!(out("jq .items").1, 127);
        assert_eq!(
            out("grep -z web"),
            ("grep: invalid option -- 'z'\n".to_string(), 2)
        );
        assert_eq!(
            out("head -n many"),
            ("head: invalid number of lines: 'many'\n".to_string(), 2)
        );
        assert!(
            out("awk '{sum += $4} END {print sum}'")
                .0
                .starts_with("awk: kubesim's awk runs only")
        );
    }
}
