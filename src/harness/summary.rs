//! Turning runs into numbers people trust: per (scenario, strategy, parameters) an
//! estimate of every metric with n, its 95% interval and the method that fits it (see
//! [`super::estimate`]); overall rows across the suite; paired differences against a
//! baseline strategy on matched (scenario, parameters, seed).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::estimate;
use super::stats::{Summary, summarize};
use crate::harness::output::metric_columns;
use crate::score::Metrics;
use crate::score::survival::Observation;

/// What the summary needs of one run (read back from `runs.parquet`; stored whole in a
/// regression baseline).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Grid index.
    pub run: u64,
    /// Scenario name.
    pub scenario: String,
    /// Strategy name.
    pub strategy: String,
    /// Parameter label.
    pub params: String,
    /// Seed.
    pub seed: u64,
    /// Run length, ms.
    pub horizon_ms: u64,
    /// Scores.
    pub metrics: Metrics,
    /// The message of its first strategy error, if any. (Left out of a baseline when
    /// absent, so baselines written before it existed still verify.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_strategy_error: Option<String>,
    /// Its attack campaigns' times (from `campaigns.parquet`), for pooled time-to-event
    /// estimates.
    pub campaigns: Vec<CampaignTimes>,
}

/// When one campaign started, reached the provider and was contained (ms).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignTimes {
    /// First step.
    pub started_ms: Option<u64>,
    /// First of its alerts reaching the provider.
    pub detected_ms: Option<u64>,
    /// The credited containment that stopped it.
    pub contained_ms: Option<u64>,
}

impl CampaignTimes {
    /// Time from `from` to containment, censored at the horizon when never contained.
    fn since(&self, from: Option<u64>, horizon_ms: u64) -> Option<Observation> {
        let from = from?;
        Some(match self.contained_ms {
            Some(c) => (c.saturating_sub(from) as f64 / 1000.0, true),
            None => (horizon_ms.saturating_sub(from) as f64 / 1000.0, false),
        })
    }
}

/// A t-interval kept inside the metric's possible values: [0, 1] for rates and
/// accuracies, [−1, 1] for MCC, ≥ 0 for everything else (counts, hours, seconds).
fn within(metric: &str, mut s: Summary) -> Summary {
    let (lo, hi) = if metric == "mcc" {
        (-1.0, 1.0)
    } else if metric.ends_with("_rate")
        || metric.ends_with("accuracy")
        || [
            "precision",
            "recall",
            "f1",
            "brier",
            "auc",
            "evidence_coverage",
        ]
        .contains(&metric)
    {
        (0.0, 1.0)
    } else {
        (0.0, f64::INFINITY)
    };
    s.ci_low = s.ci_low.map(|x| x.clamp(lo, hi));
    s.ci_high = s.ci_high.map(|x| x.clamp(lo, hi));
    s
}

/// How a metric is aggregated over runs (DESIGN §5): pooled campaigns, pooled alert
/// ratios, Kaplan–Meier over pooled campaigns, or the mean of per-run values.
#[derive(Clone, Copy)]
enum Estimator {
    /// Contained / campaigns, pooled: Wilson.
    Proportion,
    /// Σ numerator / Σ denominator over runs: run bootstrap.
    Ratio(fn(&Metrics) -> (u64, u64)),
    /// Kaplan–Meier median from detection (`true`) or from the first step.
    Median { from_detection: bool },
    /// Mean of per-run values: Student's t.
    Mean,
}

fn estimator(name: &str) -> Estimator {
    match name {
        "containment_rate" => Estimator::Proportion,
        "escalation_rate" => Estimator::Ratio(|x| (x.escalated, x.alerts)),
        "autonomous_rate" => Estimator::Ratio(|x| (x.verdicts, x.alerts)),
        "expired_rate" => Estimator::Ratio(|x| (x.expired, x.alerts)),
        "verdict_accuracy" => Estimator::Ratio(|x| (x.tp + x.tn, x.verdicts)),
        "precision" => Estimator::Ratio(|x| (x.tp, x.tp + x.fp)),
        "recall" => Estimator::Ratio(|x| (x.tp, x.tp + x.fn_)),
        "malicious_recall" => {
            Estimator::Ratio(|x| (x.malicious_alerts - x.missed, x.malicious_alerts))
        }
        "time_to_containment_p50_s" | "time_to_resolution_p50_s" => Estimator::Median {
            from_detection: false,
        },
        "detect_to_contain_p50_s" => Estimator::Median {
            from_detection: true,
        },
        _ => Estimator::Mean,
    }
}

fn observations(runs: &[&RunRecord], from_detection: bool) -> Vec<Vec<Observation>> {
    runs.iter()
        .map(|r| {
            r.campaigns
                .iter()
                .filter_map(|c| {
                    let from = if from_detection {
                        c.detected_ms
                    } else {
                        c.started_ms
                    };
                    c.since(from, r.horizon_ms)
                })
                .collect()
        })
        .collect()
}

/// One metric of a run by its column name (`None` where it has no data).
pub fn metric_value(name: &str, m: &Metrics) -> Option<f64> {
    serde_json::to_value(m).ok()?.get(name)?.as_f64()
}

/// Whether `name` is estimated by the mean of per-run values (so a resampling
/// comparison can work on the values directly).
pub fn is_mean(name: &str) -> bool {
    matches!(estimator(name), Estimator::Mean)
}

/// The estimate of `name` over `runs` without its interval (what [`estimate`] reports
/// as the estimate): for resampling comparisons. A Kaplan–Meier median never reached
/// (too many campaigns censored) is `+∞`, not missing: it is the worst possible time.
pub fn point_estimate(name: &str, runs: &[&RunRecord]) -> Option<f64> {
    match estimator(name) {
        Estimator::Proportion => {
            let (k, n) = runs.iter().fold((0, 0), |(k, n), r| {
                (k + r.metrics.contained, n + r.metrics.campaigns)
            });
            (n > 0).then(|| k as f64 / n as f64)
        }
        Estimator::Ratio(f) => {
            let (a, b) = runs.iter().fold((0, 0), |(a, b), r| {
                let (x, y) = f(&r.metrics);
                (a + x, b + y)
            });
            (b > 0).then(|| a as f64 / b as f64)
        }
        Estimator::Median { from_detection } => {
            let all: Vec<Observation> = observations(runs, from_detection)
                .into_iter()
                .flatten()
                .collect();
            (!all.is_empty())
                .then(|| crate::score::survival::km_quantile(&all, 0.5).unwrap_or(f64::INFINITY))
        }
        Estimator::Mean => {
            let xs: Vec<f64> = runs
                .iter()
                .filter_map(|r| metric_value(name, &r.metrics))
                .collect();
            (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
        }
    }
}

/// How a metric is aggregated over runs, if not by its mean.
fn estimate(name: &str, runs: &[&RunRecord], key: &str) -> Option<Summary> {
    let ratios = |f: fn(&Metrics) -> (u64, u64)| -> Vec<(f64, f64)> {
        runs.iter()
            .map(|r| {
                let (a, b) = f(&r.metrics);
                (a as f64, b as f64)
            })
            .collect()
    };
    let key = format!("{key}/{name}");
    Some(match estimator(name) {
        Estimator::Proportion => {
            let (k, n) = runs.iter().fold((0, 0), |(k, n), r| {
                (k + r.metrics.contained, n + r.metrics.campaigns)
            });
            estimate::proportion(k, n)
        }
        Estimator::Ratio(f) => estimate::ratio(&ratios(f), &key),
        Estimator::Median { from_detection } => {
            estimate::km_median(&observations(runs, from_detection), &key)
        }
        Estimator::Mean => return None,
    })
}

/// A paired difference as a summary row: n is the matched pairs, the interval a paired
/// bootstrap of the headline's own estimator (an infinite median makes it open).
fn difference(metric: &str, key: &str, pairs: &[(&RunRecord, &RunRecord)]) -> Summary {
    let d = super::paired::paired_difference(metric, key, pairs);
    let finite = |x: Option<f64>| x.filter(|v| v.is_finite());
    // A median reached on one side only: the change is infinite, said in words.
    let method = match d.change {
        Some(c) if c == f64::INFINITY => "paired bootstrap: never reached, baseline reached",
        Some(c) if c == f64::NEG_INFINITY => "paired bootstrap: reached, baseline never",
        _ => "paired bootstrap",
    };
    Summary {
        n: d.pairs as u64,
        mean: finite(d.change),
        sd: None,
        ci_low: finite(d.low),
        ci_high: finite(d.high),
        method: method.into(),
        censored: None,
    }
}

/// The mean of per-run values with Student's t — except a count equal in every run,
/// whose t interval would have no width: it gets the exact Poisson interval instead.
fn mean_of(metric: &str, values: &[Option<f64>]) -> Summary {
    let s = within(metric, summarize(values));
    let count = metric_columns()
        .iter()
        .any(|(name, integer)| name == metric && *integer);
    match (count, s.sd, s.mean) {
        (true, Some(0.0), Some(m)) => estimate::constant_count(m, s.n),
        _ => s,
    }
}

/// Summary of one group of runs.
#[derive(Clone, Debug, Serialize)]
pub struct GroupSummary {
    /// Scenario (`*` for the overall rows).
    pub scenario: String,
    /// Strategy.
    pub strategy: String,
    /// Parameter combination.
    pub params: String,
    /// Runs in the group.
    pub runs: u64,
    /// Per metric.
    pub metrics: BTreeMap<String, Summary>,
}

/// Everything `eval` reports.
#[derive(Clone, Debug, Serialize)]
pub struct EvalSummary {
    /// Per scenario, strategy and parameters, in grid order.
    pub groups: Vec<GroupSummary>,
    /// Per strategy and parameters across the whole suite.
    pub overall: Vec<GroupSummary>,
    /// Paired differences (strategy − baseline) across the suite, if a baseline was named.
    pub baseline: Option<(String, Vec<GroupSummary>)>,
}

fn values(runs: &[&RunRecord]) -> BTreeMap<String, Vec<Option<f64>>> {
    let mut out: BTreeMap<String, Vec<Option<f64>>> = BTreeMap::new();
    for r in runs {
        let v = serde_json::to_value(&r.metrics).unwrap_or_default();
        for (name, _) in metric_columns() {
            out.entry(name.clone()).or_default().push(v[&name].as_f64());
        }
    }
    out
}

fn group(scenario: &str, strategy: &str, params: &str, runs: &[&RunRecord]) -> GroupSummary {
    let key = format!("{scenario}/{strategy}/{params}");
    GroupSummary {
        scenario: scenario.into(),
        strategy: strategy.into(),
        params: params.into(),
        runs: runs.len() as u64,
        metrics: values(runs)
            .into_iter()
            .map(|(k, v)| {
                let s = estimate(&k, runs, &key).unwrap_or_else(|| mean_of(&k, &v));
                (k, s)
            })
            .collect(),
    }
}

/// Summarises runs (in run order); groups keep the order they first appear in.
pub fn summarize_runs(results: &[RunRecord], baseline: Option<&str>) -> EvalSummary {
    fn grouped<K: Ord + Clone>(
        results: &[RunRecord],
        key: impl Fn(&RunRecord) -> K,
    ) -> Vec<(K, Vec<&RunRecord>)> {
        let mut order: Vec<K> = Vec::new();
        let mut by: BTreeMap<K, Vec<&RunRecord>> = BTreeMap::new();
        for r in results {
            let k = key(r);
            if !by.contains_key(&k) {
                order.push(k.clone());
            }
            by.entry(k).or_default().push(r);
        }
        order
            .into_iter()
            .map(|k| {
                let v = by.remove(&k).unwrap_or_default();
                (k, v)
            })
            .collect()
    }
    let groups = grouped(results, |r| {
        (r.scenario.clone(), r.strategy.clone(), r.params.clone())
    })
    .into_iter()
    .map(|((sc, st, p), rs)| group(&sc, &st, &p, &rs))
    .collect();
    let overall_groups = grouped(results, |r| (r.strategy.clone(), r.params.clone()));
    let overall = overall_groups
        .iter()
        .map(|((st, p), rs)| group("*", st, p, rs))
        .collect();
    let baseline = baseline.map(|b| {
        let theirs: BTreeMap<(String, String, u64), &RunRecord> = results
            .iter()
            .filter(|r| r.strategy == b)
            .map(|r| ((r.scenario.clone(), r.params.clone(), r.seed), r))
            .collect();
        let rows = overall_groups
            .iter()
            .filter(|((st, _), _)| st != b)
            .map(|((st, p), mine)| {
                let matched: Vec<(&RunRecord, &RunRecord)> = mine
                    .iter()
                    .filter_map(|r| {
                        theirs
                            .get(&(r.scenario.clone(), p.clone(), r.seed))
                            .map(|t| (*r, *t))
                    })
                    .collect();
                let key = format!("eval/{st}/{p}/vs/{b}");
                GroupSummary {
                    scenario: "*".into(),
                    strategy: st.clone(),
                    params: p.clone(),
                    runs: matched.len() as u64,
                    metrics: metric_columns()
                        .into_iter()
                        .map(|(m, _)| {
                            // (baseline, this strategy): the change is this − baseline.
                            let pairs: Vec<(&RunRecord, &RunRecord)> = matched
                                .iter()
                                .map(|(mine, theirs)| (*theirs, *mine))
                                .collect();
                            let s = difference(&m, &key, &pairs);
                            (m, s)
                        })
                        .collect(),
                }
            })
            .collect();
        (b.to_string(), rows)
    });
    EvalSummary {
        groups,
        overall,
        baseline,
    }
}
