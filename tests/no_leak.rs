//! Ground truth never reaches an honest strategy, tested at the level of information:
//! twin worlds that differ only in labels — every campaign of one is an authorised
//! look-alike in the other, leaving the same traces and facts — must get identical
//! decisions from every honest built-in, event for event, and identical resolutions
//! from the customer's team, which judges the evidence it is given, never the label.
//!
//! The test can fail, and does for the leak it guards against. Mutating the engine to
//! pass truth into a view — e.g. in `sim/engine/ops.rs::case_view`,
//! `score: if state.truth().get(alert).is_some_and(|l| l.truth.is_malicious()) { 1.0 } else { rec.score }`
//! — makes `honest_builtins_decide_alike_in_twin_worlds_of_the_suite` fail with
//! "ai_mdr on alert-storm seed 2: the twins' logs differ at event 1401" and the random
//! worlds property with "ai_mdr decided differently in twin worlds" (run by hand when
//! this test was written, then reverted). Any channel that lets truth steer a decision —
//! the old context result whose log-likelihood ratio took its sign from the label was
//! one — shows up the same way: as a difference between twins. The
//! positive control below shows the twins really differ where truth matters: the oracle,
//! which reads truth, decides differently.

mod common;

use common::{HONEST, compile, repo, twin};
use mdrsim::event::{Envelope, Payload};
use mdrsim::scenario::Scenario;
use mdrsim::scenario::load::parse_spec;
use mdrsim::sim::Simulation;
use mdrsim::strategy;

fn load_text(text: &str, path: &std::path::Path) -> Scenario {
    let spec = parse_spec(text, path).expect("parses");
    Scenario::compile(spec, text, path).expect("compiles")
}

/// The run's events without the labels (the only thing twins may differ in).
fn observable(scenario: &Scenario, strategy: &str, seed: u64) -> Vec<Envelope> {
    let mut d = strategy::builtin(strategy, scenario).expect("built-in");
    let out = Simulation::new(scenario, seed).run(&mut d);
    out.log
        .events()
        .iter()
        .filter(|e| !matches!(e.payload, Payload::AlertLabeled { .. }))
        .cloned()
        .collect()
}

/// The number of events the twins share — all of them — or the first difference. The
/// customer's resolutions are decisions like the provider's: they must be the same too.
fn alike(a: &[Envelope], b: &[Envelope]) -> Result<usize, String> {
    for i in 0..a.len().min(b.len()) {
        if a[i] != b[i] {
            return Err(format!("at event {i}:\n  {:?}\n  {:?}", a[i], b[i]));
        }
    }
    if a.len() == b.len() {
        Ok(a.len())
    } else {
        Err("in length".into())
    }
}

fn assert_alike(a: &[Envelope], b: &[Envelope], what: &str) -> usize {
    match alike(a, b) {
        Ok(n) => n,
        Err(e) => panic!("{what}: the twins' logs differ {e}"),
    }
}

#[test]
fn honest_builtins_decide_alike_in_twin_worlds_of_the_suite() {
    for &name in common::ATTACK_SCENARIOS {
        let path = repo(&format!("scenarios/{name}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let (world, twin_world) = (load_text(&text, &path), load_text(&twin(&text), &path));
        use mdrsim::scenario::CampaignTruth;
        assert!(
            world
                .campaigns
                .iter()
                .any(|c| c.truth == CampaignTruth::Malicious)
                && twin_world
                    .campaigns
                    .iter()
                    .all(|c| c.truth == CampaignTruth::BenignPositive),
            "the twin relabels every campaign"
        );
        let mut resolved = 0;
        for strategy in HONEST {
            for seed in 1..=2 {
                let a = observable(&world, strategy, seed);
                resolved += a
                    .iter()
                    .filter(|e| matches!(e.payload, Payload::CustomerResolved { .. }))
                    .count();
                let shared = assert_alike(
                    &a,
                    &observable(&twin_world, strategy, seed),
                    &format!("{strategy} on {name} seed {seed}"),
                );
                // The comparison must cover real decisions, not a short prefix.
                assert!(
                    shared > 200,
                    "{strategy} on {name} seed {seed}: only {shared} events compared"
                );
            }
        }
        // The customer's resolutions were compared, not absent.
        assert!(resolved > 0, "{name}: no escalation was resolved");
    }
}

#[test]
fn the_oracle_tells_the_twins_apart() {
    let path = repo("scenarios/friday-night-ransomware.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let (world, twin_world) = (load_text(&text, &path), load_text(&twin(&text), &path));
    let differs = (1..=4)
        .any(|seed| observable(&world, "oracle", seed) != observable(&twin_world, "oracle", seed));
    assert!(differs, "labels that matter: the oracle must act on them");
}

mod random_worlds {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Over random worlds (campaigns with clues, telemetry, Sigma rules), an honest
        /// strategy cannot tell a world from its relabelled twin.
        #[test]
        fn twins_get_identical_decisions(text in common::arb_scenario_text(), seed in any::<u64>()) {
            let (world, twin_world) = (compile(&text), compile(&twin(&text)));
            for strategy in ["ai_mdr", "ai_soc", "legacy_mdr", "threshold"] {
                let (a, b) = (observable(&world, strategy, seed), observable(&twin_world, strategy, seed));
                let same = alike(&a, &b);
                prop_assert!(same.is_ok(), "{} decided differently in twin worlds: {:?}", strategy, same);
            }
        }
    }
}
