//! Turning runs into numbers people trust: per (scenario, strategy, parameters) mean, SD
//! and 95% CI of every metric; overall rows across the suite; paired differences against
//! a baseline strategy on matched (scenario, parameters, seed).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::stats::{Summary, paired, summarize};
use crate::harness::output::metric_columns;
use crate::score::Metrics;

/// What the summary needs of one run (read back from `runs.parquet`).
#[derive(Clone, Debug)]
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
    /// Scores.
    pub metrics: Metrics,
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
    GroupSummary {
        scenario: scenario.into(),
        strategy: strategy.into(),
        params: params.into(),
        runs: runs.len() as u64,
        metrics: values(runs)
            .into_iter()
            .map(|(k, v)| (k, summarize(&v)))
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
                let (a, c): (Vec<&RunRecord>, Vec<&RunRecord>) = matched.into_iter().unzip();
                let (va, vc) = (values(&a), values(&c));
                GroupSummary {
                    scenario: "*".into(),
                    strategy: st.clone(),
                    params: p.clone(),
                    runs: a.len() as u64,
                    metrics: va
                        .iter()
                        .map(|(m, x)| (m.clone(), paired(x, &vc[m])))
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

/// The metrics shown in the terminal table.
pub const HEADLINE: &[&str] = &[
    "escalation_rate",
    "verdict_accuracy",
    "final_accuracy",
    "containment_rate",
    "impacted",
    "time_to_containment_p50_s",
    "customer_work_hours",
    "false_containments",
];

fn cell(s: Option<&Summary>) -> String {
    match s {
        Some(Summary {
            mean: Some(m),
            ci_low: Some(lo),
            ci_high: Some(hi),
            ..
        }) => format!("{m:.3} ±{:.3}", (hi - lo) / 2.0),
        Some(Summary { mean: Some(m), .. }) => format!("{m:.3}"),
        _ => "n/a".into(),
    }
}

/// A readable table: one block per scenario, a row per strategy, mean ± 95% CI half-width.
pub fn render_table(s: &EvalSummary) -> String {
    let mut out = String::new();
    let header: Vec<String> = std::iter::once("strategy".to_string())
        .chain(HEADLINE.iter().map(|h| h.to_string()))
        .collect();
    let mut block = |title: &str, rows: &[&GroupSummary]| {
        let _ = writeln!(out, "\n{title}");
        let table: Vec<Vec<String>> = std::iter::once(header.clone())
            .chain(rows.iter().map(|g| {
                let name = if g.params.is_empty() {
                    g.strategy.clone()
                } else {
                    format!("{} [{}]", g.strategy, g.params)
                };
                std::iter::once(name)
                    .chain(HEADLINE.iter().map(|m| cell(g.metrics.get(*m))))
                    .collect()
            }))
            .collect();
        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                table
                    .iter()
                    .map(|r| r[i].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in &table {
            let line: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == 0 {
                        format!("{c:<w$}", w = widths[i])
                    } else {
                        format!("{c:>w$}", w = widths[i])
                    }
                })
                .collect();
            let _ = writeln!(out, "{}", line.join("  ").trim_end());
        }
    };
    let mut scenarios: Vec<&str> = Vec::new();
    for g in &s.groups {
        if !scenarios.contains(&g.scenario.as_str()) {
            scenarios.push(&g.scenario);
        }
    }
    for sc in scenarios {
        let rows: Vec<&GroupSummary> = s.groups.iter().filter(|g| g.scenario == sc).collect();
        block(
            &format!(
                "scenario {sc} (mean ± 95% CI half-width over {} seeds)",
                rows.first().map_or(0, |g| g.runs)
            ),
            &rows,
        );
    }
    let rows: Vec<&GroupSummary> = s.overall.iter().collect();
    block("overall (all scenarios)", &rows);
    if let Some((b, rows)) = &s.baseline {
        let rows: Vec<&GroupSummary> = rows.iter().collect();
        block(
            &format!("paired difference vs {b} (matched scenario and seed)"),
            &rows,
        );
    }
    out
}
