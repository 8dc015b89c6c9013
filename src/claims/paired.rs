//! One metric of one group, then and now: the estimates over runs matched on scenario,
//! parameters and seed, their change, the change allowed, and a paired bootstrap
//! interval of the change (the same resampled seeds on both sides). A metric regresses
//! when its change in the worse direction exceeds the allowance and — where the policy
//! requires — the whole paired interval lies on the worse side of zero.

use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::policy::Rule;
use crate::harness::RunRecord;
use crate::harness::summary::{is_mean, metric_value, point_estimate};
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

/// Compares `rule.metric` over matched `(baseline, now)` pairs of one group, named by
/// `(scenario, strategy, params)` (which also keys the resampling stream).
pub fn compare(
    (scenario, strategy, params): (&str, &str, &str),
    rule: &Rule,
    pairs: &[(&RunRecord, &RunRecord)],
) -> Comparison {
    let value = |r: &RunRecord| metric_value(&rule.metric, &r.metrics);
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
