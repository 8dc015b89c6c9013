//! The engine against queueing theory: Poisson arrivals, exponential handling and `c`
//! workers must reproduce the M/M/c (Erlang C) mean wait, and Little's law must hold —
//! also on a rota whose night shift leaves alerts waiting at the horizon.

mod common;

use common::{compile, repo};
use mdrsim::event::Payload;
use mdrsim::scenario::Scenario;
use mdrsim::score::Metrics;
use mdrsim::score::queueing::mmc_mean_wait;
use mdrsim::sim::Simulation;
use mdrsim::strategy;

/// The mean queue wait over `seeds` runs with its standard error (from the spread of
/// the per-run means: waits within a run are correlated, runs are independent), and the
/// largest Little's-law error of any run.
struct Measured {
    mean: f64,
    se: f64,
    little: f64,
}

fn measure(scenario: &Scenario, seeds: u64) -> Measured {
    let (mut total_wait, mut n, mut worst_little) = (0.0, 0u64, 0.0f64);
    let mut run_means = Vec::new();
    for seed in 1..=seeds {
        let mut d = strategy::builtin("legacy_mdr", scenario).unwrap();
        let out = Simulation::new(scenario, seed).run(&mut d);
        let m = Metrics::from_events(&out.header, out.log.events());
        // The time-average number waiting, from the events: a wait starts when an alert
        // is queued and ends at its pickup, expiry, escalation or verdict.
        let horizon = scenario.horizon.ms() as f64;
        let (mut area, mut last, mut queued) = (0.0, 0u64, 0u64);
        let mut waiting = std::collections::BTreeSet::new();
        for e in out.log.events() {
            area += waiting.len() as f64 * (e.at.ms() - last) as f64;
            last = e.at.ms();
            match &e.payload {
                Payload::AlertQueued { alert, .. } | Payload::CaseHandedOff { alert, .. } => {
                    waiting.insert(*alert);
                    queued += 1;
                }
                Payload::TriageStarted { alert, .. }
                | Payload::AlertExpired { alert }
                | Payload::Escalated { alert, .. }
                | Payload::VerdictReached { alert, .. } => {
                    waiting.remove(alert);
                }
                _ => {}
            }
        }
        area += waiting.len() as f64 * (horizon - last as f64);
        // Little's law, L = λW, with W the metric itself: the time-average number waiting
        // against the entry rate times queue_wait_mean_s (which counts a wait still open
        // at the horizon up to the horizon, as the area does).
        let l = area / horizon;
        let lambda_w = (queued as f64 / horizon) * m.queue_wait_mean_s.unwrap() * 1000.0;
        worst_little = worst_little.max((l - lambda_w).abs() / lambda_w.max(1e-9));
        total_wait += m.queue_wait_mean_s.unwrap() * m.alerts as f64;
        n += m.alerts;
        run_means.push(m.queue_wait_mean_s.unwrap());
    }
    let k = run_means.len() as f64;
    let avg = run_means.iter().sum::<f64>() / k;
    let var = run_means.iter().map(|x| (x - avg).powi(2)).sum::<f64>() / (k - 1.0);
    Measured {
        mean: total_wait / n as f64,
        se: (var / k).sqrt(),
        little: worst_little,
    }
}

/// The measured mean is within three standard errors of theory, and the estimate is
/// precise enough (SE below `max_se` of the expected value) for that to mean something.
fn assert_matches(what: &str, m: &Measured, expected: f64, max_se: f64) {
    let off = (m.mean - expected).abs();
    assert!(
        m.se < max_se * expected,
        "{what}: too few runs, SE {:.1} s is {:.1}% of {expected:.1} s",
        m.se,
        100.0 * m.se / expected
    );
    assert!(
        off < 3.0 * m.se,
        "{what}: mean wait {:.1} s vs theory {expected:.1} s ({:.1}% off, {:.1} standard errors)",
        m.mean,
        100.0 * off / expected,
        off / m.se
    );
    assert!(
        m.little < 1e-9,
        "{what}: Little's law off by {:.2e}",
        m.little
    );
}

#[test]
fn mmc_validation_scenario_matches_erlang_c() {
    let scenario = Scenario::load(&repo("scenarios/validation/mmc.toml")).unwrap();
    let expected = mmc_mean_wait(3, 10.0, 4.0).unwrap() * 3600.0;
    // 160 runs of 30 days: SE ≈ 1.5% of the mean (per-run SD ≈ 18% at ρ = 0.83).
    assert_matches("M/M/3", &measure(&scenario, 160), expected, 0.02);
}

fn mmc_text(lambda: f64, mean_min: f64, c: u32, days: u32) -> String {
    format!(
        r#"name = "mmc-generated"
start = "2026-11-27T00:00:00Z"
horizon = "{days}d"
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
triage = {{ order = "fifo" }}
pools = [{{ name = "q", size = {c}, handling = {{ triage = {{ dist = "exponential", mean = "{mean_min}m" }} }} }}]
"#
    )
}

#[test]
fn other_mmc_parameters_match_erlang_c_too() {
    // (λ per hour, mean service minutes, servers): light, medium and heavy load.
    for (lambda, mean_min, c) in [(6.0, 20.0, 4), (30.0, 3.0, 2), (4.0, 10.0, 1)] {
        let scenario = compile(&mmc_text(lambda, mean_min, c, 30));
        let expected = mmc_mean_wait(c, lambda, 60.0 / mean_min).unwrap() * 3600.0;
        let what = format!("λ={lambda} 1/μ={mean_min}m c={c}");
        assert_matches(&what, &measure(&scenario, 80), expected, 0.04);
    }
}

/// On a rota (three analysts by day, one at night, none at weekends) the queue is far
/// from stationary and many alerts still wait at the horizon: queue_wait_mean_s must
/// still satisfy Little's law with the time-average backlog exactly (the old mean
/// dropped the waits still open at the horizon and was low by their share).
#[test]
fn the_mean_wait_obeys_littles_law_on_a_rota() {
    let text = mmc_text(6.0, 20.0, 3, 9).replace(
        "handling = {",
        "schedule = { tz = \"UTC\", shifts = [{ days = \"mon-fri\", from = \"08:00\", to = \"18:00\" }, { days = \"mon-fri\", from = \"18:00\", to = \"08:00\", workers = 1 }] }, handling = {",
    );
    let scenario = compile(&text);
    let m = measure(&scenario, 6);
    assert!(m.little < 1e-9, "Little's law off by {:.2e}", m.little);
    let mut d = strategy::builtin("legacy_mdr", &scenario).unwrap();
    let out = Simulation::new(&scenario, 1).run(&mut d);
    let metrics = Metrics::from_events(&out.header, out.log.events());
    assert!(
        metrics.unhandled > 20,
        "the weekend leaves alerts waiting: {}",
        metrics.unhandled
    );
}
