//! Detection latency and the canonical order of one occurrence. Whatever produced an
//! activity — an attack step, a benign process, a recording — it is written the same
//! way: its telemetry records, then its organizational facts, and its alerts only
//! after each rule's latency, drawn from the rule's distribution. So neither when an
//! alert appears nor in what order its traces were written says who caused it.

use super::{Engine, Job, Origin};
use crate::ids::{EntityId, RuleId};
use crate::random::Purpose;
use crate::scenario::Severity;
use crate::time::SimTime;

impl Engine<'_> {
    /// Schedules a detector's alert on an activity at `now`, due after the rule's
    /// latency (drawn from a stream keyed by the alert's origin).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn detect_later(
        &mut self,
        now: SimTime,
        origin: Origin,
        rule: RuleId,
        severity: Severity,
        entity: EntityId,
        score: f64,
        telemetry: Option<u64>,
    ) {
        let delay = match self.sc.latency.get(rule.index()) {
            Some(dist) => {
                let mut rng = self
                    .seeds
                    .stream(Purpose::DetectionLatency, &origin.key(self.sc));
                dist.sample(&mut rng)
            }
            None => crate::time::SimDuration(0),
        };
        self.agenda.schedule(
            now.after(delay),
            Job::AlertDue {
                origin,
                rule,
                severity,
                entity,
                score,
                telemetry,
            },
        );
    }

    /// The entities an alert names: a recorded record's entities for its matches, else
    /// the one entity the activity concerned.
    pub(super) fn alert_entities(&self, origin: Origin, entity: EntityId) -> Vec<EntityId> {
        match origin {
            Origin::Recorded { record, .. } => self
                .sc
                .recorded
                .get(record as usize)
                .map_or_else(|| vec![entity], |r| r.entities.clone()),
            _ => vec![entity],
        }
    }
}
