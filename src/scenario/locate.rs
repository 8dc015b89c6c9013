//! From a field path back to a line: validation errors name fields by path
//! (`campaigns[0].steps[1].delay`, `provider.pools.analysts.size`); this walks a spanned
//! parse of the file's text along the path and returns the line of the deepest element
//! it reaches, so every error can point at a line even where the typed value kept no
//! span.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::load::line_of;

/// The 1-based line of `field` in the TOML `text`: of the field itself, or of the
/// nearest enclosing table or array element that exists (a missing key is reported
/// where it belongs). `None` when not even the first segment is in the file.
pub fn field_line(text: &str, field: &str) -> Option<usize> {
    let root = DeTable::parse(text).ok()?;
    let mut here: Option<&Spanned<DeValue<'_>>> = None;
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    let mut best: Option<usize> = None;
    for step in segments(field) {
        let next = match (step, table, here.map(Spanned::get_ref)) {
            (Step::Key(k), Some(t), _) => t.get(k),
            (Step::Index(i), _, Some(DeValue::Array(a))) => a.get(i),
            (Step::Key(k), None, Some(DeValue::Array(a))) => a.iter().find(|v| {
                matches!(v.get_ref(), DeValue::Table(t)
                    if t.get("name").is_some_and(|n| matches!(n.get_ref(), DeValue::String(s) if s == k)))
            }),
            _ => None,
        };
        let Some(next) = next else { break };
        best = Some(line_of(text, next.span().start));
        here = Some(next);
        table = match next.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    best
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// `a.b[2].c` → `a`, `b`, 2, `c`; a numeric dotted segment (`pools.0`) is an index.
fn segments(field: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    for part in field.split('.') {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            out.push(match key.parse() {
                Ok(i) => Step::Index(i),
                Err(_) => Step::Key(key),
            });
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(Step::Index(i));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"x\"\n\
        [provider]\n\
        pools = [{ name = \"analysts\", size = 0 }]\n\
        \n\
        [[campaigns]]\n\
        name = \"a\"\n\
        [[campaigns]]\n\
        name = \"b\"\n\
        [[campaigns.steps]]\n\
        delay = \"-1m\"\n";

    #[test]
    fn paths_map_to_the_lines_written() {
        assert_eq!(field_line(TEXT, "name"), Some(1));
        assert_eq!(field_line(TEXT, "provider.pools.analysts.size"), Some(3));
        assert_eq!(field_line(TEXT, "provider.pools[0].size"), Some(3));
        assert_eq!(field_line(TEXT, "campaigns[1].name"), Some(8));
        assert_eq!(field_line(TEXT, "campaigns[1].steps[0].delay"), Some(10));
        // A missing key points at its table.
        assert_eq!(field_line(TEXT, "campaigns[1].steps[0].detect"), Some(9));
        assert_eq!(field_line(TEXT, "horizon"), None);
    }
}
