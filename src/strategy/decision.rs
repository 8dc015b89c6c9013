//! What a strategy decides. The verdict is apart from the response: a case can be closed
//! (benign or malicious, with containment and eradication for a threat), escalated or
//! handed off *with* containment as a precaution, or contained while the investigation
//! goes on — the way AI MDR providers describe pre-approved response.

use crate::event::{ContainAction, ContextKind, Verdict};
use crate::ids::EntityId;
use crate::scenario::EntityKind;

/// The containment action that normally applies to an entity kind.
pub fn default_action(kind: EntityKind) -> Option<ContainAction> {
    match kind {
        EntityKind::Host => Some(ContainAction::IsolateHost),
        EntityKind::User | EntityKind::Cloud => Some(ContainAction::DisableAccount),
        EntityKind::App => Some(ContainAction::RevokeSessions),
        EntityKind::Domain => Some(ContainAction::BlockDomain),
    }
}

/// The eradication that normally removes an attacker's footholds on an entity kind (a
/// domain holds none: blocking it is all there is).
pub fn default_eradication(kind: EntityKind) -> Option<ContainAction> {
    match kind {
        EntityKind::Host => Some(ContainAction::ReimageHost),
        EntityKind::User | EntityKind::Cloud => Some(ContainAction::ResetCredentials),
        EntityKind::App => Some(ContainAction::RevokeGrant),
        EntityKind::Domain => None,
    }
}

/// Whether `action` can be applied to an entity of `kind`.
pub fn action_applies(action: ContainAction, kind: EntityKind) -> bool {
    use ContainAction::*;
    use EntityKind::*;
    matches!(
        (action, kind),
        (IsolateHost | ReimageHost, Host)
            | (DisableAccount | ResetCredentials, User | Cloud)
            | (RevokeSessions, User | App | Cloud)
            | (RevokeGrant, App)
            | (BlockDomain, Domain)
    )
}

/// A containment (or eradication) a strategy asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContainRequest {
    /// The action.
    pub action: ContainAction,
    /// The entity.
    pub target: EntityId,
}

/// What a strategy decides about a case after a worker's action.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Decision {
    /// Query context of this kind (costs worker time; needs the integration).
    Query(ContextKind),
    /// Contain now, as a precaution, and keep investigating: the worker carries out the
    /// requests (those the provider may execute; the rest go to the customer as
    /// recommendations), then the strategy decides again. A benign verdict later
    /// releases what the provider contained for this case.
    Contain {
        /// What to contain.
        contain: Vec<ContainRequest>,
        /// Why.
        rationale: String,
    },
    /// Close the case with a verdict and, for threats, containment and eradication.
    Verdict {
        /// Malicious or benign.
        verdict: Verdict,
        /// Confidence in [0, 1].
        confidence: f64,
        /// Handles of the records the verdict relies on (records this investigation's
        /// queries returned; `evidence_coverage` checks that).
        evidence: Vec<u64>,
        /// Why, in a sentence.
        rationale: String,
        /// Containment and eradication to request (ignored for benign verdicts).
        contain: Vec<ContainRequest>,
    },
    /// Hand the case to the customer's team, containing meanwhile what `contain` asks.
    Escalate {
        /// Why.
        reason: String,
        /// Precautionary containment while the customer decides (may be empty).
        contain: Vec<ContainRequest>,
    },
    /// Hand the case to the provider's expert pool, containing meanwhile what
    /// `contain` asks.
    HandOff {
        /// Why.
        reason: String,
        /// Precautionary containment while the experts decide (may be empty).
        contain: Vec<ContainRequest>,
    },
    /// The strategy could not decide (an external program failed): recorded as a
    /// `strategy_failed` event, and the case is escalated.
    Fail {
        /// What went wrong.
        message: String,
    },
}

impl Decision {
    /// An escalation without precautionary containment.
    pub fn escalate(reason: impl Into<String>) -> Self {
        Decision::Escalate {
            reason: reason.into(),
            contain: Vec::new(),
        }
    }

    /// A hand-off without precautionary containment.
    pub fn hand_off(reason: impl Into<String>) -> Self {
        Decision::HandOff {
            reason: reason.into(),
            contain: Vec::new(),
        }
    }
}

/// What a strategy decides when an alert arrives, before any worker touches it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Triage {
    /// Queue it for the first-line pool (the default).
    Investigate,
    /// Hand it to the customer's team at once.
    Escalate {
        /// Why.
        reason: String,
    },
    /// Close it as benign without investigation.
    Dismiss {
        /// Why.
        rationale: String,
    },
    /// The strategy could not triage (an external program failed): recorded as a
    /// `strategy_failed` event, and the alert is escalated.
    Fail {
        /// What went wrong.
        message: String,
    },
}
