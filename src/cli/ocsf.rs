//! `mdrsim ocsf`: a run's alerts as OCSF Detection Findings and its escalations as
//! Incident Findings, JSON Lines (docs/recorded-scenarios.md#ocsf-out).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mdrsim::event::read_log;
use mdrsim::report::ocsf::findings;

/// Flags of `mdrsim ocsf`.
#[derive(Debug, Args)]
pub struct OcsfArgs {
    /// An event log (from `run --events` or `eval --events`).
    #[arg(value_name = "LOG")]
    log: PathBuf,
    /// The JSON Lines file to write (replaced whole).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Runs the command.
pub fn execute(args: OcsfArgs) -> anyhow::Result<ExitCode> {
    let (header, log) = read_log(&args.log)?;
    let found = findings(&header, &log);
    let mut text = String::new();
    for f in &found {
        text += &(serde_json::to_string(f)? + "\n");
    }
    mdrsim::atomic::write_atomically(&args.out, |w| {
        std::io::Write::write_all(w, text.as_bytes()).map_err(|e| mdrsim::Error::io(&args.out, e))
    })?;
    let incidents = found.iter().filter(|f| f["class_uid"] == 2005).count();
    println!(
        "{}: {} detection finding(s), {} incident finding(s)",
        args.out.display(),
        found.len() - incidents,
        incidents
    );
    Ok(ExitCode::SUCCESS)
}
