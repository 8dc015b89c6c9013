//! `mdrsim import`: real dataset files → a recording (docs/recorded-scenarios.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mdrsim::recording::import::{Format, import};

/// Flags of `mdrsim import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The layout of the input files.
    #[arg(value_enum)]
    format: Format,
    /// Input files (JSON Lines or one JSON document each).
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// The recording to write (JSON Lines; replaced whole, or not at all on an error).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Runs the command.
pub fn execute(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let recording = import(args.format, &args.paths)?;
    recording.write(&args.out)?;
    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    for r in &recording.records {
        *kinds.entry(r.kind.as_str()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    println!(
        "{}: {} records ({})",
        args.out.display(),
        recording.records.len(),
        kinds.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}
