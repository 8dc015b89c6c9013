//! One event's values by column, and the names of enumerated values (see
//! [`super::columns`]).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::event::Payload;

pub(super) type Map = BTreeMap<Arc<str>, Arc<str>>;

/// One event's values, by column (`None`: null).
#[derive(Default)]
pub(super) struct Row<'e> {
    pub(super) alert: Option<u32>,
    pub(super) entity: Option<u32>,
    pub(super) campaign: Option<u32>,
    pub(super) step: Option<u32>,
    pub(super) objective: Option<bool>,
    pub(super) containment: Option<u64>,
    pub(super) source: Option<u32>,
    pub(super) kind: Option<Cow<'e, str>>,
    pub(super) fields: Option<&'e Map>,
    pub(super) from_ms: Option<u64>,
    pub(super) until_ms: Option<u64>,
    pub(super) rule: Option<u32>,
    pub(super) severity: Option<Arc<str>>,
    pub(super) score: Option<f64>,
    pub(super) telemetry: Option<u64>,
    pub(super) entities: Option<Vec<u32>>,
    pub(super) truth: Option<Arc<str>>,
    pub(super) pool: Option<u32>,
    pub(super) worker: Option<u32>,
    pub(super) party: Option<Arc<str>>,
    pub(super) action: Option<Arc<str>>,
    pub(super) duration_ms: Option<u64>,
    pub(super) releases_worker: Option<bool>,
    pub(super) reason: Option<&'e str>,
    pub(super) records: Option<&'e [u64]>,
    pub(super) cost_ms: Option<u64>,
    pub(super) verdict: Option<Arc<str>>,
    pub(super) confidence: Option<f64>,
    pub(super) evidence: Option<&'e [u64]>,
    pub(super) rationale: Option<&'e str>,
    pub(super) customer_ms: Option<u64>,
    pub(super) by: Option<Arc<str>>,
    pub(super) executor: Option<Arc<str>>,
    pub(super) request: Option<u64>,
    pub(super) execution: Option<u64>,
    pub(super) task: Option<u64>,
    pub(super) message: Option<&'e str>,
}

/// Enumerated values' names, one list per enum type.
#[derive(Default)]
pub(super) struct Enums {
    severity: Names<crate::event::Severity>,
    truth: Names<crate::event::Truth>,
    party: Names<crate::event::Party>,
    work: Names<crate::event::ActionKind>,
    contain: Names<crate::event::ContainAction>,
    context: Names<crate::event::ContextKind>,
    verdict: Names<crate::event::Verdict>,
}

/// Names of one enum's values, as serde writes them (serde runs once per distinct
/// value, not once per event).
struct Names<E>(Vec<(E, Arc<str>)>);

impl<E> Default for Names<E> {
    fn default() -> Self {
        Names(Vec::new())
    }
}

impl<E: Copy + PartialEq + Serialize> Names<E> {
    fn of(&mut self, e: E) -> Arc<str> {
        if let Some((_, n)) = self.0.iter().find(|(k, _)| *k == e) {
            return n.clone();
        }
        let name: Arc<str> = serde_json::to_value(e)
            .ok()
            .and_then(|v| v.as_str().map(Arc::from))
            .unwrap_or_else(|| Arc::from(""));
        self.0.push((e, name.clone()));
        name
    }
}

impl Enums {
    pub(super) fn row<'e>(&mut self, p: &'e Payload) -> Row<'e> {
        use Payload as P;
        let mut r = Row {
            alert: p.alert().map(|a| a.0),
            entity: p.entity().map(|e| e.0),
            campaign: p.campaign().map(|c| c.0),
            ..Row::default()
        };
        match p {
            P::TelemetryObserved { source, fields, .. } => {
                r.source = Some(*source);
                r.fields = Some(fields);
            }
            P::FactRecorded {
                kind,
                fields,
                from_ms,
                until_ms,
                ..
            } => {
                r.kind = Some(Cow::Borrowed(kind));
                r.fields = Some(fields);
                r.from_ms = Some(*from_ms);
                r.until_ms = *until_ms;
            }
            P::AttackStepExecuted {
                step, objective, ..
            } => {
                r.step = Some(step.0);
                r.objective = Some(*objective);
            }
            P::AttackStepPrevented {
                step, containment, ..
            } => {
                r.step = Some(step.0);
                r.containment = Some(*containment);
            }
            P::CampaignStopped { containment, .. } => r.containment = Some(*containment),
            P::AlertRaised {
                rule,
                severity,
                entities,
                score,
                telemetry,
                ..
            } => {
                r.rule = Some(rule.0);
                r.severity = Some(self.severity.of(*severity));
                r.entities = Some(entities.iter().map(|e| e.0).collect());
                r.score = Some(*score);
                r.telemetry = *telemetry;
            }
            P::AlertLabeled {
                truth,
                campaign,
                step,
                ..
            } => {
                r.truth = Some(self.truth.of(*truth));
                r.campaign = campaign.map(|c| c.0);
                r.step = step.map(|s| s.0);
            }
            P::AlertQueued { pool, .. } => r.pool = Some(*pool),
            P::AlertExpired { .. } => {}
            P::TriageStarted { pool, worker, .. } => {
                r.pool = Some(*pool);
                r.worker = Some(*worker);
            }
            P::WorkCompleted {
                party,
                pool,
                worker,
                action,
                duration_ms,
                releases_worker,
                ..
            } => {
                r.party = Some(self.party.of(*party));
                r.pool = Some(*pool);
                r.worker = Some(*worker);
                r.action = Some(self.work.of(*action));
                r.duration_ms = Some(*duration_ms);
                r.releases_worker = Some(*releases_worker);
            }
            P::CaseHandedOff { pool, reason, .. } => {
                r.pool = Some(*pool);
                r.reason = Some(reason);
            }
            P::ContextQueried {
                kind,
                records,
                cost_ms,
                ..
            } => {
                r.kind = Some(Cow::Owned(self.context.of(*kind).to_string()));
                r.records = Some(records);
                r.cost_ms = Some(*cost_ms);
            }
            P::VerdictReached {
                verdict,
                confidence,
                evidence,
                rationale,
                ..
            } => {
                r.verdict = Some(self.verdict.of(*verdict));
                r.confidence = Some(*confidence);
                r.evidence = Some(evidence);
                r.rationale = Some(rationale);
            }
            P::Escalated {
                reason,
                customer_ms,
                ..
            } => {
                r.reason = Some(reason);
                r.customer_ms = Some(*customer_ms);
            }
            P::ContainmentRequested {
                action,
                by,
                executor,
                customer_ms,
                ..
            } => {
                r.action = Some(self.contain.of(*action));
                r.by = Some(self.party.of(*by));
                r.executor = Some(self.party.of(*executor));
                r.customer_ms = Some(*customer_ms);
            }
            P::ContainmentExecuted {
                action,
                request,
                by,
                ..
            } => {
                r.action = Some(self.contain.of(*action));
                r.request = Some(*request);
                r.by = Some(self.party.of(*by));
            }
            P::ContainmentReleased {
                action,
                execution,
                by,
                ..
            } => {
                r.action = Some(self.contain.of(*action));
                r.execution = Some(*execution);
                r.by = Some(self.party.of(*by));
            }
            P::CustomerStarted { task, worker, .. } => {
                r.task = Some(*task);
                r.worker = Some(*worker);
            }
            P::CustomerResolved { verdict, task, .. } => {
                r.verdict = Some(self.verdict.of(*verdict));
                r.task = Some(*task);
            }
            P::StrategyFailed { message, .. } => r.message = Some(message),
        }
        r
    }
}
