//! Claims in a buyer's units: a count, hours or a cost divided, run by run, by the
//! run's length in weeks or by the scenario's size in thousands of endpoints or users,
//! then averaged over runs with Student's t (kept ≥ 0) — so "50 escalations a week"
//! means the same on a 3-day and a 30-day scenario.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::harness::RunRecord;
use crate::harness::stats::{Summary, summarize};
use crate::harness::summary::metric_value;
use crate::scenario::{EntityKind, Scenario};

/// What a claim's metric is divided by, so a claim reads in the units a buyer compares:
/// per week of the run, or per 1,000 of the scenario's endpoints (`host:` entities) or
/// users (`user:` entities).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    /// Per week of simulated time.
    Week,
    /// Per 1,000 endpoints.
    ThousandEndpoints,
    /// Per 1,000 users.
    ThousandUsers,
}

impl Per {
    pub(super) fn parse(words: &str) -> Option<Per> {
        let w: Vec<&str> = words.split_whitespace().collect();
        Some(match w.as_slice() {
            ["week"] => Per::Week,
            ["1000" | "1,000", "endpoints"] => Per::ThousandEndpoints,
            ["1000" | "1,000", "users"] => Per::ThousandUsers,
            _ => return None,
        })
    }
}

impl fmt::Display for Per {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Per::Week => "per week",
            Per::ThousandEndpoints => "per 1000 endpoints",
            Per::ThousandUsers => "per 1000 users",
        })
    }
}

const WEEK_MS: f64 = 7.0 * 86_400_000.0;

/// What one run of `scenario` is divided by (`None`: nothing to divide by, e.g. a
/// scenario without users for a per-user claim).
pub fn denominator(per: Per, run: &RunRecord, scenarios: &[Scenario]) -> Option<f64> {
    let count = |kind: EntityKind| {
        let sc = scenarios.iter().find(|s| s.name == run.scenario)?;
        let n = sc.entities.iter().filter(|e| e.kind == kind).count();
        (n > 0).then(|| n as f64 / 1000.0)
    };
    match per {
        Per::Week => (run.horizon_ms > 0).then(|| run.horizon_ms as f64 / WEEK_MS),
        Per::ThousandEndpoints => count(EntityKind::Host),
        Per::ThousandUsers => count(EntityKind::User),
    }
}

/// The mean over `runs` of `metric / denominator`, with its t interval cut at 0.
pub fn normalised(metric: &str, per: Per, runs: &[&RunRecord], scenarios: &[Scenario]) -> Summary {
    let values: Vec<Option<f64>> = runs
        .iter()
        .map(|r| Some(metric_value(metric, &r.metrics)? / denominator(per, r, scenarios)?))
        .collect();
    let mut s = summarize(&values);
    s.ci_low = s.ci_low.map(|x| x.max(0.0));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Metrics;

    fn run(horizon_days: u64, escalated: u64) -> RunRecord {
        let mut metrics = Metrics::empty(0);
        metrics.escalated = escalated;
        RunRecord {
            run: 0,
            scenario: "nowhere".into(),
            strategy: "s".into(),
            params: String::new(),
            seed: 0,
            horizon_ms: horizon_days * 86_400_000,
            metrics,
            campaigns: Vec::new(),
            first_strategy_error: None,
        }
    }

    /// Hand-worked: 30 escalations in 3.5 days is 60 a week; 10 in 7 days is 10 a
    /// week; their mean is 35.
    #[test]
    fn per_week_divides_each_run_by_its_own_length() {
        let (a, b) = (run(0, 30), run(7, 10));
        let a = RunRecord {
            horizon_ms: 302_400_000,
            ..a
        };
        let s = normalised("escalated", Per::Week, &[&a, &b], &[]);
        assert_eq!(s.mean, Some(35.0));
        assert_eq!(s.n, 2);
        // No scenario to count endpoints in: no data, not zero.
        let s = normalised("escalated", Per::ThousandEndpoints, &[&a, &b], &[]);
        assert_eq!((s.n, s.mean), (0, None));
    }
}
