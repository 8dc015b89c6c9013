//! Comparing results with a baseline: which grids may be compared at all, and per
//! strategy (and per scenario when the policy asks) each policy metric compared on runs
//! matched by scenario, parameters and seed ([`super::paired`]; common random numbers
//! make the pairs informative).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::baseline::Baseline;
use super::identity::Grid;
use super::paired::compare;
pub use super::paired::{Change, Comparison};
use super::policy::Policy;
use crate::harness::RunRecord;

/// Everything `mdrsim check` reports.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckReport {
    /// The mdrsim that made the baseline.
    pub baseline_version: String,
    /// Strategies whose definition differs from the baseline's (name, then, now).
    pub changed_definitions: Vec<(String, String, String)>,
    /// Every comparison, strategy by strategy.
    pub comparisons: Vec<Comparison>,
    /// How many regressed.
    pub regressed: usize,
}

/// Why a baseline cannot be compared with results: each difference named.
pub fn incompatibilities(baseline: &Grid, now: &Grid) -> Vec<String> {
    let mut out = baseline.differences(now);
    for name in baseline.strategies.keys() {
        if !now.strategies.contains_key(name) {
            out.push(format!("strategy {name} is missing from the results"));
        }
    }
    for name in now.strategies.keys() {
        if !baseline.strategies.contains_key(name) {
            out.push(format!("strategy {name} is not in the baseline"));
        }
    }
    out
}

type Key = (String, String, String, u64);

fn key(r: &RunRecord) -> Key {
    (
        r.scenario.clone(),
        r.strategy.clone(),
        r.params.clone(),
        r.seed,
    )
}

/// Compares `now` with `baseline` under `policy`. The grids must be compatible
/// ([`incompatibilities`] empty); runs are matched by scenario, strategy, parameters and
/// seed.
pub fn check(
    baseline: &Baseline,
    now_grid: &Grid,
    now: &[RunRecord],
    policy: &Policy,
) -> CheckReport {
    let then: BTreeMap<Key, &RunRecord> = baseline.runs.iter().map(|r| (key(r), r)).collect();
    // Groups in the results' order: (strategy, params) overall, then per scenario.
    let mut groups: Vec<(String, String, String)> = Vec::new();
    for r in now {
        let mut add = |g: (String, String, String)| {
            if !groups.contains(&g) {
                groups.push(g);
            }
        };
        add(("*".into(), r.strategy.clone(), r.params.clone()));
        if policy.per_scenario {
            add((r.scenario.clone(), r.strategy.clone(), r.params.clone()));
        }
    }
    // Overall rows first for each strategy, then its scenarios.
    groups.sort_by_key(|(sc, st, p)| {
        let first = now.iter().position(|r| &r.strategy == st && &r.params == p);
        (first, sc != "*")
    });
    let mut comparisons = Vec::new();
    for (sc, st, p) in &groups {
        let pairs: Vec<(&RunRecord, &RunRecord)> = now
            .iter()
            .filter(|r| &r.strategy == st && &r.params == p && (sc == "*" || &r.scenario == sc))
            .filter_map(|r| then.get(&key(r)).map(|t| (*t, r)))
            .collect();
        for rule in &policy.rules {
            comparisons.push(compare((sc, st, p), rule, &pairs));
        }
    }
    let changed_definitions = baseline
        .grid
        .strategies
        .iter()
        .filter_map(|(name, h)| {
            now_grid
                .strategies
                .get(name)
                .filter(|n| *n != h)
                .map(|n| (name.clone(), h.clone(), n.clone()))
        })
        .collect();
    CheckReport {
        baseline_version: baseline.mdrsim_version.clone(),
        changed_definitions,
        regressed: comparisons
            .iter()
            .filter(|c| c.verdict == Change::Regressed)
            .count(),
        comparisons,
    }
}

#[cfg(test)]
mod tests {
    use super::super::policy::{Allowance, Rule};
    use super::*;
    use crate::score::Metrics;

    fn run(seed: u64, f: impl Fn(&mut Metrics)) -> RunRecord {
        let mut metrics = Metrics::empty(0);
        f(&mut metrics);
        RunRecord {
            run: seed,
            scenario: "s".into(),
            strategy: "x".into(),
            params: String::new(),
            seed,
            horizon_ms: 1000,
            metrics,
            campaigns: Vec::new(),
            first_strategy_error: None,
        }
    }

    fn hours(xs: &[f64]) -> Vec<RunRecord> {
        xs.iter()
            .enumerate()
            .map(|(i, &h)| run(i as u64 + 1, |m| m.disruption_hours = h))
            .collect()
    }

    fn rule(metric: &str, higher: bool, allow: Allowance, significant: bool) -> Rule {
        Rule {
            metric: metric.into(),
            higher_is_worse: higher,
            allow,
            significant,
        }
    }

    fn one(then: &[RunRecord], now: &[RunRecord], r: Rule) -> Comparison {
        let pairs: Vec<(&RunRecord, &RunRecord)> = then.iter().zip(now).collect();
        compare(("*", "x", ""), &r, &pairs)
    }

    #[test]
    fn a_consistent_paired_shift_is_significant() {
        // Every seed +1 h: change 1, every resample's difference 1.
        let (then, now) = (hours(&[1.0, 2.0, 3.0, 4.0]), hours(&[2.0, 3.0, 4.0, 5.0]));
        let c = one(
            &then,
            &now,
            rule("disruption_hours", true, Allowance::Absolute(0.5), true),
        );
        assert_eq!(
            (c.baseline, c.now, c.change),
            (Some(2.5), Some(3.5), Some(1.0))
        );
        assert_eq!((c.diff_low, c.diff_high), (Some(1.0), Some(1.0)));
        assert_eq!(c.verdict, Change::Regressed);
        let c = one(
            &then,
            &now,
            rule("disruption_hours", true, Allowance::Absolute(1.5), true),
        );
        assert_eq!(c.verdict, Change::Ok, "within the allowance");
        // The same shift is an improvement where lower values are worse.
        let c = one(
            &then,
            &now,
            rule("disruption_hours", false, Allowance::Absolute(0.5), true),
        );
        assert_eq!(c.verdict, Change::Improved);
    }

    #[test]
    fn a_noisy_change_needs_significance_only_where_the_policy_asks() {
        // Mean 3 → 3.1, but the per-seed differences are +4, −4, +4, −3.6.
        let (then, now) = (hours(&[1.0, 5.0, 1.0, 5.0]), hours(&[5.0, 1.0, 5.0, 1.4]));
        let c = one(
            &then,
            &now,
            rule("disruption_hours", true, Allowance::Absolute(0.0), true),
        );
        assert!((c.change.unwrap() - 0.1).abs() < 1e-12);
        assert!(c.diff_low.unwrap() < 0.0 && c.diff_high.unwrap() > 0.0);
        assert_eq!(c.verdict, Change::Ok);
        let c = one(
            &then,
            &now,
            rule("disruption_hours", true, Allowance::Absolute(0.0), false),
        );
        assert_eq!(c.verdict, Change::Regressed);
    }

    #[test]
    fn ratios_pool_alerts_and_relative_allowances_scale_with_the_baseline() {
        // 1/100 + 1/100 → 3/100 + 3/100: 1% → 3%; 50% of 1% allowed.
        let esc = |k: u64| {
            move |m: &mut Metrics| {
                m.alerts = 100;
                m.escalated = k;
            }
        };
        let then = vec![run(1, esc(1)), run(2, esc(1))];
        let now = vec![run(1, esc(3)), run(2, esc(3))];
        let c = one(
            &then,
            &now,
            rule("escalation_rate", true, Allowance::Relative(0.5), true),
        );
        assert!((c.change.unwrap() - 0.02).abs() < 1e-12);
        assert!((c.allowed.unwrap() - 0.005).abs() < 1e-12);
        assert_eq!(c.verdict, Change::Regressed);
        // Unequal run sizes pool by alerts, not by run: (1 + 9) / (100 + 900) = 1%.
        let big = |m: &mut Metrics| {
            m.alerts = 900;
            m.escalated = 9;
        };
        let now = vec![run(1, esc(1)), run(2, big)];
        let c = one(
            &then,
            &now,
            rule("escalation_rate", true, Allowance::Absolute(0.0), false),
        );
        assert_eq!(c.now, Some(0.01));
        assert_eq!(c.verdict, Change::Ok);
    }

    #[test]
    fn runs_pair_by_scenario_strategy_parameters_and_seed() {
        let base = Baseline {
            mdrsim_baseline: 1,
            mdrsim_version: "t".into(),
            grid: Grid {
                scenarios: Default::default(),
                strategies: [("x".to_string(), "h".to_string())].into(),
                sweeps: serde_json::Value::Null,
                seeds: vec![1, 2, 3],
                costs: String::new(),
            },
            runs: hours(&[1.0, 2.0, 3.0]),
        };
        // Now in another order, and seed 2 is missing: two pairs.
        let mut now = hours(&[1.0, 2.0, 3.0]);
        now.remove(1);
        now.reverse();
        let policy = Policy {
            per_scenario: true,
            rules: vec![rule(
                "disruption_hours",
                true,
                Allowance::Absolute(0.0),
                true,
            )],
        };
        let r = check(&base, &base.grid, &now, &policy);
        assert_eq!(r.comparisons.len(), 2, "overall and scenario s");
        assert!(
            r.comparisons
                .iter()
                .all(|c| c.pairs == 2 && c.change == Some(0.0))
        );
        assert_eq!(r.comparisons[0].scenario, "*");
    }
}
