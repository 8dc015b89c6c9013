//! Aligned text tables for a terminal and the same as GitHub-flavoured Markdown: the
//! leading name columns left-aligned, the rest (numbers) right-aligned.

use std::fmt::Write as _;

/// Renders `rows` under `header`, the first column left-aligned; Markdown when `md`.
pub fn render(header: &[String], rows: &[Vec<String>], md: bool) -> String {
    render_with(header, rows, md, 1)
}

/// Renders `rows` under `header` with the first `names` columns left-aligned.
pub fn render_with(header: &[String], rows: &[Vec<String>], md: bool, names: usize) -> String {
    let mut out = String::new();
    // Markdown cells escape their pipes before widths are measured.
    let cell = |c: &String| {
        let c = super::units::printable(&c.replace(['\n', '\t'], " "));
        if md {
            md_escape(&c).replace('|', "\\|")
        } else {
            c
        }
    };
    let table: Vec<Vec<String>> = std::iter::once(header)
        .chain(rows.iter().map(Vec::as_slice))
        .map(|r| r.iter().map(cell).collect())
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            table
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (r, row) in table.iter().enumerate() {
        let line: Vec<String> = (0..header.len())
            .map(|i| {
                let c = row.get(i).map_or("", String::as_str);
                if i < names {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect();
        if md {
            let _ = writeln!(out, "| {} |", line.join(" | "));
            if r == 0 {
                let rule: Vec<&str> = (0..header.len())
                    .map(|i| if i < names { "---" } else { "---:" })
                    .collect();
                let _ = writeln!(out, "| {} |", rule.join(" | "));
            }
        } else {
            let _ = writeln!(out, "{}", line.join("  ").trim_end());
        }
    }
    out
}

/// Markdown text that cannot open an HTML tag: `<` and `>` (and `&`) as entities, and
/// control characters shown escaped.
pub fn md_escape(text: &str) -> String {
    super::units::printable(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_align_and_markdown_escapes_pipes() {
        let h = vec!["name".to_string(), "value".to_string()];
        let rows = vec![
            vec!["a".to_string(), "1".to_string()],
            vec!["bb|c".to_string(), "22".to_string()],
        ];
        assert_eq!(
            super::render(&h, &rows, false),
            "name  value\na         1\nbb|c     22\n"
        );
        assert_eq!(
            super::render(&h, &rows, true),
            "| name  | value |\n| --- | ---: |\n| a     |     1 |\n| bb\\|c |    22 |\n"
        );
    }
}
