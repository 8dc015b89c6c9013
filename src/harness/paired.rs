//! A paired difference with the headline's own estimator: the statistic (a pooled
//! ratio, a Wilson proportion's point, a Kaplan–Meier median with censoring, or a mean)
//! computed on each side, and its 95% interval by resampling matched (scenario,
//! parameters, seed) pairs — the same resampled seeds on both sides. A difference of
//! per-run values would average per-run ratios and medians of contained campaigns
//! only, and could even flip the headline's sign.

use rand::RngExt;

use super::RunRecord;
use super::summary::{is_mean, metric_value, point_estimate};
use crate::random::{Purpose, SeedTree, fnv1a};

/// Resamples of matched pairs per comparison.
pub const RESAMPLES: usize = 1000;

/// `now − then` of one metric over matched pairs, with its paired bootstrap interval.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PairedDifference {
    /// Matched pairs.
    pub pairs: usize,
    /// The estimate over the `then` runs (`+∞`: a median never reached).
    pub then: Option<f64>,
    /// The estimate over the `now` runs.
    pub now: Option<f64>,
    /// now − then (two infinite medians differ by 0).
    pub change: Option<f64>,
    /// 2.5th percentile of the resampled changes.
    pub low: Option<f64>,
    /// 97.5th percentile.
    pub high: Option<f64>,
}

/// `a − b`, with equal values (two infinite medians too) differing by 0.
fn minus(a: f64, b: f64) -> f64 {
    if a == b { 0.0 } else { a - b }
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

/// Compares `metric` over matched `(then, now)` pairs; `key` names the comparison and
/// keys its resampling stream (so results are reproducible and independent of order).
pub fn paired_difference(
    metric: &str,
    key: &str,
    pairs: &[(&RunRecord, &RunRecord)],
) -> PairedDifference {
    let (then_runs, now_runs): (Vec<&RunRecord>, Vec<&RunRecord>) = pairs.iter().copied().unzip();
    let mean = is_mean(metric);
    let vals = |rs: &[&RunRecord]| -> Vec<Option<f64>> {
        if mean {
            rs.iter()
                .map(|r| metric_value(metric, &r.metrics))
                .collect()
        } else {
            Vec::new()
        }
    };
    let (then_vals, now_vals) = (vals(&then_runs), vals(&now_runs));
    let then = estimate(metric, &then_runs, &then_vals);
    let now = estimate(metric, &now_runs, &now_vals);
    let change = then.zip(now).map(|(b, n)| minus(n, b));
    let seed = fnv1a(format!("{key}/{metric}").as_bytes());
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
                estimate(metric, &r, &v)
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
    PairedDifference {
        pairs: k,
        then,
        now,
        change,
        low: at(0.025),
        high: at(0.975),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Metrics;

    fn run(seed: u64, escalated: u64, alerts: u64, cost: f64) -> RunRecord {
        let mut metrics = Metrics::empty(0);
        (metrics.escalated, metrics.alerts, metrics.cost) = (escalated, alerts, cost);
        RunRecord {
            run: seed,
            scenario: "s".into(),
            strategy: "x".into(),
            params: String::new(),
            seed,
            horizon_ms: 1,
            metrics,
            campaigns: Vec::new(),
            first_strategy_error: None,
        }
    }

    /// Hand-worked: per-run escalation rates rise on one seed (0.1 → 0.5) and fall on
    /// the other (0.9 → 0.8), so their mean difference is +0.15; the pooled rate the
    /// headline reports falls from 91/110 to 85/110. The paired difference must be the
    /// headline's: −6/110.
    #[test]
    fn a_ratio_is_compared_pooled_as_the_headline_reports_it() {
        let (t1, t2) = (run(1, 1, 10, 0.0), run(2, 90, 100, 0.0));
        let (n1, n2) = (run(1, 5, 10, 0.0), run(2, 80, 100, 0.0));
        let d = paired_difference("escalation_rate", "k", &[(&t1, &n1), (&t2, &n2)]);
        assert_eq!(d.pairs, 2);
        assert!((d.change.unwrap() - (85.0 - 91.0) / 110.0).abs() < 1e-12);
        let (lo, hi) = (d.low.unwrap(), d.high.unwrap());
        assert!(lo <= d.change.unwrap() && d.change.unwrap() <= hi);
        // Every resample is one of {both seeds, seed 1 twice, seed 2 twice}: changes
        // −6/110, +0.4, −0.1; the interval's ends are among them.
        for end in [lo, hi] {
            assert!(
                [-6.0 / 110.0, 0.4, -0.1]
                    .iter()
                    .any(|x| (x - end).abs() < 1e-12)
            );
        }
    }

    /// A mean metric: the change is the mean of the paired differences (3 − 1 and
    /// 5 − 2 → 2.5), and the interval stays within the smallest and largest of them.
    #[test]
    fn a_mean_is_compared_by_its_paired_differences() {
        let (t1, t2) = (run(1, 0, 1, 1.0), run(2, 0, 1, 2.0));
        let (n1, n2) = (run(1, 0, 1, 3.0), run(2, 0, 1, 5.0));
        let d = paired_difference("cost", "k", &[(&t1, &n1), (&t2, &n2)]);
        assert_eq!(d.change, Some(2.5));
        assert!(d.low.unwrap() >= 2.0 && d.high.unwrap() <= 3.0);
    }
}
