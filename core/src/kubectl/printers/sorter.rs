//! `--sort-by`: orders objects by a JSONPath field.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/get/sorter.go` (`RuntimeSort`,
//! `TableSorter`, `isLess`). Integers and floats compare as numbers, strings in
//! natural order (`sortorder.NaturalLess`: `pod-2` before `pod-10`), and an
//! object without the field sorts first. kubesim sorts stably (Go's `sort.Sort`
//! is not), so equal keys keep their listing order.

use std::cmp::Ordering;

use serde_json::Value;

use super::jsonpath::{JsonPath, relaxed};

/// Sorts `values` (objects' JSON forms) in place by `field` (`.metadata.name`,
/// `{.status.startTime}`). A field no object has is an error, worded as kubectl's.
pub fn sort_by_field(values: &mut [Value], field: &str) -> Result<(), String> {
    let expression = relaxed(field).map_err(|error| error.to_string())?;
    let path = JsonPath::parse(&expression).map_err(|error| {
        format!("couldn't parse the sort-by expression {expression:?}: {error}")
    })?;
    let mut keyed: Vec<(Option<Value>, Value)> = Vec::with_capacity(values.len());
    let mut found_once = false;
    for value in values.iter() {
        let key = path
            .find_results(value)
            .ok()
            .and_then(|results| results.into_iter().next())
            .and_then(|first| first.into_iter().next());
        found_once |= key.is_some();
        keyed.push((key, value.clone()));
    }
    if !found_once && !values.is_empty() {
        return Err(format!(
            "couldn't find any field with path {expression:?} in the list of objects"
        ));
    }
    keyed.sort_by(|(left, _), (right, _)| compare_keys(left.as_ref(), right.as_ref()));
    for (slot, (_, value)) in values.iter_mut().zip(keyed) {
        *slot = value;
    }
    Ok(())
}

fn compare_keys(left: Option<&Value>, right: Option<&Value>) -> Ordering {
    match (left, right) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(Value::Number(a)), Some(Value::Number(b))) => match (a.as_i64(), b.as_i64()) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => a
                .as_f64()
                .unwrap_or(0.0)
                .partial_cmp(&b.as_f64().unwrap_or(0.0))
                .unwrap_or(Ordering::Equal),
        },
        (Some(Value::String(a)), Some(Value::String(b))) => natural_cmp(a, b),
        (Some(Value::Bool(a)), Some(Value::Bool(b))) => a.cmp(b),
        _ => Ordering::Equal,
    }
}

/// `sortorder.NaturalLess` as an ordering: runs of digits compare by value
/// (then by length, so `01` follows `1`), everything else byte by byte.
pub fn natural_cmp(left: &str, right: &str) -> Ordering {
    let (a, b) = (left.as_bytes(), right.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let start_i = i;
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            let start_j = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let digits_a = &left[start_i..i];
            let digits_b = &right[start_j..j];
            let trimmed_a = digits_a.trim_start_matches('0');
            let trimmed_b = digits_b.trim_start_matches('0');
            let by_value = trimmed_a
                .len()
                .cmp(&trimmed_b.len())
                .then_with(|| trimmed_a.cmp(trimmed_b));
            if by_value != Ordering::Equal {
                return by_value;
            }
            let by_length = digits_a.len().cmp(&digits_b.len());
            if by_length != Ordering::Equal {
                return by_length;
            }
        } else {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_naturally_and_missing_first() {
        let mut values = vec![
            json!({"metadata": {"name": "pod-10"}, "n": 3}),
            json!({"metadata": {"name": "pod-2"}, "n": 1}),
            json!({"metadata": {"name": "pod-1"}}),
        ];
        sort_by_field(&mut values, ".metadata.name").unwrap();
        let names: Vec<&str> = values
            .iter()
            .map(|v| v["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["pod-1", "pod-2", "pod-10"]);
        sort_by_field(&mut values, "{.n}").unwrap();
        let names: Vec<&str> = values
            .iter()
            .map(|v| v["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["pod-1", "pod-2", "pod-10"],
            "missing sorts first, then 1 < 3"
        );
        assert_eq!(
            sort_by_field(&mut values, ".spec.nothing").unwrap_err(),
            "couldn't find any field with path \"{.spec.nothing}\" in the list of objects"
        );
        assert_eq!(natural_cmp("a1", "a01"), Ordering::Less);
        assert_eq!(natural_cmp("abc", "abd"), Ordering::Less);
    }
}
