//! `mdrsim detect`: run Sigma rules over a recording and list every match, naming each
//! rule's title, id and author (the Detection Rule License asks that matches do).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use mdrsim::recording::Recording;
use mdrsim::recording::detect::{hits, load_rules};

/// How `detect` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DetectFormat {
    /// One line per match.
    Table,
    /// The matches as JSON.
    Json,
}

/// Flags of `mdrsim detect`.
#[derive(Debug, Args)]
pub struct DetectArgs {
    /// A recording (from `mdrsim import`).
    #[arg(value_name = "RECORDING")]
    recording: PathBuf,
    /// Sigma rule files or folders (every .yml below a folder).
    #[arg(long, value_name = "PATH", num_args = 1.., required = true)]
    rules: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DetectFormat::Table)]
    format: DetectFormat,
}

/// Runs the command.
pub fn execute(args: DetectArgs) -> anyhow::Result<ExitCode> {
    let recording = Recording::read(&args.recording)?;
    let rules = load_rules(&args.rules)?;
    let found = hits(&rules, &recording);
    let text = match args.format {
        DetectFormat::Json => serde_json::to_string_pretty(&found)? + "\n",
        DetectFormat::Table => {
            let mut t = format!(
                "{} rule(s) over {} record(s): {} match(es)\n",
                rules.len(),
                recording.records.len(),
                found.len()
            );
            for h in &found {
                let when = jiff::Timestamp::from_millisecond(h.time_ms)
                    .map_or_else(|_| h.time_ms.to_string(), |t| t.to_string());
                t += &mdrsim::report::units::printable(&format!(
                    "{}:{}  {when}  {} ({}, {}) by {}\n",
                    h.file, h.line, h.title, h.rule_id, h.level, h.author
                ));
            }
            t
        }
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
