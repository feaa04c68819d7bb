//! Reading fields of an object's JSON form, with Go's zero values for what is absent.
//!
//! kubectl's printers read typed structs, where a missing field is "" or 0; these
//! helpers give the same answers for any kind, simulated or only stored.

use serde_json::Value;

/// The value at a path of keys, if every step exists.
pub fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    Some(current)
}

/// A string field, or "" (Go's zero value).
pub fn text<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    at(value, path).and_then(Value::as_str).unwrap_or("")
}

/// A string field, or None when absent (a Go `*string`).
pub fn opt_text<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(value, path).and_then(Value::as_str)
}

/// An integer field, or 0.
pub fn int(value: &Value, path: &[&str]) -> i64 {
    opt_int(value, path).unwrap_or(0)
}

/// An integer field, or None when absent (a Go `*int32`).
pub fn opt_int(value: &Value, path: &[&str]) -> Option<i64> {
    at(value, path).and_then(Value::as_i64)
}

/// A boolean field, or false.
pub fn flag(value: &Value, path: &[&str]) -> bool {
    at(value, path).and_then(Value::as_bool).unwrap_or(false)
}

/// An array field, or an empty slice.
pub fn list<'a>(value: &'a Value, path: &[&str]) -> &'a [Value] {
    at(value, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The number of keys of an object field (0 when absent).
pub fn map_len(value: &Value, path: &[&str]) -> usize {
    at(value, path)
        .and_then(Value::as_object)
        .map_or(0, serde_json::Map::len)
}

/// A `map[string]string` field as sorted pairs.
pub fn string_map<'a>(value: &'a Value, path: &[&str]) -> Vec<(&'a str, &'a str)> {
    at(value, path)
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(key, value)| (key.as_str(), value.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default()
}

/// An IntOrString (or any scalar) as Go's `String()` prints it; None when absent.
pub fn scalar_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// `labels.FormatLabels` of a map field: `a=b,c=d`, `<none>` when empty.
pub fn format_labels(value: &Value, path: &[&str]) -> String {
    let pairs = string_map(value, path);
    if pairs.is_empty() {
        "<none>".to_string()
    } else {
        pairs
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// `metav1.FormatLabelSelector` of a selector field (`<none>` when empty, `<error>`
/// when it does not convert).
pub fn format_label_selector(value: &Value, path: &[&str]) -> String {
    let selector: Option<crate::model::selector::LabelSelector> =
        at(value, path).and_then(|raw| serde_json::from_value(raw.clone()).ok());
    crate::model::selector::format_label_selector(selector.as_ref())
}

/// `LabelSelectorAsSelector(...).String()`: "" for an empty selector, `<invalid>` when
/// it does not convert (printDeployment's wording).
pub fn selector_string(value: &Value, path: &[&str]) -> String {
    let selector: Option<crate::model::selector::LabelSelector> =
        at(value, path).and_then(|raw| serde_json::from_value(raw.clone()).ok());
    match crate::model::selector::label_selector_as_selector(selector.as_ref()) {
        Ok(selector) => selector.to_string(),
        Err(_) => "<invalid>".to_string(),
    }
}
