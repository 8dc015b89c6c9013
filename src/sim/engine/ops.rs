//! The operations side: alerts reaching the provider, triage on arrival, pool queues
//! served by workers on shift, the strategy's decisions turned into timed work, the
//! customer's team, and containment taking effect.

use rand::RngExt;

use super::{CustomerTask, Engine, Job, Origin, Pending};
use crate::event::{ActionKind, ContainAction, Party, Payload, Truth, Verdict};
use crate::ids::{AlertId, EntityId, RuleId};
use crate::random::Purpose;
use crate::scenario::Severity;
use crate::strategy::provider::{Authority, QueueOrder};
use crate::strategy::view::{
    AlertView, CaseView, ContainRequest, Decision, Records, Triage, action_applies, default_action,
};
use crate::strategy::{Policy, TruthDoor};
use crate::time::{SimDuration, SimTime};

impl Engine<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn raise_alert(
        &mut self,
        now: SimTime,
        origin: Origin,
        rule: RuleId,
        severity: Severity,
        entities: Vec<EntityId>,
        score: f64,
        telemetry: Option<u64>,
    ) {
        let alert = AlertId(self.origins.len() as u32);
        self.origins.push(origin);
        let (truth, label) = origin.label(self.sc);
        let (campaign, step) = label.unzip();
        self.emit(
            now,
            Payload::AlertRaised {
                alert,
                rule,
                severity,
                entities,
                score,
                telemetry,
            },
        );
        self.emit(
            now,
            Payload::AlertLabeled {
                alert,
                truth,
                campaign,
                step,
            },
        );
        let visible = telemetry.is_some()
            || self
                .decider
                .provider
                .ingests(&self.sc.rules[rule.index()].source);
        if !visible {
            return;
        }
        let pool = self.decider.provider.first_line as u32;
        self.emit(now, Payload::AlertQueued { alert, pool });
        let triage = match &mut self.decider.policy {
            Policy::Honest(s) => {
                let view = case_view(
                    self.sc,
                    &self.state,
                    &self.log,
                    &self.decider.provider,
                    alert,
                    now,
                    None,
                );
                s.triage(&view)
            }
            Policy::Oracle(_) => Triage::Investigate,
        };
        match triage {
            Triage::Escalate { reason } => self.escalate(now, alert, reason),
            Triage::Dismiss { rationale } => {
                let evidence = self.cited(alert, Vec::new());
                self.emit(
                    now,
                    Payload::VerdictReached {
                        alert,
                        verdict: Verdict::Benign,
                        confidence: 0.5,
                        evidence,
                        rationale,
                    },
                );
            }
            _ => {
                if let Some(o) = &self.decider.provider.spec.triage.overload
                    && let Some(after) = o.expire_after
                    && severity < o.review
                {
                    self.agenda
                        .schedule(now.after(after), Job::Expire { alert });
                }
            }
        }
        self.dispatch(now);
    }

    fn escalate(&mut self, now: SimTime, alert: AlertId, reason: String) {
        let customer_ms = self.customer_cost(alert, CustomerTask::Resolve).ms();
        self.emit(
            now,
            Payload::Escalated {
                alert,
                reason,
                customer_ms,
            },
        );
    }

    /// Customer team time for a task, from a stream keyed by the alert and the task.
    fn customer_cost(&self, alert: AlertId, work: CustomerTask) -> SimDuration {
        let mut key = self.origins[alert.index()].key(self.sc).to_vec();
        let dist = match work {
            CustomerTask::Resolve => &self.sc.customer.handling,
            CustomerTask::Contain { action, target } => {
                key.extend([action as u64 + 1, target.0 as u64]);
                &self.sc.customer.containment
            }
        };
        key.push(99);
        dist.sample(&mut self.seeds.stream(Purpose::Customer, &key))
    }

    /// A verdict's evidence: the alert itself (and the record a rule matched), then what
    /// the strategy cites, as it cites it — `evidence_coverage` checks the citations.
    fn cited(&self, alert: AlertId, cited: Vec<u64>) -> Vec<u64> {
        let rec = &self.state.alerts[alert.index()];
        let own = [Some(rec.raised_seq), rec.telemetry];
        let mut ev: Vec<u64> = own.iter().flatten().copied().collect();
        ev.extend(cited.into_iter().filter(|s| !own.contains(&Some(*s))));
        ev
    }

    pub(super) fn expire(&mut self, now: SimTime, alert: AlertId) {
        let Some(o) = &self.decider.provider.spec.triage.overload else {
            return;
        };
        let waiting = self.state.alerts[alert.index()].waiting;
        if waiting && self.state.backlog() > o.backlog_above as usize {
            self.emit(now, Payload::AlertExpired { alert });
        }
    }

    /// Hands waiting work to idle workers on shift, pool by pool, then the customer.
    pub(super) fn dispatch(&mut self, now: SimTime) {
        for p in 0..self.decider.provider.pools.len() {
            while self.state.pools[p].backlog() > 0 {
                let cap = self.decider.provider.pools[p].capacity.at(now) as usize;
                let Some(worker) = self.state.pools[p]
                    .workers
                    .iter()
                    .take(cap)
                    .position(Option::is_none)
                else {
                    break;
                };
                let Some(alert) = self.pick(p) else { break };
                let (pool, worker) = (p as u32, worker as u32);
                self.emit(
                    now,
                    Payload::TriageStarted {
                        alert,
                        pool,
                        worker,
                    },
                );
                self.start_action(now, alert, pool, worker, Pending::Triage);
            }
        }
        while !self.state.customer_queue.is_empty() {
            let cap = self.sc.customer.capacity.at(now) as usize;
            let Some(worker) = self
                .state
                .customer_workers
                .iter()
                .take(cap)
                .position(Option::is_none)
            else {
                break;
            };
            let Some(&(task, alert)) = self.state.customer_queue.front() else {
                break;
            };
            let worker = worker as u32;
            let (work, cost) = match self.log.get(task).map(|e| &e.payload) {
                Some(Payload::ContainmentRequested {
                    action,
                    target,
                    customer_ms,
                    ..
                }) => (
                    CustomerTask::Contain {
                        action: *action,
                        target: *target,
                    },
                    *customer_ms,
                ),
                Some(Payload::Escalated { customer_ms, .. }) => {
                    (CustomerTask::Resolve, *customer_ms)
                }
                _ => (CustomerTask::Resolve, 0),
            };
            self.emit(
                now,
                Payload::CustomerStarted {
                    alert,
                    task,
                    worker,
                },
            );
            self.agenda.schedule(
                now.after(SimDuration(cost)),
                Job::CustomerDone {
                    alert,
                    task,
                    worker,
                    started: now,
                    work,
                },
            );
        }
    }

    /// The next case pool `p` takes, by its queue order and overload rule.
    fn pick(&self, p: usize) -> Option<AlertId> {
        let spec = &self.decider.provider.spec.triage;
        let ps = &self.state.pools[p];
        let lowest = match &spec.overload {
            Some(o) if self.state.backlog() > o.backlog_above as usize => o.review as usize,
            _ => 0,
        };
        match spec.order {
            QueueOrder::Severity => (lowest..4)
                .rev()
                .find_map(|s| ps.queues[s].front().map(|(_, a)| *a)),
            QueueOrder::Fifo => (lowest..4)
                .filter_map(|s| ps.queues[s].front())
                .min_by_key(|(seq, _)| *seq)
                .map(|(_, a)| *a),
        }
    }

    fn start_action(
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
            Pending::Containment(_) => (&h.containment, 6),
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
                let kind = |a: ContainAction| self.decider.provider.spec.authority.of(a);
                let contain: Vec<ContainRequest> = if verdict == Verdict::Malicious {
                    contain
                } else {
                    Vec::new()
                };
                let pre: Vec<ContainRequest> = contain
                    .iter()
                    .copied()
                    .filter(|r| kind(r.action) == Authority::PreApproved)
                    .collect();
                let rec: Vec<ContainRequest> = contain
                    .iter()
                    .copied()
                    .filter(|r| kind(r.action) == Authority::Recommend)
                    .collect();
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
                for r in rec {
                    let customer_ms = self
                        .customer_cost(
                            alert,
                            CustomerTask::Contain {
                                action: r.action,
                                target: r.target,
                            },
                        )
                        .ms();
                    self.emit(
                        now,
                        Payload::ContainmentRequested {
                            alert,
                            action: r.action,
                            target: r.target,
                            by: Party::Provider,
                            executor: Party::Customer,
                            customer_ms,
                        },
                    );
                }
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
                for r in reqs {
                    let request = self.emit(
                        now,
                        Payload::ContainmentRequested {
                            alert,
                            action: r.action,
                            target: r.target,
                            by: Party::Provider,
                            executor: Party::Provider,
                            customer_ms: 0,
                        },
                    );
                    self.schedule_containment(
                        now,
                        alert,
                        r.action,
                        r.target,
                        request,
                        Party::Provider,
                    );
                }
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
            self.emit(now, Payload::StrategyFailed { alert, message });
            self.work_done(now, alert, pool, worker, started, kind, true);
            self.escalate(now, alert, "strategy error: escalated".into());
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
            Decision::Escalate { reason } => {
                self.work_done(now, alert, pool, worker, started, kind, true);
                self.escalate(now, alert, reason);
            }
            Decision::HandOff { reason } => {
                self.work_done(now, alert, pool, worker, started, kind, true);
                let pool = experts.unwrap_or(pool);
                self.emit(
                    now,
                    Payload::CaseHandedOff {
                        alert,
                        pool,
                        reason,
                    },
                );
            }
        }
    }

    fn valid_requests(
        &mut self,
        now: SimTime,
        alert: AlertId,
        contain: Vec<ContainRequest>,
    ) -> Vec<ContainRequest> {
        let mut ok = Vec::new();
        for r in contain {
            match self.sc.entities.get(r.target.index()) {
                Some(e) if action_applies(r.action, e.kind) => ok.push(r),
                Some(e) => {
                    let message = format!("{:?} does not apply to {}", r.action, e.id);
                    self.emit(now, Payload::StrategyFailed { alert, message });
                }
                None => {
                    let message = format!("containment target {} does not exist", r.target);
                    self.emit(now, Payload::StrategyFailed { alert, message });
                }
            }
        }
        ok
    }

    fn decide(&mut self, now: SimTime, alert: AlertId, pool: u32) -> Decision {
        let view = case_view(
            self.sc,
            &self.state,
            &self.log,
            &self.decider.provider,
            alert,
            now,
            Some(pool as usize),
        );
        match &mut self.decider.policy {
            Policy::Honest(s) => s.decide(&view),
            Policy::Oracle(o) => {
                let truth = self
                    .state
                    .truth()
                    .get(alert)
                    .map_or(Truth::FalsePositive, |l| l.truth);
                o.decide(&view, TruthDoor::open(truth))
            }
        }
    }

    /// Containment takes effect after the control's execution delay.
    fn schedule_containment(
        &mut self,
        now: SimTime,
        alert: AlertId,
        action: ContainAction,
        target: EntityId,
        request: u64,
        by: Party,
    ) {
        let at = now.after(self.execution_delay(action));
        self.agenda.schedule(
            at,
            Job::ContainmentEffect {
                alert,
                action,
                target,
                request,
                by,
            },
        );
    }

    fn execution_delay(&self, action: ContainAction) -> SimDuration {
        let c = &self.sc.containment;
        match action {
            ContainAction::IsolateHost => c.isolate_host,
            ContainAction::DisableAccount => c.disable_account,
            ContainAction::RevokeSessions => c.revoke_sessions,
            ContainAction::BlockDomain => c.block_domain,
        }
    }

    pub(super) fn customer_done(
        &mut self,
        now: SimTime,
        alert: AlertId,
        task: u64,
        worker: u32,
        started: SimTime,
        work: CustomerTask,
    ) {
        let action = match work {
            CustomerTask::Resolve => ActionKind::Resolution,
            CustomerTask::Contain { .. } => ActionKind::Containment,
        };
        let duration_ms = now.since(started).ms();
        self.emit(
            now,
            Payload::WorkCompleted {
                alert,
                party: Party::Customer,
                pool: 0,
                worker,
                action,
                duration_ms,
                releases_worker: true,
            },
        );
        match work {
            CustomerTask::Resolve => {
                let malicious = self
                    .state
                    .truth()
                    .get(alert)
                    .is_some_and(|l| l.truth.is_malicious());
                let u: f64 = self
                    .seeds
                    .stream(Purpose::Customer, &self.origins[alert.index()].key(self.sc))
                    .random();
                let correct = u < self.sc.customer.accuracy;
                let verdict = if malicious == correct {
                    Verdict::Malicious
                } else {
                    Verdict::Benign
                };
                self.emit(
                    now,
                    Payload::CustomerResolved {
                        alert,
                        verdict,
                        task,
                    },
                );
                if verdict == Verdict::Malicious {
                    let entities = self.state.alerts[alert.index()].entities.clone();
                    for target in entities {
                        let Some(action) = default_action(self.sc.entities[target.index()].kind)
                        else {
                            continue;
                        };
                        let request = self.emit(
                            now,
                            Payload::ContainmentRequested {
                                alert,
                                action,
                                target,
                                by: Party::Customer,
                                executor: Party::Customer,
                                customer_ms: 0,
                            },
                        );
                        self.schedule_containment(
                            now,
                            alert,
                            action,
                            target,
                            request,
                            Party::Customer,
                        );
                    }
                }
            }
            CustomerTask::Contain { action, target } => {
                self.schedule_containment(now, alert, action, target, task, Party::Customer);
            }
        }
        self.dispatch(now);
    }

    pub(super) fn containment_effect(
        &mut self,
        now: SimTime,
        alert: AlertId,
        action: ContainAction,
        target: EntityId,
        request: u64,
        by: Party,
    ) {
        let s = &self.state.entities[target.index()];
        let already = match action {
            ContainAction::IsolateHost => s.isolated,
            ContainAction::DisableAccount => s.disabled,
            ContainAction::RevokeSessions => s.revoked,
            ContainAction::BlockDomain => s.blocked,
        };
        if already.is_some() {
            return;
        }
        self.emit(
            now,
            Payload::ContainmentExecuted {
                alert,
                action,
                target,
                request,
                by,
            },
        );
        self.prevent_pending(now);
    }
}

/// What the strategy may see of `alert` at `now`, deciding in `pool` (`None`: arrival).
fn case_view<'v>(
    sc: &'v crate::scenario::Scenario,
    state: &'v crate::world::RunState,
    log: &'v crate::event::EventLog,
    provider: &'v crate::strategy::Provider,
    alert: AlertId,
    now: SimTime,
    pool: Option<usize>,
) -> CaseView<'v> {
    let rec = &state.alerts[alert.index()];
    let view = AlertView {
        id: alert,
        seq: rec.raised_seq,
        raised_at: rec.raised_at,
        queued_at: rec.queued_at.unwrap_or(rec.raised_at),
        rule: &sc.rules[rec.rule.index()],
        severity: rec.severity,
        score: rec.score,
        entities: &rec.entities,
        matched: rec.telemetry,
    };
    CaseView::new(
        now,
        view,
        pool.map_or("", |p| provider.pools[p].name.as_str()),
        pool.is_some() && pool == provider.experts,
        provider.experts.is_some(),
        &rec.evidence,
        &provider.context,
        Records::new(log, &state.alerts, &sc.sources, &sc.entities, &sc.rules),
    )
}
