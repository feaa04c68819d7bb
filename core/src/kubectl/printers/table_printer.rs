//! kubectl's human-readable printer: a kind's table, decorated and laid out.
//!
//! Upstream: `staging/src/k8s.io/cli-runtime/pkg/printers/tableprinter.go`
//! (`decorateTable`, `printTable`, `formatLabelHeaders`, `appendCellValue`). The
//! NAMESPACE column comes first with `-A`; `-L key` columns (headed by the key's
//! last path segment, upper-cased) and then LABELS (`--show-labels`) come last;
//! with several kinds the name cell reads `deployment.apps/web`. A table with no
//! rows prints nothing, not even its header. Rows are built as the API server
//! builds them, with every column's cell; kubectl hides the wide ones.

use serde_json::Value;

use super::columns::{RowContext, table_for};
use super::fields::{format_labels, string_map};

/// The options of one table.
#[derive(Clone, Debug, Default)]
pub struct TableOptions {
    pub no_headers: bool,
    pub wide: bool,
    pub with_namespace: bool,
    /// `kind.group` (lower-cased) to prefix names with, when several kinds print.
    pub kind_prefix: Option<String>,
    pub show_labels: bool,
    pub label_columns: Vec<String>,
}

/// The rows (header first unless `no_headers`) of `objects`, all of `kind`.
/// Empty when there are no objects.
pub fn table_rows(
    kind: &str,
    objects: &[Value],
    options: &TableOptions,
    context: &RowContext,
) -> Vec<Vec<String>> {
    if objects.is_empty() {
        return Vec::new();
    }
    let table = table_for(kind);
    // The API server builds every cell (its table convertor asks for wide rows);
    // kubectl then hides the wide columns unless `-o wide`.
    let context = &RowContext {
        now: context.now,
        wide: true,
    };
    let visible: Vec<usize> = table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, column)| options.wide || !column.wide)
        .map(|(index, _)| index)
        .collect();
    let name_column = table.columns.iter().position(|column| column.is_name);
    let mut rows = Vec::with_capacity(objects.len() + 1);
    if !options.no_headers {
        let mut header = Vec::new();
        if options.with_namespace {
            header.push("NAMESPACE".to_string());
        }
        header.extend(
            visible
                .iter()
                .map(|&index| table.columns[index].name.to_ascii_uppercase()),
        );
        header.extend(
            options
                .label_columns
                .iter()
                .map(|label| label_header(label)),
        );
        if options.show_labels {
            header.push("LABELS".to_string());
        }
        rows.push(header);
    }
    for object in objects {
        let mut cells = (table.row)(object, context);
        if let (Some(prefix), Some(index)) = (&options.kind_prefix, name_column)
            && let Some(cell) = cells.get_mut(index)
        {
            *cell = format!("{prefix}/{cell}");
        }
        let mut row = Vec::with_capacity(visible.len() + 3);
        if options.with_namespace {
            row.push(
                object
                    .pointer("/metadata/namespace")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            );
        }
        for &index in &visible {
            // Upstream stops at the cells a row has (a printer may fill fewer).
            if let Some(cell) = cells.get(index) {
                row.push(sanitize_cell(cell));
            }
        }
        for key in &options.label_columns {
            let labels = string_map(object, &["metadata", "labels"]);
            row.push(
                labels
                    .iter()
                    .find(|(label, _)| label == key)
                    .map(|(_, value)| value.to_string())
                    .unwrap_or_default(),
            );
        }
        if options.show_labels {
            row.push(format_labels(object, &["metadata", "labels"]));
        }
        rows.push(row);
    }
    rows
}

/// `formatLabelHeaders`: `app.kubernetes.io/name` → `NAME`.
pub fn label_header(label: &str) -> String {
    label
        .rsplit('/')
        .next()
        .unwrap_or(label)
        .to_ascii_uppercase()
}

/// `appendCellValue`: a cell is cut at its first line break, which prints as `...`.
pub fn sanitize_cell(cell: &str) -> String {
    match cell.find(['\n', '\r', '\u{c}']) {
        Some(index) => format!("{}...", &cell[..index]),
        None => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::printers::table;
    use crate::time::SimTime;
    use serde_json::json;

    fn context(wide: bool) -> RowContext {
        RowContext {
            now: SimTime::DEFAULT_EPOCH,
            wide,
        }
    }

    #[test]
    fn decorations_follow_table_printer() {
        let pod = json!({
            "metadata": {"name": "web", "namespace": "prod", "labels": {"app": "web", "app.kubernetes.io/name": "shop"},
                "creationTimestamp": "2024-12-31T23:55:00Z"},
            "spec": {"containers": [{"name": "c"}]},
            "status": {"phase": "Pending"}
        });
        let options = TableOptions {
            with_namespace: true,
            kind_prefix: Some("pod".to_string()),
            show_labels: true,
            label_columns: vec!["app.kubernetes.io/name".to_string(), "missing".to_string()],
            ..TableOptions::default()
        };
        let rendered = table::render(&table_rows("Pod", &[pod], &options, &context(false)));
        assert_eq!(
            rendered,
            "NAMESPACE   NAME      READY   STATUS    RESTARTS   AGE   NAME   MISSING   LABELS\n\
             prod        pod/web   0/1     Pending   0          5m    shop             app=web,app.kubernetes.io/name=shop\n"
        );
        assert!(table_rows("Pod", &[], &options, &context(false)).is_empty());
    }

    #[test]
    fn wide_columns_and_multi_line_cells() {
        let event = json!({
            "metadata": {"name": "web.1"},
            "involvedObject": {"kind": "Pod", "name": "web"},
            "type": "Normal", "reason": "Pulled", "message": "line one\nline two",
            "count": 2, "source": {"component": "kubelet", "host": "worker-1"},
            "firstTimestamp": "2024-12-31T23:50:00Z", "lastTimestamp": "2024-12-31T23:59:30Z"
        });
        let narrow = table_rows(
            "Event",
            std::slice::from_ref(&event),
            &TableOptions::default(),
            &context(false),
        );
        assert_eq!(
            narrow[0],
            ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        );
        assert_eq!(
            narrow[1],
            ["30s", "Normal", "Pulled", "pod/web", "line one..."]
        );
        let wide = table_rows(
            "Event",
            &[event],
            &TableOptions {
                wide: true,
                ..TableOptions::default()
            },
            &context(true),
        );
        assert_eq!(
            wide[0],
            [
                "LAST SEEN",
                "TYPE",
                "REASON",
                "OBJECT",
                "SUBOBJECT",
                "SOURCE",
                "MESSAGE",
                "FIRST SEEN",
                "COUNT",
                "NAME"
            ]
        );
        assert_eq!(
            wide[1],
            [
                "30s",
                "Normal",
                "Pulled",
                "pod/web",
                "",
                "kubelet, worker-1",
                "line one...",
                "10m",
                "2",
                "web.1"
            ]
        );
    }

    #[test]
    fn kinds_without_a_printer_show_created_at() {
        let role =
            json!({"metadata": {"name": "reader", "creationTimestamp": "2025-01-01T00:00:00Z"}});
        assert_eq!(
            table::render(&table_rows(
                "Role",
                &[role],
                &TableOptions::default(),
                &context(false)
            )),
            "NAME     CREATED AT\nreader   2025-01-01T00:00:00Z\n"
        );
    }
}
