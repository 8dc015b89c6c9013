//! `mdrsim claims`: test a claims file — run the eval it describes (or read results
//! that match it) and give each claim pass, fail or inconclusive, with the evidence.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use mdrsim::budget::Budget;
use mdrsim::claims::assess::{assess, check_results, config};
use mdrsim::claims::file;
use mdrsim::claims::gaming::trivial_reports;
use mdrsim::harness::folder::{Staging, verify};
use mdrsim::harness::tables::read_runs;
use mdrsim::report::claims::{GateFormat, render_claims};

/// What an inconclusive claim does to the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Inconclusive {
    /// Exit 1, as for a failed claim: unproven is not proven (the default, for CI).
    Fail,
    /// Exit 0 if nothing failed: only a claim the evidence contradicts fails.
    Pass,
}

/// Flags of `mdrsim claims`.
#[derive(Debug, Args)]
pub struct ClaimsArgs {
    /// The claims file (TOML; docs/claims.md).
    #[arg(value_name = "CLAIMS.toml")]
    claims: PathBuf,
    /// Judge the runs of this results folder instead of running the eval; it must hold
    /// exactly the claims file's suite, seeds and cost table, and the strategy as defined.
    #[arg(long, value_name = "DIR")]
    results: Option<PathBuf>,
    /// Keep the results of the eval the claims file asks for in DIR (as eval --out).
    #[arg(long, value_name = "DIR", conflicts_with = "results")]
    out: Option<PathBuf>,
    /// Whether an inconclusive claim fails (exit 1) or passes.
    #[arg(long, value_enum, default_value_t = Inconclusive::Fail)]
    inconclusive: Inconclusive,
    /// Worker threads (default: all cores). Output does not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Lift the work budget (see eval --allow-large).
    #[arg(long)]
    allow_large: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GateFormat::Table)]
    format: GateFormat,
    /// Also store the outcome as claims.json in the results folder (--results or
    /// --out), where `mdrsim report` shows it.
    #[arg(long)]
    record: bool,
    /// Skip the gaming check. By default the trivial strategies (dismiss_all,
    /// escalate_all, contain_all) are run on the same suite, seeds and costs; a claim set
    /// one of them passes whole does not discriminate, and fails (exit 1).
    #[arg(long)]
    no_gaming_check: bool,
}

/// Runs the command.
pub fn execute(args: ClaimsArgs) -> anyhow::Result<ExitCode> {
    if args.record && args.results.is_none() && args.out.is_none() {
        return Err(mdrsim::Error::Usage(
            "--record: name the results folder to store claims.json in (--results or --out)".into(),
        )
        .into());
    }
    let claims = file::load(&args.claims)?;
    let runs = match &args.results {
        Some(dir) => {
            let manifest = verify(dir)?;
            check_results(&claims, &manifest, &dir.display().to_string())?;
            read_runs(&dir.join("runs.parquet"))?
        }
        None => {
            let threads = args
                .threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            let cfg = config(&claims, threads, Budget::new(args.allow_large));
            cfg.validate()?;
            let temp;
            let target = match &args.out {
                Some(out) => out.clone(),
                None => {
                    temp = tempfile::tempdir()?;
                    temp.path().join("results")
                }
            };
            let staging = Staging::begin(&target, false)?;
            let bar = ProgressBar::new(cfg.cells().len() as u64);
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {elapsed_precise}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            cfg.evaluate(staging.dir(), false, &|n| bar.set_position(n))?;
            bar.finish_and_clear();
            staging.commit()?;
            read_runs(&target.join("runs.parquet"))?
        }
    };
    let mut report = assess(&claims, &runs);
    if !args.no_gaming_check {
        let threads = args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let bar = ProgressBar::new_spinner();
        bar.set_message("gaming check: trivial strategies on the same claims");
        let trivial = trivial_reports(&claims, threads, Budget::new(args.allow_large), &|_| {
            bar.tick()
        })?;
        bar.finish_and_clear();
        report = report.with_gaming(&trivial);
    }
    if args.record
        && let Some(dir) = args.results.as_ref().or(args.out.as_ref())
    {
        super::check::record(&dir.join("claims.json"), &report)?;
    }
    std::io::stdout()
        .lock()
        .write_all(render_claims(&report, args.format).as_bytes())?;
    let failed = report.failed > 0
        || (report.inconclusive > 0 && args.inconclusive == Inconclusive::Fail)
        || !report.undiscriminating().is_empty();
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
