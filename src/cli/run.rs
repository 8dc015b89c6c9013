//! `mdrsim run`: one scenario, one strategy, one seed.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use mdrsim::event::write_log;
use mdrsim::report::{Format, RunReport};
use mdrsim::scenario::Scenario;
use mdrsim::score::Metrics;
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
    let out = Simulation::new(&scenario, args.seed).run(&mut decider);
    if let Some(path) = &args.events {
        write_log(path, &out.header, &out.log)?;
        if !decider.reply_times().is_empty() {
            let times = path.with_extension("reply_times.jsonl");
            mdrsim::strategy::external::write_reply_times(&times, decider.reply_times())?;
        }
    }
    let metrics = Metrics::from_events(&out.header, out.log.events());
    let report = RunReport::new(&out.header, metrics).render(args.format);
    std::io::stdout().lock().write_all(report.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
