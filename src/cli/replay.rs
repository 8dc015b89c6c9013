//! `mdrsim replay`: rescore a stored log.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mdrsim::event::{read_log_header, stream_log};
use mdrsim::report::{Format, RunReport};
use mdrsim::score::Metrics;
use mdrsim::score::record::RecordsFold;

/// Flags of `mdrsim replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Event log written by `mdrsim run --events` (.parquet or .jsonl).
    #[arg(value_name = "PATH")]
    log: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Runs the command: the log is read as a stream into the scoring fold, never held.
pub fn execute(args: ReplayArgs) -> anyhow::Result<ExitCode> {
    let header = read_log_header(&args.log)?;
    let mut fold = RecordsFold::new(&header);
    stream_log(&args.log, &header, |e| fold.push(e))?;
    let metrics = Metrics::from_records(&fold.finish());
    let report = RunReport::new(&header, metrics).render(args.format);
    std::io::stdout().lock().write_all(report.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
