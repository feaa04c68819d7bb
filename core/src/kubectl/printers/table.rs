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
/// Rows are laid out by Go's tabwriter algorithm ([`super::tabwriter`]), so rows
/// with fewer cells align as kubectl's do.
pub fn render_with(rows: &[Vec<String>], min_width: usize, padding: usize) -> String {
    let mut writer = super::tabwriter::TabWriter::new(min_width, padding);
    for row in rows {
        writer.write(&row.join("\t"));
        writer.write("\n");
    }
    writer.finish()
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
