//! The report's charts, built from a results folder: survival curves of time to
//! containment, escalation against recall, cost by part, each scenario's week as it
//! happened for each strategy, and learning over time.

use super::data::ReportData;
use super::svg::{Axis, Chart, Mark, colour};
use super::units::duration;
use crate::harness::summary::GroupSummary;
use crate::score::survival::{Observation, kaplan_meier};

mod week;
pub use week::week;

fn pct(v: f64) -> String {
    format!("{:.0}%", 100.0 * v)
}

fn strategy_label(strategy: &str, params: &str) -> String {
    if params.is_empty() {
        strategy.to_string()
    } else {
        format!("{strategy} [{params}]")
    }
}

/// Kaplan–Meier curves of the share of campaigns not yet contained, per strategy, over
/// a logarithmic time axis (minutes to the longest horizon).
pub fn survival(data: &ReportData, from_detection: bool) -> Chart {
    let (_, strategies) = data.axes();
    let horizon = data.runs.iter().map(|r| r.horizon_ms).max().unwrap_or(1) as f64 / 1000.0;
    let ticks: Vec<(f64, String)> = [60.0, 600.0, 3600.0, 6.0 * 3600.0, 86_400.0, 7.0 * 86_400.0]
        .into_iter()
        .filter(|t| *t <= horizon)
        .map(|t| (t, duration(t)))
        .collect();
    let title = if from_detection {
        "Detect → contain: share of detected campaigns not yet contained"
    } else {
        "Time to containment: share of campaigns not yet contained (from the first step)"
    };
    let mut chart = Chart::new(
        title,
        860.0,
        380.0,
        Axis {
            min: 30.0,
            max: horizon.max(60.0),
            log: true,
            shift: 0.0,
            label: "time (log scale)".into(),
            ticks,
        },
        Axis::linear(0.0, 1.0, "not yet contained", &pct),
    );
    for (i, (st, p)) in strategies.iter().enumerate() {
        let obs: Vec<Observation> = data
            .runs
            .iter()
            .filter(|r| &r.strategy == st && &r.params == p)
            .flat_map(|r| {
                r.campaigns.iter().filter_map(move |c| {
                    let from = if from_detection {
                        c.detected_ms?
                    } else {
                        c.started_ms?
                    };
                    Some(match c.contained_ms {
                        Some(t) => (t.saturating_sub(from) as f64 / 1000.0, true),
                        None => (r.horizon_ms.saturating_sub(from) as f64 / 1000.0, false),
                    })
                })
            })
            .collect();
        if obs.is_empty() {
            continue;
        }
        let last = obs.iter().map(|o| o.0).fold(0.0, f64::max);
        let mut points = vec![(30.0, 1.0)];
        points.extend(
            kaplan_meier(&obs)
                .into_iter()
                .map(|(t, s)| (t.max(30.0), s)),
        );
        let end = points.last().map_or(1.0, |p| p.1);
        points.push((last.max(30.0), end));
        let c = colour(i).to_string();
        let censored = obs.iter().filter(|o| !o.1).count();
        chart.legend.push((
            c.clone(),
            format!(
                "{} (n={}, {censored} censored)",
                strategy_label(st, p),
                obs.len()
            ),
            false,
        ));
        chart.marks.push(Mark::Line {
            points,
            colour: c,
            step: true,
            dashed: false,
        });
    }
    chart.legend.sort_by(|a, b| a.1.cmp(&b.1));
    chart
}

/// Escalation rate against malicious recall per strategy over the suite, with both
/// 95% intervals.
pub fn tradeoff(overall: &[GroupSummary]) -> Chart {
    let get = |g: &GroupSummary, m: &str| g.metrics.get(m).cloned();
    // Escalation spans 0 to 100% (escalate_all): a logarithmic axis shifted by 0.1%
    // keeps 0, 0.5% and 100% apart.
    let mut chart = Chart::new(
        "Escalation against malicious recall (whole suite, 95% intervals)",
        860.0,
        400.0,
        Axis {
            min: 0.0,
            max: 1.0,
            log: true,
            shift: 0.001,
            label: "alerts escalated to the customer (log scale, shifted by 0.1%)".into(),
            ticks: [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
                .into_iter()
                .map(|v| (v, format!("{}%", 100.0 * v)))
                .collect(),
        },
        Axis::linear(0.0, 1.0, "malicious alerts ending malicious (recall)", &pct),
    );
    for (i, g) in overall.iter().enumerate() {
        let (Some(e), Some(r)) = (get(g, "escalation_rate"), get(g, "malicious_recall")) else {
            continue;
        };
        let (Some(x), Some(y)) = (e.mean, r.mean) else {
            continue;
        };
        chart.marks.push(Mark::Point {
            at: (x, y),
            x_range: e.ci_low.zip(e.ci_high),
            y_range: r.ci_low.zip(r.ci_high),
            colour: colour(i).into(),
            label: strategy_label(&g.strategy, &g.params),
            triangle: false,
            label_dy: 12.0 * (i % 3) as f64,
        });
    }
    chart
}

/// Mean cost per run broken into its parts (each run's `cost_*` columns, priced by the
/// manifest's cost table), per strategy: the impact of attacks that reached their
/// objective, or (`operating`) everything else — disruption, staffing, the customer's
/// hours, eradications, call-outs, dwell — which impact would dwarf on one scale.
pub fn cost_parts(data: &ReportData, operating: bool) -> Chart {
    let (_, strategies) = data.axes();
    let costs = &data.manifest["costs"];
    type Part = (&'static str, fn(&crate::score::Metrics) -> f64);
    let all: [Part; 7] = [
        ("impact", |m| m.cost_impact),
        ("disruption", |m| m.cost_disruption),
        ("staffing", |m| m.cost_staffing),
        ("customer hours", |m| m.cost_customer),
        ("eradication", |m| m.cost_eradication),
        ("on-call", |m| m.cost_on_call),
        ("attacker dwell", |m| m.cost_dwell),
    ];
    let parts: &[Part] = if operating { &all[1..] } else { &all[..1] };
    let mut stacks = Vec::new();
    for (st, p) in &strategies {
        let runs: Vec<_> = data
            .runs
            .iter()
            .filter(|r| &r.strategy == st && &r.params == p)
            .collect();
        let n = runs.len().max(1) as f64;
        let means: Vec<f64> = parts
            .iter()
            .map(|(_, f)| runs.iter().map(|r| f(&r.metrics)).sum::<f64>() / n)
            .collect();
        stacks.push((strategy_label(st, p), means));
    }
    let top = stacks
        .iter()
        .map(|s| s.1.iter().sum::<f64>())
        .fold(1.0, f64::max);
    let currency = costs["currency"].as_str().unwrap_or("").to_string();
    let money = move |v: f64| {
        if v >= 1e6 {
            format!("{:.1}M", v / 1e6)
        } else if v >= 1e3 {
            format!("{:.0}k", v / 1e3)
        } else {
            format!("{v:.0}")
        }
    };
    let k = stacks.len().max(1) as f64;
    let title = if operating {
        "Operating cost per run by part: disruption, staffing, customer hours, eradication, on-call, dwell"
    } else {
        "Impact cost per run: attacks that reached their objective"
    };
    let mut chart = Chart::new(
        title,
        860.0,
        380.0,
        Axis {
            min: 0.0,
            max: k,
            log: false,
            shift: 0.0,
            label: "strategy".into(),
            ticks: stacks
                .iter()
                .enumerate()
                .map(|(i, s)| (i as f64 + 0.5, s.0.clone()))
                .collect(),
        },
        Axis::linear(
            0.0,
            top * 1.05,
            &format!("mean cost per run ({currency})"),
            &money,
        ),
    );
    for (j, (name, _)) in parts.iter().enumerate() {
        let c = colour(j).to_string();
        chart.legend.push((c.clone(), (*name).to_string(), false));
        for (i, (label, means)) in stacks.iter().enumerate() {
            let base: f64 = means[..j].iter().sum();
            if means[j] > 0.0 {
                chart.marks.push(Mark::Span {
                    rect: (i as f64 + 0.2, i as f64 + 0.8, base, base + means[j]),
                    colour: c.clone(),
                    title: format!("{label}: {name} {}", money(means[j])),
                });
            }
        }
    }
    chart
}

/// Verdict accuracy by day for the strategies that query their own history (`historic`
/// context), on the scenarios of at least a week, pooled over seeds.
pub fn learning(data: &ReportData) -> Option<Chart> {
    let (scenarios, strategies) = data.axes();
    let learners: Vec<&(String, String)> = strategies
        .iter()
        .filter(|(st, _)| {
            data.strategy(st)
                .and_then(|d| d["provider"]["context"].as_array())
                .is_some_and(|c| c.iter().any(|x| x == "historic"))
        })
        .collect();
    let long: Vec<&String> = scenarios
        .iter()
        .filter(|sc| {
            data.runs
                .iter()
                .any(|r| &&r.scenario == sc && r.horizon_ms >= 7 * 86_400_000)
        })
        .collect();
    if learners.is_empty() || long.is_empty() {
        return None;
    }
    let days = data
        .runs
        .iter()
        .map(|r| r.horizon_ms.div_ceil(86_400_000))
        .max()
        .unwrap_or(1) as f64;
    let mut series = Vec::new();
    for (st, p) in learners {
        for sc in &long {
            let mut by_day: Vec<(u64, u64)> = vec![(0, 0); days as usize];
            for r in data
                .runs
                .iter()
                .filter(|r| &r.strategy == st && &r.params == p && &&r.scenario == sc)
            {
                for a in data.alerts.get(&r.run).into_iter().flatten() {
                    if let (Some(v), Some(d)) = (
                        a.verdict,
                        by_day.get_mut((a.raised_ms / 86_400_000) as usize),
                    ) {
                        d.1 += 1;
                        d.0 += u64::from(v == a.malicious);
                    }
                }
            }
            let points: Vec<(f64, f64)> = by_day
                .iter()
                .enumerate()
                .filter(|(_, d)| d.1 > 0)
                .map(|(k, d)| (k as f64 + 0.5, d.0 as f64 / d.1 as f64))
                .collect();
            series.push((format!("{} on {sc}", strategy_label(st, p)), points));
        }
    }
    // The axis starts a little below the lowest day, in steps of 5%: accuracy near
    // 100% would otherwise be a flat line along the top.
    let low = series
        .iter()
        .flat_map(|s| s.1.iter().map(|p| p.1))
        .fold(1.0, f64::min);
    let floor = ((low - 0.02) / 0.05).floor().max(0.0) * 0.05;
    let mut chart = Chart::new(
        "Learning: verdict accuracy by day, strategies that consult their own history",
        860.0,
        340.0,
        Axis::linear(0.0, days, "day of the scenario", &|v| format!("{v:.0}")),
        Axis::linear(floor, 1.0, "verdicts matching the truth", &pct),
    );
    for (i, (label, points)) in series.into_iter().enumerate() {
        let c = colour(i).to_string();
        chart.legend.push((c.clone(), label, false));
        chart.marks.push(Mark::Line {
            points,
            colour: c,
            step: false,
            dashed: false,
        });
    }
    Some(chart)
}
