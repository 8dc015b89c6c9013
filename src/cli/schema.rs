//! `mdrsim schema`: the JSON Schema of the scenario format, for editors and CI.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use mdrsim::scenario::ScenarioSpec;

/// Flags of `mdrsim schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {}

/// Prints the schema.
pub fn execute(_: SchemaArgs) -> anyhow::Result<ExitCode> {
    let schema = schemars::schema_for!(ScenarioSpec);
    let mut text = serde_json::to_string_pretty(&schema)?;
    text.push('\n');
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
