//! Ground truth never reaches a strategy other than the oracle. A recording strategy
//! keeps everything it was shown; nothing in it names a label, a campaign or a step, and
//! flipping every benign label leaves what it saw unchanged, byte for byte.

mod common;

use std::sync::{Arc, Mutex};

use common::ransomware;
use mdrsim::scenario::{BenignTruth, Scenario};
use mdrsim::sim::Simulation;
use mdrsim::strategy::builtin::AiMdr;
use mdrsim::strategy::{self, CaseView, Decision, Policy, Strategy, Triage};

/// Decides like `ai_mdr` (so it queries context) and writes down every view it is handed.
struct Recorder {
    inner: AiMdr,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Strategy for Recorder {
    fn name(&self) -> &str {
        "recorder"
    }
    fn triage(&mut self, case: &CaseView<'_>) -> Triage {
        self.seen.lock().unwrap().push(format!("triage {case:?}"));
        Triage::Investigate
    }
    fn decide(&mut self, case: &CaseView<'_>) -> Decision {
        self.seen.lock().unwrap().push(format!("decide {case:?}"));
        self.inner.decide(case)
    }
}

fn record(scenario: &Scenario, seed: u64) -> Vec<String> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut d = strategy::builtin("ai_mdr", scenario).unwrap();
    d.policy = Policy::Honest(Box::new(Recorder {
        inner: AiMdr::default(),
        seen: seen.clone(),
    }));
    Simulation::new(scenario, seed).run(&mut d);
    seen.lock().unwrap().clone()
}

#[test]
fn a_recording_strategy_finds_no_truth_in_what_it_was_shown() {
    let scenario = ransomware();
    let seen = record(&scenario, 3);
    assert!(
        seen.len() > 100,
        "the recorder should see many cases, saw {}",
        seen.len()
    );
    let campaign_words: Vec<&str> = scenario
        .campaigns
        .iter()
        .flat_map(|c| std::iter::once(c.name.as_str()).chain(c.steps.iter().map(|s| s.id.as_str())))
        .collect();
    let forbidden = [
        "Truth",
        "truth",
        "Label",
        "label",
        "Malicious",
        "malicious",
        "BenignPositive",
        "FalsePositive",
        "Campaign",
        "StepId",
        "origin",
    ];
    for view in &seen {
        for word in forbidden.iter().chain(campaign_words.iter()) {
            assert!(
                !view.contains(word),
                "a strategy was shown {word:?}: {view}"
            );
        }
    }
}

#[test]
fn flipping_every_benign_label_changes_nothing_a_strategy_sees() {
    let original = ransomware();
    let mut flipped = original.clone();
    for b in &mut flipped.benign {
        b.truth = match b.truth {
            BenignTruth::FalsePositive => BenignTruth::BenignPositive,
            BenignTruth::BenignPositive => BenignTruth::FalsePositive,
        };
    }
    assert_eq!(
        flipped.content_hash, original.content_hash,
        "same world, other labels"
    );
    for seed in [1, 2, 3] {
        assert_eq!(record(&original, seed), record(&flipped, seed));
    }
}

mod random_worlds {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Over random worlds (campaigns, telemetry, Sigma rules), nothing a strategy is
        /// shown names a truth label or a campaign.
        #[test]
        fn labels_never_reach_a_strategy(text in common::arb_scenario_text(), seed in any::<u64>()) {
            let scenario = common::compile(&text);
            for view in record(&scenario, seed) {
                for word in ["Truth", "Malicious", "BenignPositive", "FalsePositive", "Campaign", "StepId", "origin"] {
                    prop_assert!(!view.contains(word), "a strategy was shown {}: {}", word, view);
                }
            }
        }
    }
}
