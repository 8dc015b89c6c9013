//! What a strategy may see: an alert as the detector raised it, the entities it names,
//! the evidence its own queries returned, and which context it could still ask for.
//! No type reachable from here carries ground truth.

use std::collections::BTreeSet;

use crate::event::{ContainAction, ContextKind, Verdict};
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

/// One piece of evidence a context query returned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvidenceView {
    /// `seq` of the `context_queried` event.
    pub seq: u64,
    /// Kind of context.
    pub kind: ContextKind,
    /// Log-likelihood ratio for "malicious" (calibrated: LLRs add).
    pub llr: f64,
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
    /// The pool deciding, by name (`""` at arrival triage).
    pub pool: &'a str,
    /// Whether the deciding pool is the provider's expert pool.
    pub expert: bool,
    /// Whether the provider has an expert pool to hand edge cases to.
    pub has_experts: bool,
    /// Evidence gathered so far.
    pub evidence: &'a [EvidenceView],
    /// Context the provider can query.
    pub integrations: &'a BTreeSet<ContextKind>,
}

impl CaseView<'_> {
    /// The entity behind an id.
    pub fn entity(&self, id: EntityId) -> Option<&Entity> {
        self.environment.get(id.index())
    }

    /// Whether a query of `kind` is possible and not yet made.
    pub fn can_query(&self, kind: ContextKind) -> bool {
        self.integrations.contains(&kind) && !self.evidence.iter().any(|e| e.kind == kind)
    }

    /// Sum of the evidence's log-likelihood ratios.
    pub fn evidence_llr(&self) -> f64 {
        self.evidence.iter().map(|e| e.llr).sum()
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

/// What a strategy decides about a case after a worker's action.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Decision {
    /// Query context of this kind (costs worker time; needs the integration).
    Query(ContextKind),
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
    /// Hand the case to the provider's expert pool.
    HandOff {
        /// Why.
        reason: String,
    },
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
}
