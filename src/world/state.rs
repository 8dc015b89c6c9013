//! [`RunState`]: alerts and their cases, pool queues and workers, the customer's task
//! queue, containment and compromise per entity, campaign progress, and what the
//! provider has learned. `apply` only records what an event says; every decision is
//! made elsewhere.

use std::collections::VecDeque;

use crate::event::{Envelope, Party, Payload};
use crate::ids::{AlertId, EntityId, RuleId};
use crate::scenario::Severity;
use crate::time::SimTime;

pub use super::containment::EntityState;
pub use super::index::{FactEntry, QueryResult, TelemetryEntry};
pub use super::pool::PoolState;
use super::truth::{GroundTruth, Label};

/// What is known about one alert and its case.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertRecord {
    /// `seq` of its `AlertRaised` event.
    pub raised_seq: u64,
    /// When it was raised.
    pub raised_at: SimTime,
    /// Detector rule.
    pub rule: RuleId,
    /// Severity.
    pub severity: Severity,
    /// Entities concerned.
    pub entities: Vec<EntityId>,
    /// Detector score.
    pub score: f64,
    /// `seq` of the telemetry a rule matched, for rule alerts.
    pub telemetry: Option<u64>,
    /// When it first reached a queue.
    pub queued_at: Option<SimTime>,
    /// The `seq` of the event that put it in the queue it waits in now (its queue
    /// entry); `None`: it waits in no queue.
    pub queue_entry: Option<u64>,
    /// What its context queries returned.
    pub evidence: Vec<QueryResult>,
    /// Whether it is closed (verdict, escalation or expiry).
    pub closed: bool,
}

/// Progress of one campaign.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CampaignState {
    /// Executed steps.
    pub executed: Vec<bool>,
    /// When its first step executed.
    pub first_step_at: Option<SimTime>,
    /// Whether it reached its objective.
    pub impact: bool,
    /// Whether containment stopped it.
    pub stopped: bool,
}

/// Everything a run knows, folded from its events.
#[derive(Clone, Debug, Default)]
pub struct RunState {
    /// Alerts by id.
    pub alerts: Vec<AlertRecord>,
    /// Provider pools.
    pub pools: Vec<PoolState>,
    /// Customer tasks waiting (`seq` of the escalation or recommendation).
    pub customer_queue: VecDeque<(u64, AlertId)>,
    /// What each customer team member holds.
    pub customer_workers: Vec<Option<u64>>,
    /// Containment and compromise per entity.
    pub entities: Vec<EntityState>,
    /// Campaign progress.
    pub campaigns: Vec<CampaignState>,
    /// Recorded outcomes of closed cases, in order (`seq` of the provider's verdict or
    /// the customer's resolution, and the alert): the provider's own history.
    pub outcomes: Vec<(u64, AlertId)>,
    /// Telemetry records by the entity they concern, in time order.
    pub telemetry_by_entity: Vec<Vec<TelemetryEntry>>,
    /// Organizational facts by the entity they concern, in record order.
    pub facts_by_entity: Vec<Vec<FactEntry>>,
    /// The handles of what was shown to the strategy.
    pub handles: super::Handles,
    truth: GroundTruth,
}

fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Low => 0,
        Severity::Medium => 1,
        Severity::High => 2,
        Severity::Critical => 3,
    }
}

impl RunState {
    /// State before the first event.
    pub fn new(entities: usize, campaign_steps: &[usize], pools: &[u32], customer: u32) -> Self {
        RunState {
            pools: pools
                .iter()
                .map(|&n| PoolState {
                    workers: vec![None; n as usize],
                    ..Default::default()
                })
                .collect(),
            customer_workers: vec![None; customer as usize],
            entities: vec![EntityState::default(); entities],
            campaigns: campaign_steps
                .iter()
                .map(|&n| CampaignState {
                    executed: vec![false; n],
                    ..Default::default()
                })
                .collect(),
            telemetry_by_entity: vec![Vec::new(); entities],
            facts_by_entity: vec![Vec::new(); entities],
            ..Default::default()
        }
    }

    /// Forgets what lies before the retention window: telemetry observed before
    /// `cutoff`, facts that ended before it, past cases whose outcome the log no longer
    /// holds (before `base`, the log's window), and the handles of forgotten events.
    pub fn forget_before(&mut self, cutoff: SimTime, base: u64, holds: impl Fn(u64) -> bool) {
        super::index::forget_telemetry(&mut self.telemetry_by_entity, cutoff);
        super::index::forget_facts(&mut self.facts_by_entity, &holds);
        let old = self.outcomes.partition_point(|(seq, _)| *seq < base);
        self.outcomes.drain(..old);
        self.handles.forget_before(base, holds);
    }

    /// Ground truth (world side). Strategies never receive this.
    pub(crate) fn truth(&self) -> &GroundTruth {
        &self.truth
    }

    /// Waiting cases across the provider's pools.
    pub fn backlog(&self) -> usize {
        self.pools.iter().map(PoolState::backlog).sum()
    }

    fn alert(&mut self, a: AlertId) -> Option<&mut AlertRecord> {
        self.alerts.get_mut(a.index())
    }

    fn enqueue(&mut self, seq: u64, alert: AlertId, pool: u32) {
        let Some(sev) = self
            .alerts
            .get(alert.index())
            .map(|a| severity_index(a.severity))
        else {
            return;
        };
        if let Some(p) = self.pools.get_mut(pool as usize) {
            p.queues[sev].push_back((seq, alert));
        }
        if let Some(a) = self.alert(alert) {
            a.queue_entry = Some(seq);
        }
    }

    fn unqueue(&mut self, alert: AlertId) {
        let waiting = self
            .alerts
            .get(alert.index())
            .is_some_and(|a| a.queue_entry.is_some());
        if waiting {
            for p in &mut self.pools {
                p.remove(alert);
            }
            if let Some(a) = self.alert(alert) {
                a.queue_entry = None;
            }
        }
    }

    fn close(&mut self, alert: AlertId) {
        self.unqueue(alert);
        if let Some(a) = self.alert(alert) {
            a.closed = true;
        }
    }

    /// Records what `e` says happened.
    pub fn apply(&mut self, e: &Envelope) {
        match &e.payload {
            Payload::TelemetryObserved { source, entity, .. } => {
                if let Some(list) = self.telemetry_by_entity.get_mut(entity.index()) {
                    list.push(TelemetryEntry {
                        at: e.at,
                        seq: e.seq,
                        source: *source,
                    });
                }
            }
            Payload::FactRecorded {
                entity,
                from_ms,
                until_ms,
                ..
            } => {
                if let Some(list) = self.facts_by_entity.get_mut(entity.index()) {
                    list.push(FactEntry {
                        seq: e.seq,
                        from: SimTime(*from_ms),
                        until: until_ms.map(SimTime),
                    });
                }
            }
            Payload::AttackStepExecuted {
                campaign,
                step,
                objective,
                ..
            } => {
                if let Some(c) = self.campaigns.get_mut(campaign.index()) {
                    if let Some(x) = c.executed.get_mut(step.index()) {
                        *x = true;
                    }
                    c.first_step_at.get_or_insert(e.at);
                    c.impact |= *objective;
                }
            }
            Payload::AttackStepPrevented { .. } => {}
            Payload::CampaignStopped { campaign, .. } => {
                if let Some(c) = self.campaigns.get_mut(campaign.index()) {
                    c.stopped = true;
                }
            }
            Payload::AlertRaised {
                alert,
                rule,
                severity,
                entities,
                score,
                telemetry,
            } => {
                let i = alert.index();
                let record = AlertRecord {
                    raised_seq: e.seq,
                    raised_at: e.at,
                    rule: *rule,
                    severity: *severity,
                    entities: entities.clone(),
                    score: *score,
                    telemetry: *telemetry,
                    queued_at: None,
                    queue_entry: None,
                    evidence: Vec::new(),
                    closed: false,
                };
                if self.alerts.len() <= i {
                    self.alerts.resize(i + 1, record.clone());
                }
                self.alerts[i] = record;
            }
            Payload::AlertLabeled {
                alert,
                truth,
                campaign,
                step,
            } => {
                self.truth.set(
                    *alert,
                    Label {
                        truth: *truth,
                        origin: campaign.zip(*step),
                    },
                );
            }
            Payload::AlertQueued { alert, pool } => {
                if let Some(a) = self.alerts.get_mut(alert.index()) {
                    a.queued_at = Some(e.at);
                    // Shown to the strategy: the alert, then the record it matched.
                    self.handles.give(a.raised_seq);
                    if let Some(t) = a.telemetry {
                        self.handles.give(t);
                    }
                }
                self.enqueue(e.seq, *alert, *pool);
            }
            Payload::AlertExpired { alert } => self.close(*alert),
            Payload::TriageStarted {
                alert,
                pool,
                worker,
            } => {
                self.unqueue(*alert);
                if let Some(w) = self
                    .pools
                    .get_mut(*pool as usize)
                    .and_then(|p| p.workers.get_mut(*worker as usize))
                {
                    *w = Some(*alert);
                }
            }
            Payload::WorkCompleted {
                party,
                pool,
                worker,
                releases_worker,
                ..
            } => {
                if *releases_worker {
                    match party {
                        Party::Provider => {
                            if let Some(w) = self
                                .pools
                                .get_mut(*pool as usize)
                                .and_then(|p| p.workers.get_mut(*worker as usize))
                            {
                                *w = None;
                            }
                        }
                        Party::Customer => {
                            if let Some(w) = self.customer_workers.get_mut(*worker as usize) {
                                *w = None;
                            }
                        }
                    }
                }
            }
            Payload::CaseHandedOff { alert, pool, .. } => self.enqueue(e.seq, *alert, *pool),
            Payload::ContextQueried {
                alert,
                kind,
                records,
                ..
            } => {
                // Shown to the strategy: the query, then its records in order.
                self.handles.give(e.seq);
                for &r in records {
                    self.handles.give(r);
                }
                if let Some(a) = self.alert(*alert) {
                    a.evidence.push(QueryResult {
                        seq: e.seq,
                        kind: *kind,
                        records: records.clone(),
                    });
                }
            }
            Payload::VerdictReached { alert, .. } => {
                self.close(*alert);
                self.outcomes.push((e.seq, *alert));
            }
            Payload::Escalated { alert, .. } => {
                self.close(*alert);
                self.customer_queue.push_back((e.seq, *alert));
            }
            Payload::ContainmentRequested {
                alert, executor, ..
            } => {
                if *executor == Party::Customer {
                    self.customer_queue.push_back((e.seq, *alert));
                }
            }
            Payload::ContainmentReleased {
                action,
                target,
                execution,
                ..
            } => {
                if let Some(slot) = self
                    .entities
                    .get_mut(target.index())
                    .and_then(|s| s.slot(*action))
                    && *slot == Some(*execution)
                {
                    *slot = None;
                }
            }
            Payload::ContainmentExecuted { action, target, .. } => {
                if let Some(slot) = self
                    .entities
                    .get_mut(target.index())
                    .and_then(|s| s.slot(*action))
                {
                    slot.get_or_insert(e.seq);
                }
            }
            Payload::CustomerStarted { task, worker, .. } => {
                if let Some(pos) = self.customer_queue.iter().position(|(t, _)| t == task) {
                    self.customer_queue.remove(pos);
                }
                if let Some(w) = self.customer_workers.get_mut(*worker as usize) {
                    *w = Some(*task);
                }
            }
            Payload::CustomerResolved { alert, .. } => self.outcomes.push((e.seq, *alert)),
            Payload::StrategyFailed { .. } => {}
        }
    }
}
