//! `mdrsim run`: one scenario, one strategy, one seed.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mdrsim::event::{EventSink, LogSink, Tee};
use mdrsim::report::{Format, RunReport};
use mdrsim::scenario::Scenario;
use mdrsim::score::Metrics;
use mdrsim::score::record::RecordsFold;
use mdrsim::sim::Simulation;
use mdrsim::strategy;

/// Flags of `mdrsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    #[arg(
        long,
        value_name = "PATH",
        default_value = "scenarios/friday-night-ransomware.toml"
    )]
    scenario: PathBuf,
    /// Strategy: ai_mdr, ai_soc, legacy_mdr, threshold, escalate_all, dismiss_all,
    /// oracle (reads ground truth: an upper bound, never a real option), or a strategy
    /// file (a path ending in .toml; docs/strategy-files.md).
    #[arg(long, value_name = "NAME", default_value = "ai_mdr")]
    strategy: String,
    /// Master seed; the same seed gives byte-identical output.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Store the run's event log here: Parquet, or JSON Lines if the path ends in .jsonl.
    #[arg(long, value_name = "PATH")]
    events: Option<PathBuf>,
    /// Override a strategy parameter by path, e.g. `provider.pools.analysts.size=6` or
    /// `params.autonomy=0.9` (repeatable; see the profiles in src/strategy/profiles).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Lift the work budget (about 10 million events per run) for a scenario that
    /// really is that large.
    #[arg(long)]
    allow_large: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Exit 1 (after printing the scores) when the strategy had strategy errors;
    /// without it they are a warning on stderr.
    #[arg(long)]
    strict: bool,
}

/// Runs the command.
pub fn execute(args: RunArgs) -> anyhow::Result<ExitCode> {
    let scenario = Scenario::load(&args.scenario)?;
    mdrsim::budget::Budget::new(args.allow_large).check_scenario(&scenario)?;
    let mut def = strategy::file::resolve(&args.strategy)?;
    for assignment in &args.set {
        let (key, value) = mdrsim::params::parse_assignment(assignment)?;
        let before = def.clone();
        def.set(&key, value).map_err(|e| e.in_flag("--set"))?;
        strategy::effect::refuse_no_op(
            "--set",
            &key,
            &before,
            &def,
            std::slice::from_ref(&scenario),
        )?;
    }
    let mut decider = def.instantiate(&scenario)?;
    // Scored as it happens, the log (if asked for) streamed to its file: memory follows
    // the run's live state, not its length.
    let sim = Simulation::new(&scenario, args.seed);
    let header = sim.header(&decider);
    let mut log = match &args.events {
        Some(path) => Some(LogSink::create(path, &header)?),
        None => None,
    };
    let mut records = RecordsFold::new(&header);
    {
        let mut sinks: Vec<&mut dyn EventSink> = vec![&mut records];
        if let Some(log) = log.as_mut() {
            sinks.push(log);
        }
        sim.run_into(&mut decider, &mut Tee(sinks));
    }
    if let (Some(log), Some(path)) = (log, &args.events) {
        log.finish()?;
        if !decider.reply_times().is_empty() {
            let times = path.with_extension("reply_times.jsonl");
            mdrsim::strategy::external::write_reply_times(&times, decider.reply_times())?;
        }
    }
    let records = records.finish();
    let metrics = Metrics::from_records(&records);
    let report = RunReport::new(&header, metrics.clone()).render(args.format);
    std::io::stdout().lock().write_all(report.as_bytes())?;
    let run = mdrsim::harness::RunRecord {
        run: header.run,
        scenario: header.scenario.clone(),
        strategy: header.strategy.clone(),
        params: String::new(),
        seed: header.seed,
        horizon_ms: header.horizon_ms,
        metrics,
        first_strategy_error: records.first_strategy_error,
        campaigns: Vec::new(),
    };
    Ok(super::eval::warn_of_strategy_errors(&[run], args.strict))
}
