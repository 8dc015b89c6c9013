//! What a decision's response requests become: the ones that apply are carried out by
//! the provider where its authority pre-approves them, recommended to the customer's
//! team where it may only recommend, and dropped where it has none.

use super::{CustomerTask, Engine};
use crate::event::{Party, Payload};
use crate::ids::AlertId;
use crate::strategy::provider::Authority;
use crate::strategy::view::{ContainRequest, action_applies};
use crate::time::SimTime;

impl Engine<'_> {
    /// The requests the provider carries out itself.
    pub(super) fn pre_approved(&self, reqs: &[ContainRequest]) -> Vec<ContainRequest> {
        let authority = &self.decider.provider.spec.authority;
        reqs.iter()
            .copied()
            .filter(|r| authority.of(r.action) == Authority::PreApproved)
            .collect()
    }

    /// Requests the provider may only recommend go to the customer's team, which
    /// carries them out on its schedule; those it may not touch are dropped.
    pub(super) fn recommend(&mut self, now: SimTime, alert: AlertId, reqs: &[ContainRequest]) {
        let authority = &self.decider.provider.spec.authority;
        let recommended: Vec<ContainRequest> = reqs
            .iter()
            .copied()
            .filter(|r| authority.of(r.action) == Authority::Recommend)
            .collect();
        for r in recommended {
            self.customer_action(now, alert, r, Party::Provider);
        }
    }

    /// An action the customer's team carries out (asked `by` the provider or decided
    /// itself): a task that costs their time and waits for someone on shift.
    pub(super) fn customer_action(
        &mut self,
        now: SimTime,
        alert: AlertId,
        r: ContainRequest,
        by: Party,
    ) {
        let (action, target) = (r.action, r.target);
        let customer_ms = self
            .customer_cost(alert, CustomerTask::Contain { action, target })
            .ms();
        self.emit(
            now,
            Payload::ContainmentRequested {
                alert,
                action,
                target,
                by,
                executor: Party::Customer,
                customer_ms,
            },
        );
    }

    /// The provider's worker has carried out `reqs`: each takes effect after its
    /// control's delay.
    pub(super) fn execute(&mut self, now: SimTime, alert: AlertId, reqs: Vec<ContainRequest>) {
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
            self.schedule_containment(now, alert, r.action, r.target, request, Party::Provider);
        }
    }

    /// A response decided with an escalation or a hand-off: the valid requests and
    /// those the provider's worker carries out now (the rest are recommended).
    pub(super) fn precautions(
        &mut self,
        now: SimTime,
        alert: AlertId,
        contain: Vec<ContainRequest>,
    ) -> (Vec<ContainRequest>, Vec<ContainRequest>) {
        let contain = self.valid_requests(now, alert, contain);
        let pre = self.pre_approved(&contain);
        (contain, pre)
    }

    /// The requests that apply to an existing entity; the rest are strategy errors.
    pub(super) fn valid_requests(
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
}
