//! The customer's team: headcount and schedule within bounds, accuracy a probability.

use super::Compiler;
use crate::error::Result;
use crate::scenario::model::Customer;
use crate::scenario::spec::ScenarioSpec;

impl Compiler<'_> {
    pub(super) fn customer(&self, spec: &ScenarioSpec) -> Result<Customer> {
        let c = &spec.customer;
        if !(1..=crate::budget::MAX_WORKERS).contains(&c.size) {
            return Err(self.err(
                None,
                "customer.size",
                format!(
                    "the customer team has between 1 and {} people, got {}",
                    crate::budget::MAX_WORKERS,
                    c.size
                ),
            ));
        }
        if !(0.0..=1.0).contains(&c.accuracy) {
            return Err(self.err(
                None,
                "customer.accuracy",
                format!("must be in [0, 1], got {}", c.accuracy),
            ));
        }
        self.dist_ok(&c.handling, "customer.handling".into())?;
        self.dist_ok(&c.containment, "customer.containment".into())?;
        let capacity = c
            .schedule
            .compile(c.size, &spec.start, spec.horizon)
            .map_err(|e| {
                let at = e.0.split(':').next().unwrap_or_default();
                self.err(None, format!("customer.schedule.{at}"), e.0.clone())
            })?;
        Ok(Customer {
            size: c.size,
            capacity,
            handling: c.handling.clone(),
            containment: c.containment.clone(),
            accuracy: c.accuracy,
            containment_review: c.containment_review,
        })
    }
}
