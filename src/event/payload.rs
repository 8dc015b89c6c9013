//! What can happen in a run, in the past tense. World events describe the customer's
//! world (the attacker, the detectors, the ground truth); operations events describe what
//! the defender did. Only [`Payload::AlertLabeled`] carries truth, and no strategy is
//! ever handed an event.

use serde::{Deserialize, Serialize};

use super::Severity;
pub use super::actions::{ActionKind, ContainAction, ContextKind, Party, Truth, Verdict};
use crate::ids::{AlertId, CampaignId, EntityId, RuleId, StepId};

/// The payload of one event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Payload {
    /// A telemetry record was observed (detection rules may match it).
    TelemetryObserved {
        /// Index of the telemetry source in the header's `sources`.
        source: u32,
        /// The entity the record concerns.
        entity: EntityId,
        /// The record's fields (text shared with the scenario's templates).
        fields: std::collections::BTreeMap<std::sync::Arc<str>, std::sync::Arc<str>>,
    },
    /// An organizational fact was recorded (an HR record, a change ticket, a booking):
    /// in force over `[from_ms, until_ms)`; found only by an organizational query.
    FactRecorded {
        /// The entity it concerns.
        entity: EntityId,
        /// The system of record (`hr`, `change`, `travel`, `directory`, …).
        kind: std::sync::Arc<str>,
        /// The fact's fields.
        fields: std::collections::BTreeMap<std::sync::Arc<str>, std::sync::Arc<str>>,
        /// Start of the window, ms since the scenario start.
        from_ms: u64,
        /// End of the window (absent: open-ended).
        until_ms: Option<u64>,
    },
    /// An attack step happened (or a step of an authorised look-alike sequence).
    AttackStepExecuted {
        /// Campaign.
        campaign: CampaignId,
        /// Step.
        step: StepId,
        /// What it compromised.
        target: EntityId,
        /// Whether this was the campaign's objective (impact).
        objective: bool,
    },
    /// An attack step could not happen because containment broke a requirement.
    AttackStepPrevented {
        /// Campaign.
        campaign: CampaignId,
        /// Step.
        step: StepId,
        /// The contained entity the step needed.
        blocked_by: EntityId,
        /// `seq` of the containment that broke it.
        containment: u64,
    },
    /// A campaign has no step left that can happen: containment stopped it.
    CampaignStopped {
        /// Campaign.
        campaign: CampaignId,
        /// `seq` of the containment that removed its last live step.
        containment: u64,
    },
    /// A detector raised an alert (what the defender can see).
    AlertRaised {
        /// The alert.
        alert: AlertId,
        /// Detector rule.
        rule: RuleId,
        /// Severity the detector assigned.
        severity: Severity,
        /// Entities it concerns.
        entities: Vec<EntityId>,
        /// The detector's risk score in [0, 1].
        score: f64,
        /// `seq` of the telemetry record a detection rule matched, for rule alerts.
        telemetry: Option<u64>,
    },
    /// Ground truth of an alert (world-side only; never shown to a strategy).
    AlertLabeled {
        /// The alert.
        alert: AlertId,
        /// Its truth.
        truth: Truth,
        /// The campaign it belongs to, if malicious.
        campaign: Option<CampaignId>,
        /// The step that raised it, if malicious.
        step: Option<StepId>,
    },
    /// The alert reached the provider and waits in a pool's queue.
    AlertQueued {
        /// The alert.
        alert: AlertId,
        /// Index of the pool in the header's `pools`.
        pool: u32,
    },
    /// A waiting alert expired: dropped by the overload rule, or not picked up within
    /// its patience.
    AlertExpired {
        /// The alert.
        alert: AlertId,
    },
    /// A worker picked the case up.
    TriageStarted {
        /// The alert.
        alert: AlertId,
        /// Pool index.
        pool: u32,
        /// Worker index in the pool.
        worker: u32,
    },
    /// A worker finished one action on a case.
    WorkCompleted {
        /// The alert.
        alert: AlertId,
        /// Provider or customer.
        party: Party,
        /// Pool index (0 for the customer's team).
        pool: u32,
        /// Worker index.
        worker: u32,
        /// What the work was.
        action: ActionKind,
        /// How long it took, ms.
        duration_ms: u64,
        /// Whether the worker is now free of the case.
        releases_worker: bool,
    },
    /// The case moved to another pool (edge cases to experts).
    CaseHandedOff {
        /// The alert.
        alert: AlertId,
        /// The receiving pool.
        pool: u32,
        /// Why.
        reason: String,
    },
    /// A context query returned records: telemetry records, organizational facts or the
    /// provider's own past cases, each by the `seq` of the event that holds it.
    ContextQueried {
        /// The alert.
        alert: AlertId,
        /// Kind of context.
        kind: ContextKind,
        /// `seq`s of the records returned (`telemetry_observed`, `fact_recorded`, or the
        /// `verdict_reached` / `customer_resolved` of a past case), ascending.
        records: Vec<u64>,
        /// Worker time it cost, ms.
        cost_ms: u64,
    },
    /// The provider reached a verdict.
    VerdictReached {
        /// The alert.
        alert: AlertId,
        /// The verdict.
        verdict: Verdict,
        /// Confidence in [0, 1].
        confidence: f64,
        /// `seq`s the verdict rests on: the alert itself, then the records the strategy
        /// cites (which should have been returned to this investigation).
        evidence: Vec<u64>,
        /// Why, in a sentence.
        rationale: String,
    },
    /// The alert was handed to the customer's team.
    Escalated {
        /// The alert.
        alert: AlertId,
        /// Why.
        reason: String,
        /// Customer team time the escalation will take, ms (the work pushed onto the
        /// customer, whether or not the team gets to it within the horizon).
        customer_ms: u64,
    },
    /// Containment was decided: by whom, and who will carry it out.
    ContainmentRequested {
        /// The alert that led to it.
        alert: AlertId,
        /// The action.
        action: ContainAction,
        /// The entity.
        target: EntityId,
        /// Who decided it.
        by: Party,
        /// Who carries it out (the customer for recommendations).
        executor: Party,
        /// Customer team time a recommendation will take, ms (0 otherwise).
        customer_ms: u64,
    },
    /// Containment took effect.
    ContainmentExecuted {
        /// The alert that led to it.
        alert: AlertId,
        /// The action.
        action: ContainAction,
        /// The entity.
        target: EntityId,
        /// `seq` of the request.
        request: u64,
        /// Who carried it out.
        by: Party,
    },
    /// A containment was lifted after review by whoever decided it.
    ContainmentReleased {
        /// The alert that led to it.
        alert: AlertId,
        /// The action.
        action: ContainAction,
        /// The entity.
        target: EntityId,
        /// `seq` of the `containment_executed` it ends.
        execution: u64,
        /// Who reviewed and released it.
        by: Party,
    },
    /// A customer team member picked up a task (an escalation or a recommendation).
    CustomerStarted {
        /// The alert.
        alert: AlertId,
        /// `seq` of the event that created the task.
        task: u64,
        /// Worker index in the customer team.
        worker: u32,
    },
    /// The customer's team resolved an escalation.
    CustomerResolved {
        /// The alert.
        alert: AlertId,
        /// Its verdict.
        verdict: Verdict,
        /// `seq` of the escalation.
        task: u64,
    },
    /// A strategy asked for something impossible; the request was ignored.
    StrategyFailed {
        /// The alert being handled.
        alert: AlertId,
        /// What went wrong.
        message: String,
    },
}

impl Payload {
    /// The `type` tag, as in JSON and the Parquet `type` column.
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::TelemetryObserved { .. } => "telemetry_observed",
            Payload::FactRecorded { .. } => "fact_recorded",
            Payload::AttackStepExecuted { .. } => "attack_step_executed",
            Payload::AttackStepPrevented { .. } => "attack_step_prevented",
            Payload::CampaignStopped { .. } => "campaign_stopped",
            Payload::AlertRaised { .. } => "alert_raised",
            Payload::AlertLabeled { .. } => "alert_labeled",
            Payload::AlertQueued { .. } => "alert_queued",
            Payload::AlertExpired { .. } => "alert_expired",
            Payload::TriageStarted { .. } => "triage_started",
            Payload::WorkCompleted { .. } => "work_completed",
            Payload::CaseHandedOff { .. } => "case_handed_off",
            Payload::ContextQueried { .. } => "context_queried",
            Payload::VerdictReached { .. } => "verdict_reached",
            Payload::Escalated { .. } => "escalated",
            Payload::ContainmentRequested { .. } => "containment_requested",
            Payload::ContainmentExecuted { .. } => "containment_executed",
            Payload::ContainmentReleased { .. } => "containment_released",
            Payload::CustomerStarted { .. } => "customer_started",
            Payload::CustomerResolved { .. } => "customer_resolved",
            Payload::StrategyFailed { .. } => "strategy_failed",
        }
    }

    /// The alert the event concerns, if any.
    pub fn alert(&self) -> Option<AlertId> {
        match self {
            Payload::AlertRaised { alert, .. }
            | Payload::AlertLabeled { alert, .. }
            | Payload::AlertQueued { alert, .. }
            | Payload::AlertExpired { alert }
            | Payload::TriageStarted { alert, .. }
            | Payload::WorkCompleted { alert, .. }
            | Payload::CaseHandedOff { alert, .. }
            | Payload::CustomerStarted { alert, .. }
            | Payload::CustomerResolved { alert, .. }
            | Payload::ContextQueried { alert, .. }
            | Payload::VerdictReached { alert, .. }
            | Payload::Escalated { alert, .. }
            | Payload::ContainmentRequested { alert, .. }
            | Payload::ContainmentExecuted { alert, .. }
            | Payload::ContainmentReleased { alert, .. }
            | Payload::StrategyFailed { alert, .. } => Some(*alert),
            _ => None,
        }
    }

    /// The main entity the event concerns, if any.
    pub fn entity(&self) -> Option<EntityId> {
        match self {
            Payload::TelemetryObserved { entity, .. } | Payload::FactRecorded { entity, .. } => {
                Some(*entity)
            }
            Payload::AttackStepExecuted { target, .. }
            | Payload::ContainmentRequested { target, .. }
            | Payload::ContainmentExecuted { target, .. }
            | Payload::ContainmentReleased { target, .. } => Some(*target),
            Payload::AttackStepPrevented { blocked_by, .. } => Some(*blocked_by),
            Payload::AlertRaised { entities, .. } => entities.first().copied(),
            _ => None,
        }
    }

    /// The campaign the event concerns, if any (world side).
    pub fn campaign(&self) -> Option<CampaignId> {
        match self {
            Payload::AttackStepExecuted { campaign, .. }
            | Payload::AttackStepPrevented { campaign, .. }
            | Payload::CampaignStopped { campaign, .. } => Some(*campaign),
            Payload::AlertLabeled { campaign, .. } => *campaign,
            _ => None,
        }
    }
}
