//! `ai_mdr`: agentic investigation. Agents gather telemetry, historic and organizational
//! context, close clear noise and contain clear threats autonomously, and hand the rest
//! to senior experts, who decide at their own bars or escalate to the customer. Response
//! is pre-approved. Defaults were tuned on development variants (docs/strategies.md).

use serde::{Deserialize, Serialize};

use crate::event::ContextKind;
use crate::strategy::Strategy;
use crate::strategy::belief::BeliefParams;
use crate::strategy::view::{CaseView, Decision};

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
            contain_at: 0.5,
            expert_contain_at: 0.05,
            expert_benign_below: 0.02,
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

impl Strategy for AiMdr {
    fn name(&self) -> &str {
        "ai_mdr"
    }
    fn decide(&mut self, case: &CaseView<'_>) -> Decision {
        let p_ = &self.params;
        if let Some(&kind) = p_.required.iter().find(|k| case.can_query(**k)) {
            return Decision::Query(kind);
        }
        let belief = p_.belief.assess(case);
        let p = belief.probability();
        if case.expert {
            return if p >= p_.expert_contain_at || p < p_.expert_benign_below {
                belief.verdict(case, "expert")
            } else {
                Decision::Escalate {
                    reason: format!("expert: genuinely ambiguous (belief {p:.3})"),
                }
            };
        }
        if p >= p_.contain_at || p <= 1.0 - p_.autonomy {
            return belief.verdict(case, "agent");
        }
        if let Some(&kind) = p_.query_order.iter().find(|k| case.can_query(**k)) {
            return Decision::Query(kind);
        }
        if case.has_experts {
            return Decision::HandOff {
                reason: format!("edge case: belief {p:.3} after all context"),
            };
        }
        Decision::Escalate {
            reason: format!("agent: ambiguous after all context (belief {p:.3})"),
        }
    }
}
