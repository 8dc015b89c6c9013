//! [`RunState`]: alerts, the queue, workers, containment and campaign progress. `apply`
//! only records what an event says; every decision is made elsewhere.

use std::collections::VecDeque;

use crate::event::{ContainAction, Envelope, Payload};
use crate::ids::{AlertId, EntityId, RuleId};
use crate::scenario::Severity;
use crate::time::SimTime;

use super::truth::{GroundTruth, Label};

/// What is known about one alert.
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
    /// When it reached the queue.
    pub queued_at: Option<SimTime>,
    /// When a worker picked it up.
    pub started_at: Option<SimTime>,
    /// `seq`s of context results gathered for it.
    pub evidence: Vec<u64>,
    /// When it was closed (verdict or escalation).
    pub closed_at: Option<SimTime>,
}

/// Containment applied to an entity: the `seq` of the first executed action, if any.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EntityState {
    /// The containment that took effect on it.
    pub contained: Option<(ContainAction, u64)>,
    /// Whether an executed attack step compromised it.
    pub compromised: bool,
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
    /// Alerts waiting for a worker, in arrival order.
    pub queue: VecDeque<AlertId>,
    /// What each worker is doing.
    pub workers: Vec<Option<AlertId>>,
    /// Containment and compromise per entity.
    pub entities: Vec<EntityState>,
    /// Campaign progress.
    pub campaigns: Vec<CampaignState>,
    truth: GroundTruth,
}

impl RunState {
    /// State before the first event.
    pub fn new(entities: usize, campaign_steps: &[usize], workers: usize) -> Self {
        RunState {
            workers: vec![None; workers],
            entities: vec![EntityState::default(); entities],
            campaigns: campaign_steps
                .iter()
                .map(|&n| CampaignState {
                    executed: vec![false; n],
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    /// Ground truth (world side). Strategies never receive this.
    pub(crate) fn truth(&self) -> &GroundTruth {
        &self.truth
    }

    /// The first idle worker.
    pub fn idle_worker(&self) -> Option<u32> {
        self.workers
            .iter()
            .position(|w| w.is_none())
            .map(|i| i as u32)
    }

    /// Records what `e` says happened.
    pub fn apply(&mut self, e: &Envelope) {
        match &e.payload {
            Payload::AttackStepExecuted {
                campaign,
                step,
                target,
                objective,
            } => {
                if let Some(c) = self.campaigns.get_mut(campaign.index()) {
                    if let Some(x) = c.executed.get_mut(step.index()) {
                        *x = true;
                    }
                    c.first_step_at.get_or_insert(e.at);
                    c.impact |= *objective;
                }
                if let Some(s) = self.entities.get_mut(target.index()) {
                    s.compromised = true;
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
            } => {
                let i = alert.index();
                if self.alerts.len() <= i {
                    self.alerts.resize(i + 1, AlertRecord::placeholder());
                }
                self.alerts[i] = AlertRecord {
                    raised_seq: e.seq,
                    raised_at: e.at,
                    rule: *rule,
                    severity: *severity,
                    entities: entities.clone(),
                    score: *score,
                    queued_at: None,
                    started_at: None,
                    evidence: Vec::new(),
                    closed_at: None,
                };
            }
            Payload::AlertLabeled {
                alert,
                truth,
                campaign,
                step,
            } => {
                let origin = campaign.zip(*step);
                self.truth.set(
                    *alert,
                    Label {
                        truth: *truth,
                        origin,
                    },
                );
            }
            Payload::AlertQueued { alert } => {
                if let Some(a) = self.alerts.get_mut(alert.index()) {
                    a.queued_at = Some(e.at);
                }
                self.queue.push_back(*alert);
            }
            Payload::TriageStarted { alert, worker } => {
                if let Some(pos) = self.queue.iter().position(|a| a == alert) {
                    self.queue.remove(pos);
                }
                let w = *worker as usize;
                if self.workers.len() <= w {
                    self.workers.resize(w + 1, None);
                }
                self.workers[w] = Some(*alert);
                if let Some(a) = self.alerts.get_mut(alert.index()) {
                    a.started_at = Some(e.at);
                }
            }
            Payload::ContextQueried { alert, .. } => {
                if let Some(a) = self.alerts.get_mut(alert.index()) {
                    a.evidence.push(e.seq);
                }
            }
            Payload::VerdictReached { alert, .. } | Payload::Escalated { alert, .. } => {
                if let Some(pos) = self.queue.iter().position(|a| a == alert) {
                    self.queue.remove(pos);
                }
                if let Some(a) = self.alerts.get_mut(alert.index()) {
                    a.closed_at = Some(e.at);
                }
                for w in self.workers.iter_mut().filter(|w| **w == Some(*alert)) {
                    *w = None;
                }
            }
            Payload::ContainmentRequested { .. } => {}
            Payload::ContainmentExecuted { action, target, .. } => {
                if let Some(s) = self.entities.get_mut(target.index()) {
                    s.contained.get_or_insert((*action, e.seq));
                }
            }
            Payload::StrategyFailed { .. } => {}
        }
    }
}

impl AlertRecord {
    fn placeholder() -> Self {
        AlertRecord {
            raised_seq: 0,
            raised_at: SimTime::ZERO,
            rule: RuleId(0),
            severity: Severity::Low,
            entities: Vec::new(),
            score: 0.0,
            queued_at: None,
            started_at: None,
            evidence: Vec::new(),
            closed_at: None,
        }
    }
}
