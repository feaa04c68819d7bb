//! The `kubectl.kubernetes.io/last-applied-configuration` annotation.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/util/apply.go`. `GetModifiedConfiguration`
//! serializes the manifest's object without the annotation, then stores that
//! text in the annotation. The manifest's annotations map is always present
//! (`"annotations":{}` when it had none), because the annotation is removed from
//! a map that kubectl creates. The text is Go's `json.Marshal` output (sorted
//! keys, `<`, `>` and `&` escaped) followed by the encoder's newline, e.g.
//! `{"apiVersion":"v1","kind":"Namespace","metadata":{"annotations":{},"name":"a"}}\n`.

use serde_json::{Map, Value};

pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Go's `json.Marshal` of JSON data: compact, keys sorted (serde_json's maps are
/// sorted), and HTML-significant characters escaped as Go does.
pub fn go_json(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '<' => escaped.push_str("\\u003c"),
            '>' => escaped.push_str("\\u003e"),
            '&' => escaped.push_str("\\u0026"),
            '\u{2028}' => escaped.push_str("\\u2028"),
            '\u{2029}' => escaped.push_str("\\u2029"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// The annotations map of a manifest object, created when missing.
fn annotations_mut(object: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let metadata = object
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !metadata.is_object() {
        *metadata = Value::Object(Map::new());
    }
    let Value::Object(metadata) = metadata else {
        unreachable!("metadata was just made a map")
    };
    let annotations = metadata
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    if !annotations.is_object() {
        *annotations = Value::Object(Map::new());
    }
    let Value::Object(annotations) = annotations else {
        unreachable!("annotations was just made a map")
    };
    annotations
}

/// `GetModifiedConfiguration(obj, annotate=true)`: returns the object to send,
/// carrying the annotation, as JSON data.
pub fn with_last_applied(object: &Map<String, Value>) -> Map<String, Value> {
    let mut without = object.clone();
    annotations_mut(&mut without).remove(LAST_APPLIED_ANNOTATION);
    let text = format!("{}\n", go_json(&Value::Object(without.clone())));
    let mut annotated = without;
    annotations_mut(&mut annotated)
        .insert(LAST_APPLIED_ANNOTATION.to_string(), Value::String(text));
    annotated
}

/// `GetOriginalConfiguration`: the last applied configuration stored on a live
/// object, as JSON data; an empty map when there is none.
pub fn original_configuration(live: &Value) -> Result<Map<String, Value>, String> {
    let Some(text) = live
        .pointer("/metadata/annotations")
        .and_then(|annotations| annotations.get(LAST_APPLIED_ANNOTATION))
        .and_then(Value::as_str)
    else {
        return Ok(Map::new());
    };
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) | Err(_) => Err("invalid JSON document".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn annotation_holds_the_manifest_as_go_prints_it() {
        let Value::Object(manifest) = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a", "namespace": "default"}, "data": {"html": "<b>&</b>"}})
        else {
            unreachable!()
        };
        let annotated = with_last_applied(&manifest);
        assert_eq!(
            annotated["metadata"]["annotations"][LAST_APPLIED_ANNOTATION],
            "{\"apiVersion\":\"v1\",\"data\":{\"html\":\"\\u003cb\\u003e\\u0026\\u003c/b\\u003e\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"name\":\"a\",\"namespace\":\"default\"}}\n"
        );
        let again = with_last_applied(&annotated);
        assert_eq!(again, annotated);
        let original = original_configuration(&Value::Object(annotated)).unwrap();
        assert_eq!(original["data"]["html"], "<b>&</b>");
    }
}
