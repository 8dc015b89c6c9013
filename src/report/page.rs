//! The report of a results folder: one self-contained HTML page (inline CSS and SVG,
//! no script, no network) and a Markdown report with the same tables. Every string that
//! came from a scenario, a strategy file or a recording is escaped.

use std::fmt::Write as _;

use super::charts;
use super::claims::{check_table, claims_table};
use super::data::ReportData;
use super::summary::{HEADLINE, cell};
use super::svg::esc;
use super::table::md_escape;
use crate::claims::assess::ClaimsReport;
use crate::claims::regression::CheckReport;
use crate::harness::summary::{EvalSummary, GroupSummary, summarize_runs};

/// A table: header and rows of text.
type Table = (Vec<String>, Vec<Vec<String>>);

fn headline(groups: &[GroupSummary]) -> Table {
    let header = std::iter::once("strategy".to_string())
        .chain(HEADLINE.iter().map(|(_, t)| t.to_string()))
        .collect();
    let rows = groups
        .iter()
        .map(|g| {
            let name = if g.params.is_empty() {
                g.strategy.clone()
            } else {
                format!("{} [{}]", g.strategy, g.params)
            };
            std::iter::once(name)
                .chain(HEADLINE.iter().map(|(m, _)| cell(m, g.metrics.get(*m))))
                .collect()
        })
        .collect();
    (header, rows)
}

fn html_table(t: &Table, names: usize) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in &t.0 {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr></thead><tbody>");
    for row in &t.1 {
        s.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let class = if i < names { "" } else { " class=\"num\"" };
            let _ = write!(s, "<td{class}>{}</td>", esc(c));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

fn md_table(t: &Table, names: usize) -> String {
    super::table::render_with(&t.0, &t.1, true, names)
}

/// Sections of text shared by both renderings.
struct Section {
    title: String,
    intro: String,
    tables: Vec<(String, Table, usize)>,
    figures: Vec<(String, String, String)>,
}

const CSS: &str = "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;\
color:#1a1a1a;max-width:920px;margin:2em auto;padding:0 1em}h1{font-size:1.7em}\
h2{margin-top:2em;border-bottom:1px solid #ccc}h3{margin-top:1.5em}\
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:13px}\
th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}\
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
th{background:#f2f2f2}figure{margin:1em 0 1.6em;break-inside:avoid}\
figcaption{font-size:13px;color:#444;margin-top:.3em}svg.chart{max-width:100%;height:auto;\
display:block}svg .title{font:600 14px system-ui,sans-serif}svg .tick,svg .legend,\
svg .label{font:11px system-ui,sans-serif;fill:#333}svg .axis{font:12px system-ui,sans-serif}\
svg .grid{stroke:#e4e4e4}svg .frame{fill:none;stroke:#888}.story{white-space:pre-wrap;\
font-size:13px;background:#f7f7f7;padding:.6em;border-left:3px solid #0072B2}\
@media print{body{max-width:none}h2{break-before:auto}}";

/// Builds the sections of the report.
fn sections(data: &ReportData, summary: &EvalSummary) -> Vec<Section> {
    let mut out = Vec::new();
    let (scenarios, strategies) = data.axes();
    let mut comparison = Section {
        title: "Strategy comparison".into(),
        intro: "Headline metrics (DESIGN §5) with 95% intervals: Wilson for contained \
                campaigns, a run bootstrap for alert rates, Kaplan–Meier medians for \
                detect→contain (cN: N campaigns never contained, censored at the \
                horizon), Student's t (±) for the rest."
            .into(),
        tables: vec![(
            format!(
                "All scenarios (n = {} runs per row)",
                summary.overall.first().map_or(0, |g| g.runs)
            ),
            headline(&summary.overall),
            1,
        )],
        figures: Vec::new(),
    };
    if let Some((b, rows)) = &summary.baseline {
        comparison.tables.push((
            format!("Paired differences against {b} (matched scenario and seed; paired t)"),
            headline(rows),
            1,
        ));
    }
    out.push(comparison);
    let mut gates = Vec::new();
    if let Some(c) = data
        .claims
        .as_ref()
        .and_then(|v| serde_json::from_value::<ClaimsReport>(v.clone()).ok())
    {
        gates.push((
            format!(
                "Claims ({}; strategy {}): {} pass, {} fail, {} inconclusive",
                c.file, c.strategy, c.passed, c.failed, c.inconclusive
            ),
            claims_table(&c),
            3,
        ));
    }
    if let Some(c) = data
        .check
        .as_ref()
        .and_then(|v| serde_json::from_value::<CheckReport>(v.clone()).ok())
    {
        gates.push((
            format!(
                "Regression check against a baseline made by mdrsim {}: {} regressed",
                c.baseline_version, c.regressed
            ),
            check_table(&c),
            3,
        ));
    }
    if !gates.is_empty() {
        out.push(Section {
            title: "Claims and regression check".into(),
            intro: "Recorded in this results folder by `mdrsim claims --record` and \
                    `mdrsim check --record` (docs/claims.md)."
                .into(),
            tables: gates,
            figures: Vec::new(),
        });
    }
    let mut figures = vec![
        (
            "km-detect".to_string(),
            charts::survival(data, true).render("km-detect"),
            "Kaplan–Meier estimate, pooled over scenarios and seeds. A campaign never \
             contained is censored at its scenario's horizon: it counts as not contained \
             for as long as it was watched, then leaves the estimate (n and the number \
             censored in the legend). A curve that stays above 50% has no median."
                .to_string(),
        ),
        (
            "km-start".to_string(),
            charts::survival(data, false).render("km-start"),
            "As above, from the campaign's first step: dwell before anyone could see it \
             included."
                .to_string(),
        ),
        (
            "tradeoff".to_string(),
            charts::tradeoff(&summary.overall).render("tradeoff"),
            "Whiskers: 95% run-bootstrap intervals. Up and to the left is better: more \
             attacks recognised, fewer alerts pushed onto the customer. Doing nothing sits \
             at the origin."
                .to_string(),
        ),
        (
            "cost-impact".to_string(),
            charts::cost_parts(data, false).render("cost-impact"),
            "The impact weight in the manifest's cost table times the campaigns that \
             reached their objective, averaged over runs."
                .to_string(),
        ),
        (
            "cost-operating".to_string(),
            charts::cost_parts(data, true).render("cost-operating"),
            "Each part is its weight in the manifest's cost table times the run's metric, \
             averaged over runs (hover a bar for its value); impact, shown above, is left \
             out so these stay readable."
                .to_string(),
        ),
    ];
    if let Some(l) = charts::learning(data) {
        figures.push((
            "learning".into(),
            l.render("learning"),
            "Share of provider verdicts matching the truth, by the day the alert was \
             raised, pooled over seeds; only strategies whose profile queries historic \
             context, on scenarios of at least a week."
                .into(),
        ));
    }
    out.push(Section {
        title: "Charts".into(),
        intro: String::new(),
        tables: Vec::new(),
        figures,
    });
    for sc in &scenarios {
        let entry = data.scenario(sc);
        let text = |k: &str| {
            entry
                .and_then(|e| e[k].as_str())
                .unwrap_or_default()
                .to_string()
        };
        let mut figures = Vec::new();
        for (st, p) in &strategies {
            let Some(r) = data
                .runs
                .iter()
                .find(|r| &r.scenario == sc && &r.strategy == st && &r.params == p)
            else {
                continue;
            };
            let name = if p.is_empty() {
                st.clone()
            } else {
                format!("{st} [{p}]")
            };
            let id = format!(
                "week-{}-{}",
                figures.len(),
                crate::names::encode_segment(sc)
            );
            figures.push((
                id.clone(),
                charts::week(data, r.run, &format!("{sc}: {name}, seed {}", r.seed)).render(&id),
                format!(
                    "Run {} (seed {}): alerts raised per hour (bars), alerts waiting, people \
                     on shift for the provider and the customer, attack steps (▲) and \
                     containments (bars at the foot, hover for target and alert).",
                    r.run, r.seed
                ),
            ));
        }
        let groups: Vec<GroupSummary> = summary
            .groups
            .iter()
            .filter(|g| &g.scenario == sc)
            .cloned()
            .collect();
        let n = groups.first().map_or(0, |g| g.runs);
        out.push(Section {
            title: format!("Scenario {sc}"),
            intro: format!("{}\n\n{}", text("description"), text("story")),
            tables: vec![(
                format!("Headline metrics (n = {n} runs per row)"),
                headline(&groups),
                1,
            )],
            figures,
        });
    }
    out
}

/// The report as (HTML, Markdown). `baseline` adds paired differences.
pub fn build(data: &ReportData, baseline: Option<&str>, title: &str) -> (String, String) {
    let summary = summarize_runs(&data.runs, baseline);
    let sections = sections(data, &summary);
    let (scenarios, strategies) = data.axes();
    let facts = format!(
        "{} runs: {} scenario(s) × {} strategy setting(s) × {} seed(s); mdrsim {}.",
        data.runs.len(),
        scenarios.len(),
        strategies.len(),
        data.manifest["seeds"].as_array().map_or(0, Vec::len),
        data.manifest["mdrsim_version"].as_str().unwrap_or("?")
    );
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\
         <title>{}</title><style>{CSS}</style></head><body><h1>{}</h1><p>{}</p>",
        esc(title),
        esc(title),
        esc(&facts)
    );
    let mut md = format!("# {}\n\n{facts}\n", md_escape(title));
    for s in &sections {
        let _ = write!(html, "<h2>{}</h2>", esc(&s.title));
        let _ = write!(md, "\n## {}\n", md_escape(&s.title));
        if !s.intro.trim().is_empty() {
            let class = if s.title.starts_with("Scenario ") {
                " class=\"story\""
            } else {
                ""
            };
            let _ = write!(html, "<p{class}>{}</p>", esc(s.intro.trim()));
            let _ = write!(md, "\n{}\n", md_escape(s.intro.trim()));
        }
        for (caption, t, names) in &s.tables {
            let _ = write!(html, "<h3>{}</h3>{}", esc(caption), html_table(t, *names));
            let _ = write!(
                md,
                "\n### {}\n\n{}",
                md_escape(caption),
                md_table(t, *names)
            );
        }
        if !s.figures.is_empty() {
            let _ = write!(
                md,
                "\n{} chart(s) in the HTML report: {}.\n",
                s.figures.len(),
                s.figures
                    .iter()
                    .map(|f| f.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        for (id, svg, caption) in &s.figures {
            let _ = write!(
                html,
                "<figure id=\"fig-{}\">{svg}<figcaption>{}</figcaption></figure>",
                esc(id),
                esc(caption)
            );
        }
    }
    html.push_str(
        "<p><small>Made by <code>mdrsim report</code>; every number comes from the \
         results folder's tables (docs/results-schema.md).</small></p></body></html>\n",
    );
    (html, md)
}
