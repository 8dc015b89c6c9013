//! The oracle: reads ground truth through a door only the engine can open. An upper
//! bound on what any provider could do, never a real option.

use crate::event::{Truth, Verdict};
use crate::ids::EntityId;
use crate::strategy::ContainRequest;
use crate::strategy::decision::default_eradication;
use crate::strategy::view::{CaseView, Decision};

/// The truth an oracle may read for one case. Only the engine can make one.
#[derive(Clone, Debug)]
pub struct TruthDoor {
    truth: Truth,
    /// Where the alert's campaign holds footholds now: perfect incident scoping.
    footholds: Vec<EntityId>,
}

impl TruthDoor {
    pub(crate) fn open(truth: Truth, footholds: Vec<EntityId>) -> Self {
        TruthDoor { truth, footholds }
    }
}

/// Exact verdicts; for a malicious alert, immediate containment and eradication of its
/// entities and eradication of every foothold its campaign holds (an upper bound:
/// scoping an incident perfectly takes knowing the truth).
#[derive(Clone, Copy, Debug, Default)]
pub struct Oracle;

impl Oracle {
    /// Contain and eradicate the alert's entities, then eradicate the other footholds.
    fn response(case: &CaseView<'_>, footholds: &[EntityId]) -> Vec<ContainRequest> {
        let mut contain = [case.default_containment(), case.default_eradication()].concat();
        for &target in footholds {
            let Some(action) = case.entity_kind(target).and_then(default_eradication) else {
                continue;
            };
            if !contain
                .iter()
                .any(|r| r.target == target && r.action == action)
            {
                contain.push(ContainRequest { action, target });
            }
        }
        contain
    }

    /// Decides with the truth in hand.
    pub fn decide(&mut self, case: &CaseView<'_>, door: TruthDoor) -> Decision {
        if door.truth.is_malicious() {
            Decision::Verdict {
                verdict: Verdict::Malicious,
                confidence: 1.0,
                evidence: Vec::new(),
                rationale: "oracle: ground truth is malicious".into(),
                contain: Self::response(case, &door.footholds),
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
