//! `ai_soc`: automated triage and investigation around the clock; it closes what is
//! clearly benign and escalates everything else, so the customer makes every final call
//! and takes every action.

use serde::{Deserialize, Serialize};

use crate::event::ContextKind;
use crate::strategy::Strategy;
use crate::strategy::belief::BeliefParams;
use crate::strategy::view::{CaseView, Decision};

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
            auto_close_at: 0.5,
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

impl Strategy for AiSoc {
    fn name(&self) -> &str {
        "ai_soc"
    }
    fn decide(&mut self, case: &CaseView<'_>) -> Decision {
        for kind in [ContextKind::Telemetry, ContextKind::Organizational] {
            if case.can_query(kind) {
                return Decision::Query(kind);
            }
        }
        let belief = self.params.belief.assess(case);
        let p = belief.probability();
        if p <= self.params.auto_close_at {
            belief.verdict(case, "auto-closed")
        } else {
            Decision::Escalate {
                reason: format!("for customer decision: belief {p:.2} malicious"),
            }
        }
    }
}
