//! `ai_mdr`: agentic investigation. Agents gather historic, telemetry and organizational
//! context until confident or out of queries, reach a verdict autonomously when
//! confident, and hand edge cases to senior experts; response is pre-approved.

use serde::{Deserialize, Serialize};

use crate::event::ContextKind;
use crate::strategy::Strategy;
use crate::strategy::belief::BeliefParams;
use crate::strategy::view::{CaseView, Decision};

/// Parameters of [`AiMdr`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AiMdrParams {
    /// Confidence (belief, or one minus it) at which agents decide autonomously.
    pub autonomy: f64,
    /// Confidence at which experts decide rather than escalate to the customer.
    pub expert_decides_at: f64,
    /// Order in which agents gather context.
    pub query_order: Vec<ContextKind>,
    /// The provider's likelihood tables.
    pub belief: BeliefParams,
}

impl Default for AiMdrParams {
    fn default() -> Self {
        AiMdrParams {
            autonomy: 0.95,
            expert_decides_at: 0.7,
            query_order: vec![
                ContextKind::Historic,
                ContextKind::Telemetry,
                ContextKind::Organizational,
            ],
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

impl Strategy for AiMdr {
    fn name(&self) -> &str {
        "ai_mdr"
    }
    fn decide(&mut self, case: &CaseView<'_>) -> Decision {
        let belief = self.params.belief.assess(case);
        let p = belief.probability();
        let confidence = p.max(1.0 - p);
        let who = if case.expert { "expert" } else { "agent" };
        if confidence >= self.params.autonomy {
            return belief.verdict(case, who);
        }
        if let Some(&kind) = self.params.query_order.iter().find(|k| case.can_query(**k)) {
            return Decision::Query(kind);
        }
        if !case.expert && case.has_experts {
            return Decision::HandOff {
                reason: format!("edge case: belief {p:.2} after all context"),
            };
        }
        // Experts, or agents with no experts to ask, decide at the lower bar.
        if confidence >= self.params.expert_decides_at {
            return belief.verdict(case, who);
        }
        Decision::Escalate {
            reason: format!("{who}: genuinely ambiguous (belief {p:.2})"),
        }
    }
}
