//! Context queries: what an investigation can look up, as records. Telemetry about the
//! alert's entities around its time (only sources the provider integrates), the
//! organizational facts about them in force, and the provider's own past cases on the
//! same rule or entities with their outcomes as recorded. Nothing here reads truth.

use super::Engine;
use crate::event::{ContextKind, Payload};
use crate::ids::AlertId;
use crate::time::{SimDuration, SimTime};

/// At most this many telemetry records per query (the closest to the alert's time): an
/// analyst's search returns a page, not the whole history.
pub const MAX_TELEMETRY_RECORDS: usize = 200;
/// At most this many past cases per historic query (the most recent).
pub const MAX_PAST_CASES: usize = 64;

impl Engine<'_> {
    /// Runs a query and records what it returned.
    pub(super) fn context_result(
        &mut self,
        now: SimTime,
        alert: AlertId,
        kind: ContextKind,
        cost: SimDuration,
    ) {
        let records = match kind {
            ContextKind::Telemetry => self.telemetry_records(now, alert),
            ContextKind::Organizational => self.fact_records(now, alert),
            ContextKind::Historic => self.past_cases(alert),
        };
        self.emit(
            now,
            Payload::ContextQueried {
                alert,
                kind,
                records,
                cost_ms: cost.ms(),
            },
        );
    }

    fn telemetry_records(&self, now: SimTime, alert: AlertId) -> Vec<u64> {
        let rec = &self.state.alerts[alert.index()];
        let window = self.decider.provider.spec.telemetry_window;
        let from = SimTime(rec.raised_at.ms().saturating_sub(window.ms()));
        let until = rec.raised_at.after(window).min(now);
        let mut found: Vec<(u64, u64)> = Vec::new();
        for e in &rec.entities {
            let Some(list) = self.state.telemetry_by_entity.get(e.index()) else {
                continue;
            };
            let start = list.partition_point(|t| t.at < from);
            for t in list[start..].iter().take_while(|t| t.at <= until) {
                if self
                    .queryable
                    .get(t.source as usize)
                    .copied()
                    .unwrap_or(false)
                {
                    found.push((t.at.ms().abs_diff(rec.raised_at.ms()), t.seq));
                }
            }
        }
        if found.len() > MAX_TELEMETRY_RECORDS {
            found.sort_unstable();
            found.truncate(MAX_TELEMETRY_RECORDS);
        }
        let mut seqs: Vec<u64> = found.into_iter().map(|(_, s)| s).collect();
        seqs.sort_unstable();
        seqs.dedup();
        seqs
    }

    pub(super) fn fact_records(&self, now: SimTime, alert: AlertId) -> Vec<u64> {
        let rec = &self.state.alerts[alert.index()];
        // The alert's entities and their owners (a laptop's user): an analyst follows
        // the directory's owner link to the person.
        let owners = rec
            .entities
            .iter()
            .filter_map(|e| self.sc.owners[e.index()]);
        let mut seqs: Vec<u64> = rec
            .entities
            .iter()
            .copied()
            .chain(owners)
            .filter_map(|e| self.state.facts_by_entity.get(e.index()))
            .flatten()
            .filter(|f| f.in_force(rec.raised_at) || f.in_force(now))
            .map(|f| f.seq)
            .collect();
        seqs.sort_unstable();
        seqs.dedup();
        seqs
    }

    fn past_cases(&self, alert: AlertId) -> Vec<u64> {
        let rec = &self.state.alerts[alert.index()];
        let mut seqs: Vec<u64> = self
            .state
            .outcomes
            .iter()
            .rev()
            .filter(|(_, a)| *a != alert)
            .filter(|(_, a)| {
                let past = &self.state.alerts[a.index()];
                past.rule == rec.rule || past.entities.iter().any(|e| rec.entities.contains(e))
            })
            .take(MAX_PAST_CASES)
            .map(|(s, _)| *s)
            .collect();
        seqs.sort_unstable();
        seqs
    }
}
