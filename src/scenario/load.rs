//! Reading a scenario file: TOML → [`ScenarioSpec`] with errors that name the file, the
//! line and the field.

use std::path::Path;

use super::spec::ScenarioSpec;
use crate::error::{Error, Result};

/// Parses scenario text; `file` is only used in error messages.
pub fn parse_spec(text: &str, file: &Path) -> Result<ScenarioSpec> {
    let de = toml::Deserializer::parse(text).map_err(|e| toml_error(text, file, "(syntax)", &e))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e
            .path()
            .to_string()
            .replace(".$__serde_spanned_private_value", "");
        toml_error(text, file, &field, e.inner())
    })
}

/// Reads and parses a scenario file.
pub fn read_spec(path: &Path) -> Result<ScenarioSpec> {
    let text = crate::budget::read_text(path)?;
    parse_spec(&text, path)
}

pub(crate) fn toml_error(text: &str, file: &Path, field: &str, e: &toml::de::Error) -> Error {
    let field = if field == "." || field.is_empty() {
        "(top level)".to_string()
    } else {
        field.to_string()
    };
    Error::Scenario {
        file: file.to_path_buf(),
        line: e
            .span()
            .map(|s| line_of(text, s.start))
            .or_else(|| super::locate::field_line(text, field_path(&field))),
        field,
        message: e.message().trim().replace('\n', " "),
    }
}

/// The field path inside an error's field label (`(top level)` has none).
fn field_path(field: &str) -> &str {
    if field.starts_with('(') { "" } else { field }
}

/// 1-based line number of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
