//! Setting parameters by path (`--set provider.pools.analysts.size=4`). Paths are dotted
//! keys into the serialized form; a numeric segment indexes a list, any other segment on
//! a list picks the element whose `name` it is. Values are JSON (`4`, `0.9`, `true`,
//! `["telemetry"]`, `{"order": "fifo"}`) or else a plain string (`15m`). An unknown key
//! is an error, so a typo never silently does nothing.

use serde_json::Value;

use crate::error::{Error, Result};

/// Parses `KEY=VALUE`.
pub fn parse_assignment(text: &str) -> Result<(String, Value)> {
    let (key, value) = text.split_once('=').ok_or_else(|| {
        Error::Usage(format!(
            "--set {text:?}: expected KEY=VALUE, e.g. provider.pools.analysts.size=4"
        ))
    })?;
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()));
    Ok((key.trim().to_string(), value))
}

/// Whether `path` names a value in `root`.
pub fn has_path(root: &Value, path: &str) -> bool {
    let mut here = root;
    for seg in path.split('.') {
        let next = match here {
            Value::Object(map) => map.get(seg),
            Value::Array(items) => match seg.parse::<usize>() {
                Ok(n) => items.get(n),
                Err(_) => items
                    .iter()
                    .find(|v| v.get("name").and_then(Value::as_str) == Some(seg)),
            },
            _ => None,
        };
        match next {
            Some(n) => here = n,
            None => return false,
        }
    }
    true
}

/// Replaces the value at `path` in `root`.
pub fn set_path(root: &mut Value, path: &str, new: Value) -> Result<()> {
    let mut here = root;
    let segments: Vec<&str> = path.split('.').collect();
    for (i, seg) in segments.iter().enumerate() {
        let at = segments[..=i].join(".");
        let next = match here {
            Value::Object(map) => map.get_mut(*seg),
            Value::Array(items) => match seg.parse::<usize>() {
                Ok(n) => items.get_mut(n),
                Err(_) => items
                    .iter_mut()
                    .find(|v| v.get("name").and_then(Value::as_str) == Some(*seg)),
            },
            _ => None,
        };
        here = next.ok_or_else(|| Error::Usage(format!("{path}: no parameter {at:?}")))?;
    }
    *here = new;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_by_key_index_and_name() {
        let mut v = serde_json::json!({"pools": [{"name": "a", "size": 1}, {"name": "b", "size": 2}], "x": 0.5});
        set_path(&mut v, "pools.b.size", serde_json::json!(5)).unwrap();
        set_path(&mut v, "pools.0.size", serde_json::json!(3)).unwrap();
        set_path(&mut v, "x", serde_json::json!(0.9)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"pools": [{"name": "a", "size": 3}, {"name": "b", "size": 5}], "x": 0.9})
        );
        assert!(set_path(&mut v, "pools.c.size", serde_json::json!(1)).is_err());
        assert!(set_path(&mut v, "y", serde_json::json!(1)).is_err());
    }

    #[test]
    fn values_are_json_or_strings() {
        assert_eq!(parse_assignment("a.b=4").unwrap().1, serde_json::json!(4));
        assert_eq!(
            parse_assignment("a=15m").unwrap().1,
            serde_json::json!("15m")
        );
        assert!(parse_assignment("nothing").is_err());
    }
}
