//! What the agenda holds: the jobs of the world and of operations, and the work a
//! provider worker or a customer team member is doing.

use super::origin::Origin;
use crate::event::{ContainAction, ContextKind, Party, Verdict};
use crate::ids::{AlertId, CampaignId, EntityId, RuleId, StepId};
use crate::scenario::Severity;
use crate::strategy::ContainRequest;
use crate::time::SimTime;

/// Work a provider worker is doing on a case.
#[derive(Clone, Debug)]
pub(super) enum Pending {
    Triage,
    Query(ContextKind),
    Verdict {
        verdict: Verdict,
        confidence: f64,
        evidence: Vec<u64>,
        rationale: String,
        contain: Vec<ContainRequest>,
    },
    /// Carrying out a response, then the worker is free.
    Containment(Vec<ContainRequest>),
    /// Carrying out a precautionary containment, then the strategy decides again.
    Precaution(Vec<ContainRequest>),
}

/// Work a customer team member is doing.
#[derive(Clone, Copy, Debug)]
pub(super) enum CustomerTask {
    Resolve,
    Contain {
        action: ContainAction,
        target: EntityId,
    },
}

/// One thing due on the agenda.
pub(super) enum Job {
    /// The customer's on-call answers a page (then picks up what paged it).
    PageAnswered,
    BenignArrival {
        process: u32,
    },
    TelemetryArrival {
        process: u32,
    },
    CampaignStart {
        campaign: CampaignId,
    },
    StepDue {
        campaign: CampaignId,
        step: StepId,
    },
    /// A detector's alert, due after its rule's latency.
    AlertDue {
        origin: Origin,
        rule: RuleId,
        severity: Severity,
        entity: EntityId,
        score: f64,
        /// `seq` of the telemetry record a detection rule matched.
        telemetry: Option<u64>,
    },
    ActionDone {
        alert: AlertId,
        pool: u32,
        worker: u32,
        started: SimTime,
        action: Pending,
    },
    ContainmentEffect {
        alert: AlertId,
        action: ContainAction,
        target: EntityId,
        request: u64,
        by: Party,
    },
    CustomerDone {
        alert: AlertId,
        task: u64,
        worker: u32,
        started: SimTime,
        work: CustomerTask,
    },
    ShiftChange,
    /// A queue entry reaches the overload rule's `expire_after`.
    Expire {
        alert: AlertId,
        entry: u64,
    },
    /// A queue entry's patience runs out.
    Patience {
        alert: AlertId,
        entry: u64,
    },
    WorldFact {
        index: u32,
    },
    ReviewContainment {
        execution: u64,
    },
    RecordedBackground {
        lane: u32,
        n: u32,
    },
    RecordedAttack {
        record: u32,
    },
}
