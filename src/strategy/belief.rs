//! The belief model the built-in honest strategies share: log-odds that an alert is
//! malicious, from a prior base rate, the detector's score and severity (observable),
//! and the calibrated log-likelihood ratios of the context gathered so far.

use serde::{Deserialize, Serialize};

use super::view::CaseView;
use crate::scenario::Severity;

/// Parameters of the belief model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeliefParams {
    /// Assumed share of alerts that are malicious before looking (base rate).
    pub prior: f64,
    /// Log-odds per unit of detector score above 0.5.
    pub score_weight: f64,
    /// Log-odds added per severity: low, medium, high, critical.
    pub severity_weight: [f64; 4],
}

impl Default for BeliefParams {
    fn default() -> Self {
        BeliefParams {
            prior: 0.1,
            score_weight: 4.0,
            severity_weight: [-0.5, 0.0, 0.5, 1.0],
        }
    }
}

impl BeliefParams {
    /// Log-odds that the case is malicious.
    pub fn log_odds(&self, case: &CaseView<'_>) -> f64 {
        let p = self.prior.clamp(1e-6, 1.0 - 1e-6);
        let sev = match case.alert.severity {
            Severity::Low => 0,
            Severity::Medium => 1,
            Severity::High => 2,
            Severity::Critical => 3,
        };
        (p / (1.0 - p)).ln()
            + self.score_weight * (case.alert.score - 0.5)
            + self.severity_weight[sev]
            + case.evidence_llr()
    }

    /// Probability that the case is malicious.
    pub fn probability(&self, case: &CaseView<'_>) -> f64 {
        1.0 / (1.0 + (-self.log_odds(case)).exp())
    }
}
