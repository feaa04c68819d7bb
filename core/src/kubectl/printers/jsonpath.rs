//! kubectl's JSONPath templates (`-o jsonpath=...`, custom columns, `--sort-by`).
//!
//! Upstream: `staging/src/k8s.io/client-go/util/jsonpath/{parser.go,jsonpath.go}`
//! and `staging/src/k8s.io/cli-runtime/pkg/printers/jsonpath.go`. Supported:
//! text with `{...}` actions; `.field`, `['field']`, `..field` (recursive),
//! `*`, `[n]`, `[start:end:step]` with negative indices, `[?(@.a == "x")]`
//! filters (`==`, `!=`, `<`, `<=`, `>`, `>=`, and existence), `{range ...}{end}`,
//! `@` and `$`, string literals (`{"\n"}`), unions (`{.a,.b}`). kubectl allows
//! missing keys: a missing field produces nothing. Several results of one
//! action print space-separated; maps and lists print as compact JSON
//! (`-o jsonpath-as-json` prints every result as indented JSON in a list).

use serde_json::Value;

/// A parse or execution error; Display is client-go's wording.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JsonPathError(pub String);

fn error(message: impl Into<String>) -> JsonPathError {
    JsonPathError(message.into())
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    /// One `{...}` action: steps applied in order.
    List(Vec<Node>),
    Field(String),
    Wildcard,
    Recursive,
    Array(Vec<Option<i64>>, usize),
    Filter(Box<Node>, String, Box<Node>),
    Union(Vec<Node>),
    Literal(Value),
    Root,
    Current,
    Range(Box<Node>),
    End,
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonPath {
    nodes: Vec<Node>,
}

impl JsonPath {
    /// Parses a template such as `{.items[*].metadata.name}`.
    pub fn parse(template: &str) -> Result<JsonPath, JsonPathError> {
        let mut nodes = Vec::new();
        let characters: Vec<char> = template.chars().collect();
        let mut position = 0;
        let mut text = String::new();
        while position < characters.len() {
            if characters[position] == '{' {
                if !text.is_empty() {
                    nodes.push(Node::Text(std::mem::take(&mut text)));
                }
                let end = find_action_end(&characters, position + 1)?;
                let inside: String = characters[position + 1..end].iter().collect();
                nodes.push(parse_action(inside.trim())?);
                position = end + 1;
            } else {
                text.push(characters[position]);
                position += 1;
            }
        }
        if !text.is_empty() {
            nodes.push(Node::Text(text));
        }
        Ok(JsonPath { nodes })
    }

    /// Each action's results, in template order (a text node is one string result).
    pub fn find_results(&self, data: &Value) -> Result<Vec<Vec<Value>>, JsonPathError> {
        let mut out = Vec::new();
        self.evaluate(&self.nodes, data, data, &mut out)?;
        Ok(out)
    }

    fn evaluate(
        &self,
        nodes: &[Node],
        root: &Value,
        current: &Value,
        out: &mut Vec<Vec<Value>>,
    ) -> Result<(), JsonPathError> {
        let mut index = 0;
        while index < nodes.len() {
            match &nodes[index] {
                Node::Text(text) => out.push(vec![Value::String(text.clone())]),
                Node::Range(expression) => {
                    let end = matching_end(nodes, index)?;
                    let items = walk(expression, root, current)?;
                    let body = &nodes[index + 1..end];
                    for item in &items {
                        self.evaluate(body, root, item, out)?;
                    }
                    index = end;
                }
                Node::End => return Err(error("not in range, nothing to end")),
                node => out.push(walk(node, root, current)?),
            }
            index += 1;
        }
        Ok(())
    }

    /// Runs the template and prints it as the JSONPath printer does.
    pub fn execute(&self, data: &Value) -> Result<String, JsonPathError> {
        let mut out = String::new();
        for results in self.find_results(data)? {
            let count = results.len();
            for (index, value) in results.iter().enumerate() {
                out.push_str(&print_value(value));
                if index + 1 != count {
                    out.push(' ');
                }
            }
        }
        Ok(out)
    }

    /// `-o jsonpath-as-json`: every result in one JSON list, indented.
    pub fn execute_as_json(&self, data: &Value) -> Result<String, JsonPathError> {
        let all: Vec<Value> = self.find_results(data)?.into_iter().flatten().collect();
        Ok(crate::model::manifest::value_to_json(&Value::Array(all)))
    }
}

/// A result as text: strings raw, scalars as Go prints them, maps and lists as JSON.
pub fn print_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "null".to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Array(_) | Value::Object(_) => serde_json::to_string(value).unwrap_or_default(),
    }
}

fn matching_end(nodes: &[Node], start: usize) -> Result<usize, JsonPathError> {
    let mut depth = 0;
    for (index, node) in nodes.iter().enumerate().skip(start) {
        match node {
            Node::Range(_) => depth += 1,
            Node::End => {
                depth -= 1;
                if depth == 0 {
                    return Ok(index);
                }
            }
            _ => {}
        }
    }
    Err(error("range without end"))
}

fn find_action_end(characters: &[char], start: usize) -> Result<usize, JsonPathError> {
    let mut position = start;
    let mut quote: Option<char> = None;
    let mut depth = 0;
    while position < characters.len() {
        let character = characters[position];
        match quote {
            Some(open) => {
                if character == '\\' {
                    position += 1;
                } else if character == open {
                    quote = None;
                }
            }
            None => match character {
                '"' | '\'' => quote = Some(character),
                '[' | '(' => depth += 1,
                ']' | ')' => depth -= 1,
                '}' if depth <= 0 => return Ok(position),
                _ => {}
            },
        }
        position += 1;
    }
    Err(error("unclosed action"))
}

fn parse_action(inside: &str) -> Result<Node, JsonPathError> {
    if let Some(rest) = inside.strip_prefix("range") {
        if rest.is_empty() || rest.starts_with(char::is_whitespace) {
            return Ok(Node::Range(Box::new(parse_expression(rest.trim())?)));
        }
    }
    if inside == "end" {
        return Ok(Node::End);
    }
    // A union: `.a,.b` at the top level of the action.
    let parts = split_top_level(inside, ',');
    if parts.len() > 1 {
        return Ok(Node::Union(
            parts
                .iter()
                .map(|part| parse_expression(part.trim()))
                .collect::<Result<_, _>>()?,
        ));
    }
    parse_expression(inside)
}

fn split_top_level(text: &str, separator: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for character in text.chars() {
        match quote {
            Some(open) => {
                if character == open {
                    quote = None;
                }
            }
            None => match character {
                '"' | '\'' => quote = Some(character),
                '[' | '(' => depth += 1,
                ']' | ')' => depth -= 1,
                _ => {}
            },
        }
        if character == separator && depth == 0 && quote.is_none() {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(character);
        }
    }
    parts
}

fn unquote(text: &str) -> Result<String, JsonPathError> {
    let inner = &text[1..text.len() - 1];
    let mut out = String::new();
    let mut characters = inner.chars();
    while let Some(character) = characters.next() {
        if character == '\\' {
            match characters.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => return Err(error("unterminated string")),
            }
        } else {
            out.push(character);
        }
    }
    Ok(out)
}

/// One expression: a chain of steps, or a literal.
fn parse_expression(text: &str) -> Result<Node, JsonPathError> {
    let characters: Vec<char> = text.chars().collect();
    if characters.is_empty() {
        return Ok(Node::List(vec![Node::Current]));
    }
    let first = characters[0];
    if (first == '"' || first == '\'') && characters.len() >= 2 && characters.last() == Some(&first)
    {
        return Ok(Node::Literal(Value::String(unquote(text)?)));
    }
    if let Ok(number) = text.parse::<i64>() {
        return Ok(Node::Literal(Value::from(number)));
    }
    if let Ok(number) = text.parse::<f64>() {
        return Ok(Node::Literal(Value::from(number)));
    }
    if text == "true" || text == "false" {
        return Ok(Node::Literal(Value::Bool(text == "true")));
    }
    let mut steps = Vec::new();
    let mut position = 0;
    while position < characters.len() {
        match characters[position] {
            '$' => {
                steps.push(Node::Root);
                position += 1;
            }
            '@' => {
                steps.push(Node::Current);
                position += 1;
            }
            '.' => {
                if characters.get(position + 1) == Some(&'.') {
                    steps.push(Node::Recursive);
                    position += 2;
                    continue;
                }
                position += 1;
                let start = position;
                while position < characters.len()
                    && !matches!(characters[position], '.' | '[' | ' ')
                {
                    position += 1;
                }
                let field: String = characters[start..position].iter().collect();
                if field == "*" {
                    steps.push(Node::Wildcard);
                } else if !field.is_empty() {
                    steps.push(Node::Field(field));
                }
            }
            '[' => {
                let start = position + 1;
                let mut depth = 1;
                let mut quote: Option<char> = None;
                position += 1;
                while position < characters.len() && depth > 0 {
                    let character = characters[position];
                    match quote {
                        Some(open) if character == open => quote = None,
                        Some(_) => {}
                        None => match character {
                            '"' | '\'' => quote = Some(character),
                            '[' => depth += 1,
                            ']' => depth -= 1,
                            _ => {}
                        },
                    }
                    position += 1;
                }
                if depth != 0 {
                    return Err(error("unterminated array"));
                }
                let inner: String = characters[start..position - 1].iter().collect();
                steps.push(parse_bracket(inner.trim())?);
            }
            ' ' => position += 1,
            other => {
                // A bare field name, as custom columns and --sort-by allow (`metadata.name`).
                let start = position;
                while position < characters.len()
                    && !matches!(characters[position], '.' | '[' | ' ')
                {
                    position += 1;
                }
                let field: String = characters[start..position].iter().collect();
                if field.is_empty() {
                    return Err(error(format!(
                        "unrecognized character in action: U+{:04X}",
                        other as u32
                    )));
                }
                steps.push(Node::Field(field));
            }
        }
    }
    Ok(Node::List(steps))
}

fn parse_bracket(inner: &str) -> Result<Node, JsonPathError> {
    if inner == "*" {
        return Ok(Node::Wildcard);
    }
    if let Some(filter) = inner.strip_prefix('?') {
        let filter = filter.trim();
        let body = filter
            .strip_prefix('(')
            .and_then(|rest| rest.strip_suffix(')'))
            .ok_or_else(|| error(format!("unrecognized filter: {inner}")))?;
        for operator in ["==", "!=", "<=", ">=", "<", ">"] {
            if let Some((left, right)) = split_operator(body, operator) {
                return Ok(Node::Filter(
                    Box::new(parse_expression(left.trim())?),
                    operator.to_string(),
                    Box::new(parse_expression(right.trim())?),
                ));
            }
        }
        return Ok(Node::Filter(
            Box::new(parse_expression(body.trim())?),
            "exists".to_string(),
            Box::new(Node::Literal(Value::Null)),
        ));
    }
    if (inner.starts_with('\'') || inner.starts_with('"')) && inner.len() >= 2 {
        let parts = split_top_level(inner, ',');
        if parts.len() > 1 {
            return Ok(Node::Union(
                parts
                    .iter()
                    .map(|part| unquote(part.trim()).map(Node::Field))
                    .collect::<Result<_, _>>()?,
            ));
        }
        return Ok(Node::Field(unquote(inner)?));
    }
    if inner.contains(',') {
        let mut indices = Vec::new();
        for part in inner.split(',') {
            indices.push(parse_bracket(part.trim())?);
        }
        return Ok(Node::Union(indices));
    }
    let parts: Vec<&str> = inner.split(':').collect();
    if parts.len() > 3 {
        return Err(error(format!("invalid array index {inner}")));
    }
    let mut params = Vec::new();
    for part in &parts {
        let part = part.trim();
        if part.is_empty() {
            params.push(None);
        } else {
            params.push(Some(
                part.parse::<i64>()
                    .map_err(|_| error(format!("invalid array index {part}")))?,
            ));
        }
    }
    Ok(Node::Array(params, parts.len()))
}

fn split_operator<'a>(body: &'a str, operator: &str) -> Option<(&'a str, &'a str)> {
    let mut quote: Option<char> = None;
    let bytes = body.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let character = bytes[index] as char;
        match quote {
            Some(open) if character == open => quote = None,
            Some(_) => {}
            None if character == '"' || character == '\'' => quote = Some(character),
            None if body[index..].starts_with(operator) => {
                // `<` must not be the start of `<=`.
                if (operator == "<" || operator == ">") && body[index + 1..].starts_with('=') {
                    index += 1;
                    continue;
                }
                return Some((&body[..index], &body[index + operator.len()..]));
            }
            None => {}
        }
        index += 1;
    }
    None
}

fn walk(node: &Node, root: &Value, current: &Value) -> Result<Vec<Value>, JsonPathError> {
    match node {
        Node::List(steps) => {
            let mut values = vec![current.clone()];
            for step in steps {
                let mut next = Vec::new();
                for value in &values {
                    next.extend(step_into(step, root, value)?);
                }
                values = next;
            }
            Ok(values)
        }
        Node::Union(parts) => {
            let mut values = Vec::new();
            for part in parts {
                values.extend(walk(part, root, current)?);
            }
            Ok(values)
        }
        Node::Literal(value) => Ok(vec![value.clone()]),
        other => step_into(other, root, current),
    }
}

fn step_into(step: &Node, root: &Value, value: &Value) -> Result<Vec<Value>, JsonPathError> {
    match step {
        Node::Root => Ok(vec![root.clone()]),
        Node::Current => Ok(vec![value.clone()]),
        Node::Field(name) => Ok(match value {
            Value::Object(map) => map.get(name).cloned().into_iter().collect(),
            _ => Vec::new(),
        }),
        Node::Wildcard => Ok(match value {
            Value::Object(map) => map.values().cloned().collect(),
            Value::Array(items) => items.clone(),
            _ => Vec::new(),
        }),
        Node::Recursive => {
            let mut all = Vec::new();
            collect_recursive(value, &mut all);
            Ok(all)
        }
        Node::Array(params, count) => {
            let Value::Array(items) = value else {
                return Err(error(format!(
                    "{} is not array or slice",
                    print_value(value)
                )));
            };
            slice(items, params, *count)
        }
        Node::Filter(left, operator, right) => {
            let Value::Array(items) = value else {
                return Err(error(format!(
                    "{} is not array or slice and cannot be filtered",
                    print_value(value)
                )));
            };
            let mut kept = Vec::new();
            for item in items {
                let lefts = walk(left, root, item)?;
                let keep = if operator == "exists" {
                    !lefts.is_empty()
                } else {
                    let rights = walk(right, root, item)?;
                    match (lefts.first(), rights.first()) {
                        (Some(left), Some(right)) => compare(left, operator, right),
                        _ => false,
                    }
                };
                if keep {
                    kept.push(item.clone());
                }
            }
            Ok(kept)
        }
        Node::Union(_) | Node::List(_) | Node::Literal(_) => walk(step, root, value),
        Node::Text(text) => Ok(vec![Value::String(text.clone())]),
        Node::Range(_) | Node::End => Err(error("range and end belong in their own actions")),
    }
}

fn collect_recursive(value: &Value, out: &mut Vec<Value>) {
    out.push(value.clone());
    match value {
        Value::Object(map) => map.values().for_each(|inner| collect_recursive(inner, out)),
        Value::Array(items) => items.iter().for_each(|inner| collect_recursive(inner, out)),
        _ => {}
    }
}

/// evalArray: `[n]` is `[n:n+1]`; negative indices count from the end; an empty
/// request is allowed; out-of-range indices are errors worded as upstream's.
fn slice(
    items: &[Value],
    params: &[Option<i64>],
    count: usize,
) -> Result<Vec<Value>, JsonPathError> {
    let length = items.len() as i64;
    let mut start = params.first().copied().flatten().unwrap_or(0);
    let single = count == 1;
    let mut end = if single {
        // A derived end: start + 1, or length + start + 1 for a negative index.
        match params.first().copied().flatten() {
            Some(index) => index + 1,
            None => length,
        }
    } else {
        params.get(1).copied().flatten().unwrap_or(length)
    };
    if start < 0 {
        start += length;
    }
    if end < 0 || (single && end == 0) {
        end += length;
    }
    if start == end {
        return Ok(Vec::new());
    }
    if start >= length || start < 0 {
        return Err(error(format!(
            "array index out of bounds: index {start}, length {length}"
        )));
    }
    if end > length || end < 0 {
        return Err(error(format!(
            "array index out of bounds: index {}, length {length}",
            end - 1
        )));
    }
    if start > end {
        return Err(error(format!(
            "starting index {start} is greater than ending index {end}"
        )));
    }
    let step = params.get(2).copied().flatten().unwrap_or(1).max(1) as usize;
    Ok(items[start as usize..end as usize]
        .iter()
        .step_by(step)
        .cloned()
        .collect())
}

fn compare(left: &Value, operator: &str, right: &Value) -> bool {
    use std::cmp::Ordering;
    let ordering = match (left, right) {
        (Value::Number(a), Value::Number(b)) => a
            .as_f64()
            .zip(b.as_f64())
            .and_then(|(a, b)| a.partial_cmp(&b)),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match operator {
        "==" => ordering == Some(Ordering::Equal),
        "!=" => ordering != Some(Ordering::Equal),
        "<" => ordering == Some(Ordering::Less),
        "<=" => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
        ">" => ordering == Some(Ordering::Greater),
        ">=" => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
        _ => false,
    }
}

/// `RelaxedJSONPathExpression`: `.a.b`, `a.b` and `{.a.b}` all become `{.a.b}`.
pub fn relaxed(expression: &str) -> Result<String, JsonPathError> {
    let trimmed = expression.trim();
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    let inner = trimmed
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
        .unwrap_or(trimmed);
    let inner = inner.trim();
    if inner.starts_with('.')
        || inner.starts_with('[')
        || inner.starts_with('$')
        || inner.starts_with('@')
    {
        Ok(format!("{{{inner}}}"))
    } else {
        Ok(format!("{{.{inner}}}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(template: &str, data: &Value) -> String {
        JsonPath::parse(template).unwrap().execute(data).unwrap()
    }

    #[test]
    fn templates_print_as_kubectl_prints_them() {
        // Cases after client-go's jsonpath_test.go (TestJSONInput, TestKubernetes).
        let list = json!({"kind": "List", "items": [
            {"metadata": {"name": "127.0.0.1", "labels": {"k": "v"}},
             "status": {"capacity": {"cpu": "4"}, "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}],
                        "conditions": [{"type": "Ready", "status": "True"}]}},
            {"metadata": {"name": "127.0.0.2"},
             "status": {"capacity": {"cpu": "8"}, "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.2"}, {"type": "another", "address": "127.0.0.3"}],
                        "conditions": [{"type": "Ready", "status": "False"}]}}
        ]});
        assert_eq!(run("{.kind}", &list), "List");
        assert_eq!(
            run("{.items[*].metadata.name}", &list),
            "127.0.0.1 127.0.0.2"
        );
        assert_eq!(run("{.items[0].metadata.name}", &list), "127.0.0.1");
        assert_eq!(run("{.items[-1].metadata.name}", &list), "127.0.0.2");
        assert_eq!(
            run("{.items[1].status.addresses[*].address}", &list),
            "127.0.0.2 127.0.0.3"
        );
        assert_eq!(
            run(
                "{range .items[*]}[{.metadata.name}, {.status.capacity.cpu}] {end}",
                &list
            ),
            "[127.0.0.1, 4] [127.0.0.2, 8] "
        );
        assert_eq!(
            run(r#"{range .items[*]}{.metadata.name}{"\t"}{end}"#, &list),
            "127.0.0.1\t127.0.0.2\t"
        );
        assert_eq!(
            run(
                r#"{.items[?(@.metadata.name=="127.0.0.2")].status.capacity.cpu}"#,
                &list
            ),
            "8"
        );
        assert_eq!(
            run(
                r#"{.items[*].status.conditions[?(@.type=="Ready")].status}"#,
                &list
            ),
            "True False"
        );
        assert_eq!(run("{.items[0].metadata.labels}", &list), r#"{"k":"v"}"#);
        assert_eq!(run("{..cpu}", &list), "4 8");
        assert_eq!(
            run(
                "{.items[*]['metadata.name', 'kind']}",
                &json!({"items": [{"kind": "A"}]})
            ),
            "A"
        );
        assert_eq!(run("{.items[0:1].metadata.name}", &list), "127.0.0.1");
        assert_eq!(
            run("{.missing.field}", &list),
            "",
            "kubectl allows missing keys"
        );
        assert_eq!(
            run("{.items[*].metadata.name,.kind}", &list),
            "127.0.0.1 127.0.0.2 List"
        );
        assert_eq!(
            run("name: {.items[0].metadata.name}\n", &list),
            "name: 127.0.0.1\n"
        );
        assert_eq!(
            JsonPath::parse("{.items[5]}")
                .unwrap()
                .execute(&list)
                .unwrap_err()
                .to_string(),
            "array index out of bounds: index 5, length 2"
        );
        assert_eq!(
            JsonPath::parse("{.items[").unwrap_err().to_string(),
            "unclosed action"
        );
    }

    #[test]
    fn relaxed_expressions() {
        assert_eq!(relaxed(".metadata.name").unwrap(), "{.metadata.name}");
        assert_eq!(relaxed("metadata.name").unwrap(), "{.metadata.name}");
        assert_eq!(relaxed("{.metadata.name}").unwrap(), "{.metadata.name}");
    }
}
