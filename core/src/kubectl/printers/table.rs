//! Tables as kubectl prints them: Go's `text/tabwriter` with minwidth 6,
//! tabwidth 4, padding 3 and blanks (`printers.GetNewTabWriter`). A column is as
//! wide as its widest cell plus 3 (at least 6); the last column is not padded.
//! Example: `NAME   READY   STATUS    RESTARTS   AGE`.

/// kubectl's tabwriter settings.
pub const MIN_WIDTH: usize = 6;
pub const PADDING: usize = 3;

/// Renders rows (the first is usually the header) into aligned text, one line
/// per row, each ending in a newline.
pub fn render(rows: &[Vec<String>]) -> String {
    render_with(rows, MIN_WIDTH, PADDING)
}

/// Renders with other tabwriter settings (`rollout history` uses minwidth 0, padding 2).
pub fn render_with(rows: &[Vec<String>], min_width: usize, padding: usize) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for row in rows {
        // The last cell of a row is not tab-terminated, so it does not size a column.
        for (index, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
            widths[index] = widths[index].max((display_width(cell) + padding).max(min_width));
        }
    }
    let mut out = String::new();
    for row in rows {
        let last = row.len().saturating_sub(1);
        for (index, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if index < last {
                out.extend(std::iter::repeat_n(
                    ' ',
                    widths[index] - display_width(cell),
                ));
            }
        }
        out.push('\n');
    }
    out
}

/// Width in characters, as tabwriter counts UTF-8 text.
fn display_width(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|cell| cell.to_string()).collect()
    }

    #[test]
    fn matches_kubectl_get_test_layout() {
        // From staging/src/k8s.io/kubectl/pkg/cmd/get/get_test.go.
        let table = render(&[
            row(&["NAME", "READY", "STATUS", "RESTARTS", "AGE"]),
            row(&["foo", "0/0", "", "0", "<unknown>"]),
        ]);
        assert_eq!(
            table,
            "NAME   READY   STATUS   RESTARTS   AGE\nfoo    0/0              0          <unknown>\n"
        );
    }

    #[test]
    fn rollout_history_layout() {
        let table = render_with(
            &[row(&["REVISION", "CHANGE-CAUSE"]), row(&["1", "<none>"])],
            0,
            2,
        );
        assert_eq!(table, "REVISION  CHANGE-CAUSE\n1         <none>\n");
    }
}
