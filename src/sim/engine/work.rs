//! Workers on cases: each action takes handling time, then the strategy decides what
//! comes next (a query, a verdict with containment, an escalation, a hand-off); what it
//! may see is built here, and only here.

use super::{Engine, Job, Pending};
use crate::event::{ActionKind, Party, Payload, Truth, Verdict};
use crate::ids::AlertId;
use crate::random::Purpose;
use crate::strategy::view::{AlertView, CaseView, Decision, Records};
use crate::strategy::{Policy, TruthDoor};
use crate::time::SimTime;

impl Engine<'_> {
    pub(super) fn start_action(
        &mut self,
        now: SimTime,
        alert: AlertId,
        pool: u32,
        worker: u32,
        action: Pending,
    ) {
        let h = &self.decider.provider.pools[pool as usize].handling;
        let (dist, code) = match &action {
            Pending::Triage => (&h.triage, 0),
            Pending::Query(k) => (h.query(*k), 1 + *k as u64),
            Pending::Verdict { .. } => (&h.verdict, 5),
            Pending::Containment(_) | Pending::Precaution(_) => (&h.containment, 6),
        };
        let mut key = self.origins[alert.index()].key(self.sc).to_vec();
        key.extend([pool as u64, code]);
        let d = dist.sample(&mut self.seeds.stream(Purpose::Handling, &key));
        self.agenda.schedule(
            now.after(d),
            Job::ActionDone {
                alert,
                pool,
                worker,
                started: now,
                action,
            },
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn work_done(
        &mut self,
        now: SimTime,
        alert: AlertId,
        pool: u32,
        worker: u32,
        started: SimTime,
        action: ActionKind,
        releases_worker: bool,
    ) {
        let duration_ms = now.since(started).ms();
        self.emit(
            now,
            Payload::WorkCompleted {
                alert,
                party: Party::Provider,
                pool,
                worker,
                action,
                duration_ms,
                releases_worker,
            },
        );
    }

    pub(super) fn action_done(
        &mut self,
        now: SimTime,
        alert: AlertId,
        pool: u32,
        worker: u32,
        started: SimTime,
        action: Pending,
    ) {
        match action {
            Pending::Triage | Pending::Query(_) => {
                let kind = if let Pending::Query(k) = action {
                    self.context_result(now, alert, k, now.since(started));
                    ActionKind::Query
                } else {
                    ActionKind::Triage
                };
                let decision = self.decide(now, alert, pool);
                self.follow(now, alert, pool, worker, started, kind, decision);
            }
            Pending::Verdict {
                verdict,
                confidence,
                evidence,
                rationale,
                contain,
            } => {
                let contain = if verdict == Verdict::Malicious {
                    contain
                } else {
                    Vec::new()
                };
                let pre = self.pre_approved(&contain);
                self.work_done(
                    now,
                    alert,
                    pool,
                    worker,
                    started,
                    ActionKind::Verdict,
                    pre.is_empty(),
                );
                let evidence = self.cited(alert, evidence);
                self.emit(
                    now,
                    Payload::VerdictReached {
                        alert,
                        verdict,
                        confidence,
                        evidence,
                        rationale,
                    },
                );
                if verdict == Verdict::Benign {
                    self.release_precautions(now, alert);
                }
                self.recommend(now, alert, &contain);
                if !pre.is_empty() {
                    self.start_action(now, alert, pool, worker, Pending::Containment(pre));
                }
            }
            Pending::Containment(reqs) => {
                self.work_done(
                    now,
                    alert,
                    pool,
                    worker,
                    started,
                    ActionKind::Containment,
                    true,
                );
                self.execute(now, alert, reqs);
            }
            Pending::Precaution(reqs) => {
                self.execute(now, alert, reqs);
                let decision = self.decide(now, alert, pool);
                let kind = ActionKind::Containment;
                self.follow(now, alert, pool, worker, started, kind, decision);
            }
        }
        self.dispatch(now);
    }

    /// Turns a decision after triage or a query into the next piece of work.
    #[allow(clippy::too_many_arguments)]
    fn follow(
        &mut self,
        now: SimTime,
        alert: AlertId,
        pool: u32,
        worker: u32,
        started: SimTime,
        kind: ActionKind,
        decision: Decision,
    ) {
        let experts = self.decider.provider.experts.map(|e| e as u32);
        let problem = match &decision {
            Decision::Query(k) if !self.decider.provider.context.contains(k) => {
                Some(format!("no {k:?} integration"))
            }
            Decision::Query(k)
                if self.state.alerts[alert.index()]
                    .evidence
                    .iter()
                    .any(|e| e.kind == *k) =>
            {
                Some(format!("{k:?} context already queried"))
            }
            Decision::HandOff { .. } if experts.is_none() || experts == Some(pool) => {
                Some("no expert pool to hand off to".into())
            }
            _ => None,
        };
        if let Some(message) = problem {
            self.fail_work(now, alert, (pool, worker, started, kind), message);
            return;
        }
        match decision {
            Decision::Query(k) => {
                self.work_done(now, alert, pool, worker, started, kind, false);
                self.start_action(now, alert, pool, worker, Pending::Query(k));
            }
            Decision::Verdict {
                verdict,
                confidence,
                evidence,
                rationale,
                contain,
            } => {
                self.work_done(now, alert, pool, worker, started, kind, false);
                let contain = self.valid_requests(now, alert, contain);
                let confidence = if confidence.is_finite() {
                    confidence.clamp(0.0, 1.0)
                } else {
                    0.0
                };
                self.start_action(
                    now,
                    alert,
                    pool,
                    worker,
                    Pending::Verdict {
                        verdict,
                        confidence,
                        evidence,
                        rationale,
                        contain,
                    },
                );
            }
            Decision::Contain { contain, rationale } => {
                let contain = self.valid_requests(now, alert, contain);
                let pre = self.pre_approved(&contain);
                if pre.is_empty() {
                    let message = format!("nothing it may contain itself ({rationale})");
                    self.fail_work(now, alert, (pool, worker, started, kind), message);
                    return;
                }
                self.work_done(now, alert, pool, worker, started, kind, false);
                self.recommend(now, alert, &contain);
                self.start_action(now, alert, pool, worker, Pending::Precaution(pre));
            }
            Decision::Escalate { reason, contain } => {
                let (contain, pre) = self.precautions(now, alert, contain);
                self.work_done(now, alert, pool, worker, started, kind, pre.is_empty());
                self.escalate(now, alert, reason);
                self.recommend(now, alert, &contain);
                if !pre.is_empty() {
                    self.start_action(now, alert, pool, worker, Pending::Containment(pre));
                }
            }
            Decision::Fail { message } => {
                self.fail_work(now, alert, (pool, worker, started, kind), message);
            }
            Decision::HandOff { reason, contain } => {
                let (contain, pre) = self.precautions(now, alert, contain);
                self.work_done(now, alert, pool, worker, started, kind, pre.is_empty());
                let to = experts.unwrap_or(pool);
                let entry = self.emit(
                    now,
                    Payload::CaseHandedOff {
                        alert,
                        pool: to,
                        reason,
                    },
                );
                self.entered_queue(now, alert, to, entry);
                self.recommend(now, alert, &contain);
                if !pre.is_empty() {
                    self.start_action(now, alert, pool, worker, Pending::Containment(pre));
                }
            }
        }
    }

    /// A decision the strategy could not make, or made against the rules: recorded as
    /// `strategy_failed`, the worker released, the case escalated to the customer.
    fn fail_work(
        &mut self,
        now: SimTime,
        alert: AlertId,
        (pool, worker, started, kind): (u32, u32, SimTime, ActionKind),
        message: String,
    ) {
        self.emit(now, Payload::StrategyFailed { alert, message });
        self.work_done(now, alert, pool, worker, started, kind, true);
        self.escalate(now, alert, "strategy error: escalated".into());
    }

    pub(super) fn decide(&mut self, now: SimTime, alert: AlertId, pool: u32) -> Decision {
        let view = case_view(
            self.sc,
            &self.state,
            &self.log,
            &self.decider.provider,
            alert,
            now,
            Some(pool as usize),
        );
        // Truth is read only for the oracle: the label, and the incident's whole scope
        // (where its campaign holds footholds).
        let door = matches!(self.decider.policy, Policy::Oracle(_)).then(|| {
            let label = self.state.truth().get(alert);
            let footholds = label
                .and_then(|l| l.origin)
                .map_or_else(Vec::new, |(c, _)| self.live_footholds(c));
            TruthDoor::open(label.map_or(Truth::FalsePositive, |l| l.truth), footholds)
        });
        match (&mut self.decider.policy, door) {
            (Policy::Oracle(o), Some(door)) => o.decide(&view, door),
            (Policy::Honest(s), _) => s.decide(&view),
            (Policy::Oracle(_), None) => unreachable!("the door is opened for the oracle"),
        }
    }
}

/// What the strategy may see of `alert` at `now`, deciding in `pool` (`None`: arrival).
pub(super) fn case_view<'v>(
    sc: &'v crate::scenario::Scenario,
    state: &'v crate::world::RunState,
    log: &'v crate::event::RetainedLog,
    provider: &'v crate::strategy::Provider,
    alert: AlertId,
    now: SimTime,
    pool: Option<usize>,
) -> CaseView<'v> {
    let rec = &state.alerts[alert.index()];
    let handle = |seq: u64| state.handles.of(seq).unwrap_or(u64::MAX);
    let view = alert_view(sc, state, alert, &handle);
    CaseView::new(
        now,
        view,
        pool.map_or("", |p| provider.pools[p].name.as_str()),
        pool.is_some() && pool == provider.experts,
        provider.experts.is_some(),
        &rec.evidence,
        &provider.context,
        &provider.spec.authority,
        Records::new(
            log,
            &state.handles,
            &state.alerts,
            &sc.sources,
            &sc.entities,
            &sc.rules,
        ),
    )
}

/// The alert as raised, its seqs shown through `handle` (the strategy's handles, or the
/// seqs themselves for the customer's own team).
pub(super) fn alert_view<'v>(
    sc: &'v crate::scenario::Scenario,
    state: &'v crate::world::RunState,
    alert: AlertId,
    handle: &dyn Fn(u64) -> u64,
) -> AlertView<'v> {
    let rec = &state.alerts[alert.index()];
    AlertView {
        handle: handle(rec.raised_seq),
        id: alert,
        raised_seq: rec.raised_seq,
        matched_seq: rec.telemetry,
        raised_at: rec.raised_at,
        queued_at: rec.queued_at.unwrap_or(rec.raised_at),
        rule: &sc.rules[rec.rule.index()],
        severity: rec.severity,
        score: rec.score,
        entities: &rec.entities,
        matched: rec.telemetry.map(handle),
    }
}
