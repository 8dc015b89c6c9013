//! `ai_mdr`: agentic investigation. Agents gather telemetry, historic and organizational
//! context, close clear noise and call clear threats autonomously (containing and
//! eradicating), and hand the rest to senior experts — containing as a precaution when
//! the belief is high enough — who decide at their own bars or escalate to the customer.
//! Containment is pre-approved. Defaults were tuned on development variants
//! (docs/strategies.md).

use serde::{Deserialize, Serialize};

use crate::event::ContextKind;
use crate::strategy::Strategy;
use crate::strategy::belief::BeliefParams;
use crate::strategy::view::{CaseView, Decision};

use super::act::{Act, Role, Situation};

/// Parameters of [`AiMdr`]. Thresholds are on P(malicious).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AiMdrParams {
    /// Agents close a case as benign on their own when P(malicious) ≤ 1 − autonomy.
    pub autonomy: f64,
    /// Agents call a case malicious (and contain) on their own at P(malicious) ≥ this.
    pub contain_at: f64,
    /// Experts call malicious at P(malicious) ≥ this…
    pub expert_contain_at: f64,
    /// …close as benign below this, and escalate to the customer in between.
    pub expert_benign_below: f64,
    /// A hand-off or an escalation contains the alert's entities as a precaution at
    /// P(malicious) ≥ this (when containment is pre-approved).
    pub precaution_at: f64,
    /// Order in which agents gather context.
    pub query_order: Vec<ContextKind>,
    /// Context always gathered before any verdict (when integrated).
    pub required: Vec<ContextKind>,
    /// The provider's likelihood tables.
    pub belief: BeliefParams,
}

impl Default for AiMdrParams {
    fn default() -> Self {
        AiMdrParams {
            autonomy: 0.95,
            contain_at: 0.05,
            expert_contain_at: 0.02,
            expert_benign_below: 0.01,
            precaution_at: 0.2,
            query_order: vec![
                ContextKind::Telemetry,
                ContextKind::Historic,
                ContextKind::Organizational,
            ],
            required: vec![ContextKind::Telemetry],
            belief: BeliefParams::default(),
        }
    }
}

/// Gathers evidence until confident; experts take the edge cases.
#[derive(Clone, Debug, Default)]
pub struct AiMdr {
    /// Parameters.
    pub params: AiMdrParams,
}

impl AiMdr {
    /// The documented rule (docs/strategies.md, "Conformance").
    pub fn act(&self, s: &Situation) -> Act {
        let p_ = &self.params;
        if let Some(kind) = s.next(&p_.required) {
            return Act::Query(kind);
        }
        let precaution = s.may_contain && s.p >= p_.precaution_at;
        if s.role == Role::Expert {
            return if s.p >= p_.expert_contain_at {
                Act::Malicious
            } else if s.p < p_.expert_benign_below {
                Act::Benign
            } else {
                Act::Escalate { precaution }
            };
        }
        if s.p >= p_.contain_at {
            return Act::Malicious;
        }
        if s.p <= 1.0 - p_.autonomy {
            return Act::Benign;
        }
        if let Some(kind) = s.next(&p_.query_order) {
            return Act::Query(kind);
        }
        if s.has_experts {
            Act::HandOff { precaution }
        } else {
            Act::Escalate { precaution }
        }
    }
}

impl Strategy for AiMdr {
    fn name(&self) -> &str {
        "ai_mdr"
    }
    fn decide(&mut self, case: &CaseView<'_>) -> Decision {
        let belief = self.params.belief.assess(case);
        let s = Situation::of(case, belief.probability());
        let who = if case.expert { "expert" } else { "agent" };
        self.act(&s).decision(case, &belief, who)
    }
}
