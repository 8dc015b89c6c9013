//! `mdrsim explain`: the glass-box story of one alert or one campaign in a stored event
//! log (Parquet or JSON Lines).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use mdrsim::event::read_log;
use mdrsim::report::explain::{Subject, explain, render_text};

/// How `explain` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// One line per event, records indented below.
    Text,
    /// The story as JSON.
    Json,
}

/// Flags of `mdrsim explain`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("subject").required(true).args(["alert", "campaign"])))]
pub struct ExplainArgs {
    /// An event log (from `run --events` or `eval --events`).
    #[arg(value_name = "LOG")]
    log: PathBuf,
    /// The alert to explain (its id, as in alerts.parquet).
    #[arg(long, value_name = "ID")]
    alert: Option<u32>,
    /// The campaign to explain (its index, as in campaigns.parquet).
    #[arg(long, value_name = "ID")]
    campaign: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
}

/// Runs the command.
pub fn execute(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let (header, log) = read_log(&args.log)?;
    let subject = match (args.alert, args.campaign) {
        (Some(a), _) => Subject::Alert(a),
        (None, Some(c)) => Subject::Campaign(c),
        (None, None) => {
            return Err(mdrsim::Error::Usage("name --alert ID or --campaign ID".into()).into());
        }
    };
    let story = explain(&header, &log, subject)?;
    let text = match args.format {
        ExplainFormat::Text => render_text(&story),
        ExplainFormat::Json => serde_json::to_string_pretty(&story)? + "\n",
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
