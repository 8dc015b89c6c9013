//! The canonical metrics (DESIGN §5; definitions in `docs/metrics.md`). A metric with no
//! data is `None` (`null` in JSON), never a silent zero. Durations are in seconds, work
//! in hours.

use serde::{Deserialize, Serialize};

use super::quantile::{mean, quantile};
use crate::event::{Envelope, Party, Payload, RunHeader, Truth, Verdict};

/// Scores of one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    /// Alerts that reached the provider.
    pub alerts: u64,
    /// Alerts handed to the customer's team.
    pub escalated: u64,
    /// escalated / alerts.
    pub escalation_rate: Option<f64>,
    /// Alerts closed with a provider verdict (no escalation) / alerts.
    pub autonomous_rate: Option<f64>,
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
    /// tp / (tp + fp).
    pub precision: Option<f64>,
    /// tp / (tp + fn).
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
    /// Malicious alerts given a benign verdict or dropped (expired).
    pub missed: u64,
    /// Correct final verdicts (provider's, or the customer's for escalations) / alerts
    /// with a final verdict.
    pub final_accuracy: Option<f64>,
    /// Attack campaigns in the scenario.
    pub campaigns: u64,
    /// Campaigns stopped by containment before their objective.
    pub contained: u64,
    /// contained / campaigns.
    pub containment_rate: Option<f64>,
    /// Campaigns not contained within the horizon.
    pub censored: u64,
    /// Campaigns that reached their objective.
    pub impacted: u64,
    /// Median over detected campaigns of (first alert reaching the provider − first step).
    pub time_to_detect_p50_s: Option<f64>,
    /// Median over contained campaigns of (containment that stopped it − first step).
    pub time_to_containment_p50_s: Option<f64>,
    /// 90th percentile of the same.
    pub time_to_containment_p90_s: Option<f64>,
    /// Mean over started campaigns of the distinct entities they compromised.
    pub blast_radius_mean: Option<f64>,
    /// Mean time from queueing to first pickup.
    pub queue_wait_mean_s: Option<f64>,
    /// Median queue wait.
    pub queue_wait_p50_s: Option<f64>,
    /// 90th percentile queue wait.
    pub queue_wait_p90_s: Option<f64>,
    /// 99th percentile queue wait.
    pub queue_wait_p99_s: Option<f64>,
    /// Most cases waiting for a provider worker at the end of any instant.
    pub peak_backlog: u64,
    /// Provider worker time, hours.
    pub provider_work_hours: f64,
    /// Customer team time the service pushed onto the customer (escalations to
    /// resolve, recommended containment to execute), hours, whether or not the team got
    /// to it within the horizon.
    pub customer_work_hours: f64,
    /// Containment executed on entities no attack step had compromised.
    pub false_containments: u64,
    /// Verdicts whose evidence chain resolves to earlier events of the same case /
    /// verdicts.
    pub evidence_coverage: Option<f64>,
}

#[derive(Default)]
struct Campaign {
    first_step: Option<u64>,
    first_alert: Option<u64>,
    contained_at: Option<u64>,
    impact: bool,
    targets: Vec<u32>,
}

impl Metrics {
    /// Folds a run's events into its metrics.
    pub fn from_events(header: &RunHeader, events: &[Envelope]) -> Metrics {
        let n = header.campaigns.len();
        let mut truth: Vec<Option<(Truth, Option<u32>)>> = Vec::new();
        let mut queued_at: Vec<Option<u64>> = Vec::new();
        let mut started: Vec<bool> = Vec::new();
        let mut waiting: Vec<bool> = Vec::new();
        let mut compromised: Vec<bool> = vec![false; header.entities.len()];
        let mut camps: Vec<Campaign> = (0..n).map(|_| Campaign::default()).collect();
        let (mut waits, mut backlog, mut peak) = (Vec::new(), 0u64, 0u64);
        let (mut provider_ms, mut customer_ms_owed) = (0u64, 0u64);
        let (mut final_right, mut final_total, mut covered) = (0u64, 0u64, 0u64);
        let mut m = Metrics::empty(n as u64);
        let at_of = |seq: u64| events.get(seq as usize).map(|e| e.at.0);
        let is_malicious = |truth: &Vec<Option<(Truth, Option<u32>)>>, a: usize| {
            truth
                .get(a)
                .copied()
                .flatten()
                .is_some_and(|(t, _)| t.is_malicious())
        };
        let mut instant = None;
        for e in events {
            // The backlog is measured at the end of each instant, so cases taken up the
            // moment they arrive never count as waiting.
            if instant != Some(e.at) {
                peak = peak.max(backlog);
                instant = Some(e.at);
            }
            let mut unwait = |a: usize, backlog: &mut u64| {
                if waiting.get(a).copied().unwrap_or(false) {
                    waiting[a] = false;
                    *backlog -= 1;
                }
            };
            match &e.payload {
                Payload::AlertLabeled {
                    alert,
                    truth: t,
                    campaign,
                    ..
                } => set(&mut truth, alert.index(), (*t, campaign.map(|c| c.0))),
                Payload::AlertQueued { alert, .. } => {
                    m.alerts += 1;
                    set(&mut queued_at, alert.index(), e.at.0);
                    flag(&mut waiting, alert.index(), true);
                    backlog += 1;
                    if let Some(Some((_, Some(c)))) = truth.get(alert.index())
                        && let Some(camp) = camps.get_mut(*c as usize)
                    {
                        camp.first_alert.get_or_insert(e.at.0);
                    }
                }
                Payload::CaseHandedOff { alert, .. } => {
                    flag(&mut waiting, alert.index(), true);
                    backlog += 1;
                }
                Payload::TriageStarted { alert, .. } => {
                    let a = alert.index();
                    unwait(a, &mut backlog);
                    if !started.get(a).copied().unwrap_or(false) {
                        flag(&mut started, a, true);
                        if let Some(Some(q)) = queued_at.get(a) {
                            waits.push(e.at.0.saturating_sub(*q) as f64 / 1000.0);
                        }
                    }
                }
                Payload::AlertExpired { alert } => {
                    unwait(alert.index(), &mut backlog);
                    if is_malicious(&truth, alert.index()) {
                        m.missed += 1;
                    }
                }
                Payload::Escalated {
                    alert, customer_ms, ..
                } => {
                    unwait(alert.index(), &mut backlog);
                    m.escalated += 1;
                    customer_ms_owed += customer_ms;
                }
                Payload::ContainmentRequested { customer_ms, .. } => {
                    customer_ms_owed += customer_ms
                }
                Payload::VerdictReached {
                    alert,
                    verdict,
                    evidence,
                    ..
                } => {
                    unwait(alert.index(), &mut backlog);
                    m.verdicts += 1;
                    let malicious = is_malicious(&truth, alert.index());
                    match (verdict, malicious) {
                        (Verdict::Malicious, true) => m.tp += 1,
                        (Verdict::Malicious, false) => m.fp += 1,
                        (Verdict::Benign, false) => m.tn += 1,
                        (Verdict::Benign, true) => {
                            m.fn_ += 1;
                            m.missed += 1;
                        }
                    }
                    final_total += 1;
                    final_right += u64::from((*verdict == Verdict::Malicious) == malicious);
                    let resolves = |s: &u64| {
                        *s < e.seq
                            && events.get(*s as usize).is_some_and(|c| {
                                c.payload.alert() == Some(*alert)
                                    || matches!(c.payload, Payload::TelemetryObserved { .. })
                            })
                    };
                    covered += u64::from(!evidence.is_empty() && evidence.iter().all(resolves));
                }
                Payload::CustomerResolved { alert, verdict, .. } => {
                    final_total += 1;
                    final_right += u64::from(
                        (*verdict == Verdict::Malicious) == is_malicious(&truth, alert.index()),
                    );
                }
                Payload::WorkCompleted {
                    party: Party::Provider,
                    duration_ms,
                    ..
                } => provider_ms += duration_ms,
                Payload::AttackStepExecuted {
                    campaign,
                    target,
                    objective,
                    ..
                } => {
                    if let Some(c) = camps.get_mut(campaign.index()) {
                        c.first_step.get_or_insert(e.at.0);
                        c.impact |= *objective;
                        if !c.targets.contains(&target.0) {
                            c.targets.push(target.0);
                        }
                    }
                    if let Some(x) = compromised.get_mut(target.index()) {
                        *x = true;
                    }
                }
                Payload::CampaignStopped {
                    campaign,
                    containment,
                } => {
                    if let Some(c) = camps.get_mut(campaign.index()) {
                        c.contained_at = at_of(*containment);
                    }
                }
                Payload::ContainmentExecuted { target, .. }
                    if !compromised.get(target.index()).copied().unwrap_or(false) =>
                {
                    m.false_containments += 1;
                }
                _ => {}
            }
        }
        peak = peak.max(backlog);
        let (mut ttd, mut ttc, mut radius) = (Vec::new(), Vec::new(), Vec::new());
        for c in &camps {
            let Some(start) = c.first_step else { continue };
            radius.push(c.targets.len() as f64);
            m.impacted += u64::from(c.impact);
            if let Some(a) = c.first_alert {
                ttd.push(a.saturating_sub(start) as f64 / 1000.0);
            }
        }
        for c in camps.iter().filter(|c| c.contained_at.is_some()) {
            m.contained += 1;
            if let (Some(s), Some(at)) = (c.first_step, c.contained_at) {
                ttc.push(at.saturating_sub(s) as f64 / 1000.0);
            }
        }
        m.censored = m.campaigns.saturating_sub(m.contained);
        m.escalation_rate = ratio(m.escalated, m.alerts);
        m.autonomous_rate = ratio(m.verdicts, m.alerts);
        m.verdict_accuracy = ratio(m.tp + m.tn, m.verdicts);
        m.precision = ratio(m.tp, m.tp + m.fp);
        m.recall = ratio(m.tp, m.tp + m.fn_);
        m.f1 = match (m.precision, m.recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
        m.final_accuracy = ratio(final_right, final_total);
        m.containment_rate = ratio(m.contained, m.campaigns);
        m.time_to_detect_p50_s = quantile(&mut ttd, 0.5);
        m.time_to_containment_p50_s = quantile(&mut ttc, 0.5);
        m.time_to_containment_p90_s = quantile(&mut ttc, 0.9);
        m.blast_radius_mean = mean(&radius);
        m.queue_wait_mean_s = mean(&waits);
        m.queue_wait_p50_s = quantile(&mut waits, 0.5);
        m.queue_wait_p90_s = quantile(&mut waits, 0.9);
        m.queue_wait_p99_s = quantile(&mut waits, 0.99);
        m.peak_backlog = peak;
        m.provider_work_hours = provider_ms as f64 / 3_600_000.0;
        m.customer_work_hours = customer_ms_owed as f64 / 3_600_000.0;
        m.evidence_coverage = ratio(covered, m.verdicts);
        m
    }

    /// Metrics of a run in which nothing happened (every count 0, every rate null).
    pub fn empty(campaigns: u64) -> Metrics {
        Metrics {
            alerts: 0,
            escalated: 0,
            escalation_rate: None,
            autonomous_rate: None,
            verdicts: 0,
            tp: 0,
            fp: 0,
            tn: 0,
            fn_: 0,
            verdict_accuracy: None,
            precision: None,
            recall: None,
            f1: None,
            missed: 0,
            final_accuracy: None,
            campaigns,
            contained: 0,
            containment_rate: None,
            censored: 0,
            impacted: 0,
            time_to_detect_p50_s: None,
            time_to_containment_p50_s: None,
            time_to_containment_p90_s: None,
            blast_radius_mean: None,
            queue_wait_mean_s: None,
            queue_wait_p50_s: None,
            queue_wait_p90_s: None,
            queue_wait_p99_s: None,
            peak_backlog: 0,
            provider_work_hours: 0.0,
            customer_work_hours: 0.0,
            false_containments: 0,
            evidence_coverage: None,
        }
    }
}

fn set<T: Copy>(v: &mut Vec<Option<T>>, i: usize, x: T) {
    if v.len() <= i {
        v.resize(i + 1, None);
    }
    v[i] = Some(x);
}

fn flag(v: &mut Vec<bool>, i: usize, x: bool) {
    if v.len() <= i {
        v.resize(i + 1, false);
    }
    v[i] = x;
}

/// `num / den`, or `None` when there is nothing to divide by.
pub fn ratio(num: u64, den: u64) -> Option<f64> {
    if den == 0 {
        None
    } else {
        Some(num as f64 / den as f64)
    }
}
