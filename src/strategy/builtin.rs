//! The built-in strategies of the core: the two trivial bounds, the oracle, and an
//! honest threshold policy.

use super::Strategy;
use super::view::{CaseView, Decision, Triage};
use crate::event::{Truth, Verdict};
use crate::scenario::Severity;

/// Escalates every alert: the customer's team does all the work.
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
        Decision::Escalate {
            reason: "policy: escalate every alert".into(),
        }
    }
}

/// Calls every alert benign: the lower bound on detection.
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
            rationale: "policy: dismiss every alert".into(),
            contain: Vec::new(),
        }
    }
}

/// Decides from the detector's score weighted by severity: malicious (and contain) at
/// or above `malicious_at`, benign below `benign_below`, escalate in between.
#[derive(Clone, Debug)]
pub struct Threshold {
    /// Risk at or above which the verdict is malicious.
    pub malicious_at: f64,
    /// Risk below which the verdict is benign.
    pub benign_below: f64,
    /// Weight per severity (low, medium, high, critical).
    pub severity_weight: [f64; 4],
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold {
            malicious_at: 0.75,
            benign_below: 0.4,
            severity_weight: [0.7, 0.85, 1.0, 1.1],
        }
    }
}

impl Threshold {
    /// Severity-weighted score, clamped to [0, 1].
    pub fn risk(&self, case: &CaseView<'_>) -> f64 {
        let w = match case.alert.severity {
            Severity::Low => self.severity_weight[0],
            Severity::Medium => self.severity_weight[1],
            Severity::High => self.severity_weight[2],
            Severity::Critical => self.severity_weight[3],
        };
        (case.alert.score * w).clamp(0.0, 1.0)
    }
}

impl Strategy for Threshold {
    fn name(&self) -> &str {
        "threshold"
    }
    fn decide(&mut self, case: &CaseView<'_>) -> Decision {
        let risk = self.risk(case);
        if risk >= self.malicious_at {
            Decision::Verdict {
                verdict: Verdict::Malicious,
                confidence: risk,
                rationale: format!("risk {risk:.2} ≥ {:.2}", self.malicious_at),
                contain: case.default_containment(),
            }
        } else if risk < self.benign_below {
            Decision::Verdict {
                verdict: Verdict::Benign,
                confidence: 1.0 - risk,
                rationale: format!("risk {risk:.2} < {:.2}", self.benign_below),
                contain: Vec::new(),
            }
        } else {
            Decision::Escalate {
                reason: format!("risk {risk:.2} between thresholds"),
            }
        }
    }
}

/// The truth an oracle may read for one case. Only the engine can make one.
#[derive(Clone, Copy, Debug)]
pub struct TruthDoor {
    truth: Truth,
}

impl TruthDoor {
    pub(crate) fn open(truth: Truth) -> Self {
        TruthDoor { truth }
    }
}

/// Reads ground truth: exact verdicts, immediate containment. An upper bound.
#[derive(Clone, Copy, Debug, Default)]
pub struct Oracle;

impl Oracle {
    /// Decides with the truth in hand.
    pub fn decide(&mut self, case: &CaseView<'_>, door: TruthDoor) -> Decision {
        if door.truth.is_malicious() {
            Decision::Verdict {
                verdict: Verdict::Malicious,
                confidence: 1.0,
                rationale: "oracle: ground truth is malicious".into(),
                contain: case.default_containment(),
            }
        } else {
            Decision::Verdict {
                verdict: Verdict::Benign,
                confidence: 1.0,
                rationale: "oracle: ground truth is benign".into(),
                contain: Vec::new(),
            }
        }
    }
}
