//! What a strategy may see: an alert as the detector raised it, the entities it names,
//! and the case's evidence so far. No type reachable from here carries ground truth.

use crate::event::{ContainAction, Verdict};
use crate::ids::{AlertId, EntityId};
use crate::scenario::{Entity, EntityKind, Rule, Severity};
use crate::time::SimTime;

/// An alert without its label.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertView<'a> {
    /// The alert.
    pub id: AlertId,
    /// When the detector raised it.
    pub raised_at: SimTime,
    /// When it reached the queue.
    pub queued_at: SimTime,
    /// Detector and rule.
    pub rule: &'a Rule,
    /// Severity the detector assigned.
    pub severity: Severity,
    /// The detector's risk score in [0, 1].
    pub score: f64,
    /// Entities it concerns.
    pub entities: &'a [EntityId],
}

/// An investigation in progress, as the strategy sees it.
#[derive(Clone, Debug)]
pub struct CaseView<'a> {
    /// Now.
    pub now: SimTime,
    /// The alert.
    pub alert: AlertView<'a>,
    /// The environment's entities (kind and attributes; observable context).
    pub environment: &'a [Entity],
}

impl CaseView<'_> {
    /// The entity behind an id.
    pub fn entity(&self, id: EntityId) -> Option<&Entity> {
        self.environment.get(id.index())
    }

    /// The usual containment for each of the alert's entities that can be contained.
    pub fn default_containment(&self) -> Vec<ContainRequest> {
        self.alert
            .entities
            .iter()
            .filter_map(|&id| {
                let action = default_action(self.entity(id)?.kind)?;
                Some(ContainRequest { action, target: id })
            })
            .collect()
    }
}

/// The containment action that normally applies to an entity kind.
pub fn default_action(kind: EntityKind) -> Option<ContainAction> {
    match kind {
        EntityKind::Host => Some(ContainAction::IsolateHost),
        EntityKind::User | EntityKind::Cloud => Some(ContainAction::DisableAccount),
        EntityKind::App => Some(ContainAction::RevokeSessions),
        EntityKind::Domain => Some(ContainAction::BlockDomain),
    }
}

/// Whether `action` can be applied to an entity of `kind`.
pub fn action_applies(action: ContainAction, kind: EntityKind) -> bool {
    matches!(
        (action, kind),
        (ContainAction::IsolateHost, EntityKind::Host)
            | (
                ContainAction::DisableAccount,
                EntityKind::User | EntityKind::Cloud
            )
            | (
                ContainAction::RevokeSessions,
                EntityKind::User | EntityKind::App | EntityKind::Cloud
            )
            | (ContainAction::BlockDomain, EntityKind::Domain)
    )
}

/// A containment a strategy asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContainRequest {
    /// The action.
    pub action: ContainAction,
    /// The entity.
    pub target: EntityId,
}

/// What a strategy decides about a case.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Decision {
    /// Close the case with a verdict and, for threats, containment.
    Verdict {
        /// Malicious or benign.
        verdict: Verdict,
        /// Confidence in [0, 1].
        confidence: f64,
        /// Why, in a sentence.
        rationale: String,
        /// Containment to request (ignored for benign verdicts).
        contain: Vec<ContainRequest>,
    },
    /// Hand the case to the customer's team.
    Escalate {
        /// Why.
        reason: String,
    },
}

/// What a strategy decides when an alert arrives, before any worker touches it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Triage {
    /// Queue it for a worker (the default).
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
}
