//! Recorded activity in the world. A lane's occurrences (a recording's background
//! records; a materialised world's process arrivals) happen at their times, each
//! scheduling the next, as a synthetic process's arrivals do. A step's outputs happen
//! as it executes; its later records arrive at their own times, each only while every
//! entity it names is still free (a record on an isolated host or a disabled account
//! cannot happen). Rule matches were found when the scenario was read; here they raise
//! alerts when the provider runs rules over the record's source.

use super::{Engine, Job, Origin};
use crate::event::Payload;
use crate::scenario::Step;
use crate::scenario::recorded::Output;
use crate::time::{SimDuration, SimTime};

impl Engine<'_> {
    /// Schedules each lane's first occurrence (every occurrence of an eager lane).
    pub(super) fn schedule_recordings(&mut self) {
        for (lane, l) in self.sc.recordings.iter().enumerate() {
            let lane = lane as u32;
            let now = if l.eager { l.occurrences.len() } else { 1 };
            for (n, o) in l.occurrences.iter().enumerate().take(now) {
                let n = n as u32;
                self.agenda.schedule(
                    SimTime::ZERO.after(o.at),
                    Job::RecordedBackground { lane, n },
                );
            }
        }
    }

    /// An occurrence happens; the lane's next one is scheduled.
    pub(super) fn recorded_background(&mut self, now: SimTime, lane: u32, n: u32) {
        let sc = self.sc;
        let l = &sc.recordings[lane as usize];
        let Some(o) = l.occurrences.get(n as usize) else {
            return;
        };
        self.perform(now, &o.outputs);
        if let Some(next) = l.occurrences.get(n as usize + 1).filter(|_| !l.eager) {
            self.agenda.schedule(
                SimTime::ZERO.after(next.at),
                Job::RecordedBackground { lane, n: n + 1 },
            );
        }
    }

    /// What an executing step does from a recording; its later records are due. A
    /// step executing after its recorded time (it came back after a containment was
    /// lifted) moves its facts' windows and its later records by as much.
    pub(super) fn recorded_step(&mut self, now: SimTime, step: &Step) {
        let shift = step
            .recorded_at
            .map_or(0, |t| now.ms().saturating_sub(t.ms()));
        self.perform_shifted(now, &step.outputs, shift);
        for &record in &step.later {
            let at = SimTime::ZERO.after(self.sc.recorded[record as usize].at);
            self.agenda
                .schedule(at.after(SimDuration(shift)), Job::RecordedAttack { record });
        }
    }

    /// A step's later record arrives unless containment now stands in its way.
    pub(super) fn recorded_attack(&mut self, now: SimTime, record: u32) {
        let r = &self.sc.recorded[record as usize];
        let blocked = r.entities.iter().any(|e| {
            let condition = self.sc.entities[e.index()].kind.default_condition();
            self.state.entities[e.index()].breaks(condition).is_some()
        });
        if !blocked {
            self.perform(now, &[Output::Observe(record), Output::Match(record)]);
        }
    }

    fn perform(&mut self, now: SimTime, outputs: &[Output]) {
        self.perform_shifted(now, outputs, 0);
    }

    /// `outputs` happen now, facts' windows `shift` ms after their recorded ones.
    fn perform_shifted(&mut self, now: SimTime, outputs: &[Output], shift: u64) {
        let sc = self.sc;
        // The seq of each record observed here, for the alerts its matches raise.
        let mut observed: Vec<(u32, u64)> = Vec::new();
        for &o in outputs {
            match o {
                Output::Observe(k) => {
                    let r = &sc.recorded[k as usize];
                    let seq = self.emit(
                        now,
                        Payload::TelemetryObserved {
                            source: r.source,
                            entity: r.entities[0],
                            fields: r.fields.clone(),
                        },
                    );
                    observed.push((k, seq));
                }
                Output::Match(k) => {
                    if let Some(&(_, seq)) = observed.iter().find(|(x, _)| *x == k) {
                        self.raise_matches(now, k, seq);
                    }
                }
                Output::Fact(i) => {
                    let f = &sc.recorded_facts[i as usize];
                    self.emit(
                        now,
                        Payload::FactRecorded {
                            entity: f.entity,
                            kind: f.kind.clone(),
                            fields: f.fields.clone(),
                            from_ms: f.from_ms + shift,
                            until_ms: f.until_ms.map(|u| u + shift),
                        },
                    );
                }
                Output::Alert(i) => {
                    let a = &sc.recorded_alerts[i as usize];
                    let origin = Origin::RecordedAlert { alert: i };
                    self.detect_later(now, origin, a.rule, a.severity, a.entity, a.score, None);
                }
            }
        }
    }

    /// The alerts of the rules matching record `k` (observed as `seq`), for a provider
    /// that runs rules over its source, each due after its rule's latency.
    fn raise_matches(&mut self, now: SimTime, k: u32, seq: u64) {
        let sc = self.sc;
        let r = &sc.recorded[k as usize];
        let runs_rules = sc
            .sources
            .get(r.source as usize)
            .is_some_and(|s| self.decider.provider.runs_rules_over(s));
        if !runs_rules {
            return;
        }
        for (m, x) in r.matches.iter().enumerate() {
            let rule = &sc.sigma[x.rule as usize];
            let origin = Origin::Recorded {
                record: k,
                m: m as u32,
            };
            let entity = r.entities[0];
            self.detect_later(
                now,
                origin,
                rule.rule,
                rule.severity,
                entity,
                x.score,
                Some(seq),
            );
        }
    }
}
