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
}

impl RunRecords {
    /// Folds a run's events.
    pub fn from_events(header: &RunHeader, events: &[Envelope]) -> RunRecords {
        let mut alerts: Vec<AlertRecord> = Vec::new();
        let mut campaigns: Vec<CampaignRecord> = header
            .campaigns
            .iter()
            .map(|c| CampaignRecord {
                malicious: c.malicious,
                objective: c.objective,
                stated_worth: c.impact,
                ..CampaignRecord::default()
            })
            .collect();
        let mut targets: Vec<Vec<u32>> = vec![Vec::new(); header.campaigns.len()];
        // When each entity was first compromised (ms): an attack step's target, or an
        // entity a malicious alert names (the attacker's own account is not innocent).
        let mut compromised: Vec<Option<u64>> = vec![None; header.entities.len()];
        let mut named: Vec<Vec<u32>> = Vec::new();
        let mut prevented: Vec<bool> = vec![false; header.campaigns.len()];
        // Per alert: what it may cite (itself, its matched record, what its queries returned).
        let mut citable: Vec<Vec<u64>> = Vec::new();
        // Containments in force: execution seq → (alert, target, since ms); and ended
        // ones as (alert, target, from, until).
        let mut open: Vec<(u64, usize, u32, u64)> = Vec::new();
        let mut closed: Vec<(usize, u32, u64, u64)> = Vec::new();
        for e in events {
            let at = e.at.ms();
            // Every alert has at least one event, so a valid id is below the event
            // count; a larger one (a damaged log) is ignored rather than allocated for.
            let alert = e
                .payload
                .alert()
                .map(|a| a.index())
                .filter(|&i| i < events.len());
            if let Some(i) = alert {
                while alerts.len() <= i {
                    alerts.push(AlertRecord::new(alerts.len() as u32));
                    citable.push(Vec::new());
                }
            }
            let r = alert.map(|i| &mut alerts[i]);
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
                    named.resize(named.len().max(i + 1), Vec::new());
                    named[i] = entities.iter().map(|e| e.0).collect();
                    r.raised_at_ms = at;
                    r.rule = *rule;
                    r.severity = *severity;
                    let c = &mut citable[r.alert as usize];
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
                        for &t in named.get(r.alert as usize).into_iter().flatten() {
                            if let Some(x) = compromised.get_mut(t as usize) {
                                let raised = r.raised_at_ms;
                                *x = Some(x.map_or(raised, |c| c.min(raised)));
                            }
                        }
                    }
                }
                (Payload::AlertQueued { .. }, Some(r)) => {
                    r.queued_at_ms = Some(at);
                    r.triage = Some(TriageOutcome::Investigated);
                    r.waits.push(Wait {
                        from_ms: at,
                        until_ms: None,
                    });
                    if let Some(c) = r.campaign.and_then(|c| campaigns.get_mut(c.index())) {
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
                (Payload::StrategyFailed { .. }, Some(r)) => r.strategy_errors += 1,
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
                    let c = &citable[r.alert as usize];
                    let resolves = |s: &u64| c.contains(s);
                    if r.stop_waiting(at) && r.first_pickup_ms.is_none() {
                        r.triage = Some(TriageOutcome::Dismissed);
                    }
                    r.verdict = Some(*verdict);
                    r.verdict_at_ms = Some(at);
                    r.evidence_resolves = !evidence.is_empty() && evidence.iter().all(resolves);
                }
                (Payload::CustomerResolved { verdict, .. }, Some(r)) => {
                    r.customer_verdict = Some(*verdict)
                }
                (Payload::ContextQueried { records, .. }, Some(r)) => {
                    r.context_queries += 1;
                    citable[r.alert as usize].extend(records);
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
                    let kind = header.pool_kinds.get(*pool as usize).copied();
                    r.automation_actions += u64::from(kind == Some(PoolKind::Automation));
                }
                (Payload::CustomerStarted { worker, .. }, Some(r)) => {
                    r.on_call_callouts += u64::from(*worker >= header.customer_team);
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
                        open.push((e.seq, r.alert as usize, target.0, at));
                    }
                }
                (Payload::AttackStepPrevented { campaign, .. }, _) => {
                    if let Some(p) = prevented.get_mut(campaign.index()) {
                        *p = true;
                    }
                }
                (Payload::ContainmentReleased { execution, .. }, _) => {
                    if let Some(i) = open.iter().position(|c| c.0 == *execution) {
                        let (_, a, t, since) = open.swap_remove(i);
                        closed.push((a, t, since, at));
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
                    if let Some(c) = campaigns.get_mut(campaign.index()) {
                        c.started_at_ms.get_or_insert(at);
                        c.impact |= *objective;
                        let t = &mut targets[campaign.index()];
                        if !t.contains(&target.0) {
                            t.push(target.0);
                        }
                        // An authorised sequence compromises nothing.
                        if let Some(x) = compromised.get_mut(target.index())
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
                    let by = events
                        .get(*containment as usize)
                        .and_then(|x| match x.payload {
                            Payload::ContainmentExecuted { alert, .. } => Some((alert, x.at.ms())),
                            _ => None,
                        });
                    let own = by.is_some_and(|(a, _)| {
                        alerts.get(a.index()).and_then(|r| r.campaign) == Some(*campaign)
                    });
                    if let Some(c) = campaigns.get_mut(campaign.index()) {
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
        }
    }

    /// The most cases waiting for a provider worker at the end of any instant.
    pub fn peak_backlog(&self) -> u64 {
        // +1 at each wait's start, −1 at its end; at equal times ends first, so the
        // count after the last start of an instant is the backlog at its end.
        let mut steps: Vec<(u64, i64)> = Vec::new();
        for w in self.alerts.iter().flat_map(|a| &a.waits) {
            steps.push((w.from_ms, 1));
            if let Some(u) = w.until_ms {
                steps.push((u, -1));
            }
        }
        steps.sort_unstable();
        let (mut now, mut peak) = (0i64, 0i64);
        for (_, d) in steps {
            now += d;
            peak = peak.max(now);
        }
        peak as u64
    }

    /// The backlog at `0, interval, 2·interval, … ≤ horizon_ms`.
    pub fn backlog_samples(&self, horizon_ms: u64, interval_ms: u64) -> Vec<(u64, u64)> {
        let waits: Vec<Wait> = self
            .alerts
            .iter()
            .flat_map(|a| a.waits.iter().copied())
            .collect();
        let mut starts: Vec<u64> = waits.iter().map(|w| w.from_ms).collect();
        let mut ends: Vec<u64> = waits.iter().filter_map(|w| w.until_ms).collect();
        starts.sort_unstable();
        ends.sort_unstable();
        let (mut s, mut e) = (0usize, 0usize);
        let mut out = Vec::new();
        let mut at = 0u64;
        while at <= horizon_ms {
            while s < starts.len() && starts[s] <= at {
                s += 1;
            }
            while e < ends.len() && ends[e] <= at {
                e += 1;
            }
            out.push((at, (s - e) as u64));
            at += interval_ms.max(1);
        }
        out
    }
}
