//! The claims and check results for people (an aligned table, or Markdown for a pull
//! request comment) and machines (JSON).

use std::fmt::Write as _;

use super::table;
use super::units::{delta, interval, value};
use crate::claims::assess::ClaimsReport;
use crate::claims::expr::Verdict;
use crate::claims::policy::Allowance;
use crate::claims::regression::{Change, CheckReport};

/// How `claims` and `check` print.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum GateFormat {
    /// Aligned text for a terminal.
    #[default]
    Table,
    /// The same as GitHub-flavoured Markdown (for a pull request comment).
    Md,
    /// Everything, as one JSON document.
    Json,
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).map_or_else(|e| e.to_string(), |t| t + "\n")
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(8)]
}

/// Renders the outcome of a claims file.
pub fn render_claims(r: &ClaimsReport, format: GateFormat) -> String {
    if format == GateFormat::Json {
        return json(r);
    }
    let md = format == GateFormat::Md;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}claims {} — strategy {} (definition {}), {} scenario(s) × {} seeds",
        if md { "### " } else { "" },
        r.file,
        r.strategy,
        short(&r.strategy_hash),
        r.scenarios.len(),
        r.seeds
    );
    let _ = writeln!(
        out,
        "\npass: the whole 95% interval satisfies the claim; fail: the whole interval \
         violates it;\ninconclusive: it straddles the bound (≈N seeds: about how many \
         would settle it).\n"
    );
    let (header, rows) = claims_table(r);
    out += &table::render_with(&header, &rows, md, 2);
    let stated: Vec<String> = r
        .outcomes
        .iter()
        .filter(|o| !o.says.is_empty())
        .map(|o| format!("- {}: \"{}\"", o.claim, o.says))
        .collect();
    if !stated.is_empty() {
        let _ = writeln!(out, "\nas stated:\n{}", stated.join("\n"));
    }
    let _ = writeln!(
        out,
        "\n{} claim(s): {} pass, {} fail, {} inconclusive",
        r.outcomes.len(),
        r.passed,
        r.failed,
        r.inconclusive
    );
    out
}

/// The claims table: header and rows (for text, Markdown and HTML alike).
pub fn claims_table(r: &ClaimsReport) -> (Vec<String>, Vec<Vec<String>>) {
    let header: Vec<String> = [
        "claim",
        "scenario",
        "estimate",
        "95% interval",
        "n",
        "method",
        "verdict",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = r
        .outcomes
        .iter()
        .map(|o| {
            let m = o.parsed.metric.as_str();
            let estimate = match (o.estimate, o.censored) {
                (Some(x), _) => value(m, x),
                (None, Some(c)) if o.n > 0 => format!("> horizon ({c} censored)"),
                _ => "no data".into(),
            };
            let verdict = match (o.verdict, o.seeds_to_settle) {
                (Verdict::Inconclusive, Some(n)) => format!("inconclusive (≈{n} seeds)"),
                (v, _) => v.to_string(),
            };
            vec![
                o.claim.clone(),
                if o.scenario == "*" {
                    "all".into()
                } else {
                    o.scenario.clone()
                },
                estimate,
                interval(m, o.ci_low, o.ci_high, value),
                o.n.to_string(),
                o.method.clone(),
                verdict,
            ]
        })
        .collect();
    (header, rows)
}

/// Renders a regression check.
pub fn render_check(r: &CheckReport, format: GateFormat) -> String {
    if format == GateFormat::Json {
        return json(r);
    }
    let md = format == GateFormat::Md;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}regression check against a baseline made by mdrsim {}",
        if md { "### " } else { "" },
        r.baseline_version
    );
    for (name, then, now) in &r.changed_definitions {
        let _ = writeln!(
            out,
            "strategy {name}: definition changed ({} → {})",
            short(then),
            short(now)
        );
    }
    let _ = writeln!(
        out,
        "\nchange = now − baseline; paired 95% = bootstrap interval of the change over runs \
         matched on scenario and seed;\nregressed: worse beyond the allowance (and, where \
         required (*), the whole paired interval on the worse side).\n"
    );
    let (header, rows) = check_table(r);
    out += &table::render_with(&header, &rows, md, 3);
    let _ = writeln!(
        out,
        "\n{} comparison(s): {} regressed",
        r.comparisons.len(),
        r.regressed
    );
    out
}

/// The check table: header and rows (for text, Markdown and HTML alike).
pub fn check_table(r: &CheckReport) -> (Vec<String>, Vec<Vec<String>>) {
    let header: Vec<String> = [
        "strategy",
        "scenario",
        "metric",
        "baseline",
        "now",
        "change",
        "allowed",
        "paired 95%",
        "verdict",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = r
        .comparisons
        .iter()
        .map(|c| {
            let m = c.metric.as_str();
            // Missing: no data at all (n/a), or a median beyond the horizon.
            let missing = if c.verdict == Change::NotApplicable {
                "n/a"
            } else {
                "> horizon"
            };
            let opt = |x: Option<f64>| x.map_or(missing.to_string(), |v| value(m, v));
            let worse = if c.rule.higher_is_worse { "+" } else { "−" };
            let allowed = match c.rule.allow {
                Allowance::Relative(p) => format!("{worse}{:.0}%", 100.0 * p),
                Allowance::Absolute(_) => c
                    .allowed
                    .map_or("0".into(), |a| delta(m, a).replacen(['+', '±'], worse, 1)),
            };
            let name = if c.params.is_empty() {
                c.strategy.clone()
            } else {
                format!("{} [{}]", c.strategy, c.params)
            };
            vec![
                name,
                if c.scenario == "*" {
                    "all".into()
                } else {
                    c.scenario.clone()
                },
                m.to_string(),
                opt(c.baseline),
                opt(c.now),
                match (c.change, c.verdict) {
                    (Some(d), _) => delta(m, d),
                    (None, Change::NotApplicable) => "—".into(),
                    // Both estimates exist but one is a median beyond the horizon.
                    (None, _) => if c.now.is_none() { "+∞" } else { "−∞" }.into(),
                },
                format!("{allowed}{}", if c.rule.significant { "*" } else { "" }),
                match (c.change, c.diff_low, c.diff_high) {
                    // Resampled medians beyond the horizon on either side.
                    (Some(_), None, None) if c.pairs > 0 => "−∞ – +∞".into(),
                    (_, lo, hi) => interval(m, lo, hi, delta),
                },
                match c.verdict {
                    Change::Ok => "ok".into(),
                    Change::Regressed => "REGRESSED".into(),
                    Change::Improved => "improved".into(),
                    Change::NotApplicable => "n/a".into(),
                },
            ]
        })
        .collect();
    (header, rows)
}
