//! `legacy_mdr`: human analysts on shifts, SOAR-enriched telemetry context only,
//! severity-first triage under load, recommend-only response. "When the MDR provider
//! lacks sufficient context to reach a verdict, escalation becomes the default": an
//! analyst gives a verdict only when the telemetry makes it confident either way, and
//! escalates everything else. Its thresholds are stated from that practice, not tuned.

use serde::{Deserialize, Serialize};

use crate::event::ContextKind;
use crate::strategy::Strategy;
use crate::strategy::belief::BeliefParams;
use crate::strategy::view::{CaseView, Decision};

use super::act::{Act, Situation};

/// Parameters of [`LegacyMdr`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LegacyParams {
    /// Belief at or above which the analyst calls it malicious (and recommends
    /// containment and eradication).
    pub malicious_at: f64,
    /// Belief at or below which the analyst closes it as benign; in between, escalate.
    pub benign_at: f64,
    /// Score, severity and prior.
    pub belief: BeliefParams,
}

impl Default for LegacyParams {
    fn default() -> Self {
        LegacyParams {
            malicious_at: 0.9,
            benign_at: 0.1,
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

impl LegacyMdr {
    /// The documented rule (docs/strategies.md, "Conformance").
    pub fn act(&self, s: &Situation) -> Act {
        if let Some(kind) = s.next(&[ContextKind::Telemetry]) {
            return Act::Query(kind);
        }
        if s.p >= self.params.malicious_at {
            Act::Malicious
        } else if s.p <= self.params.benign_at {
            Act::Benign
        } else {
            Act::Escalate { precaution: false }
        }
    }
}

impl Strategy for LegacyMdr {
    fn name(&self) -> &str {
        "legacy_mdr"
    }
    fn decide(&mut self, case: &CaseView<'_>) -> Decision {
        let belief = self.params.belief.assess(case);
        let s = Situation::of(case, belief.probability());
        self.act(&s)
            .decision(case, &belief, "analyst after telemetry review")
    }
}
