//! Alerts reaching the provider: triage on arrival, escalation, the pools' queues and
//! who picks what next, overload expiry, and the evidence a verdict rests on.

use super::work::case_view;
use super::{CustomerTask, Engine, Job, Origin, Pending};
use crate::event::EventLookup;
use crate::event::{Payload, Verdict};
use crate::ids::{AlertId, EntityId, RuleId};
use crate::random::Purpose;
use crate::scenario::Severity;
use crate::strategy::Policy;
use crate::strategy::provider::{OnExpiry, QueueOrder};
use crate::strategy::view::Triage;
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
        let entry = self.emit(now, Payload::AlertQueued { alert, pool });
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
            Triage::Fail { message } => {
                self.emit(now, Payload::StrategyFailed { alert, message });
                self.escalate(now, alert, "strategy error: escalated".into());
            }
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
            _ => self.entered_queue(now, alert, pool, entry),
        }
        self.dispatch(now);
    }

    /// An alert entered `pool`'s queue with the event `entry`: schedules what can end
    /// its wait there other than a pickup — the overload rule's age and its patience —
    /// and applies the overload rule, whose backlog just grew.
    pub(super) fn entered_queue(&mut self, now: SimTime, alert: AlertId, pool: u32, entry: u64) {
        let severity = self.state.alerts[alert.index()].severity;
        let triage = &self.decider.provider.spec.triage;
        if let Some(o) = &triage.overload
            && let Some(after) = o.expire_after
            && severity < o.review
        {
            self.agenda
                .schedule(now.after(after), Job::Expire { alert, entry });
        }
        if let Some(patience) = triage.patience.as_ref().and_then(|p| p.of(severity)) {
            let mut key = self.origins[alert.index()].key(self.sc).to_vec();
            key.push(u64::from(pool));
            let wait = patience.sample(&mut self.seeds.stream(Purpose::Patience, &key));
            self.agenda
                .schedule(now.after(wait), Job::Patience { alert, entry });
        }
        self.drop_overdue(now);
    }

    /// Whether `alert` still waits in the queue entry `entry`.
    fn waits_in(&self, alert: AlertId, entry: u64) -> bool {
        let a = &self.state.alerts[alert.index()];
        a.queue_entry == Some(entry)
    }

    pub(super) fn escalate(&mut self, now: SimTime, alert: AlertId, reason: String) {
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

    /// A verdict's evidence, as `seq`s of the log: the alert itself (and the record a
    /// rule matched), then what the strategy cites by handle, as it cites it — a handle
    /// never given stays unresolvable (`u64::MAX`), and `evidence_coverage` counts it.
    pub(super) fn cited(&self, alert: AlertId, cited: Vec<u64>) -> Vec<u64> {
        let rec = &self.state.alerts[alert.index()];
        let own = [Some(rec.raised_seq), rec.telemetry];
        let mut ev: Vec<u64> = own.iter().flatten().copied().collect();
        let seqs = cited
            .into_iter()
            .map(|h| self.state.handles.seq(h).unwrap_or(u64::MAX));
        ev.extend(seqs.filter(|s| !own.contains(&Some(*s))));
        ev
    }

    /// A queue entry reached the overload rule's age: it is dropped now if the backlog
    /// is above the threshold, else as soon as it is (see [`Self::drop_overdue`]).
    pub(super) fn overdue(&mut self, now: SimTime, alert: AlertId, entry: u64) {
        if self.waits_in(alert, entry) {
            self.overdue.insert(entry, alert);
            self.drop_overdue(now);
        }
    }

    /// Drops overdue entries, oldest first, while more alerts wait than the overload
    /// threshold allows; an expiry may make other alerts pickable, so idle workers are
    /// woken.
    fn drop_overdue(&mut self, now: SimTime) {
        let Some(above) = self
            .decider
            .provider
            .spec
            .triage
            .overload
            .as_ref()
            .map(|o| o.backlog_above as usize)
        else {
            return;
        };
        let mut dropped = false;
        while self.state.backlog() > above {
            let Some((entry, alert)) = self.overdue.pop_first() else {
                break;
            };
            if self.waits_in(alert, entry) {
                self.emit(now, Payload::AlertExpired { alert });
                dropped = true;
            }
        }
        if dropped {
            self.dispatch(now);
        }
    }

    /// A queue entry's patience ran out: the alert expires (and, if the profile says
    /// so, goes to the customer unreviewed), and idle workers are woken.
    pub(super) fn out_of_patience(&mut self, now: SimTime, alert: AlertId, entry: u64) {
        if !self.waits_in(alert, entry) {
            return;
        }
        self.overdue.remove(&entry);
        self.emit(now, Payload::AlertExpired { alert });
        let on_expiry = self.decider.provider.spec.triage.patience.as_ref();
        if on_expiry.is_some_and(|p| p.on_expiry == OnExpiry::Escalate) {
            let reason = "not picked up within its patience: unreviewed".to_string();
            self.escalate(now, alert, reason);
        }
        self.dispatch(now);
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
                let Some((entry, alert)) = self.pick(p) else {
                    break;
                };
                self.overdue.remove(&entry);
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
            self.start_customer(now, worker as u32, task, alert);
        }
        self.dispatch_on_call(now);
    }

    /// Outside the team's hours, a customer task about a severe enough alert pages the
    /// on-call: it is answered `respond` later.
    pub(super) fn maybe_page(&mut self, now: SimTime, alert: AlertId) {
        let on_call = &self.sc.customer.on_call;
        if on_call.size > 0
            && self.state.alerts[alert.index()].severity >= on_call.page_at
            && self.sc.customer.capacity.at(now) == 0
        {
            self.agenda
                .schedule(now.after(on_call.respond), Job::PageAnswered);
        }
    }

    /// The on-call takes, while the team is off, the oldest paging task whose page it
    /// has answered.
    fn dispatch_on_call(&mut self, now: SimTime) {
        let on_call = &self.sc.customer.on_call;
        let slot = self.sc.customer.size as usize;
        if on_call.size == 0
            || self.sc.customer.capacity.at(now) > 0
            || self
                .state
                .customer_workers
                .get(slot)
                .is_none_or(Option::is_some)
        {
            return;
        }
        let answered = |task: u64, alert: AlertId| {
            self.state.alerts[alert.index()].severity >= on_call.page_at
                && self
                    .log
                    .event(task)
                    .is_some_and(|e| e.at.after(on_call.respond) <= now)
        };
        let next = self
            .state
            .customer_queue
            .iter()
            .copied()
            .find(|&(task, alert)| answered(task, alert));
        if let Some((task, alert)) = next {
            self.start_customer(now, slot as u32, task, alert);
        }
    }

    fn start_customer(&mut self, now: SimTime, worker: u32, task: u64, alert: AlertId) {
        let (work, cost) = match self.log.event(task).map(|e| &e.payload) {
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
            Some(Payload::Escalated { customer_ms, .. }) => (CustomerTask::Resolve, *customer_ms),
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

    /// The next case pool `p` takes (its queue entry and alert), by its queue order and
    /// overload rule.
    fn pick(&self, p: usize) -> Option<(u64, AlertId)> {
        let spec = &self.decider.provider.spec.triage;
        let ps = &self.state.pools[p];
        let lowest = match &spec.overload {
            Some(o) if self.state.backlog() > o.backlog_above as usize => o.review as usize,
            _ => 0,
        };
        match spec.order {
            QueueOrder::Severity => (lowest..4)
                .rev()
                .find_map(|s| ps.queues[s].front().copied()),
            QueueOrder::Fifo => (lowest..4)
                .filter_map(|s| ps.queues[s].front().copied())
                .min_by_key(|(seq, _)| *seq),
        }
    }
}
