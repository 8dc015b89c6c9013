//! The claims and check results for people (an aligned table, or Markdown for a pull
//! request comment) and machines (JSON).

use std::fmt::Write as _;

use super::table;
use super::units::{delta, interval, range, value};
use crate::claims::assess::ClaimsReport;
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
         violates it;\ninconclusive: it straddles the bound (more seeds may settle it; \
         n is in every row).\n"
    );
    let (header, rows) = claims_table(r);
    out += &table::render_with(&header, &rows, md, 3);
    let stated: Vec<String> = (r.claims.iter().enumerate())
        .filter(|(_, c)| !c.says.is_empty())
        .map(|(i, c)| format!("- #{} {}: \"{}\"", i + 1, c.claim, c.says))
        .collect();
    if !stated.is_empty() {
        let _ = writeln!(out, "\nas stated:\n{}", stated.join("\n"));
    }
    let _ = writeln!(
        out,
        "\n{} claim(s): {} pass, {} fail, {} inconclusive",
        r.claims.len(),
        r.passed,
        r.failed,
        r.inconclusive
    );
    out += &gaming_lines(r);
    out
}

/// What the gaming check found, in a sentence per trivial strategy.
fn gaming_lines(r: &ClaimsReport) -> String {
    let Some(trivial) = &r.gaming else {
        return String::new();
    };
    let mut out = String::from("\ngaming check (the same claims, suite and seeds):\n");
    for t in trivial {
        let which: Vec<String> = t.passes.iter().map(|&i| format!("#{}", i + 1)).collect();
        let _ = writeln!(
            out,
            "- {} passes {} of {}{}",
            t.strategy,
            t.passes.len(),
            r.claims.len(),
            if which.is_empty() {
                String::new()
            } else {
                format!(" ({})", which.join(", "))
            }
        );
    }
    let bad = r.undiscriminating();
    if bad.is_empty() {
        out += "the claim set discriminates: no trivial strategy passes all of it\n";
    } else {
        let _ = writeln!(
            out,
            "NOT DISCRIMINATING: this claim set is also satisfied by {} (exit 1)",
            bad.join(", ")
        );
    }
    out
}

/// The claims table: header and rows (for text, Markdown and HTML alike). The verdict
/// follows the claim, so a table too wide for a terminal wraps its evidence, never the
/// verdict, away from the claim.
pub fn claims_table(r: &ClaimsReport) -> (Vec<String>, Vec<Vec<String>>) {
    let header: Vec<String> = [
        "#",
        "claim",
        "verdict",
        "scenario",
        "estimate",
        "95% interval",
        "n",
        "method",
    ]
    .map(String::from)
    .to_vec();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, o) in r.outcomes.iter().enumerate() {
        // A normalised claim is in the metric's own unit, per week or per 1000.
        let m = o.parsed.metric.as_str();
        let estimate = match (o.estimate, o.censored) {
            (Some(x), _) => value(m, x),
            (None, Some(c)) if o.n > 0 => format!("> horizon ({c} censored)"),
            _ => "no data".into(),
        };
        let first = i == 0 || r.outcomes[i - 1].index != o.index;
        let last = r.outcomes.get(i + 1).is_none_or(|n| n.index != o.index);
        rows.push(vec![
            if first {
                format!("{}", o.index + 1)
            } else {
                String::new()
            },
            if first {
                o.claim.clone()
            } else {
                format!("and {}", o.claim)
            },
            o.verdict.to_string(),
            if o.scenario == "*" {
                "all".into()
            } else {
                o.scenario.clone()
            },
            estimate,
            range(m, o.ci_low, o.ci_high),
            o.n.to_string(),
            o.method.clone(),
        ]);
        // A claim of several parts holds only if every part does: its own row.
        if last
            && !first
            && let Some(c) = r.claims.get(o.index)
        {
            let mut row = vec![String::new(); 8];
            row[1] = "= all parts".into();
            row[2] = c.verdict.to_string();
            rows.push(row);
        }
    }
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
