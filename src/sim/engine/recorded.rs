//! Recorded records in the world: background records arrive at their times, lane by
//! lane; an attack step's records arrive from its execution on, each one only while
//! every entity it names is still free (a record on an isolated host or a disabled
//! account cannot happen). Rule matches were found once, when the scenario was read;
//! here they raise alerts when the provider runs rules over the record's source.

use super::{Engine, Job, Origin};
use crate::event::Payload;
use crate::scenario::recorded::level_score;
use crate::time::SimTime;

impl Engine<'_> {
    /// Schedules each recording's first background record.
    pub(super) fn schedule_recordings(&mut self) {
        for (lane, l) in self.sc.recordings.iter().enumerate() {
            if let Some(&first) = l.records.first() {
                let at = SimTime::ZERO.after(self.sc.recorded[first as usize].at);
                self.agenda.schedule(
                    at,
                    Job::RecordedBackground {
                        lane: lane as u32,
                        n: 0,
                    },
                );
            }
        }
    }

    /// A background record arrives; the lane's next one is scheduled.
    pub(super) fn recorded_background(&mut self, now: SimTime, lane: u32, n: u32) {
        let records = &self.sc.recordings[lane as usize].records;
        let Some(&record) = records.get(n as usize) else {
            return;
        };
        let next = records.get(n as usize + 1).copied();
        self.observe_recorded(now, record);
        if let Some(next) = next {
            let at = SimTime::ZERO.after(self.sc.recorded[next as usize].at);
            self.agenda
                .schedule(at, Job::RecordedBackground { lane, n: n + 1 });
        }
    }

    /// An executed step's records are due from now on.
    pub(super) fn schedule_step_records(&mut self, records: &[u32]) {
        for &record in records {
            let at = SimTime::ZERO.after(self.sc.recorded[record as usize].at);
            self.agenda.schedule(at, Job::RecordedAttack { record });
        }
    }

    /// An attack record arrives unless containment now stands in its way.
    pub(super) fn recorded_attack(&mut self, now: SimTime, record: u32) {
        let r = &self.sc.recorded[record as usize];
        let blocked = r.entities.iter().any(|e| {
            let condition = self.sc.entities[e.index()].kind.default_condition();
            self.state.entities[e.index()].breaks(condition).is_some()
        });
        if !blocked {
            self.observe_recorded(now, record);
        }
    }

    fn observe_recorded(&mut self, now: SimTime, record: u32) {
        let sc = self.sc;
        let r = &sc.recorded[record as usize];
        let (source, entity) = (r.source, r.entities[0]);
        let seq = self.emit(
            now,
            Payload::TelemetryObserved {
                source,
                entity,
                fields: r.fields.clone(),
            },
        );
        let runs_rules = sc
            .sources
            .get(source as usize)
            .is_some_and(|s| self.decider.provider.runs_rules_over(s));
        if !runs_rules {
            return;
        }
        for &m in &r.matches {
            let rule = &sc.sigma[m as usize];
            self.raise_alert(
                now,
                Origin::Recorded { record, rule: m },
                rule.rule,
                rule.severity,
                r.entities.clone(),
                level_score(rule.severity),
                Some(seq),
            );
        }
    }
}
