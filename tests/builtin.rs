//! The built-in strategies on the built-in scenario: the bounds hold, and the scores of a
//! fixed seed are pinned by snapshots under `snapshots/`.

mod common;

use common::ransomware;
use mdrsim::report::RunReport;
use mdrsim::score::Metrics;
use mdrsim::sim::Simulation;
use mdrsim::strategy::{self, BUILTIN};

fn score(name: &str, seed: u64) -> RunReport {
    let scenario = ransomware();
    let mut d = strategy::builtin(name, &scenario).unwrap();
    let out = Simulation::new(&scenario, seed).run(&mut d);
    RunReport::new(
        &out.header,
        Metrics::from_events(&out.header, out.log.events()),
    )
}

#[test]
fn oracle_is_exact_on_every_seed() {
    for seed in 1..=8 {
        let m = score("oracle", seed).metrics;
        assert_eq!(m.verdict_accuracy, Some(1.0), "seed {seed}");
        assert_eq!((m.fp, m.fn_), (0, 0));
        assert_eq!(m.escalated, 0);
    }
}

#[test]
fn escalate_all_escalates_everything() {
    for seed in 1..=8 {
        let m = score("escalate_all", seed).metrics;
        assert_eq!(m.escalation_rate, Some(1.0), "seed {seed}");
        assert_eq!(m.verdicts, 0);
        assert_eq!(
            m.verdict_accuracy, None,
            "no verdicts means no accuracy, not 0"
        );
        assert_eq!(m.contained, 0, "nobody contains anything");
    }
}

#[test]
fn dismiss_all_misses_every_attack_alert() {
    let m = score("dismiss_all", 1).metrics;
    assert_eq!(m.tp, 0);
    assert!(m.fn_ > 0);
    assert_eq!(m.containment_rate, Some(0.0));
}

#[test]
fn the_oracle_contains_the_ransomware_more_often_than_threshold() {
    let contained = |name: &str| {
        (1..=16)
            .map(|s| score(name, s).metrics.contained)
            .sum::<u64>()
    };
    assert!(contained("oracle") >= contained("threshold"));
    assert!(
        contained("oracle") > 8,
        "an exact, instant provider should usually win"
    );
}

#[test]
fn scores_of_seed_7_are_pinned() {
    let reports: Vec<RunReport> = BUILTIN.iter().map(|n| score(n, 7)).collect();
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_json_snapshot!("friday_night_ransomware_seed_7", reports);
    });
}
