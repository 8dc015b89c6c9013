//! The built-ins' rules, apart from their beliefs: each built-in maps a [`Situation`]
//! (its belief, who is deciding, what context is left, what it may do) to an [`Act`].
//! docs/strategies.md states every rule as a table that `tests/conformance.rs` walks
//! row by row, so the documentation and the code cannot drift apart.

use crate::event::{ContextKind, Verdict};
use crate::strategy::belief::Assessment;
use crate::strategy::provider::Authority;
use crate::strategy::view::CaseView;
use crate::strategy::{ContainRequest, Decision};

/// Who is deciding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The first-line pool (agents, analysts, automation).
    FirstLine,
    /// The provider's expert pool, after a hand-off.
    Expert,
}

/// What a built-in knows when it decides.
#[derive(Clone, Debug, PartialEq)]
pub struct Situation {
    /// Its belief that the alert is malicious.
    pub p: f64,
    /// Who decides.
    pub role: Role,
    /// Integrated context not queried yet, in the profile's order.
    pub left: Vec<ContextKind>,
    /// Whether the provider has an expert pool.
    pub has_experts: bool,
    /// Whether the provider may contain the alert's entities itself (pre-approved).
    pub may_contain: bool,
}

/// A built-in's decision before it is dressed with records and targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// Query this context next.
    Query(ContextKind),
    /// Malicious: contain and eradicate (as far as authority goes).
    Malicious,
    /// Benign: close.
    Benign,
    /// To the customer, containing meanwhile when `precaution`.
    Escalate {
        /// Contain while the customer decides.
        precaution: bool,
    },
    /// To the experts, containing meanwhile when `precaution`.
    HandOff {
        /// Contain while the experts decide.
        precaution: bool,
    },
}

impl Situation {
    /// The situation of `case` at belief `p`.
    pub fn of(case: &CaseView<'_>, p: f64) -> Self {
        let may_contain = {
            let mut reqs = case.default_containment().into_iter();
            reqs.len() > 0 && reqs.all(|r| case.authority.of(r.action) == Authority::PreApproved)
        };
        Situation {
            p,
            role: if case.expert {
                Role::Expert
            } else {
                Role::FirstLine
            },
            left: ContextKind::ALL
                .iter()
                .copied()
                .filter(|&k| case.can_query(k))
                .collect(),
            has_experts: case.has_experts,
            may_contain,
        }
    }

    /// The first of `order` still left to query.
    pub fn next(&self, order: &[ContextKind]) -> Option<ContextKind> {
        order.iter().copied().find(|k| self.left.contains(k))
    }
}

impl Act {
    /// The decision this act is on `case`, citing what `belief` rests on; `who` opens
    /// the rationale. A malicious verdict asks for containment and eradication of the
    /// alert's entities; authority decides who carries each out.
    pub fn decision(self, case: &CaseView<'_>, belief: &Assessment, who: &str) -> Decision {
        let p = belief.probability();
        let precautions = |on: bool| {
            if on {
                case.default_containment()
            } else {
                Vec::new()
            }
        };
        match self {
            Act::Query(kind) => Decision::Query(kind),
            Act::Malicious => {
                let mut contain: Vec<ContainRequest> = case.default_containment();
                contain.extend(case.default_eradication());
                belief.verdict(Verdict::Malicious, who, contain)
            }
            Act::Benign => belief.verdict(Verdict::Benign, who, Vec::new()),
            Act::Escalate { precaution } => Decision::Escalate {
                reason: format!("{who}: belief {p:.3} malicious, for the customer to decide"),
                contain: precautions(precaution),
            },
            Act::HandOff { precaution } => Decision::HandOff {
                reason: format!("{who}: edge case, belief {p:.3} after all context"),
                contain: precautions(precaution),
            },
        }
    }
}
