//! The summary of an evaluation for people and machines: an aligned table (the headline
//! metrics in humane units, or the metrics asked for), the same as Markdown for a pull
//! request, CSV with one row per group and metric, or JSON.

use std::fmt::Write as _;

use super::units::duration;
use crate::error::{Error, Result};
use crate::harness::output::metric_columns;
use crate::harness::stats::Summary;
use crate::harness::summary::{EvalSummary, GroupSummary};

/// How `eval` and `summary` print.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    /// Aligned text for a terminal, within 120 columns for the headline metrics.
    #[default]
    Table,
    /// The same table as GitHub-flavoured Markdown.
    Md,
    /// One row per group and metric: estimate, interval, n, method, censored.
    Csv,
    /// Everything, as one JSON document.
    Json,
}

/// The metrics shown in the terminal table, with the column titles people read: the
/// primary objective first, then metrics each of which a degenerate strategy may win
/// only by losing on the primary objective (docs/metrics.md, "Headline metrics").
/// Times are unconditional (over every campaign, censored), discrimination is AUC.
pub const HEADLINE: &[(&str, &str)] = &[
    ("cost", "cost"),
    ("time_to_resolution_p50_s", "resolved"),
    ("containment_rate", "contained"),
    ("malicious_recall", "mal. recall"),
    ("auc", "AUC"),
    ("escalation_rate", "escalated"),
    ("disruption_hours", "disruption"),
    ("customer_work_hours", "customer"),
];

/// One summary cell in humane units: estimate, interval and censoring.
pub fn cell(metric: &str, s: Option<&Summary>) -> String {
    let Some(s) = s else { return "n/a".into() };
    match s.method.as_str() {
        "paired bootstrap: never reached, baseline reached" => return "+∞ (> horizon)".into(),
        "paired bootstrap: reached, baseline never" => return "−∞ (baseline > horizon)".into(),
        _ => {}
    }
    let Some(m) = s.mean else {
        return match s.censored {
            Some(c) if c > 0 => format!("> horizon c{c}"),
            _ => "n/a".into(),
        };
    };
    // A paired difference: signed, in the metric's unit (shares in percentage points),
    // with its bootstrap interval (not symmetric: both ends shown).
    if s.method.starts_with("paired") {
        let d = |x: f64| super::units::delta(metric, x);
        return match (s.ci_low, s.ci_high) {
            (Some(l), Some(h)) => format!("{} [{}, {}]", d(m), d(l), d(h)),
            (Some(l), None) => format!("{} [{}, ?]", d(m), d(l)),
            _ => d(m),
        };
    }
    let range = |f: &dyn Fn(f64) -> String| match (s.ci_low, s.ci_high) {
        (Some(lo), Some(hi)) if f(lo) == f(hi) => String::new(),
        (Some(lo), Some(hi)) => format!(" [{}–{}]", f(lo), f(hi)),
        (Some(lo), None) => format!(" [{}–?]", f(lo)),
        _ => String::new(),
    };
    match s.method.as_str() {
        "wilson" | "run bootstrap" => {
            let pct = |x: f64| {
                let p = 100.0 * x;
                if (0.05..10.0).contains(&p) {
                    format!("{p:.1}")
                } else {
                    format!("{p:.0}")
                }
            };
            format!("{}%{}", pct(m), range(&pct))
        }
        "kaplan-meier" => {
            let c = s
                .censored
                .filter(|c| *c > 0)
                .map_or(String::new(), |c| format!(" c{c}"));
            format!("{}{}{c}", duration(m), range(&duration))
        }
        _ if metric == "cost" || metric.starts_with("cost_") => {
            let money = |x: f64| {
                if x >= 1e6 {
                    format!("{:.1}M", x / 1e6)
                } else if x >= 1e3 {
                    format!("{:.0}k", x / 1e3)
                } else {
                    format!("{x:.0}")
                }
            };
            match (s.ci_low, s.ci_high) {
                (Some(lo), Some(hi)) if ((m - lo) - (hi - m)).abs() > 1e-6 * m.max(1.0) => {
                    format!("{} [{}–{}]", money(m), money(lo), money(hi))
                }
                (Some(lo), Some(hi)) if hi > lo => {
                    format!("{} ±{}", money(m), money((hi - lo) / 2.0))
                }
                _ => money(m),
            }
        }
        "t" if metric == "auc" => {
            // Two decimals without the leading zero, and an end cut at 1 as plain 1: the
            // headline table must fit a terminal.
            let short = |x: f64| {
                if x >= 0.995 {
                    "1".to_string()
                } else {
                    format!("{x:.2}").trim_start_matches('0').to_string()
                }
            };
            let two = |x: f64| format!("{x:.2}").trim_start_matches('0').to_string();
            match (s.ci_low, s.ci_high) {
                (Some(lo), Some(hi)) if ((m - lo) - (hi - m)).abs() > 1e-9 => {
                    format!("{} [{}–{}]", two(m), two(lo), short(hi))
                }
                (Some(lo), Some(hi)) => format!("{} ±{}", two(m), two((hi - lo) / 2.0)),
                _ => two(m),
            }
        }
        _ if metric.ends_with("_hours") => {
            // Whole hours from 10 on: the decimal is noise at that size.
            let h = |x: f64| {
                if x >= 10.0 {
                    format!("{x:.0}")
                } else {
                    format!("{x:.1}")
                }
            };
            match (s.ci_low, s.ci_high) {
                (Some(lo), Some(hi)) if ((m - lo) - (hi - m)).abs() > 1e-9 => {
                    // An interval cut at the bound starts at plain 0, as costs do.
                    let lo = if lo == 0.0 { "0".to_string() } else { h(lo) };
                    format!("{}h [{lo}–{}]", h(m), h(hi))
                }
                (Some(lo), Some(hi)) => format!("{}h ±{}", h(m), h((hi - lo) / 2.0)),
                _ => format!("{}h", h(m)),
            }
        }
        _ => match (s.ci_low, s.ci_high) {
            (Some(lo), Some(hi)) if ((m - lo) - (hi - m)).abs() > 1e-9 => {
                format!("{m:.2} [{lo:.2}–{hi:.2}]")
            }
            (Some(lo), Some(hi)) => format!("{m:.2} ±{:.2}", (hi - lo) / 2.0),
            _ => format!("{m:.2}"),
        },
    }
}

/// The columns to show: `--metrics a,b,…` (any metric name), or the headline.
pub fn columns(chosen: &[String]) -> Result<Vec<(String, String)>> {
    if chosen.is_empty() {
        return Ok(HEADLINE
            .iter()
            .map(|(m, t)| (m.to_string(), t.to_string()))
            .collect());
    }
    let known: Vec<String> = metric_columns().into_iter().map(|(k, _)| k).collect();
    chosen
        .iter()
        .map(|m| {
            let m = m.trim();
            if !known.iter().any(|k| k == m) {
                return Err(Error::Usage(format!(
                    "--metrics: unknown metric {m:?}; metrics are {}",
                    known.join(", ")
                )));
            }
            let title = HEADLINE.iter().find(|(k, _)| *k == m).map_or(m, |(_, t)| t);
            Ok((m.to_string(), title.to_string()))
        })
        .collect()
}

/// Renders `s` in `format` with `columns` (see [`columns`]).
pub fn render(s: &EvalSummary, format: SummaryFormat, columns: &[(String, String)]) -> String {
    match format {
        SummaryFormat::Table => render_table(s, columns, false),
        SummaryFormat::Md => render_table(s, columns, true),
        SummaryFormat::Csv => render_csv(s, columns),
        SummaryFormat::Json => {
            serde_json::to_string_pretty(s).map_or_else(|e| e.to_string(), |t| t + "\n")
        }
    }
}

fn csv_field(x: &str) -> String {
    if x.contains([',', '"', '\n']) {
        format!("\"{}\"", x.replace('"', "\"\""))
    } else {
        x.to_string()
    }
}

fn render_csv(s: &EvalSummary, columns: &[(String, String)]) -> String {
    let mut out = String::from(
        "scope,scenario,strategy,params,runs,metric,estimate,ci_low,ci_high,n,method,censored\n",
    );
    let opt = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v}"));
    let mut rows = |scope: &str, groups: &[GroupSummary]| {
        for g in groups {
            for (m, _) in columns {
                let Some(x) = g.metrics.get(m) else { continue };
                let _ = writeln!(
                    out,
                    "{scope},{},{},{},{},{m},{},{},{},{},{},{}",
                    csv_field(&g.scenario),
                    csv_field(&g.strategy),
                    csv_field(&g.params),
                    g.runs,
                    opt(x.mean),
                    opt(x.ci_low),
                    opt(x.ci_high),
                    x.n,
                    x.method,
                    x.censored.map_or(String::new(), |c| c.to_string())
                );
            }
        }
    };
    rows("scenario", &s.groups);
    rows("overall", &s.overall);
    if let Some((_, b)) = &s.baseline {
        rows("paired difference", b);
    }
    out
}

/// One block per scenario, a row per strategy; Markdown pipes when `md`.
fn render_table(s: &EvalSummary, columns: &[(String, String)], md: bool) -> String {
    let mut out = String::new();
    let header: Vec<String> = ["strategy"]
        .into_iter()
        .map(String::from)
        .chain(columns.iter().map(|(_, h)| h.clone()))
        .collect();
    let _ = writeln!(
        out,
        "cost is the primary objective. 95% intervals in brackets: Wilson for contained\n\
         campaigns, a run bootstrap for alert rates, Kaplan–Meier medians for times (cN: N\n\
         campaigns never ended, censored at the horizon); ± is Student's t (shown as a\n\
         range where the metric's bounds cut it); paired differences: a paired bootstrap."
    );
    let mut block = |title: &str, rows: &[&GroupSummary]| {
        let _ = writeln!(out, "\n{}{title}", if md { "### " } else { "" });
        let table: Vec<Vec<String>> = std::iter::once(header.clone())
            .chain(rows.iter().map(|g| {
                let name = if g.params.is_empty() {
                    g.strategy.clone()
                } else {
                    format!("{} [{}]", g.strategy, g.params)
                };
                [name]
                    .into_iter()
                    .chain(columns.iter().map(|(m, _)| cell(m, g.metrics.get(m))))
                    .collect()
            }))
            .collect();
        out += &super::table::render(&table[0], &table[1..], md);
    };
    let mut scenarios: Vec<&str> = Vec::new();
    for g in &s.groups {
        if !scenarios.contains(&g.scenario.as_str()) {
            scenarios.push(&g.scenario);
        }
    }
    for sc in scenarios {
        let rows: Vec<&GroupSummary> = s.groups.iter().filter(|g| g.scenario == sc).collect();
        let n = rows.first().map_or(0, |g| g.runs);
        block(&format!("scenario {sc} (n = {n} runs per row)"), &rows);
    }
    let rows: Vec<&GroupSummary> = s.overall.iter().collect();
    let n = rows.first().map_or(0, |g| g.runs);
    block(
        &format!("overall, all scenarios (n = {n} runs per row)"),
        &rows,
    );
    if let Some((b, rows)) = &s.baseline {
        let rows: Vec<&GroupSummary> = rows.iter().collect();
        block(
            &format!("paired difference vs {b} (matched scenario and seed)"),
            &rows,
        );
    }
    out
}
