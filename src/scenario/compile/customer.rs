//! The customer's team: headcount and schedule within bounds, its judgement and on-call in range.

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
        if c.accuracy.is_some() {
            return Err(self.err(
                None,
                "customer.accuracy",
                "removed: the customer's team judges the evidence it is given; \
                 describe how with customer.judgement (prior, malicious_at, noise)"
                    .to_string(),
            ));
        }
        let j = &c.judgement;
        let bad_probability = |x: f64| !(x > 0.0 && x < 1.0);
        for (field, x) in [("prior", j.prior), ("malicious_at", j.malicious_at)] {
            if bad_probability(x) {
                return Err(self.err(
                    None,
                    format!("customer.judgement.{field}"),
                    format!("must be strictly between 0 and 1, got {x}"),
                ));
            }
        }
        if !(j.noise.is_finite() && j.noise >= 0.0) {
            return Err(self.err(
                None,
                "customer.judgement.noise",
                format!("must be a finite number ≥ 0, got {}", j.noise),
            ));
        }
        if c.on_call.size > 1 {
            return Err(self.err(
                None,
                "customer.on_call.size",
                format!("0 or 1 person on call, got {}", c.on_call.size),
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
            judgement: c.judgement.clone(),
            on_call: c.on_call.clone(),
            containment_review: c.containment_review,
        })
    }
}
