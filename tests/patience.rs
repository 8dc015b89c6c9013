//! Overload against theory. Alerts that nobody picks up within their patience expire
//! (abandon): the engine must reproduce M/M/n+G theory — the probability of abandonment
//! and the mean wait of served alerts — for deterministic and exponential patience,
//! overloaded and lightly loaded.
//!
//! The theory is computed here, independently of the engine, by numerical quadrature of
//! the M/M/n+G formulas (Baccelli & Hebuterne 1981; Zeltyn & Mandelbaum 2005): with
//! patience distribution G and H(x) = ∫₀ˣ (1 − G(u)) du, the offered wait V (what an
//! infinitely patient arrival would wait) has, below n busy workers, P(V = 0) =
//! Σ_{j<n} π_j with π_j = π_0 (λ/μ)^j / j!, and density f(x) = λ π_{n−1} e^{λH(x) − nμx}
//! for x > 0; π_0 normalises. By PASTA an arrival abandons when its patience is below
//! V: P(abandon) = ∫ G(x) f(x) dx; a served arrival waited x with density
//! (1 − G(x)) f(x) / (1 − P(abandon)). With infinite patience this is Erlang C, which
//! the first test checks.

mod common;

use common::{compile, repo};
use mdrsim::scenario::Scenario;
use mdrsim::score::Metrics;
use mdrsim::sim::Simulation;
use mdrsim::strategy;

/// M/M/n+G theory: the probability that an arrival finds every worker busy, that it
/// abandons, and the mean wait of served arrivals (hours).
struct Theory {
    p_wait: f64,
    p_abandon: f64,
    served_wait_h: f64,
}

/// M/M/n+G for arrival rate `lambda` and service rate `mu` per hour and patience CDF
/// `g` (hours).
fn mmn_g(n: u32, lambda: f64, mu: f64, g: impl Fn(f64) -> f64) -> Theory {
    let a = lambda / mu;
    let mut pi = vec![1.0];
    for j in 1..n {
        let last = pi[j as usize - 1];
        pi.push(last * a / f64::from(j));
    }
    // Trapezoids on a fine grid far into the tail (the density falls at least like
    // e^{−(nμ − λ)x} while patience lasts, then like e^{−nμx}).
    let nmu = f64::from(n) * mu;
    let (step, end) = (1e-5, 60.0 / nmu + 24.0);
    let (mut h, mut x) = (0.0f64, 0.0f64);
    let (mut j, mut abandon, mut served_wait) = (0.0, 0.0, 0.0);
    let density = |x: f64, h: f64| (lambda * h - nmu * x).exp();
    let mut prev = (density(0.0, 0.0), g(0.0), 0.0);
    while x < end {
        let next = x + step;
        h += step * ((1.0 - g(x)) + (1.0 - g(next))) / 2.0;
        let e = density(next, h);
        let (gn, xn) = (g(next), next);
        j += step * (prev.0 + e) / 2.0;
        abandon += step * (prev.0 * prev.1 + e * gn) / 2.0;
        served_wait += step * (prev.0 * (1.0 - prev.1) * prev.2 + e * (1.0 - gn) * xn) / 2.0;
        prev = (e, gn, xn);
        x = next;
    }
    let last = pi[n as usize - 1];
    let pi0 = 1.0 / (pi.iter().sum::<f64>() + lambda * last * j);
    let scale = lambda * last * pi0;
    let p_abandon = scale * abandon;
    Theory {
        p_wait: scale * j,
        p_abandon,
        served_wait_h: scale * served_wait / (1.0 - p_abandon),
    }
}

fn deterministic(tau: f64) -> impl Fn(f64) -> f64 {
    move |x| if x < tau { 0.0 } else { 1.0 }
}

/// Per-run abandonment and served mean wait (hours) over `seeds` runs, with standard
/// errors from their spread (runs are independent; alerts within a run are not).
struct Measured {
    abandon: (f64, f64),
    served_wait_h: (f64, f64),
}

fn measure(scenario: &Scenario, seeds: u64) -> Measured {
    let (mut ab, mut wait) = (Vec::new(), Vec::new());
    for seed in 1..=seeds {
        let mut d = strategy::builtin("legacy_mdr", scenario).unwrap();
        let out = Simulation::new(scenario, seed).run(&mut d);
        let m = Metrics::from_events(&out.header, out.log.events());
        ab.push(m.expired_rate.unwrap());
        wait.push(m.queue_wait_served_mean_s.unwrap() / 3600.0);
    }
    let mean_se = |v: &[f64]| {
        let k = v.len() as f64;
        let m = v.iter().sum::<f64>() / k;
        let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (k - 1.0);
        (m, (var / k).sqrt())
    };
    Measured {
        abandon: mean_se(&ab),
        served_wait_h: mean_se(&wait),
    }
}

fn within_3_se(what: &str, (measured, se): (f64, f64), expected: f64) {
    assert!(
        (measured - expected).abs() < 3.0 * se,
        "{what}: measured {measured:.5} vs theory {expected:.5} ({:.1} standard errors of {se:.5})",
        (measured - expected).abs() / se
    );
}

fn scenario_text(lambda: f64, servers: u32, patience: &str) -> String {
    format!(
        r#"name = "mmn-patience-generated"
start = "2026-11-27T00:00:00Z"
horizon = "30d"
[[entities]]
id = "host:any"
[[benign]]
name = "poisson"
source = "edr"
rule = "Any"
per_hour = {lambda}
truth = "false_positive"
severity = "medium"
entities = ["host:any"]
score = 0.5
[provider]
first_line = "q"
experts = []
ingests = ["*"]
context = []
triage = {{ order = "fifo", patience = {{ default = {patience} }} }}
pools = [{{ name = "q", size = {servers}, handling = {{ triage = {{ dist = "exponential", mean = "15m" }} }} }}]
"#
    )
}

/// The quadrature itself, against closed forms worked by hand. Infinite patience is
/// Erlang C: M/M/3 at λ = 10, μ = 4 waits with probability C(3, 2.5) = 15.625 /
/// (6.625 + 15.625) = 0.70225 and nobody abandons. Deterministic patience τ = 0.5 h on M/M/2 at
/// λ = 10, μ = 4 (a = λ − 2μ = 2): J = (e^{aτ} − 1)/a + e^{aτ}/(2μ) = 1.19893,
/// π_0 = 1/(1 + 2.5 + 25 J) = 0.029875, P(abandon) = 25 π_0 e/8 = 0.25378, and served
/// arrivals wait 25 π_0 [e^{aτ}(τ/a − 1/a²) + 1/a²] / (1 − P) = 0.25022 h.
#[test]
fn the_quadrature_matches_closed_forms() {
    let c = mmn_g(3, 10.0, 4.0, |_| 0.0);
    assert!((c.p_wait - 0.70225).abs() < 1e-4, "Erlang C: {}", c.p_wait);
    assert_eq!(c.p_abandon, 0.0);
    let d = mmn_g(2, 10.0, 4.0, deterministic(0.5));
    assert!(
        (d.p_abandon - 0.25378).abs() < 1e-4,
        "P(abandon) {}",
        d.p_abandon
    );
    assert!(
        (d.served_wait_h - 0.25022).abs() < 1e-4,
        "served wait {}",
        d.served_wait_h
    );
}

/// The shipped validation scenario: M/M/2+D, λ = 10/h, 15 min, patience 30 min.
#[test]
fn mmc_patience_validation_matches_mmn_g_theory() {
    let scenario = Scenario::load(&repo("scenarios/validation/mmc-patience.toml")).unwrap();
    let t = mmn_g(2, 10.0, 4.0, deterministic(0.5));
    let m = measure(&scenario, 40);
    assert!(
        m.abandon.1 < 0.02 * t.p_abandon,
        "too few runs: SE {}",
        m.abandon.1
    );
    within_3_se("M/M/2+D abandonment", m.abandon, t.p_abandon);
    within_3_se("M/M/2+D served wait", m.served_wait_h, t.served_wait_h);
}

/// Lightly loaded (λ = 4/h: ρ = 0.5, about 2% abandon) and exponential patience
/// (M/M/n+M, Erlang-A: mean 20 minutes) on an overloaded queue.
#[test]
fn light_load_and_exponential_patience_match_too() {
    let light = compile(&scenario_text(4.0, 2, r#""30m""#));
    let t = mmn_g(2, 4.0, 4.0, deterministic(0.5));
    let m = measure(&light, 40);
    within_3_se("light abandonment", m.abandon, t.p_abandon);
    within_3_se("light served wait", m.served_wait_h, t.served_wait_h);
    assert!(
        (0.01..0.04).contains(&t.p_abandon),
        "light load abandons rarely"
    );

    let exp = compile(&scenario_text(
        12.0,
        2,
        r#"{ dist = "exponential", mean = "20m" }"#,
    ));
    let theta = 3.0; // per hour
    let t = mmn_g(2, 12.0, 4.0, |x| 1.0 - (-theta * x).exp());
    let m = measure(&exp, 40);
    within_3_se("Erlang-A abandonment", m.abandon, t.p_abandon);
    within_3_se("Erlang-A served wait", m.served_wait_h, t.served_wait_h);
}

/// The README's overload table is what the command it shows prints.
#[test]
fn the_readme_overload_table_is_what_the_binary_prints() {
    let out = tempfile::tempdir().unwrap();
    let o = common::mdrsim(&[
        "eval",
        "--suite",
        repo("scenarios/validation/mmc-patience.toml")
            .to_str()
            .unwrap(),
        "--strategies",
        "threshold",
        "--seeds",
        "40",
        "--metrics",
        "expired_rate,queue_wait_served_mean_s,queue_wait_mean_s",
        "--format",
        "json",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let m = &v["overall"][0]["metrics"];
    let f = |k: &str, x: &str| m[k][x].as_f64().unwrap();
    let n = m["expired_rate"]["n"].as_u64().unwrap();
    let pct = |x: f64| format!("{:.2}", 100.0 * x);
    let rows = [
        format!(
            "| alerts that expire (abandon) | 25.38% | {}% [{}–{}] |",
            pct(f("expired_rate", "mean")),
            pct(f("expired_rate", "ci_low")),
            pct(f("expired_rate", "ci_high"))
        ),
        format!(
            "| mean wait of alerts picked up | 900.8 s | {:.1} s [{:.1}–{:.1}] |",
            f("queue_wait_served_mean_s", "mean"),
            f("queue_wait_served_mean_s", "ci_low"),
            f("queue_wait_served_mean_s", "ci_high")
        ),
        format!(
            "| mean time in queue per alert | 1129.0 s | {:.1} s [{:.1}–{:.1}] |",
            f("queue_wait_mean_s", "mean"),
            f("queue_wait_mean_s", "ci_low"),
            f("queue_wait_mean_s", "ci_high")
        ),
    ];
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    for row in rows {
        assert!(readme.contains(&row), "README lacks {row}");
    }
    let alerts = format!("{n}")
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(",");
    assert!(
        readme.contains(&format!("40 runs of 30 days, {alerts} alerts")),
        "{alerts}"
    );
}

/// The README's alert-storm figures: what `legacy_mdr` and its patience variant print.
#[test]
fn the_readme_alert_storm_figures_are_what_the_binary_prints() {
    let run = |strategy: &str| -> serde_json::Value {
        let o = common::mdrsim(&[
            "run",
            "--scenario",
            repo("scenarios/alert-storm.toml").to_str().unwrap(),
            "--strategy",
            strategy,
            "--format",
            "json",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["metrics"].clone()
    };
    let thousands = |n: u64| {
        let s = n.to_string();
        let b = s.as_bytes();
        let parts: Vec<&str> = b
            .rchunks(3)
            .rev()
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        parts.join(",")
    };
    let legacy = run("legacy_mdr");
    let patient = run(repo("examples/strategies/legacy-patience.toml")
        .to_str()
        .unwrap());
    let readme = std::fs::read_to_string(repo("README.md"))
        .unwrap()
        .replace('\n', " ");
    let u = |m: &serde_json::Value, k: &str| m[k].as_u64().unwrap();
    let f = |m: &serde_json::Value, k: &str| m[k].as_f64().unwrap();
    let shown = [
        format!(
            "after {:.0} minutes on average",
            f(&legacy, "queue_wait_served_mean_s") / 60.0
        ),
        format!(
            "{} of {} still wait at the horizon",
            thousands(u(&legacy, "unhandled")),
            thousands(u(&legacy, "alerts"))
        ),
        format!(
            "mean time in queue is {:.0} hours",
            f(&legacy, "queue_wait_mean_s") / 3600.0
        ),
        format!(
            "{} alerts expire and {} are escalated",
            thousands(u(&patient, "expired")),
            thousands(u(&patient, "escalated"))
        ),
    ];
    for s in shown {
        assert!(readme.contains(&s), "README lacks {s:?}");
    }
}
