//! Bounded work: every number that sizes an allocation or a loop is checked before it
//! is used. Hard limits ([`MAX_WORKERS`], [`MAX_HORIZON_DAYS`], [`HARD_MAX_RUNS`]) keep
//! the program's own data structures in range and are never lifted. The budget
//! ([`Budget`]) refuses work that is possible but almost certainly a mistake (a rate of
//! a million alerts per hour, a billion seeds); `--allow-large` lifts it for people who
//! mean it. Figures and reasons: docs/results-schema.md, "Limits".

use crate::error::{Error, Result};
use crate::scenario::Scenario;

/// Most workers in one pool, one shift or the customer's team.
pub const MAX_WORKERS: u32 = 10_000;
/// Longest scenario horizon, in days (about three years).
pub const MAX_HORIZON_DAYS: u64 = 1_100;
/// Most runs in one grid, even with `--allow-large` (a grid is listed before it runs).
pub const HARD_MAX_RUNS: u64 = 20_000_000;

/// Largest input text file (a scenario, a Sigma rule, a cost table) read whole.
pub const MAX_TEXT_FILE_BYTES: u64 = 16 << 20;

/// Reads a text input, refusing one larger than [`MAX_TEXT_FILE_BYTES`] before it is
/// held in memory.
pub fn read_text(path: &std::path::Path) -> Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut text = String::new();
    file.take(MAX_TEXT_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| Error::io(path, e))?;
    if text.len() as u64 > MAX_TEXT_FILE_BYTES {
        return Err(Error::io(
            path,
            std::io::Error::other(format!(
                "larger than {} MiB: not an mdrsim input",
                MAX_TEXT_FILE_BYTES >> 20
            )),
        ));
    }
    Ok(text)
}

/// Events a raised alert adds to the log, roughly (raised, queued, triage, queries,
/// verdict, escalation, customer, containment): used only to estimate a run's size.
const EVENTS_PER_ALERT: f64 = 16.0;

/// What one command may do before `--allow-large` is needed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Budget {
    /// Estimated events in one run.
    pub events_per_run: f64,
    /// Runs in one grid.
    pub runs: u64,
}

impl Budget {
    /// The default budget: about 10 million events per run (some GiB of memory per
    /// thread), one million runs per grid.
    pub const DEFAULT: Budget = Budget {
        events_per_run: 1e7,
        runs: 1_000_000,
    };

    /// No budget beyond the hard limits (`--allow-large`).
    pub const UNLIMITED: Budget = Budget {
        events_per_run: f64::INFINITY,
        runs: HARD_MAX_RUNS,
    };

    /// The budget a command runs under.
    pub fn new(allow_large: bool) -> Budget {
        if allow_large {
            Budget::UNLIMITED
        } else {
            Budget::DEFAULT
        }
    }

    /// Refuses a scenario whose runs would exceed the event budget, naming the field
    /// that contributes most.
    pub fn check_scenario(&self, scenario: &Scenario) -> Result<()> {
        let hours = scenario.horizon.0 as f64 / 3_600_000.0;
        // (field, what it contributes, events)
        let mut parts: Vec<(String, String, f64)> = Vec::new();
        for (i, b) in scenario.benign.iter().enumerate() {
            parts.push((
                format!("benign[{i}].per_hour"),
                format!("{} per hour over {hours:.0} h", b.per_hour),
                b.per_hour * hours * EVENTS_PER_ALERT,
            ));
        }
        for (i, t) in scenario.telemetry.iter().enumerate() {
            parts.push((
                format!("telemetry[{i}].per_hour"),
                format!("{} per hour over {hours:.0} h", t.per_hour),
                t.per_hour * hours,
            ));
        }
        // A recorded record is one event; every rule match and tool alert an alert.
        let matches: usize = scenario.recorded.iter().map(|x| x.matches.len()).sum();
        let n = (scenario.recorded.len() + scenario.recorded_facts.len()) as f64
            + (matches + scenario.recorded_alerts.len()) as f64 * EVENTS_PER_ALERT;
        if n > 0.0 {
            parts.push((
                "recordings".into(),
                format!("{n:.0} recorded events and alerts"),
                n,
            ));
        }
        let total: f64 = parts.iter().map(|p| p.2).sum();
        if total <= self.events_per_run {
            return Ok(());
        }
        let (field, rate, _) = parts
            .iter()
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .cloned()
            .unwrap_or_else(|| ("horizon".into(), String::new(), 0.0));
        let line = scenario.line_of(&field);
        Err(Error::Scenario {
            file: scenario.path.clone(),
            line,
            field: field.clone(),
            message: format!(
                "a run would hold about {total:.1e} events ({rate} is the largest part); the \
                 budget is {:.0e} per run: lower the rate or the horizon, or pass --allow-large",
                self.events_per_run
            ),
        })
    }

    /// Refuses a grid of more than [`Budget::runs`] runs (`runs` computed without
    /// overflow by the caller; `None` when it overflowed).
    pub fn check_runs(&self, runs: Option<u64>, what: &str) -> Result<u64> {
        match runs {
            Some(n) if n <= self.runs => Ok(n),
            Some(n) if self.runs < HARD_MAX_RUNS => Err(Error::Usage(format!(
                "{what}: the grid has {n} runs; the budget is {} (pass --allow-large to \
                 go up to {HARD_MAX_RUNS})",
                self.runs
            ))),
            _ => Err(Error::Usage(format!(
                "{what}: the grid has more than {HARD_MAX_RUNS} runs, the most one eval \
                 can list; split it with --shard or fewer seeds"
            ))),
        }
    }
}
