//! `mdrsim calibration`: reliability tables of the strategies' stated confidence.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mdrsim::harness::grid::parse_seeds;
use mdrsim::scenario::Scenario;
use mdrsim::score::calibration::{expected_calibration_error, reliability, stated_beliefs};
use mdrsim::sim::Simulation;
use mdrsim::strategy;
use rayon::prelude::*;

/// Flags of `mdrsim calibration`.
#[derive(Debug, Args)]
pub struct CalibrationArgs {
    /// Scenario files or folders.
    #[arg(long, value_name = "PATH", num_args = 1.., default_value = "scenarios")]
    suite: Vec<PathBuf>,
    /// Strategies, comma-separated (default: the honest built-ins that state beliefs).
    #[arg(
        long,
        value_name = "A,B,…",
        value_delimiter = ',',
        default_value = "ai_mdr,ai_soc,legacy_mdr,threshold"
    )]
    strategies: Vec<String>,
    /// Seeds: a count N (seeds 1..=N) or an inclusive range A..B.
    #[arg(long, default_value = "16")]
    seeds: String,
    /// Number of equal-width bins of stated probability.
    #[arg(long, default_value_t = 10)]
    bins: usize,
}

/// Runs the command.
pub fn execute(args: CalibrationArgs) -> anyhow::Result<ExitCode> {
    let suite = Scenario::load_suite(&args.suite)?;
    let seeds = parse_seeds(&args.seeds)?;
    if !(1..=1000).contains(&args.bins) {
        return Err(
            mdrsim::Error::Usage(format!("--bins: between 1 and 1000, got {}", args.bins)).into(),
        );
    }
    let budget = mdrsim::budget::Budget::DEFAULT;
    for s in &suite {
        budget.check_scenario(s)?;
    }
    let runs = (suite.len() as u64)
        .checked_mul(seeds.len() as u64)
        .and_then(|n| n.checked_mul(args.strategies.len() as u64));
    budget.check_runs(runs, "--seeds × --strategies × --suite")?;
    let defs = args
        .strategies
        .iter()
        .map(|s| strategy::file::resolve(s).map_err(|e| e.in_flag("--strategies:")))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = String::new();
    writeln!(
        out,
        "Stated P(malicious) of every verdict vs the observed malicious share, over {} scenario(s) × {} seed(s) ({}..{}).",
        suite.len(),
        seeds.len(),
        seeds.first().copied().unwrap_or(0),
        seeds.last().copied().unwrap_or(0)
    )?;
    for def in &defs {
        let name = &def.name;
        let cells: Vec<(&Scenario, u64)> = suite
            .iter()
            .flat_map(|s| seeds.iter().map(move |&k| (s, k)))
            .collect();
        let points: Vec<(f64, bool)> = cells
            .par_iter()
            .map(|(sc, seed)| -> mdrsim::Result<Vec<(f64, bool)>> {
                let mut d = def.instantiate(sc)?;
                let out = Simulation::new(sc, *seed).run(&mut d);
                Ok(stated_beliefs(out.log.events()))
            })
            .collect::<mdrsim::Result<Vec<_>>>()?
            .concat();
        let table = reliability(&points, args.bins);
        writeln!(out, "\n{name} ({} verdicts)", points.len())?;
        writeln!(
            out,
            "| stated P(malicious) | verdicts | mean stated | observed malicious | 95% Wilson |"
        )?;
        writeln!(out, "|---|---:|---:|---:|---|")?;
        for b in &table {
            writeln!(
                out,
                "| {:.1}–{:.1} | {} | {:.3} | {:.3} ({}/{}) | {:.3}–{:.3} |",
                b.lo,
                b.hi,
                b.n,
                b.stated,
                b.observed(),
                b.malicious,
                b.n,
                b.interval.0,
                b.interval.1
            )?;
        }
        if let Some(ece) = expected_calibration_error(&table) {
            writeln!(out, "expected calibration error: {ece:.3}")?;
        }
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
