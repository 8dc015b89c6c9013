//! The canonical metrics (DESIGN §5). A metric with no data is `None` (`null` in JSON),
//! never a silent zero. Durations are reported in seconds.

use serde::{Deserialize, Serialize};

use super::quantile::{mean, quantile};
use crate::event::{Envelope, Payload, RunHeader, Truth, Verdict};

/// Scores of one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    /// Alerts that reached the defender's queue.
    pub alerts: u64,
    /// Alerts handed to the customer's team.
    pub escalated: u64,
    /// escalated / alerts.
    pub escalation_rate: Option<f64>,
    /// Verdicts reached by the provider.
    pub verdicts: u64,
    /// Malicious verdicts on malicious alerts.
    pub tp: u64,
    /// Malicious verdicts on benign alerts.
    pub fp: u64,
    /// Benign verdicts on benign alerts.
    pub tn: u64,
    /// Benign verdicts on malicious alerts.
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// (tp + tn) / verdicts.
    pub verdict_accuracy: Option<f64>,
    /// Attack campaigns in the scenario.
    pub campaigns: u64,
    /// Campaigns stopped by containment before their objective.
    pub contained: u64,
    /// contained / campaigns.
    pub containment_rate: Option<f64>,
    /// Campaigns not contained within the horizon.
    pub censored: u64,
    /// Median time from a contained campaign's first step to the containment that
    /// stopped it, seconds.
    pub time_to_containment_p50_s: Option<f64>,
    /// Mean time from queueing to a worker picking the alert up, seconds.
    pub queue_wait_mean_s: Option<f64>,
}

impl Metrics {
    /// Folds a run's events into its metrics.
    pub fn from_events(header: &RunHeader, events: &[Envelope]) -> Metrics {
        let mut truth: Vec<Option<Truth>> = Vec::new();
        let mut queued_at: Vec<Option<u64>> = Vec::new();
        let mut first_step: Vec<Option<u64>> = vec![None; header.campaigns.len()];
        let mut waits = Vec::new();
        let mut ttc = Vec::new();
        let mut m = Metrics::empty(header.campaigns.len() as u64);
        let at_of = |seq: u64| events.get(seq as usize).map(|e| e.at.0);
        for e in events {
            match &e.payload {
                Payload::AlertLabeled {
                    alert, truth: t, ..
                } => set(&mut truth, alert.index(), *t),
                Payload::AlertQueued { alert } => {
                    m.alerts += 1;
                    set(&mut queued_at, alert.index(), e.at.0);
                }
                Payload::TriageStarted { alert, .. } => {
                    if let Some(Some(q)) = queued_at.get(alert.index()) {
                        waits.push(e.at.0.saturating_sub(*q) as f64 / 1000.0);
                    }
                }
                Payload::Escalated { .. } => m.escalated += 1,
                Payload::VerdictReached { alert, verdict, .. } => {
                    m.verdicts += 1;
                    let malicious = truth
                        .get(alert.index())
                        .copied()
                        .flatten()
                        .is_some_and(Truth::is_malicious);
                    match (verdict, malicious) {
                        (Verdict::Malicious, true) => m.tp += 1,
                        (Verdict::Malicious, false) => m.fp += 1,
                        (Verdict::Benign, false) => m.tn += 1,
                        (Verdict::Benign, true) => m.fn_ += 1,
                    }
                }
                Payload::AttackStepExecuted { campaign, .. } => {
                    if let Some(f) = first_step.get_mut(campaign.index()) {
                        f.get_or_insert(e.at.0);
                    }
                }
                Payload::CampaignStopped {
                    campaign,
                    containment,
                } => {
                    m.contained += 1;
                    let start = first_step.get(campaign.index()).copied().flatten();
                    if let (Some(s), Some(c)) = (start, at_of(*containment)) {
                        ttc.push(c.saturating_sub(s) as f64 / 1000.0);
                    }
                }
                _ => {}
            }
        }
        m.censored = m.campaigns.saturating_sub(m.contained);
        m.escalation_rate = ratio(m.escalated, m.alerts);
        m.verdict_accuracy = ratio(m.tp + m.tn, m.verdicts);
        m.containment_rate = ratio(m.contained, m.campaigns);
        m.time_to_containment_p50_s = quantile(&mut ttc, 0.5);
        m.queue_wait_mean_s = mean(&waits);
        m
    }

    fn empty(campaigns: u64) -> Metrics {
        Metrics {
            alerts: 0,
            escalated: 0,
            escalation_rate: None,
            verdicts: 0,
            tp: 0,
            fp: 0,
            tn: 0,
            fn_: 0,
            verdict_accuracy: None,
            campaigns,
            contained: 0,
            containment_rate: None,
            censored: 0,
            time_to_containment_p50_s: None,
            queue_wait_mean_s: None,
        }
    }
}

fn set<T: Copy>(v: &mut Vec<Option<T>>, i: usize, x: T) {
    if v.len() <= i {
        v.resize(i + 1, None);
    }
    v[i] = Some(x);
}

/// `num / den`, or `None` when there is nothing to divide by.
pub fn ratio(num: u64, den: u64) -> Option<f64> {
    if den == 0 {
        None
    } else {
        Some(num as f64 / den as f64)
    }
}
