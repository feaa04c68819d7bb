//! `-o custom-columns=HEADER:.json.path,...`.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/get/customcolumn.go`. Each
//! column's expression is a relaxed JSONPath (`.metadata.name`); a field an
//! object lacks prints `<none>`; several results join with `,`; values print as
//! Go's `fmt.Sprint` does (`map[app:web]`, `[a b]`). The header row prints even
//! when there are no objects.

use serde_json::Value;

use super::jsonpath::{JsonPath, relaxed};

/// A parsed column list.
#[derive(Clone, Debug)]
pub struct CustomColumns {
    columns: Vec<(String, JsonPath)>,
}

impl CustomColumns {
    /// Parses `NAME:.metadata.name,STATUS:.status.phase`.
    pub fn parse(spec: &str) -> Result<CustomColumns, String> {
        if spec.is_empty() {
            return Err("custom-columns format specified but no custom columns given".to_string());
        }
        let mut columns = Vec::new();
        for part in spec.split(',') {
            let Some((header, expression)) = part.split_once(':') else {
                return Err(format!(
                    "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
                ));
            };
            let template = relaxed(expression).map_err(|error| error.to_string())?;
            let path = JsonPath::parse(&template).map_err(|error| error.to_string())?;
            columns.push((header.to_string(), path));
        }
        Ok(CustomColumns { columns })
    }

    /// The table rows: the header (unless `no_headers`) and one row per object.
    pub fn rows(&self, objects: &[Value], no_headers: bool) -> Vec<Vec<String>> {
        let mut rows = Vec::with_capacity(objects.len() + 1);
        if !no_headers {
            rows.push(
                self.columns
                    .iter()
                    .map(|(header, _)| header.clone())
                    .collect(),
            );
        }
        for object in objects {
            rows.push(
                self.columns
                    .iter()
                    .map(|(_, path)| {
                        let results = path.find_results(object).unwrap_or_default();
                        let values: Vec<String> = results.iter().flatten().map(go_sprint).collect();
                        if values.is_empty() {
                            "<none>".to_string()
                        } else {
                            values.join(",")
                        }
                    })
                    .collect(),
            );
        }
        rows
    }
}

/// Go's `fmt.Sprint` of decoded JSON.
pub fn go_sprint(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".to_string(),
        Value::String(text) => text.clone(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(go_sprint).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(map) => format!(
            "map[{}]",
            map.iter()
                .map(|(key, value)| format!("{key}:{}", go_sprint(value)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::printers::table;
    use serde_json::json;

    #[test]
    fn columns_print_as_kubectl_prints_them() {
        // After customcolumn_test.go (TestColumnPrint): "NAME\nfoo\n".
        let columns = CustomColumns::parse("NAME:.metadata.name,LABELS:.metadata.labels,PORTS:.spec.ports[*].port,NODE:.spec.nodeName").unwrap();
        let objects = [
            json!({"metadata": {"name": "foo", "labels": {"app": "web", "tier": "fe"}},
            "spec": {"ports": [{"port": 80}, {"port": 443}]}}),
        ];
        assert_eq!(
            table::render(&columns.rows(&objects, false)),
            "NAME   LABELS                 PORTS    NODE\nfoo    map[app:web tier:fe]   80,443   <none>\n"
        );
        assert_eq!(
            table::render(&columns.rows(&[], false)),
            "NAME   LABELS   PORTS   NODE\n"
        );
        assert_eq!(
            CustomColumns::parse("NAME").unwrap_err(),
            "unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"
        );
    }
}
