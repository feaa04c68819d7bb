//! Go's `text/tabwriter`, as kubectl uses it: cells end at `\t`, columns are
//! aligned per block of consecutive lines that have a cell in that column, and a
//! line's last cell (not tab-terminated) does not size any column.
//!
//! Upstream: `go/src/text/tabwriter/tabwriter.go` (`format`, `writeLines`), with
//! padchar ' ' and no flags. `kubectl describe` uses minwidth 0, tabwidth 8,
//! padding 2 (`tabbedString`); tables use minwidth 6, padding 3. Example with
//! padding 2: `"Name:\tweb\nNamespace:\tdefault\n"` prints
//! `Name:       web` / `Namespace:  default` — the block is one column wide
//! (10 + 2 = 12), while a line without a tab in between starts a new block.

/// A buffered writer; `flush` lays out everything written since the last flush.
#[derive(Clone, Debug)]
pub struct TabWriter {
    min_width: usize,
    padding: usize,
    pending: String,
    out: String,
}

impl TabWriter {
    pub fn new(min_width: usize, padding: usize) -> TabWriter {
        TabWriter {
            min_width,
            padding,
            pending: String::new(),
            out: String::new(),
        }
    }

    pub fn write(&mut self, text: &str) {
        self.pending.push_str(text);
    }

    /// Lays out the pending text (as Go's `Flush`).
    pub fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.pending);
        let mut lines: Vec<Vec<&str>> = text
            .split('\n')
            .map(|line| line.split('\t').collect())
            .collect();
        // The text after the final newline is an unterminated last line.
        let ends_with_newline = text.ends_with('\n');
        if ends_with_newline {
            lines.pop();
        }
        let mut widths = Vec::new();
        let mut rendered = String::new();
        self.format(&lines, 0, lines.len(), &mut widths, &mut rendered);
        if !ends_with_newline && rendered.ends_with('\n') {
            rendered.pop();
        }
        self.out.push_str(&rendered);
    }

    /// Flushes and returns everything written.
    pub fn finish(mut self) -> String {
        self.flush();
        self.out
    }

    fn format(
        &self,
        lines: &[Vec<&str>],
        mut line0: usize,
        line1: usize,
        widths: &mut Vec<usize>,
        out: &mut String,
    ) {
        let column = widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            // A cell exists in this column: print the lines before the block.
            write_lines(&lines[line0..this], widths, out);
            line0 = this;
            let mut width = self.min_width;
            while this < line1 && column + 1 < lines[this].len() {
                width = width.max(cell_width(lines[this][column]) + self.padding);
                this += 1;
            }
            widths.push(width);
            self.format(lines, line0, this, widths, out);
            widths.pop();
            line0 = this;
        }
        write_lines(&lines[line0..line1], widths, out);
    }
}

fn cell_width(cell: &str) -> usize {
    cell.chars().count()
}

fn write_lines(lines: &[Vec<&str>], widths: &[usize], out: &mut String) {
    for line in lines {
        for (index, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if index + 1 < line.len()
                && let Some(width) = widths.get(index)
            {
                out.extend(std::iter::repeat_n(
                    ' ',
                    width.saturating_sub(cell_width(cell)),
                ));
            }
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(text: &str, min_width: usize, padding: usize) -> String {
        let mut writer = TabWriter::new(min_width, padding);
        writer.write(text);
        writer.finish()
    }

    #[test]
    fn blocks_align_as_go_tabwriter_does() {
        assert_eq!(
            layout("Name:\tweb\nNamespace:\tdefault\n", 0, 2),
            "Name:       web\nNamespace:  default\n"
        );
        // A line without a tab ends the block; the next block aligns on its own.
        assert_eq!(
            layout("a:\t1\nlonger key:\t2\nSection:\n  b:\t3\n", 0, 2),
            "a:           1\nlonger key:  2\nSection:\n  b:  3\n"
        );
        // Nested columns: the second column's block is the lines that have a third cell.
        assert_eq!(
            layout(
                "  Type\tStatus\n  Ready \tTrue \n  PodScheduled \tTrue \n",
                0,
                2
            ),
            "  Type           Status\n  Ready          True \n  PodScheduled   True \n"
        );
        assert_eq!(
            layout("NAME\tREADY\tAGE\nweb\t1/1\t5m\n", 6, 3),
            "NAME   READY   AGE\nweb    1/1     5m\n"
        );
        assert_eq!(layout("no newline\tx", 0, 2), "no newline  x");
    }
}
