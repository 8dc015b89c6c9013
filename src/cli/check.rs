//! `mdrsim check`: compare a results folder with a stored baseline under a regression
//! policy; exit 1 when a metric got worse beyond its allowance (and beyond noise on
//! paired seeds). `--update` writes the baseline from the results instead.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mdrsim::claims::baseline::{BASELINE_VERSION, Baseline};
use mdrsim::claims::identity::Grid;
use mdrsim::claims::policy::Policy;
use mdrsim::claims::regression::{check, incompatibilities};
use mdrsim::harness::folder::verify;
use mdrsim::harness::tables::read_runs;
use mdrsim::report::claims::{GateFormat, render_check};

/// Flags of `mdrsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The baseline (JSON, written by --update).
    #[arg(long, value_name = "FILE")]
    baseline: PathBuf,
    /// The results folder to check (from eval or merge).
    #[arg(long, value_name = "DIR", default_value = "results")]
    results: PathBuf,
    /// The regression policy (TOML; docs/claims.md). Default: the headline metrics.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Write the baseline from the results (replacing it) instead of checking.
    #[arg(long)]
    update: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GateFormat::Table)]
    format: GateFormat,
    /// Also store the outcome as check.json in the results folder, where `mdrsim
    /// report` shows it.
    #[arg(long)]
    record: bool,
}

/// Writes `value` as pretty JSON to `path`, atomically.
pub fn record<T: serde::Serialize>(path: &std::path::Path, value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)? + "\n";
    mdrsim::atomic::write_atomically(path, |w| {
        std::io::Write::write_all(w, text.as_bytes()).map_err(|e| mdrsim::Error::io(path, e))
    })?;
    Ok(())
}

/// Runs the command.
pub fn execute(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let policy = match &args.policy {
        Some(p) => Policy::load(p)?,
        None => Policy::default_policy(),
    };
    let manifest = verify(&args.results)?;
    let dir = args.results.display().to_string();
    if manifest.get("shard").is_some_and(|s| !s.is_null()) {
        return Err(mdrsim::Error::Usage(format!(
            "--results {dir}: one shard of an eval; merge the shards first (mdrsim merge)"
        ))
        .into());
    }
    let grid = Grid::from_manifest(&manifest)
        .map_err(|m| mdrsim::Error::Usage(format!("{dir}/manifest.json: {m}")))?;
    let runs = read_runs(&args.results.join("runs.parquet"))?;
    if args.update {
        let baseline = Baseline {
            mdrsim_baseline: BASELINE_VERSION,
            mdrsim_version: manifest["mdrsim_version"]
                .as_str()
                .unwrap_or("unknown")
                .to_string(),
            grid,
            runs,
        };
        baseline.write(&args.baseline)?;
        println!(
            "baseline {}: {} runs of {} strategy(ies) on {} scenario(s)",
            args.baseline.display(),
            baseline.runs.len(),
            baseline.grid.strategies.len(),
            baseline.grid.scenarios.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let baseline = Baseline::read(&args.baseline)?;
    let problems = incompatibilities(&baseline.grid, &grid);
    if !problems.is_empty() {
        return Err(mdrsim::Error::Usage(format!(
            "{} and --results {dir} are not comparable: {}",
            args.baseline.display(),
            problems.join("; ")
        ))
        .into());
    }
    let report = check(&baseline, &grid, &runs, &policy);
    if args.record {
        record(&args.results.join("check.json"), &report)?;
    }
    std::io::stdout()
        .lock()
        .write_all(render_check(&report, args.format).as_bytes())?;
    Ok(if report.regressed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
