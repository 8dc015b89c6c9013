//! `mdrsim lint`: free labels in scenarios — anything observable only attacks produce;
//! with `--deep`, side channels found by simulating (see [`mdrsim::leak`]).

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mdrsim::harness::grid::parse_seeds_at_most;
use mdrsim::leak::{self, Options, Report};
use mdrsim::report::units::printable as clean;
use mdrsim::scenario::Scenario;
use mdrsim::scenario::lint::lint;

/// Flags of `mdrsim lint`.
#[derive(Debug, Args)]
#[command(
    after_help = "Without --deep, lint reads the scenario: a rule, severity, entity or value \
that only attacks can produce is a free label. With --deep it also simulates the scenario \
(a probe that sees exactly what a strategy sees, dismissing everything) and compares attack \
and benign alerts of each rule on everything observable: value pairs of every record shown \
(likelihood ratio above --bound with at least --min-count alerts) and structural features \
— times, handle gaps, order, counts, fact windows (two-sample Kolmogorov–Smirnov, Holm's \
correction at --alpha). Method and limits: docs/honesty.md.\n\nExit codes: 0 nothing found \
(or each static finding kept with a reason in [[lint.allow]]; deep findings cannot be \
allowed), 1 free labels or side channels found, 2 bad input."
)]
pub struct LintArgs {
    /// Scenario files or folders (a folder's *.toml files).
    #[arg(value_name = "SCENARIO", required = true)]
    scenarios: Vec<PathBuf>,
    /// Also simulate and look for side channels (value pairs, timing, order, ids,
    /// counts).
    #[arg(long)]
    deep: bool,
    /// Seeds the deep probe simulates: a count N (1..=N) or a range A..B (at most 256).
    #[arg(long, default_value = "32", requires = "deep")]
    seeds: String,
    /// Likelihood ratio (either way) above which a value pair is a side channel.
    #[arg(long, default_value_t = 20.0, requires = "deep")]
    bound: f64,
    /// Fewest alerts on the heavier side of a pair (and on each side of a test).
    #[arg(long, default_value_t = 5, requires = "deep")]
    min_count: u64,
    /// Family-wise error rate of a scenario's structural tests.
    #[arg(long, default_value_t = 0.01, requires = "deep")]
    alpha: f64,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

/// Runs the command.
pub fn execute(args: LintArgs) -> anyhow::Result<ExitCode> {
    let suite = Scenario::load_suite(&args.scenarios)?;
    let opts = Options {
        seeds: parse_seeds_at_most(&args.seeds, leak::MAX_SEEDS)?,
        lr_bound: args.bound,
        min_count: args.min_count,
        alpha: args.alpha,
        ..Options::default()
    };
    if !(opts.lr_bound > 1.0 && opts.lr_bound.is_finite()) {
        anyhow::bail!(mdrsim::error::Error::Usage(
            "--bound: a number above 1".into()
        ));
    }
    if !(opts.alpha > 0.0 && opts.alpha < 1.0) {
        anyhow::bail!(mdrsim::error::Error::Usage(
            "--alpha: a number in (0, 1)".into()
        ));
    }
    let mut out = String::new();
    let mut free = 0;
    let mut json = Vec::new();
    for sc in &suite {
        let (findings, notes) = lint(sc);
        let file = sc.path.display();
        for f in &findings {
            match &f.allowed {
                Some(why) => writeln!(out, "{file}: kept: {} — {why}", f.finding)?,
                None => {
                    free += 1;
                    writeln!(
                        out,
                        "{file}: free label: {} (only attacks produce it)",
                        f.finding
                    )?;
                }
            }
        }
        for n in &notes {
            writeln!(out, "{file}: note: {n}")?;
        }
        let static_json = serde_json::json!(
            findings
                .iter()
                .map(|f| serde_json::json!({ "finding": f.finding, "kept_because": f.allowed }))
                .collect::<Vec<_>>()
        );
        let mut entry = serde_json::json!({ "file": file.to_string(), "free_labels": static_json, "notes": notes });
        if args.deep {
            let report = deep(sc, &opts)?;
            free += report.values.len() + report.structure.len();
            write_deep(&mut out, &file.to_string(), &report)?;
            entry["deep"] = serde_json::to_value(&report)?;
        }
        json.push(entry);
    }
    writeln!(
        out,
        "{} scenario(s), {free} {}{}",
        suite.len(),
        if args.deep {
            "free label(s) and side channel(s)"
        } else {
            "free label(s)"
        },
        if free > 0 {
            ": give each a benign look-alike (static findings may be kept under [[lint.allow]] with why)"
        } else {
            ""
        }
    )?;
    let text = if args.format == "json" {
        serde_json::to_string_pretty(&serde_json::json!({ "findings": free, "scenarios": json }))?
            + "\n"
    } else {
        out
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(if free > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn deep(sc: &Scenario, opts: &Options) -> anyhow::Result<Report> {
    let bar =
        ProgressBar::with_draw_target(Some(opts.seeds.len() as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} seeds  {elapsed_precise}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(format!("lint --deep {}", clean(&sc.name)));
    let report = leak::probe(sc, opts, &|| bar.inc(1))?;
    bar.finish_and_clear();
    Ok(report)
}

fn write_deep(out: &mut String, file: &str, r: &Report) -> std::fmt::Result {
    writeln!(
        out,
        "{file}: deep: {} seed(s), {} alerts; {} malicious compared with {} benign of the same {} rule(s) ({} on the same entities within {} h); {} value pair(s) and {} structural test(s) judged",
        r.seeds,
        r.alerts.0,
        r.alerts.1,
        r.compared_benign,
        r.rules_compared,
        r.near_benign,
        r.stretch_h,
        r.judged.0,
        r.judged.1
    )?;
    for v in &r.values {
        writeln!(
            out,
            "{file}: side channel: rule {:?}: {} {}={} on {} of {} attack alerts and {} of {} benign (likelihood ratio {:.3})",
            clean(&v.rule),
            clean(&v.place),
            clean(&v.field),
            clean(&v.value),
            v.attack.0,
            v.attack.1,
            v.benign.0,
            v.benign.1,
            v.likelihood_ratio
        )?;
    }
    for s in &r.structure {
        writeln!(
            out,
            "{file}: side channel: rule {:?}: {}: attack median {} (n {}) vs benign median {} (n {}); KS D {:.3}, Holm-adjusted p {:.2e}",
            clean(&s.rule),
            s.feature,
            s.attack.1,
            s.attack.0,
            s.benign.1,
            s.benign.0,
            s.d,
            s.p_adjusted
        )?;
    }
    Ok(())
}
