//! The bounds and the simplest honest baseline.

use serde::{Deserialize, Serialize};

use crate::event::Verdict;
use crate::strategy::Strategy;
use crate::strategy::belief::BeliefParams;
use crate::strategy::view::{CaseView, Decision, Triage};

use super::act::{Act, Situation};

/// Escalates every alert on arrival: the customer's team does all the work.
#[derive(Clone, Copy, Debug, Default)]
pub struct EscalateAll;

impl Strategy for EscalateAll {
    fn name(&self) -> &str {
        "escalate_all"
    }
    fn triage(&mut self, _: &CaseView<'_>) -> Triage {
        Triage::Escalate {
            reason: "policy: escalate every alert".into(),
        }
    }
    fn decide(&mut self, _: &CaseView<'_>) -> Decision {
        Decision::escalate("policy: escalate every alert")
    }
}

/// Closes every alert as benign on arrival: the lower bound on detection.
#[derive(Clone, Copy, Debug, Default)]
pub struct DismissAll;

impl Strategy for DismissAll {
    fn name(&self) -> &str {
        "dismiss_all"
    }
    fn triage(&mut self, _: &CaseView<'_>) -> Triage {
        Triage::Dismiss {
            rationale: "policy: dismiss every alert".into(),
        }
    }
    fn decide(&mut self, _: &CaseView<'_>) -> Decision {
        Decision::Verdict {
            verdict: Verdict::Benign,
            confidence: 0.5,
            evidence: Vec::new(),
            rationale: "policy: dismiss every alert".into(),
            contain: Vec::new(),
        }
    }
}

/// Parameters of [`Threshold`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThresholdParams {
    /// Belief at or above which the verdict is malicious (and entities are contained).
    pub malicious_at: f64,
    /// Belief below which the verdict is benign; in between, escalate.
    pub benign_below: f64,
    /// How score and severity become a belief.
    pub belief: BeliefParams,
}

impl Default for ThresholdParams {
    fn default() -> Self {
        ThresholdParams {
            malicious_at: 0.6,
            benign_below: 0.5,
            belief: BeliefParams {
                prior: 0.1,
                score_weight: 6.0,
                severity_weight: [-1.0, 0.0, 1.0, 2.0],
                ..BeliefParams::default()
            },
        }
    }
}

/// Decides from the alert alone (score and severity), without context.
#[derive(Clone, Debug, Default)]
pub struct Threshold {
    /// Parameters.
    pub params: ThresholdParams,
}

impl Threshold {
    /// The documented rule (docs/strategies.md, "Conformance").
    pub fn act(&self, s: &Situation) -> Act {
        if s.p >= self.params.malicious_at {
            Act::Malicious
        } else if s.p < self.params.benign_below {
            Act::Benign
        } else {
            Act::Escalate { precaution: false }
        }
    }
}

impl Strategy for Threshold {
    fn name(&self) -> &str {
        "threshold"
    }
    fn decide(&mut self, case: &CaseView<'_>) -> Decision {
        let belief = self.params.belief.assess(case);
        let s = Situation::of(case, belief.probability());
        self.act(&s).decision(case, &belief, "score and severity")
    }
}
