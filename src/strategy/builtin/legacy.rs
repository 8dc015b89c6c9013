//! `legacy_mdr`: human analysts on shifts, SOAR-enriched telemetry context only,
//! severity-first triage under load, recommend-only response. Escalation is the default
//! when confidence is low.

use serde::{Deserialize, Serialize};

use crate::event::ContextKind;
use crate::strategy::Strategy;
use crate::strategy::belief::BeliefParams;
use crate::strategy::view::{CaseView, Decision};

/// Parameters of [`LegacyMdr`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LegacyParams {
    /// Belief at or above which the analyst calls it malicious.
    pub malicious_at: f64,
    /// Belief at or below which the analyst closes it as benign.
    pub benign_at: f64,
    /// Score, severity and prior.
    pub belief: BeliefParams,
}

impl Default for LegacyParams {
    fn default() -> Self {
        LegacyParams {
            malicious_at: 0.9,
            benign_at: 0.5,
            belief: BeliefParams::default(),
        }
    }
}

/// Looks at telemetry once, then decides or escalates.
#[derive(Clone, Debug, Default)]
pub struct LegacyMdr {
    /// Parameters.
    pub params: LegacyParams,
}

impl Strategy for LegacyMdr {
    fn name(&self) -> &str {
        "legacy_mdr"
    }
    fn decide(&mut self, case: &CaseView<'_>) -> Decision {
        if case.can_query(ContextKind::Telemetry) {
            return Decision::Query(ContextKind::Telemetry);
        }
        let belief = self.params.belief.assess(case);
        let p = belief.probability();
        if p >= self.params.malicious_at || p <= self.params.benign_at {
            belief.verdict(case, "analyst after telemetry review")
        } else {
            Decision::Escalate {
                reason: format!("analyst: insufficient context (belief {p:.2})"),
            }
        }
    }
}
