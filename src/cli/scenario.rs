//! `mdrsim scenario export`: a synthetic scenario materialised as a recording
//! (docs/recorded-scenarios.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use mdrsim::recording::export::export;

/// Flags of `mdrsim scenario`.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    #[command(subcommand)]
    command: ScenarioCommand,
}

#[derive(Debug, Subcommand)]
enum ScenarioCommand {
    /// Materialise a synthetic scenario, for one seed, as a recording that runs as a
    /// scenario of its own (`mdrsim run --scenario FILE.jsonl`) with exactly the spec's
    /// results.
    Export {
        /// The scenario file (TOML).
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
        /// The seed whose world to materialise.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The recording to write (`.jsonl`; replaced whole, or not at all on an error).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// Runs the command.
pub fn execute(args: ScenarioArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ScenarioCommand::Export { spec, seed, out } => {
            let done = export(&spec, seed, &out)?;
            println!(
                "{}: {} records on {} lanes (seed {seed}); run it with: mdrsim run --scenario {} --seed {seed}",
                out.display(),
                done.records,
                done.lanes,
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
