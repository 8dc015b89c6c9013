//! The oracle: reads ground truth through a door only the engine can open. An upper
//! bound on what any provider could do, never a real option.

use crate::event::{Truth, Verdict};
use crate::strategy::view::{CaseView, Decision};

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

/// Exact verdicts, immediate containment and eradication of malicious alerts' entities.
#[derive(Clone, Copy, Debug, Default)]
pub struct Oracle;

impl Oracle {
    /// Decides with the truth in hand.
    pub fn decide(&mut self, case: &CaseView<'_>, door: TruthDoor) -> Decision {
        if door.truth.is_malicious() {
            Decision::Verdict {
                verdict: Verdict::Malicious,
                confidence: 1.0,
                evidence: Vec::new(),
                rationale: "oracle: ground truth is malicious".into(),
                contain: [case.default_containment(), case.default_eradication()].concat(),
            }
        } else {
            Decision::Verdict {
                verdict: Verdict::Benign,
                confidence: 1.0,
                evidence: Vec::new(),
                rationale: "oracle: ground truth is benign".into(),
                contain: Vec::new(),
            }
        }
    }
}
