//! Aligned text tables for a terminal and the same as GitHub-flavoured Markdown: the
//! leading name columns left-aligned, the rest (numbers) right-aligned.

use std::fmt::Write as _;

/// A terminal's width: wider text tables wrap.
const WIDTH: usize = 120;

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
    if md {
        write_rows(
            &mut out,
            &table,
            &widths,
            names,
            &(0..header.len()).collect::<Vec<_>>(),
            true,
            " | ",
        );
        return out;
    }
    // Two spaces between columns, one when that keeps a wide table within a terminal's
    // 120 columns; wider still, the value columns wrap into stacked parts, each led by
    // the name columns (as R and pandas print a wide frame), so no row runs off a terminal.
    let span = |cols: &[usize], gap: usize| {
        cols.iter().map(|&i| widths[i]).sum::<usize>() + gap * cols.len().saturating_sub(1)
    };
    let all: Vec<usize> = (0..header.len()).collect();
    if span(&all, 2) <= WIDTH {
        write_rows(&mut out, &table, &widths, names, &all, false, "  ");
    } else if span(&all, 1) <= WIDTH {
        write_rows(&mut out, &table, &widths, names, &all, false, " ");
    } else {
        let lead: Vec<usize> = (0..names.min(header.len())).collect();
        let mut part = lead.clone();
        for i in names..header.len() {
            part.push(i);
            if part.len() > lead.len() + 1 && span(&part, 2) > WIDTH {
                part.pop();
                write_rows(&mut out, &table, &widths, names, &part, false, "  ");
                out.push('\n');
                part = lead.clone();
                part.push(i);
            }
        }
        write_rows(&mut out, &table, &widths, names, &part, false, "  ");
    }
    out
}

/// Writes the columns `cols` of every row, padded to `widths`, joined by `gap`.
fn write_rows(
    out: &mut String,
    table: &[Vec<String>],
    widths: &[usize],
    names: usize,
    cols: &[usize],
    md: bool,
    gap: &str,
) {
    for (r, row) in table.iter().enumerate() {
        let line: Vec<String> = cols
            .iter()
            .map(|&i| {
                let c = row.get(i).map_or("", String::as_str);
                if i < names {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect();
        if md {
            let _ = writeln!(out, "| {} |", line.join(gap));
            if r == 0 {
                let rule: Vec<&str> = cols
                    .iter()
                    .map(|&i| if i < names { "---" } else { "---:" })
                    .collect();
                let _ = writeln!(out, "| {} |", rule.join(gap));
            }
        } else {
            let _ = writeln!(out, "{}", line.join(gap).trim_end());
        }
    }
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

    /// A table wider than a terminal wraps its value columns into parts, each led by
    /// the names; one that fits with single spaces does not wrap.
    #[test]
    fn wide_tables_wrap_under_their_names() {
        let h: Vec<String> = ["name", "a", "b", "c"].map(String::from).to_vec();
        let wide = |w: usize| vec!["x".to_string(), "1".repeat(w), "2".repeat(w), "3".repeat(w)];
        let text = super::render(&h, &[wide(50)], false);
        let expected = format!(
            "name  {a:>50}  {b:>50}\nx     {one}  {two}\n\nname  {c:>50}\nx     {three}\n",
            a = "a",
            b = "b",
            c = "c",
            one = "1".repeat(50),
            two = "2".repeat(50),
            three = "3".repeat(50),
        );
        assert_eq!(text, expected);
        assert!(text.lines().all(|l| l.chars().count() <= 120));
        // 4 + 3 × 38 + 3 single gaps = 121 > 120 wraps; 3 × 37 + 4 + 3 = 118 does not.
        assert_eq!(super::render(&h, &[wide(37)], false).lines().count(), 2);
        assert!(
            super::render(&h, &[wide(37)], false).contains(&format!("x    {}", "1".repeat(37)))
        );
        assert_eq!(super::render(&h, &[wide(38)], false).lines().count(), 5);
    }
}
