//! Detection rules over telemetry: a record is shown to every Sigma rule whose
//! logsource maps to the record's source, through sigma-rust, when the provider runs
//! rules over that source. Field names may be mapped (Sigma name → our name).

use super::{Engine, Origin};
use crate::event::EventLookup;
use crate::event::Payload;
use crate::ids::EntityId;
use crate::random::Purpose;
use crate::time::SimTime;

impl Engine<'_> {
    /// Evaluates the rules that apply to a telemetry record; their alerts are due after
    /// each rule's latency.
    pub(super) fn match_rules(
        &mut self,
        now: SimTime,
        seq: u64,
        source: u32,
        entity: EntityId,
        origin_of: impl Fn(u32) -> Origin,
    ) {
        let Some(source_name) = self.sc.sources.get(source as usize) else {
            return;
        };
        if !self.decider.provider.runs_rules_over(source_name) {
            return;
        }
        let applicable: Vec<usize> = (0..self.sc.sigma.len())
            .filter(|&i| self.sc.sigma[i].sources.contains(&source))
            .collect();
        if applicable.is_empty() {
            return;
        }
        let Some(Payload::TelemetryObserved { fields, .. }) =
            self.log.event(seq).map(|e| &e.payload)
        else {
            return;
        };
        let event = self.sc.sigma_event(fields, entity);
        let matched: Vec<usize> = applicable
            .into_iter()
            .filter(|&i| self.sc.sigma[i].sigma.is_match(&event))
            .collect();
        for i in matched {
            let rule = &self.sc.sigma[i];
            let origin = origin_of(i as u32);
            let mut rng = self
                .seeds
                .stream(Purpose::BenignAlert, &origin.key(self.sc));
            let dist = match origin {
                Origin::BenignRule { process, .. } => {
                    Some(&self.sc.telemetry[process as usize].score)
                }
                Origin::BenignTrace { process, trace, .. } => self.sc.benign[process as usize]
                    .clues
                    .traces
                    .get(trace as usize)
                    .map(|t| &t.score),
                Origin::AttackRule {
                    campaign,
                    step,
                    record,
                    ..
                } => self.sc.campaigns[campaign.index()].steps[step.index()]
                    .clues
                    .traces
                    .get(record as usize)
                    .map(|t| &t.score),
                _ => None,
            };
            let Some(dist) = dist else { continue };
            let score = dist.sample(&mut rng).clamp(0.0, 1.0);
            let (rule_id, severity) = (rule.rule, rule.severity);
            self.detect_later(now, origin, rule_id, severity, entity, score, Some(seq));
        }
    }
}
