//! `ai_soc`: automated triage and investigation around the clock; it closes what is
//! clearly benign and escalates everything else, so the customer makes every final call
//! and takes every action.

use serde::{Deserialize, Serialize};

use crate::event::ContextKind;
use crate::strategy::Strategy;
use crate::strategy::belief::BeliefParams;
use crate::strategy::view::{CaseView, Decision};

use super::act::{Act, Situation};

/// Parameters of [`AiSoc`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AiSocParams {
    /// Belief at or below which the platform auto-closes the alert as benign.
    pub auto_close_at: f64,
    /// Score, severity and prior.
    pub belief: BeliefParams,
}

impl Default for AiSocParams {
    fn default() -> Self {
        AiSocParams {
            auto_close_at: 0.1,
            belief: BeliefParams::default(),
        }
    }
}

/// Enriches with telemetry and organizational context, auto-closes obvious noise,
/// escalates the rest with its assessment.
#[derive(Clone, Debug, Default)]
pub struct AiSoc {
    /// Parameters.
    pub params: AiSocParams,
}

impl AiSoc {
    /// The documented rule (docs/strategies.md, "Conformance").
    pub fn act(&self, s: &Situation) -> Act {
        if let Some(kind) = s.next(&[ContextKind::Telemetry, ContextKind::Organizational]) {
            return Act::Query(kind);
        }
        if s.p <= self.params.auto_close_at {
            Act::Benign
        } else {
            Act::Escalate { precaution: false }
        }
    }
}

impl Strategy for AiSoc {
    fn name(&self) -> &str {
        "ai_soc"
    }
    fn decide(&mut self, case: &CaseView<'_>) -> Decision {
        let belief = self.params.belief.assess(case);
        let s = Situation::of(case, belief.probability());
        self.act(&s).decision(case, &belief, "platform")
    }
}
