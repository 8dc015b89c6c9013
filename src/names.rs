//! Names are data, never paths. Scenario and strategy names are checked against a small
//! character set when they are read; anything that becomes part of an output path (a
//! partition value, a sweep key or value) is percent-encoded, and every output path is
//! checked to stay under the folder it was meant for.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Longest scenario or strategy name.
pub const MAX_NAME_LEN: usize = 64;

/// Why `name` is not a valid scenario or strategy name, if it is not: 1 to
/// [`MAX_NAME_LEN`] characters from `A–Z a–z 0–9 . _ -`, starting with a letter or digit.
pub fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("must not be empty".into());
    }
    if name.len() > MAX_NAME_LEN {
        return Some(format!(
            "is {} characters long; at most {MAX_NAME_LEN} are allowed",
            name.len()
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some(format!(
            "{name:?} must start with a letter or digit (names become folder names)"
        ));
    }
    if let Some(c) = name.chars().find(|&c| !is_name_char(c)) {
        return Some(format!(
            "{name:?} contains {c:?}; names may hold only A-Z a-z 0-9 . _ -"
        ));
    }
    None
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// `text` as one path segment that is safe on every file system and in hive
/// partitioning: bytes outside `A–Z a–z 0–9 _ -` and `.` (except a leading one, so `.`
/// and `..` cannot appear) become `%XX`, which pyarrow's hive partitioning decodes.
/// Callers refuse empty values; one that slips through becomes `__empty__`, never an
/// empty folder name.
pub fn encode_segment(text: &str) -> String {
    if text.is_empty() {
        return "__empty__".into();
    }
    let mut out = String::with_capacity(text.len());
    for (i, b) in text.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || (b == b'.' && i > 0);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The inverse of [`encode_segment`] (for tests and readers of partition folders).
pub fn decode_segment(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `key=value` as one hive partition folder name, both parts encoded.
pub fn partition(key: &str, value: &str) -> String {
    format!("{}={}", encode_segment(key), encode_segment(value))
}

/// `root` joined with `relative`, refused unless every component of `relative` is an
/// ordinary name (no `..`, no root, no drive prefix): the result stays under `root`.
pub fn under(root: &Path, relative: &Path) -> Result<PathBuf> {
    if relative.as_os_str().is_empty()
        || relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(Error::Usage(format!(
            "refusing to write {} outside {}",
            relative.display(),
            root.display()
        )));
    }
    Ok(root.join(relative))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_outside_the_set_are_refused() {
        for good in ["friday-night-ransomware", "ai_mdr", "v1.2", "A"] {
            assert_eq!(name_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "x/../../escaped",
            "..",
            ".hidden",
            "a=b",
            "line\nbreak",
            "24/7",
            "naïve",
            "-flag",
            &"x".repeat(65),
        ] {
            assert!(name_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn encoded_segments_are_plain_names_and_decode_back() {
        for raw in [
            "24/7",
            "../../etc",
            "..",
            ".",
            "k=v,w",
            "a b\n",
            "é",
            "0.9",
            "x",
        ] {
            let enc = encode_segment(raw);
            assert!(
                enc.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-.%".contains(&b)),
                "{enc}"
            );
            assert!(!enc.starts_with('.'), "{enc}");
            assert!(!enc.contains('/') && !enc.contains('='), "{enc}");
            assert_eq!(decode_segment(&enc).as_deref(), Some(raw));
        }
        assert_eq!(encode_segment("24/7"), "24%2F7");
        assert_eq!(encode_segment(".."), "%2E.");
        assert_eq!(partition("params.autonomy", "0.9"), "params.autonomy=0.9");
    }

    #[test]
    fn paths_that_leave_the_root_are_refused() {
        let root = Path::new("/tmp/out");
        assert!(under(root, Path::new("a/b")).is_ok());
        for bad in ["../x", "a/../../x", "/etc/passwd", ""] {
            assert!(under(root, Path::new(bad)).is_err(), "{bad}");
        }
    }
}
