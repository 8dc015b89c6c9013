//! One metric of one group, then and now: the estimates over runs matched on scenario,
//! parameters and seed, their change, the change allowed, and a paired bootstrap
//! interval of the change (the same resampled seeds on both sides). A metric regresses
//! when its change in the worse direction exceeds the allowance and — where the policy
//! requires — the whole paired interval lies on the worse side of zero.

use serde::{Deserialize, Serialize};

use super::policy::Rule;
use crate::harness::RunRecord;
pub use crate::harness::paired::RESAMPLES;
use crate::harness::paired::paired_difference;

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

fn finite(x: Option<f64>) -> Option<f64> {
    x.filter(|v| v.is_finite())
}

/// Compares `rule.metric` over matched `(baseline, now)` pairs of one group, named by
/// `(scenario, strategy, params)` (which also keys the resampling stream).
pub fn compare(
    (scenario, strategy, params): (&str, &str, &str),
    rule: &Rule,
    pairs: &[(&RunRecord, &RunRecord)],
) -> Comparison {
    let d = paired_difference(
        &rule.metric,
        &format!("check/{scenario}/{strategy}/{params}"),
        pairs,
    );
    let (base, now, change, lo, hi, k) = (d.then, d.now, d.change, d.low, d.high, d.pairs);
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
