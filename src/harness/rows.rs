//! Per-alert, per-campaign and backlog rows of one run, folded from its events, for
//! `alerts.parquet`, `campaigns.parquet` and `backlog.parquet`.

use crate::event::{Envelope, Party, Payload, RunHeader, Truth, Verdict};
use crate::time::SimDuration;

/// Backlog is sampled at this interval.
pub const BACKLOG_INTERVAL: SimDuration = SimDuration::from_mins(15);

/// One alert of one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlertRow {
    /// Alert id within the run.
    pub alert: u64,
    /// Raised, ms since the scenario start.
    pub raised_at_ms: u64,
    /// `malicious`, `benign_positive` or `false_positive`.
    pub truth: String,
    /// Campaign name for malicious alerts.
    pub campaign: Option<String>,
    /// `source/rule`.
    pub rule: String,
    /// Severity.
    pub severity: String,
    /// When it reached the provider (null: the provider never saw it).
    pub queued_at_ms: Option<u64>,
    /// Time from queueing to first pickup, seconds.
    pub queue_wait_s: Option<f64>,
    /// Triage decision: `investigated`, `escalated`, `dismissed` (null if never seen).
    pub triage: Option<String>,
    /// Whether it was escalated.
    pub escalated: bool,
    /// Whether it was dropped under overload.
    pub expired: bool,
    /// The provider's verdict.
    pub verdict: Option<String>,
    /// When the provider's verdict was reached, ms.
    pub verdict_at_ms: Option<u64>,
    /// The customer's resolution of an escalation.
    pub customer_verdict: Option<String>,
    /// Context queries made.
    pub evidence_count: u64,
    /// Provider worker time on it, ms.
    pub provider_work_ms: u64,
}

/// One campaign of one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CampaignRow {
    /// Campaign index.
    pub campaign: u64,
    /// Name.
    pub name: String,
    /// First step executed, ms.
    pub started_at_ms: Option<u64>,
    /// First campaign alert reaching the provider, ms.
    pub detected_at_ms: Option<u64>,
    /// Time of the containment that stopped it, ms.
    pub contained_at_ms: Option<u64>,
    /// Not contained within the horizon.
    pub censored: bool,
    /// Reached its objective.
    pub impact: bool,
    /// Distinct entities compromised.
    pub blast_radius: u64,
}

/// The provider's backlog at one sample time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BacklogRow {
    /// Sample time, ms.
    pub at_ms: u64,
    /// Cases waiting for a provider worker at that time.
    pub backlog: u64,
}

fn truth_name(t: Truth) -> &'static str {
    match t {
        Truth::Malicious => "malicious",
        Truth::BenignPositive => "benign_positive",
        Truth::FalsePositive => "false_positive",
    }
}

fn verdict_name(v: Verdict) -> String {
    match v {
        Verdict::Malicious => "malicious".into(),
        Verdict::Benign => "benign".into(),
    }
}

/// Folds a run's events into its rows.
pub fn fold(
    header: &RunHeader,
    events: &[Envelope],
) -> (Vec<AlertRow>, Vec<CampaignRow>, Vec<BacklogRow>) {
    let mut alerts: Vec<AlertRow> = Vec::new();
    let mut camps: Vec<CampaignRow> = header
        .campaigns
        .iter()
        .enumerate()
        .map(|(i, c)| CampaignRow {
            campaign: i as u64,
            name: c.name.clone(),
            ..Default::default()
        })
        .collect();
    let mut targets: Vec<Vec<u32>> = vec![Vec::new(); camps.len()];
    let mut waiting = vec![false; 0];
    let (mut backlog, mut next_sample, mut samples) = (0u64, 0u64, Vec::new());
    let step = BACKLOG_INTERVAL.ms();
    for e in events {
        while next_sample < e.at.ms() && next_sample <= header.horizon_ms {
            samples.push(BacklogRow {
                at_ms: next_sample,
                backlog,
            });
            next_sample += step;
        }
        let a = e.payload.alert().map(|a| a.index());
        if let Some(i) = a
            && alerts.len() <= i
        {
            alerts.resize(i + 1, AlertRow::default());
            waiting.resize(i + 1, false);
        }
        let unwait = |waiting: &mut Vec<bool>, i: usize, backlog: &mut u64| {
            if waiting[i] {
                waiting[i] = false;
                *backlog -= 1;
            }
        };
        match &e.payload {
            Payload::AlertRaised {
                alert,
                rule,
                severity,
                ..
            } => {
                let r = &mut alerts[alert.index()];
                r.alert = alert.0 as u64;
                r.raised_at_ms = e.at.ms();
                r.rule = header
                    .rules
                    .get(rule.index())
                    .map_or_else(String::new, |r| format!("{}/{}", r.source, r.name));
                r.severity = severity.as_str().into();
            }
            Payload::AlertLabeled {
                alert,
                truth,
                campaign,
                ..
            } => {
                let r = &mut alerts[alert.index()];
                r.truth = truth_name(*truth).into();
                r.campaign = campaign
                    .and_then(|c| header.campaigns.get(c.index()))
                    .map(|c| c.name.clone());
            }
            Payload::AlertQueued { alert, .. } => {
                let r = &mut alerts[alert.index()];
                r.queued_at_ms = Some(e.at.ms());
                r.triage = Some("investigated".into());
                waiting[alert.index()] = true;
                backlog += 1;
                if let Some(c) = r
                    .campaign
                    .as_ref()
                    .and_then(|n| camps.iter_mut().find(|c| &c.name == n))
                {
                    c.detected_at_ms.get_or_insert(e.at.ms());
                }
            }
            Payload::CaseHandedOff { alert, .. } => {
                waiting[alert.index()] = true;
                backlog += 1;
            }
            Payload::TriageStarted { alert, .. } => {
                unwait(&mut waiting, alert.index(), &mut backlog);
                let r = &mut alerts[alert.index()];
                if r.queue_wait_s.is_none() {
                    r.queue_wait_s = r.queued_at_ms.map(|q| (e.at.ms() - q) as f64 / 1000.0);
                }
            }
            Payload::AlertExpired { alert } => {
                unwait(&mut waiting, alert.index(), &mut backlog);
                alerts[alert.index()].expired = true;
            }
            Payload::Escalated { alert, .. } => {
                let was_waiting = waiting[alert.index()];
                unwait(&mut waiting, alert.index(), &mut backlog);
                let r = &mut alerts[alert.index()];
                r.escalated = true;
                if was_waiting && r.queue_wait_s.is_none() {
                    r.triage = Some("escalated".into());
                }
            }
            Payload::VerdictReached { alert, verdict, .. } => {
                let was_waiting = waiting[alert.index()];
                unwait(&mut waiting, alert.index(), &mut backlog);
                let r = &mut alerts[alert.index()];
                r.verdict = Some(verdict_name(*verdict));
                r.verdict_at_ms = Some(e.at.ms());
                if was_waiting && r.queue_wait_s.is_none() {
                    r.triage = Some("dismissed".into());
                }
            }
            Payload::CustomerResolved { alert, verdict, .. } => {
                alerts[alert.index()].customer_verdict = Some(verdict_name(*verdict))
            }
            Payload::ContextQueried { alert, .. } => alerts[alert.index()].evidence_count += 1,
            Payload::WorkCompleted {
                alert,
                party: Party::Provider,
                duration_ms,
                ..
            } => alerts[alert.index()].provider_work_ms += duration_ms,
            Payload::AttackStepExecuted {
                campaign,
                target,
                objective,
                ..
            } => {
                if let Some(c) = camps.get_mut(campaign.index()) {
                    c.started_at_ms.get_or_insert(e.at.ms());
                    c.impact |= *objective;
                    if !targets[campaign.index()].contains(&target.0) {
                        targets[campaign.index()].push(target.0);
                    }
                }
            }
            Payload::CampaignStopped {
                campaign,
                containment,
            } => {
                if let Some(c) = camps.get_mut(campaign.index()) {
                    c.contained_at_ms = events.get(*containment as usize).map(|x| x.at.ms());
                }
            }
            _ => {}
        }
    }
    while next_sample <= header.horizon_ms {
        samples.push(BacklogRow {
            at_ms: next_sample,
            backlog,
        });
        next_sample += step;
    }
    for (c, t) in camps.iter_mut().zip(&targets) {
        c.blast_radius = t.len() as u64;
        c.censored = c.contained_at_ms.is_none();
    }
    (alerts, camps, samples)
}
