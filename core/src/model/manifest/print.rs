//! `kubectl get -o yaml` and `-o json` printing.
//!
//! kubectl prints YAML with go-yaml v2 (`sigs.k8s.io/yaml`): sorted keys, 2-space
//! indent, sequences not indented under their key, strings that would read back
//! as another type double-quoted (`"80"`, `"yes"`, `""`), strings the plain style
//! cannot carry single-quoted (`'a: b'`), multi-line strings as literal blocks.
//! serde_yaml's emitter differs on several of these (`'80'`, plain `yes`), so the
//! emitter here is our own, following go-yaml's `encode.go` and libyaml's
//! `yaml_emitter_analyze_scalar`. Long lines are not folded.

use serde_json::{Map, Value};

use crate::model::object::Object;

/// `kubectl get -o yaml` of one object.
pub fn to_yaml(object: &Object) -> String {
    value_to_yaml(&object.to_value())
}

/// `kubectl get -o json` of one object.
pub fn to_json(object: &Object) -> String {
    value_to_json(&object.to_value())
}

/// `kubectl get -o yaml` of several objects: a `kind: List`.
pub fn to_list_yaml(objects: &[Object]) -> String {
    value_to_yaml(&list_value(objects))
}

/// `kubectl get -o json` of several objects: a `kind: List`.
pub fn to_list_json(objects: &[Object]) -> String {
    value_to_json(&list_value(objects))
}

fn list_value(objects: &[Object]) -> Value {
    let mut metadata = Map::new();
    metadata.insert("resourceVersion".to_string(), Value::String(String::new()));
    let mut list = Map::new();
    list.insert("apiVersion".to_string(), Value::String("v1".to_string()));
    list.insert(
        "items".to_string(),
        Value::Array(objects.iter().map(Object::to_value).collect()),
    );
    list.insert("kind".to_string(), Value::String("List".to_string()));
    list.insert("metadata".to_string(), Value::Object(metadata));
    Value::Object(list)
}

/// Go's `json.MarshalIndent(v, "", "    ")`: sorted keys, 4-space indent, and
/// `<`, `>`, `&` escaped as Go's encoder does by default.
pub fn value_to_json(value: &Value) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    if serde::Serialize::serialize(value, &mut serializer).is_err() {
        return String::new();
    }
    // Outside strings JSON has none of these characters, so replacing them
    // everywhere only touches string contents.
    String::from_utf8_lossy(&out)
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
        + "\n"
}

/// Any JSON data as go-yaml v2 prints it.
pub fn value_to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => emit_map(map, 0, false, &mut out),
        Value::Array(items) if !items.is_empty() => emit_seq(items, 0, false, &mut out),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A mapping at `indent`; when `inline_first`, the first key continues the
/// current line (after `- `).
fn emit_map(map: &Map<String, Value>, indent: usize, inline_first: bool, out: &mut String) {
    for (index, (key, value)) in map.iter().enumerate() {
        if index > 0 || !inline_first {
            pad(out, indent);
        }
        out.push_str(&string_scalar(key, indent));
        out.push(':');
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                emit_map(inner, indent + 2, false, out);
            }
            // go-yaml puts a mapping's sequence at the key's own indentation.
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                emit_seq(items, indent, false, out);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn emit_seq(items: &[Value], indent: usize, inline_first: bool, out: &mut String) {
    for (index, item) in items.iter().enumerate() {
        if index > 0 || !inline_first {
            pad(out, indent);
        }
        out.push_str("- ");
        match item {
            Value::Object(inner) if !inner.is_empty() => emit_map(inner, indent + 2, true, out),
            Value::Array(inner) if !inner.is_empty() => emit_seq(inner, indent + 2, true, out),
            other => {
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

/// A scalar (or empty collection). `block_indent` is where a literal block's
/// lines go.
fn scalar(value: &Value, block_indent: usize) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string_scalar(s, block_indent),
        Value::Array(_) => "[]".to_string(),
        Value::Object(_) => "{}".to_string(),
    }
}

fn string_scalar(s: &str, block_indent: usize) -> String {
    let analysis = analyze(s);
    if s.contains('\n') {
        if analysis.block_allowed {
            return literal_block(s, block_indent);
        }
        return double_quoted(s);
    }
    if resolves_to_non_string(s) {
        return double_quoted(s);
    }
    if analysis.plain_allowed {
        s.to_string()
    } else if analysis.single_quoted_allowed {
        format!("'{}'", s.replace('\'', "''"))
    } else {
        double_quoted(s)
    }
}

struct Analysis {
    plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// libyaml's `yaml_emitter_analyze_scalar`, block context only.
fn analyze(s: &str) -> Analysis {
    let mut analysis = Analysis {
        plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if s.is_empty() {
        analysis.plain_allowed = false;
        return analysis;
    }
    if s.starts_with("---") || s.starts_with("...") {
        analysis.plain_allowed = false;
    }
    let chars: Vec<char> = s.chars().collect();
    let special =
        |c: char| !(c == '\n' || (' '..='~').contains(&c) || (c as u32 >= 0xA0 && c != '\u{feff}'));
    let blank_or_end = |i: usize| chars.get(i).is_none_or(|c| *c == ' ' || *c == '\n');
    for (i, &c) in chars.iter().enumerate() {
        if special(c) {
            analysis.plain_allowed = false;
            analysis.single_quoted_allowed = false;
            analysis.block_allowed = false;
        }
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => analysis.plain_allowed = false,
                '?' | ':' | '-' if blank_or_end(1) => analysis.plain_allowed = false,
                _ => {}
            }
        } else {
            if c == ':' && blank_or_end(i + 1) {
                analysis.plain_allowed = false;
            }
            if c == '#' && chars[i - 1] == ' ' {
                analysis.plain_allowed = false;
            }
        }
        // A space before a line break (or at either end) needs quoting.
        if c == ' ' && chars.get(i + 1) == Some(&'\n') {
            analysis.plain_allowed = false;
            analysis.single_quoted_allowed = false;
            analysis.block_allowed = false;
        }
    }
    if chars[0] == ' ' || chars[chars.len() - 1] == ' ' {
        analysis.plain_allowed = false;
    }
    if chars[chars.len() - 1] == ' ' {
        analysis.block_allowed = false;
    }
    // Literal blocks whose first line starts with a space need an indentation
    // indicator; go-yaml's output then differs by version, so quote instead.
    if chars[0] == ' ' || chars[0] == '\n' {
        analysis.block_allowed = false;
    }
    if s.contains('\n') {
        analysis.plain_allowed = false;
        analysis.single_quoted_allowed = false;
    }
    analysis
}

fn literal_block(s: &str, indent: usize) -> String {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let mut out = format!("|{chomp}");
    let body = if trailing == 1 { &s[..s.len() - 1] } else { s };
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.extend(std::iter::repeat_n(' ', indent));
            out.push_str(line);
        }
    }
    out
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{feff}' => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// go-yaml v2's `resolve`: would this plain text read back as something other
/// than a string (YAML 1.1 booleans, null, numbers, base-60 floats, merge key)?
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF", "<<",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let Some(first) = s.chars().next() else {
        return true;
    };
    if !(first.is_ascii_digit() || matches!(first, '+' | '-' | '.')) {
        return false;
    }
    let plain: String = s.chars().filter(|c| *c != '_').collect();
    let unsigned = plain.trim_start_matches(['+', '-']);
    let all = |text: &str, f: fn(char) -> bool| !text.is_empty() && text.chars().all(f);
    let is_int = all(unsigned, |c| c.is_ascii_digit())
        || unsigned
            .strip_prefix("0x")
            .is_some_and(|h| all(h, |c| c.is_ascii_hexdigit()))
        || unsigned
            .strip_prefix("0o")
            .is_some_and(|o| all(o, |c| ('0'..='7').contains(&c)))
        || unsigned
            .strip_prefix("0b")
            .is_some_and(|b| all(b, |c| c == '0' || c == '1'));
    is_int || is_yaml_float(&plain) || is_base60(&plain) || is_timestamp(s)
}

/// go-yaml v2 resolves plain `2006-1-2`, `2006-1-2T15:4:5Z07:00` (`t` too) and
/// `2006-1-2 15:4:5` as timestamps, so kubectl quotes such strings:
/// `creationTimestamp: "2025-01-01T00:00:00Z"`.
fn is_timestamp(s: &str) -> bool {
    let digits = |t: &str, min: usize, max: usize| {
        (min..=max).contains(&t.len()) && t.chars().all(|c| c.is_ascii_digit())
    };
    let (date, rest) = match s.find(['T', 't', ' ']) {
        Some(at) => (&s[..at], Some((&s[at..at + 1], &s[at + 1..]))),
        None => (s, None),
    };
    let mut date_parts = date.split('-');
    let date_ok = matches!(
        (date_parts.next(), date_parts.next(), date_parts.next(), date_parts.next()),
        (Some(y), Some(m), Some(d), None) if digits(y, 4, 4) && digits(m, 1, 2) && digits(d, 1, 2)
    );
    let Some((separator, time)) = rest else {
        return date_ok;
    };
    let (clock, zone) = if separator == " " {
        (time, None)
    } else if let Some(clock) = time.strip_suffix('Z') {
        (clock, Some(""))
    } else {
        match time.rfind(['+', '-']) {
            Some(at) => (&time[..at], Some(&time[at + 1..])),
            None => return false,
        }
    };
    let zone_ok = match zone {
        None | Some("") => true,
        Some(offset) => offset
            .split_once(':')
            .is_some_and(|(h, m)| digits(h, 2, 2) && digits(m, 2, 2)),
    };
    let (whole, fraction) = match clock.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (clock, None),
    };
    let mut clock_parts = whole.split(':');
    let clock_ok = matches!(
        (clock_parts.next(), clock_parts.next(), clock_parts.next(), clock_parts.next()),
        (Some(h), Some(m), Some(sec), None) if digits(h, 1, 2) && digits(m, 1, 2) && digits(sec, 1, 2)
    ) && fraction.is_none_or(|f| digits(f, 1, 9));
    date_ok && zone_ok && clock_ok
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => digits(fraction),
        Some((whole, fraction)) => digits(whole) && (fraction.is_empty() || digits(fraction)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (whole, fraction) = match s.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (s, None),
    };
    let mut parts = whole.split(':');
    let head = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    let head_ok = head.chars().next().is_some_and(|c| c.is_ascii_digit())
        && head.chars().all(|c| c.is_ascii_digit());
    let rest_ok = !rest.is_empty()
        && rest.iter().all(|part| {
            let bytes = part.as_bytes();
            match bytes {
                [d] => d.is_ascii_digit(),
                [a, b] => (b'0'..=b'5').contains(a) && b.is_ascii_digit(),
                _ => false,
            }
        });
    let fraction_ok = fraction.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit()));
    head_ok && rest_ok && fraction_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_as_go_yaml_does() {
        let cases = [
            ("nginx", "nginx"),
            ("80", "\"80\""),
            ("1.5", "\"1.5\""),
            ("yes", "\"yes\""),
            ("on", "\"on\""),
            ("", "\"\""),
            ("null", "\"null\""),
            ("0777", "\"0777\""),
            ("1:20", "\"1:20\""),
            ("a: b", "'a: b'"),
            ("a #b", "'a #b'"),
            ("a#b", "a#b"),
            ("*x", "'*x'"),
            ("-", "'-'"),
            ("-x", "-x"),
            ("it's", "it's"),
            (" lead", "' lead'"),
            ("tab\there", "\"tab\\there\""),
            ("1.2.3", "1.2.3"),
            ("v1", "v1"),
            ("500m", "500m"),
            ("1e3", "\"1e3\""),
            ("2025-01-01T00:00:00Z", "\"2025-01-01T00:00:00Z\""),
            (
                "2025-01-01T00:00:00.123456Z",
                "\"2025-01-01T00:00:00.123456Z\"",
            ),
            ("2025-1-2", "\"2025-1-2\""),
            ("2025-01-01 10:00:00", "\"2025-01-01 10:00:00\""),
            ("2025-01-01T10:00:00+02:00", "\"2025-01-01T10:00:00+02:00\""),
            ("2025-01-01x", "2025-01-01x"),
        ];
        for (input, expected) in cases {
            assert_eq!(string_scalar(input, 0), expected, "{input:?}");
        }
    }

    #[test]
    fn layout_matches_kubectl() {
        let value = serde_json::json!({
            "spec": {"containers": [{"name": "a", "args": ["x", "y"]}], "empty": [], "map": {}},
            "data": {"script": "echo hi\nexit 0\n", "nochomp": "a\nb"},
            "nested": [["a", "b"], []],
        });
        let expected = "\
data:
  nochomp: |-
    a
    b
  script: |
    echo hi
    exit 0
nested:
- - a
  - b
- []
spec:
  containers:
  - args:
    - x
    - \"y\"
    name: a
  empty: []
  map: {}
";
        assert_eq!(value_to_yaml(&value), expected);
        let back: Value = serde_yaml::from_str(expected).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn json_is_indented_by_four_and_escapes_html() {
        let value = serde_json::json!({"b": "<a&b>", "a": [1]});
        assert_eq!(
            value_to_json(&value),
            "{\n    \"a\": [\n        1\n    ],\n    \"b\": \"\\u003ca\\u0026b\\u003e\"\n}\n"
        );
    }
}
