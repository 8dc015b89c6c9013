//! `mdrsim summary`: print the summary of any results folder (an eval's, or a merge's).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mdrsim::harness::summarize_runs;
use mdrsim::harness::tables::read_runs;
use mdrsim::report::summary::{SummaryFormat, columns, render};

/// Flags of `mdrsim summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// A results folder (holding runs.parquet and campaigns.parquet).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Table)]
    format: SummaryFormat,
    /// Metrics to show, comma-separated (default: the headline metrics).
    #[arg(long, value_name = "A,B,…", value_delimiter = ',')]
    metrics: Vec<String>,
    /// Report paired differences against this strategy (matched scenario and seed).
    #[arg(long, value_name = "NAME")]
    baseline: Option<String>,
}

/// Runs the command.
pub fn execute(args: SummaryArgs) -> anyhow::Result<ExitCode> {
    let columns = columns(&args.metrics)?;
    mdrsim::harness::folder::verify(&args.dir)?;
    let runs = args.dir.join("runs.parquet");
    let results = read_runs(&runs)?;
    if let Some(b) = &args.baseline
        && !results.iter().any(|r| &r.strategy == b)
    {
        return Err(
            mdrsim::Error::Usage(format!("--baseline {b}: no runs of this strategy")).into(),
        );
    }
    let summary = summarize_runs(&results, args.baseline.as_deref());
    let text = render(&summary, args.format, &columns);
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
