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

#[test]
fn friday_night_ai_mdr_contains_faster_than_legacy_mdr() {
    let scenario = load("friday-night-ransomware");
    let horizon = scenario.horizon.secs_f64();
    // A campaign never contained counts as contained at the horizon (censored).
    let ttc = |s: &str| {
        SEEDS
            .map(|seed| {
                metrics(&scenario, s, seed)
                    .time_to_containment_p50_s
                    .unwrap_or(horizon)
            })
            .sum::<f64>()
    };
    let contained = |s: &str| {
        SEEDS
            .map(|seed| metrics(&scenario, s, seed).contained)
            .sum::<u64>()
    };
    assert!(
        ttc("ai_mdr") < ttc("legacy_mdr"),
        "ai_mdr {} vs legacy {}",
        ttc("ai_mdr"),
        ttc("legacy_mdr")
    );
    assert!(contained("ai_mdr") > contained("legacy_mdr"));
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
    let scenario = load("quiet-period");
    let (mut first, mut last) = ((0, 0), (0, 0));
    for seed in SEEDS {
        let out = run(&scenario, "ai_mdr", seed);
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
