//! Containment is an intervention with a price, and credit follows the decision. Small
//! hand-made worlds whose answers are worked out here, by hand.

mod common;

use common::{compile, ransomware};
use mdrsim::score::Metrics;
use mdrsim::sim::Simulation;
use mdrsim::strategy;

/// One host. At 1h an authorised admin action (a scripted benign sequence) raises a
/// critical alert with score 1.0; `threshold` (pre-approved, one instant analyst) calls
/// it malicious and isolates the host: executed at 1h01 (1-minute isolation delay). The
/// provider reviews and lifts it `review` later. At 2h the attack's only step needs the
/// host. Nothing here is random.
fn world(review: &str) -> String {
    format!(
        r#"name = "hand-made"
start = "2026-12-01T00:00:00Z"
horizon = "1d"

[[entities]]
id = "host:a"

[containment]
isolate_host = "1m"

[[campaigns]]
name = "admin-maintenance"
truth = "benign_positive"
start = "1h"
[[campaigns.steps]]
id = "remote-service"
technique = "T1021.002"
target = "host:a"
[[campaigns.steps.detect]]
source = "edr"
rule = "Remote service execution"
probability = 1.0
severity = "critical"
score = 1.0

[[campaigns]]
name = "attack"
start = "2h"
[[campaigns.steps]]
id = "encrypt"
technique = "T1486"
target = "host:a"
objective = true

[provider]
first_line = "q"
experts = []
ingests = ["*"]
context = []
containment_review = "{review}"
authority = {{ isolate_host = "pre_approved" }}
pools = [{{ name = "q", size = 1, schedule = "24/7" }}]
"#
    )
}

fn threshold(text: &str) -> Metrics {
    let sc = compile(text);
    let mut d = strategy::builtin("threshold", &sc).unwrap();
    let out = Simulation::new(&sc, 1).run(&mut d);
    Metrics::from_events(&out.header, out.log.events())
}

#[test]
fn a_benign_alerts_containment_that_blocks_an_attack_is_luck_not_credit() {
    let m = threshold(&world("10h"));
    assert_eq!(m.campaigns, 1, "the authorised sequence is not a campaign");
    assert_eq!(
        (m.fp, m.tp),
        (1, 0),
        "the benign alert was called malicious"
    );
    assert_eq!(m.stopped_incidentally, 1);
    assert_eq!((m.contained, m.impacted, m.censored), (0, 0, 1));
    assert_eq!(m.containment_rate, Some(0.0));
    assert_eq!(m.false_containments, 1);
    // Isolated 1h01 → released 11h01: ten hours of a host no attack compromised.
    assert!(
        (m.disruption_hours - 10.0).abs() < 1e-9,
        "{}",
        m.disruption_hours
    );
}

#[test]
fn a_containment_released_before_the_attack_does_not_block_it() {
    let m = threshold(&world("30m"));
    // Released at 1h31, the attack at 2h goes ahead.
    assert_eq!((m.stopped_incidentally, m.contained, m.impacted), (0, 0, 1));
    assert_eq!(m.false_containments, 1);
    assert!(
        (m.disruption_hours - 0.5).abs() < 1e-9,
        "{}",
        m.disruption_hours
    );
}

#[test]
fn doing_nothing_scores_chance_on_the_measures_the_base_rate_cannot_fool() {
    let sc = ransomware();
    let mut seen_malicious = false;
    for seed in 1..=4 {
        let mut d = strategy::builtin("dismiss_all", &sc).unwrap();
        let out = Simulation::new(&sc, seed).run(&mut d);
        let m = Metrics::from_events(&out.header, out.log.events());
        assert!(
            m.verdict_accuracy.unwrap() > 0.95,
            "raw accuracy flatters it"
        );
        if m.fn_ > 0 {
            seen_malicious = true;
            assert_eq!(m.balanced_accuracy, Some(0.5), "seed {seed}");
            assert_eq!(m.mcc, Some(0.0), "seed {seed}");
            assert_eq!(m.malicious_recall, Some(0.0), "seed {seed}");
            assert_eq!(m.f1, Some(0.0), "positives existed and none was called");
            assert_eq!(m.missed, m.fn_);
        }
    }
    assert!(seen_malicious);
}

#[test]
fn mcc_and_balanced_accuracy_match_hand_worked_values() {
    // tp 3, fp 1, tn 5, fn 1: MCC = (15 − 1)/sqrt(4·4·6·6) = 14/24; BA = (3/4 + 5/6)/2.
    let mcc = mdrsim::score::metrics::mcc(3, 1, 5, 1).unwrap();
    assert!((mcc - 14.0 / 24.0).abs() < 1e-12);
    assert_eq!(mdrsim::score::metrics::mcc(0, 0, 5, 2), Some(0.0));
    assert_eq!(mdrsim::score::metrics::mcc(0, 0, 0, 0), None);
}
