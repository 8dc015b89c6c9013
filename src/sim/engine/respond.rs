//! Response: containment taking effect after its control's delay, and the customer's
//! team resolving escalations and carrying out what was recommended, on its schedule.

use super::{CustomerTask, Engine, Job};
use crate::event::EventLookup;
use crate::event::{ActionKind, ContainAction, Party, Payload, Verdict};
use crate::ids::{AlertId, EntityId};
use crate::random::Purpose;
use crate::strategy::ContainRequest;
use crate::strategy::view::{default_action, default_eradication};
use crate::time::{SimDuration, SimTime};

impl Engine<'_> {
    /// Customer team time for a task, from a stream keyed by the alert and the task.
    pub(super) fn customer_cost(&self, alert: AlertId, work: CustomerTask) -> SimDuration {
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

    /// Containment takes effect after the control's execution delay.
    pub(super) fn schedule_containment(
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
            ContainAction::ResetCredentials => c.reset_credentials,
            ContainAction::ReimageHost => c.reimage_host,
            ContainAction::RevokeGrant => c.revoke_grant,
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
                let verdict = self.customer_judgement(now, alert);
                self.emit(
                    now,
                    Payload::CustomerResolved {
                        alert,
                        verdict,
                        task,
                    },
                );
                if verdict == Verdict::Benign {
                    self.release_precautions(now, alert);
                } else {
                    // The team contains and eradicates what it confirmed like any other
                    // task: it costs their time and waits for someone on shift.
                    let entities = self.state.alerts[alert.index()].entities.clone();
                    for target in entities {
                        let kind = self.sc.entities[target.index()].kind;
                        for action in [default_action(kind), default_eradication(kind)]
                            .into_iter()
                            .flatten()
                        {
                            let r = ContainRequest { action, target };
                            self.customer_action(now, alert, r, Party::Customer);
                        }
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
        if action.eradicates()
            && let Some(n) = self.eradicating.get_mut(target.index())
        {
            *n = n.saturating_sub(1);
        }
        let cleared = self.cleared.contains(&alert) && self.decider_of(request) == Party::Provider;
        if cleared
            || self.state.entities[target.index()]
                .in_force(action)
                .is_some()
        {
            return;
        }
        let execution = self.emit(
            now,
            Payload::ContainmentExecuted {
                alert,
                action,
                target,
                request,
                by,
            },
        );
        if action.eradicates() {
            // Done, not in force: nothing to review or lift.
            self.eradicate(now, target, execution);
            return;
        }
        let review = match self.decider_of(request) {
            Party::Provider => self.decider.provider.spec.containment_review,
            Party::Customer => self.sc.customer.containment_review,
        };
        self.agenda
            .schedule(now.after(review), Job::ReviewContainment { execution });
        self.prevent_pending(now);
    }

    /// A case found benign (by the provider or the customer): containments the provider
    /// decided for it as a precaution are lifted at once, and any still on their way
    /// will not take effect.
    pub(super) fn release_precautions(&mut self, now: SimTime, alert: AlertId) {
        let by = Party::Provider;
        self.cleared.insert(alert);
        let entities = self.state.alerts[alert.index()].entities.clone();
        for target in entities {
            let slots = self.state.entities[target.index()];
            let held = [slots.isolated, slots.disabled, slots.revoked, slots.blocked];
            for execution in held.into_iter().flatten() {
                let Some(Payload::ContainmentExecuted {
                    alert: a,
                    action,
                    request,
                    ..
                }) = self.log.event(execution).map(|e| e.payload.clone())
                else {
                    continue;
                };
                if a == alert && self.decider_of(request) == by {
                    self.emit(
                        now,
                        Payload::ContainmentReleased {
                            alert,
                            action,
                            target,
                            execution,
                            by,
                        },
                    );
                }
            }
        }
    }

    /// Who decided a containment: the party of its request.
    fn decider_of(&self, request: u64) -> Party {
        match self.log.event(request).map(|e| &e.payload) {
            Some(Payload::ContainmentRequested { by, .. }) => *by,
            _ => Party::Provider,
        }
    }

    /// Whoever decided a containment reviews and lifts it once someone of theirs is on
    /// shift. The review reads nothing of the truth: it is a scheduled follow-up.
    pub(super) fn review_containment(&mut self, now: SimTime, execution: u64) {
        let Some(Payload::ContainmentExecuted {
            alert,
            action,
            target,
            request,
            ..
        }) = self.log.event(execution).map(|e| e.payload.clone())
        else {
            return;
        };
        if self.state.entities[target.index()].in_force(action) != Some(execution) {
            return;
        }
        let by = self.decider_of(request);
        let review = match by {
            Party::Provider => self.decider.provider.spec.containment_review,
            Party::Customer => self.sc.customer.containment_review,
        };
        // A responder lifts an isolation once the entity is clean, not before.
        if self.eradicating[target.index()] > 0 {
            self.agenda
                .schedule(now.after(review), Job::ReviewContainment { execution });
            return;
        }
        let on_shift = match by {
            Party::Provider => self.decider.provider.next_on_shift(now),
            Party::Customer => self.sc.customer.capacity.next_on_shift(now),
        };
        match on_shift {
            Some(t) if t == now => {
                self.emit(
                    now,
                    Payload::ContainmentReleased {
                        alert,
                        action,
                        target,
                        execution,
                        by,
                    },
                );
            }
            Some(t) => self
                .agenda
                .schedule(t, Job::ReviewContainment { execution }),
            None => {}
        }
    }
}
