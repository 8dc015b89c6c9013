//! What happened to each alert and each campaign of a run, folded from its events in
//! one pass. The metrics are computed from these records and nothing else, and the
//! records are what `alerts.parquet` and `campaigns.parquet` hold, so every metric of a
//! run can be recomputed from those two tables.

use crate::event::{
    ContainAction, Criticality, Envelope, Objective, Party, Payload, PoolKind, RunHeader,
};

pub use super::alert::{AlertRecord, TriageOutcome, Wait};

/// One campaign of one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CampaignRecord {
    /// An attack; `false` for an authorised look-alike sequence (never scored).
    pub malicious: bool,
    /// First step executed, ms.
    pub started_at_ms: Option<u64>,
    /// First of its alerts reaching the provider, ms.
    pub detected_at_ms: Option<u64>,
    /// Time of the containment that stopped it, ms — only when that containment was
    /// decided on one of the campaign's own alerts (or an escalation of one).
    pub contained_at_ms: Option<u64>,
    /// Stopped by a containment decided on another alert (a benign one, or another
    /// campaign's): luck, not detection; never counted as contained.
    pub stopped_incidentally: bool,
    /// Held back by containment at least once and neither stopped for good nor done:
    /// it resumed after a release, or was still only contained at the horizon.
    pub suppressed: bool,
    /// Reached its objective.
    pub impact: bool,
    /// Distinct entities compromised.
    pub blast_radius: u64,
    /// What its objective is (priced by the cost table).
    pub objective: Objective,
    /// What reaching it is worth, when the scenario says (overrides the table).
    pub stated_worth: Option<f64>,
}

/// Everything the metrics and the result tables need of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecords {
    /// The run's length, ms (open waits and containments end there).
    pub horizon_ms: u64,
    /// By alert id.
    pub alerts: Vec<AlertRecord>,
    /// By campaign index.
    pub campaigns: Vec<CampaignRecord>,
    /// Worker-hours the provider had on shift: analysts, experts (from the header: its
    /// pools' schedules over the horizon, busy or not).
    pub staffed_hours: [f64; 2],
    /// The first strategy error's message, so a broken strategy is visible.
    pub first_strategy_error: Option<String>,
}

/// Folds a run's events into its [`RunRecords`] one event at a time, so a run can be
/// scored as it happens without keeping its log (see [`crate::event::sink`]). Holds a
/// record per alert and per campaign, and the containments and compromises the
/// disruption measure needs; nothing per event.
pub struct RecordsFold<'h> {
    header: &'h RunHeader,
    /// Events seen so far (an alert id at or above it comes from a damaged log).
    seen: usize,
    alerts: Vec<AlertRecord>,
    campaigns: Vec<CampaignRecord>,
    targets: Vec<Vec<u32>>,
    /// When each entity was first compromised (ms): an attack step's target, or an
    /// entity a malicious alert names (the attacker's own account is not innocent).
    compromised: Vec<Option<u64>>,
    named: Vec<Vec<u32>>,
    prevented: Vec<bool>,
    /// Per alert: what it may cite (itself, its matched record, what its queries returned).
    citable: Vec<Vec<u64>>,
    /// Containments in force: execution seq → (alert, target, since ms); and ended
    /// ones as (alert, target, from, until).
    open: Vec<(u64, usize, u32, u64)>,
    closed: Vec<(usize, u32, u64, u64)>,
    /// Every containment execution: seq → (alert, ms), for the credit of a stop.
    executions: std::collections::BTreeMap<u64, (crate::ids::AlertId, u64)>,
    first_error: Option<String>,
}

impl<'h> RecordsFold<'h> {
    /// A fold for the run `header` describes.
    pub fn new(header: &'h RunHeader) -> Self {
        RecordsFold {
            header,
            seen: 0,
            alerts: Vec::new(),
            campaigns: header
                .campaigns
                .iter()
                .map(|c| CampaignRecord {
                    malicious: c.malicious,
                    objective: c.objective,
                    stated_worth: c.impact,
                    ..CampaignRecord::default()
                })
                .collect(),
            targets: vec![Vec::new(); header.campaigns.len()],
            compromised: vec![None; header.entities.len()],
            named: Vec::new(),
            prevented: vec![false; header.campaigns.len()],
            citable: Vec::new(),
            open: Vec::new(),
            closed: Vec::new(),
            executions: Default::default(),
            first_error: None,
        }
    }

    /// Takes the next event of the run.
    pub fn push(&mut self, e: &Envelope) {
        self.seen += 1;
        let at = e.at.ms();
        // Every alert has at least one event, so a valid id is below the event
        // count; a larger one (a damaged log) is ignored rather than allocated for.
        let alert = e
            .payload
            .alert()
            .map(|a| a.index())
            .filter(|&i| i < self.seen);
        if let Some(i) = alert {
            while self.alerts.len() <= i {
                self.alerts.push(AlertRecord::new(self.alerts.len() as u32));
                self.citable.push(Vec::new());
            }
        }
        if let Payload::ContainmentExecuted { alert, .. } = &e.payload {
            self.executions.insert(e.seq, (*alert, at));
        }
        let r = alert.map(|i| &mut self.alerts[i]);
        match (&e.payload, r) {
            (
                Payload::AlertRaised {
                    rule,
                    severity,
                    telemetry,
                    entities,
                    ..
                },
                Some(r),
            ) => {
                let i = r.alert as usize;
                self.named.resize(self.named.len().max(i + 1), Vec::new());
                self.named[i] = entities.iter().map(|e| e.0).collect();
                r.raised_at_ms = at;
                r.rule = *rule;
                r.severity = *severity;
                let c = &mut self.citable[r.alert as usize];
                c.push(e.seq);
                c.extend(telemetry);
            }
            (
                Payload::AlertLabeled {
                    truth, campaign, ..
                },
                Some(r),
            ) => {
                r.truth = Some(*truth);
                r.campaign = *campaign;
                if truth.is_malicious() {
                    for &t in self.named.get(r.alert as usize).into_iter().flatten() {
                        if let Some(x) = self.compromised.get_mut(t as usize) {
                            let raised = r.raised_at_ms;
                            *x = Some(x.map_or(raised, |c| c.min(raised)));
                        }
                    }
                }
                // Its entities mattered only for this label.
                if let Some(n) = self.named.get_mut(r.alert as usize) {
                    *n = Vec::new();
                }
            }
            (Payload::AlertQueued { .. }, Some(r)) => {
                r.queued_at_ms = Some(at);
                r.triage = Some(TriageOutcome::Investigated);
                r.waits.push(Wait {
                    from_ms: at,
                    until_ms: None,
                });
                if let Some(c) = r.campaign.and_then(|c| self.campaigns.get_mut(c.index())) {
                    c.detected_at_ms.get_or_insert(at);
                }
            }
            (Payload::CaseHandedOff { .. }, Some(r)) => r.waits.push(Wait {
                from_ms: at,
                until_ms: None,
            }),
            (Payload::TriageStarted { .. }, Some(r)) => {
                r.stop_waiting(at);
                if r.queued_at_ms.is_some() {
                    r.first_pickup_ms.get_or_insert(at);
                }
            }
            (Payload::StrategyFailed { message, .. }, Some(r)) => {
                r.strategy_errors += 1;
                self.first_error.get_or_insert_with(|| message.clone());
            }
            (Payload::AlertExpired { .. }, Some(r)) => {
                r.stop_waiting(at);
                r.expired = true;
            }
            (Payload::Escalated { customer_ms, .. }, Some(r)) => {
                if r.stop_waiting(at) && r.first_pickup_ms.is_none() {
                    r.triage = Some(TriageOutcome::Escalated);
                }
                r.escalated = true;
                r.customer_work_ms += customer_ms;
            }
            (Payload::ContainmentRequested { customer_ms, .. }, Some(r)) => {
                r.customer_work_ms += customer_ms
            }
            (
                Payload::VerdictReached {
                    verdict,
                    evidence,
                    confidence,
                    ..
                },
                Some(r),
            ) => {
                r.confidence = Some(*confidence);
                let c = &self.citable[r.alert as usize];
                let resolves = |s: &u64| c.contains(s);
                if r.stop_waiting(at) && r.first_pickup_ms.is_none() {
                    r.triage = Some(TriageOutcome::Dismissed);
                }
                r.verdict = Some(*verdict);
                r.verdict_at_ms = Some(at);
                r.evidence_resolves = !evidence.is_empty() && evidence.iter().all(resolves);
                // One verdict per alert: what it could cite is not needed again (a long
                // run keeps one record per alert, not every record its queries saw).
                self.citable[r.alert as usize] = Vec::new();
            }
            (Payload::CustomerResolved { verdict, .. }, Some(r)) => {
                r.customer_verdict = Some(*verdict)
            }
            (Payload::ContextQueried { records, .. }, Some(r)) => {
                r.context_queries += 1;
                self.citable[r.alert as usize].extend(records);
            }
            (
                Payload::WorkCompleted {
                    party: Party::Provider,
                    duration_ms,
                    pool,
                    ..
                },
                Some(r),
            ) => {
                r.provider_work_ms += duration_ms;
                let kind = self.header.pool_kinds.get(*pool as usize).copied();
                r.automation_actions += u64::from(kind == Some(PoolKind::Automation));
            }
            (Payload::CustomerStarted { worker, .. }, Some(r)) => {
                r.on_call_callouts += u64::from(*worker >= self.header.customer_team);
            }
            (Payload::ContainmentExecuted { target, action, .. }, Some(r)) => {
                r.false_containments += u64::from(!r.is_malicious());
                match action {
                    ContainAction::ResetCredentials => r.eradications[0] += 1,
                    ContainAction::ReimageHost => r.eradications[1] += 1,
                    ContainAction::RevokeGrant => r.eradications[2] += 1,
                    _ => {}
                }
                // An eradication is done, not in force: it disrupts nothing here.
                if !action.eradicates() {
                    self.open.push((e.seq, r.alert as usize, target.0, at));
                }
            }
            (Payload::AttackStepPrevented { campaign, .. }, _) => {
                if let Some(p) = self.prevented.get_mut(campaign.index()) {
                    *p = true;
                }
            }
            (Payload::ContainmentReleased { execution, .. }, _) => {
                if let Some(i) = self.open.iter().position(|c| c.0 == *execution) {
                    let (_, a, t, since) = self.open.swap_remove(i);
                    self.closed.push((a, t, since, at));
                }
            }
            (
                Payload::AttackStepExecuted {
                    campaign,
                    target,
                    objective,
                    ..
                },
                _,
            ) => {
                if let Some(c) = self.campaigns.get_mut(campaign.index()) {
                    c.started_at_ms.get_or_insert(at);
                    c.impact |= *objective;
                    let t = &mut self.targets[campaign.index()];
                    if !t.contains(&target.0) {
                        t.push(target.0);
                    }
                    // An authorised sequence compromises nothing.
                    if let Some(x) = self.compromised.get_mut(target.index())
                        && c.malicious
                    {
                        x.get_or_insert(at);
                    }
                }
            }
            (
                Payload::CampaignStopped {
                    campaign,
                    containment,
                },
                _,
            ) => {
                // Credit follows the decision: which alert was the containment for?
                let by = self.executions.get(containment).copied();
                let own = by.is_some_and(|(a, _)| {
                    self.alerts.get(a.index()).and_then(|r| r.campaign) == Some(*campaign)
                });
                if let Some(c) = self.campaigns.get_mut(campaign.index()) {
                    if own {
                        c.contained_at_ms = by.map(|(_, t)| t);
                    } else {
                        c.stopped_incidentally = true;
                    }
                }
            }
            _ => {}
        }
    }

    /// The records, once every event was pushed.
    pub fn finish(self) -> RunRecords {
        let RecordsFold {
            header,
            mut alerts,
            mut campaigns,
            targets,
            compromised,
            prevented,
            open,
            mut closed,
            first_error,
            ..
        } = self;
        for ((c, t), held) in campaigns.iter_mut().zip(&targets).zip(prevented) {
            c.blast_radius = t.len() as u64;
            c.suppressed =
                held && c.contained_at_ms.is_none() && !c.stopped_incidentally && !c.impact;
        }
        // Disruption: time an entity spent contained while no attack had compromised
        // it (until release, its compromise, or the horizon).
        let horizon = header.horizon_ms;
        closed.extend(
            open.into_iter()
                .map(|(_, a, t, since)| (a, t, since, horizon)),
        );
        for (a, t, from, until) in closed {
            let end = compromised
                .get(t as usize)
                .copied()
                .flatten()
                .map_or(until, |c| c.min(until));
            if let Some(r) = alerts.get_mut(a) {
                let ms = end.saturating_sub(from);
                r.disruption_ms += ms;
                let tier = header
                    .criticality
                    .get(t as usize)
                    .copied()
                    .unwrap_or(Criticality::Medium);
                r.disruption_by_tier_ms[tier as usize] += ms;
            }
        }
        let staffed = |kind: PoolKind| -> f64 {
            (header.pool_kinds.iter().zip(&header.pool_hours))
                .filter(|(k, _)| **k == kind)
                .fold(0.0, |sum, (_, h)| sum + h)
        };
        RunRecords {
            horizon_ms: header.horizon_ms,
            alerts,
            campaigns,
            staffed_hours: [staffed(PoolKind::Analyst), staffed(PoolKind::Expert)],
            first_strategy_error: first_error,
        }
    }
}

impl RunRecords {
    /// Folds a run's events.
    pub fn from_events(header: &RunHeader, events: &[Envelope]) -> RunRecords {
        let mut fold = RecordsFold::new(header);
        for e in events {
            fold.push(e);
        }
        fold.finish()
    }
}

impl crate::event::EventSink for RecordsFold<'_> {
    fn accept(&mut self, e: &Envelope) {
        self.push(e);
    }
}
