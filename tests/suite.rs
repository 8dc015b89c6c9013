//! The built-in suite with every built-in strategy: scores of a fixed seed are pinned by
//! snapshots, and the directions the design promises hold over several seeds.

mod common;

use common::repo;
use mdrsim::event::{Payload, Truth, Verdict};
use mdrsim::report::RunReport;
use mdrsim::scenario::Scenario;
use mdrsim::score::Metrics;
use mdrsim::sim::{RunOutput, Simulation};
use mdrsim::strategy::{self, BUILTIN};

const SUITE: &[&str] = &[
    "alert-storm",
    "friday-night-ransomware",
    "identity-takeover",
    "insider-before-termination",
    "leaked-cloud-key",
    "quiet-period",
];

fn load(name: &str) -> Scenario {
    Scenario::load(&repo(&format!("scenarios/{name}.toml"))).unwrap()
}

fn run(scenario: &Scenario, strategy: &str, seed: u64) -> RunOutput {
    let mut d = strategy::builtin(strategy, scenario).unwrap();
    Simulation::new(scenario, seed).run(&mut d)
}

fn metrics(scenario: &Scenario, strategy: &str, seed: u64) -> Metrics {
    let out = run(scenario, strategy, seed);
    Metrics::from_events(&out.header, out.log.events())
}

const SEEDS: std::ops::RangeInclusive<u64> = 1..=6;

#[test]
fn every_scenario_runs_with_every_strategy_and_seed_7_is_pinned() {
    for name in SUITE {
        let scenario = load(name);
        let reports: Vec<RunReport> = BUILTIN
            .iter()
            .map(|s| {
                let out = run(&scenario, s, 7);
                RunReport::new(
                    &out.header,
                    Metrics::from_events(&out.header, out.log.events()),
                )
            })
            .collect();
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_json_snapshot!(format!("suite_{}_seed_7", name.replace('-', "_")), reports);
        });
    }
}

/// Many seeds for the directional claims (seed-7 snapshots prove nothing about them).
const MANY: std::ops::RangeInclusive<u64> = 1..=24;

fn with(scenario: &Scenario, name: &str, sets: &[(&str, serde_json::Value)], seed: u64) -> Metrics {
    let mut def = strategy::builtin::definition(name).unwrap();
    for (k, v) in sets {
        def.set(k, v.clone()).unwrap();
    }
    let mut d = def.instantiate(scenario).unwrap();
    let out = Simulation::new(scenario, seed).run(&mut d);
    Metrics::from_events(&out.header, out.log.events())
}

/// ai_mdr's decision policy run by four human analysts (legacy_mdr's handling times, no
/// experts) under a `schedule` and an `authority`: only coverage and authority vary.
fn analysts(
    schedule: serde_json::Value,
    authority: &str,
) -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (
            "provider.pools",
            serde_json::json!([{ "name": "analysts", "size": 4, "schedule": schedule,
            "handling": { "triage": { "dist": "lognormal", "median": "8m", "sigma": 0.6 },
                          "telemetry": { "dist": "lognormal", "median": "12m", "sigma": 0.6 },
                          "organizational": "10m", "historic": "5m",
                          "verdict": "5m", "containment": "5m" } }]),
        ),
        ("provider.first_line", serde_json::json!("analysts")),
        ("provider.experts", serde_json::json!([])),
        (
            "provider.authority",
            serde_json::json!({ "isolate_host": authority,
            "disable_account": authority, "revoke_sessions": authority, "block_domain": authority,
            "reset_credentials": authority, "reimage_host": authority, "revoke_grant": authority }),
        ),
    ]
}

#[test]
fn round_the_clock_with_pre_approved_authority_beats_the_shift_rota_on_friday_night() {
    let scenario = load("friday-night-ransomware");
    // legacy_mdr's rota: 4 on weekday days, 1 on nights and weekends (New York).
    let rota = serde_json::json!({ "tz": "America/New_York", "shifts": [
        { "days": "mon-fri", "from": "08:00", "to": "20:00", "workers": 4 },
        { "days": "daily", "from": "20:00", "to": "08:00", "workers": 1 },
        { "days": "sat,sun", "from": "08:00", "to": "20:00", "workers": 1 } ] });
    let run = |sets: &[(&str, serde_json::Value)]| -> Vec<Metrics> {
        MANY.map(|s| with(&scenario, "ai_mdr", sets, s)).collect()
    };
    let shifts = run(&analysts(rota, "recommend"));
    let always = run(&analysts(serde_json::json!("24/7"), "pre_approved"));
    let sum = |ms: &[Metrics], f: fn(&Metrics) -> u64| ms.iter().map(f).sum::<u64>();
    let (i_shifts, i_always) = (sum(&shifts, |m| m.impacted), sum(&always, |m| m.impacted));
    // Measured when written: impact 0 vs 4 of 24 seeds (contained 4 vs 5: the attack's
    // stolen credential outlives the beachhead's reimage unless an alert names it, so
    // most stops are suppressions or incidental, not credited containment).
    assert!(
        i_always + 3 <= i_shifts,
        "impact: 24/7 + pre-approved {i_always} of 24, the shift rota {i_shifts}"
    );
}

#[test]
fn ai_mdr_stops_the_friday_night_attack_more_often_than_legacy_mdr() {
    // What a buyer cares about: the ransomware does not go off. ai_mdr contains on its
    // own at night; legacy_mdr's analysts recommend, and the customer's team reads the
    // escalation on Monday.
    let scenario = load("friday-night-ransomware");
    let impacted = |s: &str| {
        MANY.map(|seed| metrics(&scenario, s, seed).impacted)
            .sum::<u64>()
    };
    let (ai, legacy) = (impacted("ai_mdr"), impacted("legacy_mdr"));
    assert!(
        ai + 10 <= legacy,
        "impact: ai_mdr {ai} vs legacy_mdr {legacy} of 24"
    );
}

#[test]
fn the_oracle_stays_the_upper_bound() {
    for name in SUITE.iter().filter(|n| **n != "quiet-period") {
        let scenario = load(name);
        let total = |s: &str, f: fn(&Metrics) -> u64| {
            MANY.map(|seed| f(&metrics(&scenario, s, seed)))
                .sum::<u64>()
        };
        let (best_c, best_i) = (
            total("oracle", |m| m.contained),
            total("oracle", |m| m.impacted),
        );
        // Only a campaign no tool ever detects escapes the oracle.
        assert!(best_c >= 20, "{name}: the oracle contained {best_c} of 24");
        for s in BUILTIN.iter().filter(|s| **s != "oracle") {
            assert!(
                total(s, |m| m.contained) <= best_c,
                "{name}: {s} beat the oracle"
            );
            // Impact the oracle could not prevent came from campaigns no tool saw in
            // time; another strategy escapes it only by luck — a containment decided on
            // another alert (stopped incidentally, or still holding it back).
            assert!(
                total(s, |m| m.impacted + m.stopped_incidentally + m.suppressed) >= best_i,
                "{name}: {s} beat the oracle on impact"
            );
        }
    }
}

#[test]
fn dismiss_all_recalls_nothing() {
    for name in SUITE.iter().filter(|n| **n != "quiet-period") {
        let scenario = load(name);
        for seed in 1..=8 {
            let m = metrics(&scenario, "dismiss_all", seed);
            assert_eq!((m.tp, m.contained), (0, 0), "{name} seed {seed}");
            assert!(m.recall.is_none_or(|r| r == 0.0), "{name} seed {seed}");
        }
    }
}

#[test]
fn escalate_all_escalates_everything_and_costs_the_customer_most() {
    for name in SUITE {
        let scenario = load(name);
        let hours = |s: &str| {
            SEEDS
                .map(|seed| metrics(&scenario, s, seed).customer_work_hours)
                .sum::<f64>()
        };
        for seed in SEEDS {
            assert_eq!(
                metrics(&scenario, "escalate_all", seed).escalation_rate,
                Some(1.0),
                "{name}"
            );
        }
        let most = hours("escalate_all");
        for other in BUILTIN.iter().filter(|s| **s != "escalate_all") {
            assert!(
                most >= hours(other),
                "{name}: escalate_all {most:.1} h < {other} {:.1} h",
                hours(other)
            );
        }
    }
}

#[test]
fn the_oracle_is_exact_everywhere() {
    for name in SUITE {
        let scenario = load(name);
        for seed in SEEDS {
            let m = metrics(&scenario, "oracle", seed);
            assert_eq!((m.fp, m.fn_, m.escalated), (0, 0, 0), "{name} seed {seed}");
            assert_eq!(m.verdict_accuracy, Some(1.0));
            assert_eq!(m.impacted, 0, "{name}: the oracle contains before impact");
        }
    }
}

#[test]
fn without_identity_and_saas_rules_the_identity_takeover_is_missed() {
    let scenario = load("identity-takeover");
    for seed in SEEDS {
        let legacy = metrics(&scenario, "legacy_mdr", seed);
        assert_eq!(
            legacy.time_to_detect_p50_s, None,
            "legacy_mdr never sees the campaign"
        );
        assert_eq!((legacy.tp, legacy.contained), (0, 0));
        let ai = metrics(&scenario, "ai_mdr", seed);
        assert!(
            ai.time_to_detect_p50_s.is_some(),
            "rules over identity telemetry see it (seed {seed})"
        );
    }
}

#[test]
fn the_quiet_period_has_no_impact_but_counts_false_containments() {
    let scenario = load("quiet-period");
    let mut false_containments = 0;
    for s in BUILTIN.iter().filter(|s| **s != "oracle") {
        for seed in 1..=3 {
            let m = metrics(&scenario, s, seed);
            assert_eq!((m.campaigns, m.impacted, m.tp, m.fn_), (0, 0, 0, 0), "{s}");
            false_containments += m.false_containments;
        }
    }
    assert!(
        false_containments > 0,
        "honest strategies sometimes contain benign entities"
    );
    assert_eq!(metrics(&scenario, "oracle", 1).false_containments, 0);
}

/// Verdict accuracy of verdicts reached in `[from, to)` of the horizon (fractions).
fn accuracy_between(out: &RunOutput, horizon_ms: u64, from: f64, to: f64) -> (u64, u64) {
    let mut truth = std::collections::HashMap::new();
    let (mut right, mut all) = (0, 0);
    for e in out.log.events() {
        match &e.payload {
            Payload::AlertLabeled {
                alert, truth: t, ..
            } => {
                truth.insert(*alert, *t);
            }
            Payload::VerdictReached { alert, verdict, .. } => {
                let f = e.at.ms() as f64 / horizon_ms as f64;
                if (from..to).contains(&f) {
                    all += 1;
                    let malicious = truth.get(alert) == Some(&Truth::Malicious);
                    right += u64::from((*verdict == Verdict::Malicious) == malicious);
                }
            }
            _ => {}
        }
    }
    (right, all)
}

#[test]
fn ai_mdr_gets_better_as_historic_context_grows() {
    // At its tuned bar (malicious at P ≥ 0.05) nearly every verdict is malicious and
    // the history term cannot show; at a bar of 0.5 the verdicts depend on it.
    let scenario = load("quiet-period");
    let (mut first, mut last) = ((0, 0), (0, 0));
    for seed in SEEDS {
        let mut def = strategy::builtin::definition("ai_mdr").unwrap();
        def.set("params.contain_at", serde_json::json!(0.5))
            .unwrap();
        let mut d = def.instantiate(&scenario).unwrap();
        let out = Simulation::new(&scenario, seed).run(&mut d);
        let h = scenario.horizon.ms();
        let f = accuracy_between(&out, h, 0.0, 0.25);
        let l = accuracy_between(&out, h, 0.75, 1.0);
        first = (first.0 + f.0, first.1 + f.1);
        last = (last.0 + l.0, last.1 + l.1);
    }
    let (a1, a4) = (
        first.0 as f64 / first.1 as f64,
        last.0 as f64 / last.1 as f64,
    );
    assert!(
        a4 > a1,
        "last quarter {a4:.4} should beat first quarter {a1:.4}"
    );
}

#[test]
fn threshold_can_say_malicious() {
    // With its defaults it decides from score and severity alone; a critical alert with
    // a high score must be able to cross its bar (last round it never could).
    let scenario = load("friday-night-ransomware");
    let malicious = MANY
        .map(|seed| {
            let m = metrics(&scenario, "threshold", seed);
            m.tp + m.fp
        })
        .sum::<u64>();
    assert!(malicious > 0, "threshold never said malicious");
}

#[test]
fn the_alert_storm_runs_long_enough_for_overload_expiry() {
    let scenario = load("alert-storm");
    for seed in 1..=3 {
        let out = run(&scenario, "legacy_mdr", seed);
        let expired = out
            .log
            .events()
            .iter()
            .filter(|e| matches!(e.payload, Payload::AlertExpired { .. }))
            .count();
        assert!(expired > 100, "seed {seed}: only {expired} alerts expired");
    }
}

#[test]
fn the_belief_tables_are_parameters() {
    // Zeroing every organizational weight changes what ai_mdr decides on the insider
    // scenario, where HR's record matters: the tables are the strategy's, not the world's.
    let scenario = load("insider-before-termination");
    let zero = serde_json::json!({});
    // At a bar of 0.5, where the organizational facts can tip a decision.
    let bar = ("params.contain_at", serde_json::json!(0.5));
    let base: Vec<Metrics> = (1..=6)
        .map(|s| with(&scenario, "ai_mdr", std::slice::from_ref(&bar), s))
        .collect();
    let blind: Vec<Metrics> = (1..=6)
        .map(|s| {
            with(
                &scenario,
                "ai_mdr",
                &[bar.clone(), ("params.belief.organizational", zero.clone())],
                s,
            )
        })
        .collect();
    assert_ne!(
        base.iter()
            .map(|m| (m.tp, m.fp, m.contained))
            .collect::<Vec<_>>(),
        blind
            .iter()
            .map(|m| (m.tp, m.fp, m.contained))
            .collect::<Vec<_>>()
    );
}
