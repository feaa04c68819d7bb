//! JSON patch (RFC 6902), as `kubectl patch --type json` sends it and the API
//! server applies it (`github.com/evanphx/json-patch`). Operations apply in
//! order; the first failing one fails the whole patch and nothing changes.
//! Example: `[{"op":"replace","path":"/spec/replicas","value":3}]` on
//! `{"spec":{"replicas":1}}` gives `{"spec":{"replicas":3}}`.

use serde_json::Value;

/// Splits a JSON pointer into unescaped tokens (`~1` is `/`, `~0` is `~`).
fn tokens(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!("invalid JSON pointer: {path:?}"));
    };
    Ok(rest
        .split('/')
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn missing(operation: &str, path: &str) -> String {
    format!("{operation} operation does not apply: doc is missing path: \"{path}\"")
}

/// The container (object or array) holding the last token, and that token.
fn parent<'a>(
    document: &'a mut Value,
    path: &str,
    operation: &str,
) -> Result<(&'a mut Value, String), String> {
    let mut parts = tokens(path)?;
    let Some(last) = parts.pop() else {
        return Err(missing(operation, path));
    };
    let mut current = document;
    for part in &parts {
        current = match current {
            Value::Object(map) => map.get_mut(part),
            Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| missing(operation, path))?;
    }
    Ok((current, last))
}

fn get<'a>(document: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = document;
    for part in tokens(path).ok()? {
        current = match current {
            Value::Object(map) => map.get(&part)?,
            Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

fn add(document: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *document = value;
        return Ok(());
    }
    let (container, last) = parent(document, path, "add")?;
    match container {
        Value::Object(map) => {
            map.insert(last, value);
            Ok(())
        }
        Value::Array(items) => {
            if last == "-" {
                items.push(value);
                return Ok(());
            }
            match last.parse::<usize>() {
                Ok(index) if index <= items.len() => {
                    items.insert(index, value);
                    Ok(())
                }
                _ => Err(format!(
                    "add operation does not apply: doc is missing path: \"{path}\""
                )),
            }
        }
        _ => Err(missing("add", path)),
    }
}

fn remove(document: &mut Value, path: &str, operation: &str) -> Result<Value, String> {
    let (container, last) = parent(document, path, operation)?;
    match container {
        Value::Object(map) => map.remove(&last).ok_or_else(|| missing(operation, path)),
        Value::Array(items) => match last.parse::<usize>() {
            Ok(index) if index < items.len() => Ok(items.remove(index)),
            _ => Err(missing(operation, path)),
        },
        _ => Err(missing(operation, path)),
    }
}

/// Applies the operations to `document`; on error the document is unchanged.
pub fn apply_json_patch(document: &mut Value, patch: &Value) -> Result<(), String> {
    let Value::Array(operations) = patch else {
        return Err(
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch".to_string(),
        );
    };
    let mut result = document.clone();
    for operation in operations {
        let op = operation.get("op").and_then(Value::as_str).unwrap_or("");
        let path = operation.get("path").and_then(Value::as_str).unwrap_or("");
        let value = || {
            operation
                .get("value")
                .cloned()
                .ok_or_else(|| format!("{op} operation does not apply: missing value"))
        };
        match op {
            "add" => add(&mut result, path, value()?)?,
            "remove" => {
                remove(&mut result, path, "remove")?;
            }
            "replace" => {
                remove(&mut result, path, "replace")?;
                add(&mut result, path, value()?)?;
            }
            "move" | "copy" => {
                let from = operation.get("from").and_then(Value::as_str).unwrap_or("");
                let moved = if op == "move" {
                    remove(&mut result, from, op)?
                } else {
                    get(&result, from)
                        .cloned()
                        .ok_or_else(|| missing(op, from))?
                };
                add(&mut result, path, moved)?;
            }
            "test" => {
                let expected = value()?;
                if get(&result, path) != Some(&expected) {
                    return Err(format!("testing value {path} failed: test failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    *document = result;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::apply_json_patch;

    /// Cases from RFC 6902 appendix A.
    #[test]
    fn rfc6902_examples() {
        let cases = [
            (
                json!({"foo": "bar"}),
                json!([{"op": "add", "path": "/baz", "value": "qux"}]),
                json!({"baz": "qux", "foo": "bar"}),
            ),
            (
                json!({"foo": ["bar", "baz"]}),
                json!([{"op": "add", "path": "/foo/1", "value": "qux"}]),
                json!({"foo": ["bar", "qux", "baz"]}),
            ),
            (
                json!({"baz": "qux", "foo": "bar"}),
                json!([{"op": "remove", "path": "/baz"}]),
                json!({"foo": "bar"}),
            ),
            (
                json!({"foo": ["bar", "qux", "baz"]}),
                json!([{"op": "remove", "path": "/foo/1"}]),
                json!({"foo": ["bar", "baz"]}),
            ),
            (
                json!({"baz": "qux", "foo": "bar"}),
                json!([{"op": "replace", "path": "/baz", "value": "boo"}]),
                json!({"baz": "boo", "foo": "bar"}),
            ),
            (
                json!({"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}}),
                json!([{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}]),
                json!({"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}),
            ),
            (
                json!({"foo": ["bar"]}),
                json!([{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}]),
                json!({"foo": ["bar", ["abc", "def"]]}),
            ),
        ];
        for (mut document, patch, expected) in cases {
            apply_json_patch(&mut document, &patch).unwrap();
            assert_eq!(document, expected, "{patch}");
        }
        let mut document = json!({"foo": "bar"});
        assert_eq!(
            apply_json_patch(&mut document, &json!([{"op": "remove", "path": "/spec/x"}]))
                .unwrap_err(),
            "remove operation does not apply: doc is missing path: \"/spec/x\""
        );
        assert_eq!(document, json!({"foo": "bar"}));
    }
}
