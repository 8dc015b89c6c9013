//! `mdrsim eval`: the grid scenario × strategy × parameters × seed, in parallel.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mdrsim::budget::Budget;
use mdrsim::harness::folder::Staging;
use mdrsim::harness::grid::{Shard, parse_seeds, parse_sweep};
use mdrsim::harness::tables::read_runs;
use mdrsim::harness::{EvalConfig, summarize_runs};
use mdrsim::params::parse_assignment;
use mdrsim::report::summary::{SummaryFormat, columns, render};
use mdrsim::scenario::Scenario;
use mdrsim::score::cost::CostTable;
use mdrsim::strategy::effect::{refuse_identical_values, refuse_no_op};
use mdrsim::strategy::{self, BUILTIN};

/// Flags of `mdrsim eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Scenario files or folders (a folder's *.toml, not its subfolders; so the default
    /// leaves out scenarios/validation).
    #[arg(long, value_name = "PATH", num_args = 1.., default_value = "scenarios")]
    suite: Vec<PathBuf>,
    /// Strategies, comma-separated: built-in names or strategy files (a path ending in
    /// .toml; docs/strategy-files.md). Default: every built-in.
    #[arg(long, value_name = "A,B,…", value_delimiter = ',')]
    strategies: Vec<String>,
    /// Seeds: a count N (seeds 1..=N) or an inclusive range A..B.
    #[arg(long, default_value = "16")]
    seeds: String,
    /// Worker threads (default: all cores). Output does not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Override a strategy parameter for every strategy that has it, e.g.
    /// provider.pools.analysts.size=6 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Add a parameter axis to the grid, e.g. params.autonomy=0.8,0.9,0.95 (repeatable).
    #[arg(long = "sweep", value_name = "KEY=V1,V2,…")]
    sweep: Vec<String>,
    /// Folder for result files.
    #[arg(long, default_value = "results")]
    out: PathBuf,
    /// Also store every run's event log under OUT/events/, hive-partitioned.
    #[arg(long)]
    events: bool,
    /// Run only the deterministic slice K of N of the grid.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Continue an interrupted eval into --out: runs already written (in the staging
    /// folder beside it) are skipped; the result is identical to an uninterrupted run.
    #[arg(long)]
    resume: bool,
    /// Report paired differences against this strategy (matched scenario and seed).
    #[arg(long, value_name = "NAME")]
    baseline: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Table)]
    format: SummaryFormat,
    /// A cost table (TOML; docs/metrics.md) instead of the default weights.
    #[arg(long, value_name = "FILE")]
    costs: Option<PathBuf>,
    /// Lift the work budget (about 10 million events per run, one million runs; see
    /// docs/results-schema.md) for a grid that really is that large.
    #[arg(long)]
    allow_large: bool,
    /// Metrics to show, comma-separated (default: the headline metrics).
    #[arg(long, value_name = "A,B,…", value_delimiter = ',')]
    metrics: Vec<String>,
    /// Exit 1 (after writing the results) when any strategy had strategy errors: a
    /// decision that failed (an agent's crash, timeout or invalid reply; an impossible
    /// request). Without it they are a warning on stderr.
    #[arg(long)]
    strict: bool,
    /// Also write OUT/report.html (charts, no script) and OUT/report.md.
    #[arg(long)]
    report: bool,
}

/// Runs the command.
pub fn execute(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let columns = columns(&args.metrics)?;
    let scenarios = Scenario::load_suite(&args.suite)?;
    if scenarios.is_empty() {
        return Err(mdrsim::Error::Usage("no scenario files found in --suite".into()).into());
    }
    let names: Vec<String> = if args.strategies.is_empty() {
        BUILTIN.iter().map(|s| s.to_string()).collect()
    } else {
        args.strategies.clone()
    };
    let mut strategies = names
        .iter()
        .map(|n| strategy::file::resolve(n.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    for a in &args.set {
        let (k, v) = parse_assignment(a)?;
        // A key applies to the strategies that have it (a pool name, a policy
        // parameter); a key no strategy has is a typo.
        let mut applied = 0;
        for def in strategies.iter_mut().filter(|d| d.has(&k)) {
            let before = def.clone();
            def.set(&k, v.clone()).map_err(|e| e.in_flag("--set"))?;
            refuse_no_op("--set", &k, &before, def, &scenarios)?;
            applied += 1;
        }
        if applied == 0 {
            return Err(mdrsim::Error::Usage(format!(
                "--set {k}: none of the strategies has this parameter"
            ))
            .into());
        }
    }
    if let Some(b) = &args.baseline
        && !names.contains(b)
    {
        return Err(mdrsim::Error::Usage(format!(
            "--baseline {b}: not among the strategies being run"
        ))
        .into());
    }
    let mut config = EvalConfig {
        scenarios,
        strategies,
        sweeps: args
            .sweep
            .iter()
            .map(|s| parse_sweep(s))
            .collect::<Result<_, _>>()?,
        seeds: parse_seeds(&args.seeds)?,
        shard: args.shard.as_deref().map(Shard::parse).transpose()?,
        threads: args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        events_dir: None,
        costs: match &args.costs {
            Some(p) => CostTable::load(p)?,
            None => CostTable::default(),
        },
        budget: Budget::new(args.allow_large),
    };
    config.validate()?;
    for axis in &config.sweeps {
        for def in config.strategies.iter().filter(|d| d.has(&axis.key)) {
            refuse_identical_values(&axis.key, def, &axis.values, &config.scenarios)?;
        }
    }
    let staging = Staging::begin(&args.out, args.resume)?;
    config.events_dir = args.events.then(|| staging.dir().join("events"));
    let total = config.cells().len() as u64;
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {elapsed_precise} (eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    config.evaluate(staging.dir(), args.resume, &|n| bar.set_position(n))?;
    bar.finish_and_clear();
    staging.commit()?;
    if args.report {
        super::report::write_reports(&args.out, None, None, args.baseline.as_deref())?;
    }
    let results = read_runs(&args.out.join("runs.parquet"))?;
    let summary = summarize_runs(&results, args.baseline.as_deref());
    let mut text = render(&summary, args.format, &columns);
    if args.format == SummaryFormat::Table {
        text += &format!(
            "\n{} runs; results in {}\n",
            results.len(),
            display(&args.out)
        );
    }
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(warn_of_strategy_errors(&results, args.strict))
}

/// Says on stderr which strategies had strategy errors; with `strict`, that fails the
/// command (exit 1: a failed check).
pub fn warn_of_strategy_errors(runs: &[mdrsim::harness::RunRecord], strict: bool) -> ExitCode {
    let warnings = mdrsim::harness::warnings::strategy_error_warnings(runs);
    for w in &warnings {
        eprintln!("{w}");
    }
    if strict && !warnings.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
