//! Comparing results with a baseline: per strategy (and per scenario when the policy
//! asks), each policy metric's estimate then and now, the change, the change allowed,
//! and a paired bootstrap interval of the difference over runs matched on scenario,
//! parameters and seed (common random numbers make the pairs informative). A metric
//! regresses when its change in the worse direction exceeds the allowance and — where
//! the policy requires — the whole paired interval lies on the worse side of zero.

use std::collections::BTreeMap;

use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::baseline::Baseline;
use super::identity::Grid;
use super::policy::{Policy, Rule};
use crate::harness::RunRecord;
use crate::harness::summary::{is_mean, point_estimate};
use crate::random::{Purpose, SeedTree, fnv1a};

/// Resamples of matched pairs per comparison.
pub const RESAMPLES: usize = 1000;

/// A comparison's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Within the allowance (or not significant).
    Ok,
    /// Worse beyond the allowance (and significantly so where required).
    Regressed,
    /// Better beyond the allowance, significantly: time to update the baseline.
    Improved,
    /// No estimate then or now (e.g. no campaigns).
    #[serde(rename = "n/a")]
    NotApplicable,
}

/// One metric of one group, then and now.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Comparison {
    /// Scenario, or `*` for the suite.
    pub scenario: String,
    /// Strategy.
    pub strategy: String,
    /// Parameter combination.
    pub params: String,
    /// Metric.
    pub metric: String,
    /// The rule applied.
    pub rule: Rule,
    /// Matched runs.
    pub pairs: usize,
    /// The baseline's estimate (`+∞` serialized as null for a median never reached).
    pub baseline: Option<f64>,
    /// The estimate now.
    pub now: Option<f64>,
    /// now − baseline.
    pub change: Option<f64>,
    /// The change allowed in the worse direction.
    pub allowed: Option<f64>,
    /// 95% paired bootstrap interval of now − baseline.
    pub diff_low: Option<f64>,
    /// Upper end.
    pub diff_high: Option<f64>,
    /// The verdict.
    pub verdict: Change,
}

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

/// `a − b`, with equal values (two infinite medians too) differing by 0.
fn minus(a: f64, b: f64) -> f64 {
    if a == b { 0.0 } else { a - b }
}

fn finite(x: Option<f64>) -> Option<f64> {
    x.filter(|v| v.is_finite())
}

/// The estimate of `metric` over `runs`, cheaply for means (values precomputed).
fn estimate(metric: &str, runs: &[&RunRecord], values: &[Option<f64>]) -> Option<f64> {
    if is_mean(metric) {
        let xs: Vec<f64> = values.iter().flatten().copied().collect();
        (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
    } else {
        point_estimate(metric, runs)
    }
}

fn compare(
    (scenario, strategy, params): (&str, &str, &str),
    rule: &Rule,
    pairs: &[(&RunRecord, &RunRecord)],
) -> Comparison {
    let value = |r: &RunRecord| {
        serde_json::to_value(&r.metrics)
            .ok()
            .and_then(|v| v.get(&rule.metric).and_then(|x| x.as_f64()))
    };
    let (then_runs, now_runs): (Vec<&RunRecord>, Vec<&RunRecord>) = pairs.iter().copied().unzip();
    let mean = is_mean(&rule.metric);
    let vals = |rs: &[&RunRecord]| -> Vec<Option<f64>> {
        if mean {
            rs.iter().map(|r| value(r)).collect()
        } else {
            Vec::new()
        }
    };
    let (then_vals, now_vals) = (vals(&then_runs), vals(&now_runs));
    let base = estimate(&rule.metric, &then_runs, &then_vals);
    let now = estimate(&rule.metric, &now_runs, &now_vals);
    let change = base.zip(now).map(|(b, n)| minus(n, b));
    // Paired bootstrap: the same resampled seeds on both sides.
    let seed = fnv1a(format!("check/{scenario}/{strategy}/{params}/{}", rule.metric).as_bytes());
    let mut rng = SeedTree::new(0, fnv1a(b"check")).stream(Purpose::Strategy, &[seed]);
    let k = pairs.len();
    let mut diffs: Vec<f64> = Vec::with_capacity(RESAMPLES);
    if k > 0 && change.is_some() {
        for _ in 0..RESAMPLES {
            let idx: Vec<usize> = (0..k).map(|_| rng.random_range(0..k)).collect();
            let pick = |rs: &[&RunRecord], vs: &[Option<f64>]| {
                let r: Vec<&RunRecord> = idx.iter().map(|&i| rs[i]).collect();
                let v: Vec<Option<f64>> = if mean {
                    idx.iter().map(|&i| vs[i]).collect()
                } else {
                    Vec::new()
                };
                estimate(&rule.metric, &r, &v)
            };
            if let (Some(b), Some(n)) = (pick(&then_runs, &then_vals), pick(&now_runs, &now_vals)) {
                diffs.push(minus(n, b));
            }
        }
    }
    diffs.sort_by(f64::total_cmp);
    let at = |q: f64| {
        (!diffs.is_empty()).then(|| diffs[((diffs.len() - 1) as f64 * q).round() as usize])
    };
    let (lo, hi) = (at(0.025), at(0.975));
    let allowed = base.filter(|b| b.is_finite()).map(|b| rule.allow.from(b));
    let verdict = match (change, allowed) {
        (None, _) => Change::NotApplicable,
        (Some(c), allowed) => {
            // A baseline median beyond the horizon allows any finite "worse" change only
            // if the allowance is relative (∞ × r); treat it as no allowance.
            let allowed = allowed.unwrap_or(0.0);
            let worse = if rule.higher_is_worse { c } else { -c };
            let significant_worse = match (lo, hi) {
                (Some(l), Some(h)) => {
                    if rule.higher_is_worse {
                        l > 0.0
                    } else {
                        h < 0.0
                    }
                }
                _ => false,
            };
            let significant_better = match (lo, hi) {
                (Some(l), Some(h)) => {
                    if rule.higher_is_worse {
                        h < 0.0
                    } else {
                        l > 0.0
                    }
                }
                _ => false,
            };
            if worse > allowed && (significant_worse || !rule.significant) {
                Change::Regressed
            } else if -worse > allowed && (significant_better || !rule.significant) {
                Change::Improved
            } else {
                Change::Ok
            }
        }
    };
    Comparison {
        scenario: scenario.into(),
        strategy: strategy.into(),
        params: params.into(),
        metric: rule.metric.clone(),
        rule: rule.clone(),
        pairs: k,
        baseline: finite(base),
        now: finite(now),
        change: finite(change),
        allowed,
        diff_low: finite(lo),
        diff_high: finite(hi),
        verdict,
    }
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
    use super::super::policy::Allowance;
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
