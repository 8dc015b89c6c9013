//! What activity leaves behind, turned into events: the telemetry records an activity
//! leaves (detection rules see them like any other record), the organizational facts it
//! leaves, the world's scheduled facts and the directory's entity records. Each clue is
//! drawn from a stream keyed by the activity and the clue's own content, so an attack
//! step and its benign twin declared alike leave alike records.

use std::sync::Arc;

use rand::RngExt;

use super::{Engine, Origin};
use crate::event::Payload;
use crate::ids::EntityId;
use crate::random::Purpose;
use crate::scenario::clues::sample_fields;
use crate::scenario::{Clues, Fields};
use crate::time::SimTime;

impl Engine<'_> {
    /// The directory (asset and identity inventory): each entity's attributes, in force
    /// from the start, found only by an organizational query.
    pub(super) fn record_directory(&mut self) {
        for (i, e) in self.sc.entities.iter().enumerate() {
            if e.attributes.is_empty() {
                continue;
            }
            let fields: Fields = e
                .attributes
                .iter()
                .map(|(k, v)| (Arc::from(k.as_str()), Arc::from(v.as_str())))
                .collect();
            self.emit(
                SimTime::ZERO,
                Payload::FactRecorded {
                    entity: EntityId(i as u32),
                    kind: Arc::from("directory"),
                    fields,
                    from_ms: 0,
                    until_ms: None,
                },
            );
        }
    }

    /// A scheduled fact takes effect (and is on record from now on).
    pub(super) fn world_fact(&mut self, now: SimTime, index: u32) {
        let f = &self.sc.facts[index as usize];
        let mut rng = self.seeds.stream(Purpose::Fact, &[f.key]);
        let fields = sample_fields(&f.fields, &mut rng);
        let until_ms = f.until.map(|u| SimTime::ZERO.after(u).ms());
        let (entity, kind) = (f.entity, f.kind.clone());
        self.emit(
            now,
            Payload::FactRecorded {
                entity,
                kind,
                fields,
                from_ms: now.ms(),
                until_ms,
            },
        );
    }

    /// Leaves an activity's clues at `now`. `activity` keys the streams (the same for an
    /// attack step and its authorised twin); `rule_origin(trace, rule)` says where an
    /// alert a detection rule raises on trace `trace` comes from.
    pub(super) fn leave_clues(
        &mut self,
        now: SimTime,
        clues: &Clues,
        entity: EntityId,
        activity: &[u64],
        rule_origin: impl Fn(u32, u32) -> Origin,
    ) {
        let key = |k: u64| {
            let mut v = activity.to_vec();
            v.push(k);
            v
        };
        // Records first, then facts, then the rules' matches: one canonical order
        // for every occurrence, attack or benign.
        let mut written: Vec<(u64, u32, EntityId, u32)> = Vec::new();
        for (i, t) in clues.traces.iter().enumerate() {
            let mut rng = self.seeds.stream(Purpose::Trace, &key(t.key));
            let exists = rng.random::<f64>() < t.probability;
            let fields = sample_fields(&t.fields, &mut rng);
            if !exists {
                continue;
            }
            let (source, target) = (t.source, t.entity.unwrap_or(entity));
            let seq = self.emit(
                now,
                Payload::TelemetryObserved {
                    source,
                    entity: target,
                    fields,
                },
            );
            written.push((seq, source, target, i as u32));
        }
        self.leave_facts(now, clues, entity, activity);
        for (seq, source, target, i) in written {
            self.match_rules(now, seq, source, target, |rule| rule_origin(i, rule));
        }
    }

    /// The organizational facts an activity leaves at `now` (see [`Self::leave_clues`]).
    pub(super) fn leave_facts(
        &mut self,
        now: SimTime,
        clues: &Clues,
        entity: EntityId,
        activity: &[u64],
    ) {
        for f in &clues.facts {
            let mut key = activity.to_vec();
            key.push(f.key);
            let mut rng = self.seeds.stream(Purpose::Fact, &key);
            let exists = rng.random::<f64>() < f.probability;
            let fields = sample_fields(&f.fields, &mut rng);
            if exists {
                self.emit(
                    now,
                    Payload::FactRecorded {
                        entity: f.entity.unwrap_or(entity),
                        kind: f.kind.clone(),
                        fields,
                        from_ms: now.ms().saturating_sub(f.lead.ms()),
                        until_ms: f.lasts.map(|l| now.after(l).ms()),
                    },
                );
            }
        }
    }
}
