//! A materialised synthetic world (`mdrsim scenario export`) read back: its records say
//! which lane (a benign process, a telemetry process, a campaign step) and which
//! occurrence on it they came from, their place in it, and the stream keys and scores
//! of their alerts, so the engine replays the world exactly as the generator made it.

use std::collections::BTreeMap;

use super::Compiler;
use super::recorded::{Loaded, Placed};
use crate::error::Result;
use crate::ids::RuleId;
use crate::random::fnv1a;
use crate::recording::Recording;
use crate::scenario::Rule;
use crate::scenario::model::SigmaRule;
use crate::scenario::recorded::{
    Occurrence, Output, RecordedAlert, RecordedFact, RecordedMatch, RecordedRecord, RecordingSpec,
    flatten,
};
use crate::time::SimDuration;

type Field<'a> = &'a dyn Fn(&str) -> String;

/// A lane's occurrences by number, each its outputs by position.
type Lane = BTreeMap<u64, Vec<(u32, Output)>>;

impl Compiler<'_> {
    /// Per record: its telemetry source and entity, as the materialised world says.
    #[allow(clippy::type_complexity)]
    pub(super) fn materialized_tables(
        &self,
        r: &RecordingSpec,
        recording: &Recording,
        at: Field,
    ) -> Result<(Vec<Option<String>>, Vec<Vec<String>>)> {
        if r.at.is_some()
            || r.scale != 1.0
            || !r.steps.is_empty()
            || !r.entities.is_empty()
            || !r.sources.is_empty()
            || r.default_entity.is_some()
        {
            return Err(self.err(
                None,
                at("files"),
                "a materialised world replays as it was exported: give no at, scale, steps, entities, sources or default_entity",
            ));
        }
        let mut sources = Vec::new();
        let mut entities = Vec::new();
        for rec in &recording.records {
            let bad = |m: &str| self.err(None, at("files"), format!("line {}: {m}", rec.line));
            let m = rec
                .mdrsim
                .as_ref()
                .ok_or_else(|| bad("an imported record in a materialised world"))?;
            let kinds = [m.telemetry.is_some(), m.fact.is_some(), m.alert.is_some()];
            if kinds.iter().filter(|k| **k).count() != 1 {
                return Err(bad("a record is exactly one of telemetry, fact or alert"));
            }
            sources.push(m.telemetry.as_ref().map(|t| t.source.clone()));
            entities.push(vec![m.entity.clone()]);
        }
        Ok((sources, entities))
    }

    /// The world's lanes (benign processes, then telemetry processes, each by name, as
    /// the generator schedules them) and what its campaign steps do.
    pub(super) fn place_materialized(
        &self,
        l: &Loaded,
        sigma: &[SigmaRule],
        rules: &[Rule],
        placed: &mut Placed,
        horizon: SimDuration,
        at: Field,
    ) -> Result<()> {
        let mut lanes: BTreeMap<(u8, &str), Lane> = BTreeMap::new();
        let mut truths: BTreeMap<&str, crate::scenario::BenignTruth> = BTreeMap::new();
        let mut times: BTreeMap<(&str, u64), u64> = BTreeMap::new();
        for rec in &l.recording.records {
            let bad = |m: String| self.err(None, at("files"), format!("line {}: {m}", rec.line));
            let Some(m) = &rec.mdrsim else { continue };
            // The order the generator schedules them in: scheduled facts, benign
            // processes, telemetry processes (each by name), then campaigns.
            let rank = match m.lane.split('/').next() {
                Some("facts") => 0,
                Some("benign") => 1,
                Some("telemetry") => 2,
                Some("campaign") => 3,
                _ => return Err(bad(format!("unknown lane {:?}", m.lane))),
            };
            if let Some(t) = m.truth {
                truths.insert(&m.lane, t);
            }
            if m.at_ms >= horizon.ms() {
                return Err(bad("after the scenario's horizon".into()));
            }
            if *times.entry((&m.lane, m.n)).or_insert(m.at_ms) != m.at_ms {
                return Err(bad("one occurrence at two times".into()));
            }
            let entity = self.entity_named(&m.entity, None, at("files"))?;
            let outputs = lanes
                .entry((rank, &m.lane))
                .or_default()
                .entry(m.n)
                .or_default();
            if let Some(t) = &m.telemetry {
                let k = placed.records.len() as u32;
                let matches = t
                    .matches
                    .iter()
                    .map(|x| {
                        let rule = sigma
                            .iter()
                            .position(|s| rules[s.rule.index()].name == x.rule)
                            .ok_or_else(|| bad(format!("no rule {:?} in the scenario", x.rule)))?;
                        Ok(RecordedMatch {
                            rule: rule as u32,
                            score: x.score,
                            key: Some(x.key.0),
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                if !matches.is_empty() {
                    outputs.push((t.match_position, Output::Match(k)));
                }
                outputs.push((m.position, Output::Observe(k)));
                placed.records.push(RecordedRecord {
                    at: SimDuration(m.at_ms),
                    source: self.source_index(&t.source),
                    entities: vec![entity],
                    fields: flatten(&rec.fields),
                    matches,
                    lane: u32::MAX,
                    position: 0,
                    step: None,
                });
            } else if let Some(f) = &m.fact {
                outputs.push((m.position, Output::Fact(placed.facts.len() as u32)));
                placed.facts.push(RecordedFact {
                    entity,
                    kind: f.kind.as_str().into(),
                    fields: flatten(&rec.fields),
                    from_ms: f.from_ms,
                    until_ms: f.until_ms,
                });
            } else if let Some(a) = &m.alert {
                let rule = rules
                    .iter()
                    .position(|x| x.source == a.source && x.name == a.rule)
                    .ok_or_else(|| {
                        bad(format!("no rule {}/{} in the scenario", a.source, a.rule))
                    })?;
                outputs.push((m.position, Output::Alert(placed.alerts.len() as u32)));
                placed.alerts.push(RecordedAlert {
                    rule: RuleId(rule as u32),
                    severity: a.severity,
                    entity,
                    score: a.score,
                    key: a.key.0,
                    truth: m
                        .truth
                        .ok_or_else(|| bad("an alert without its lane's truth".into()))?,
                });
            }
        }
        for ((rank, lane), occurrences) in lanes {
            let mut ordered = Vec::new();
            for (n, mut outputs) in occurrences {
                outputs.sort_by_key(|(p, _)| *p);
                if outputs.windows(2).any(|w| w[0].0 == w[1].0) {
                    return Err(self.err(
                        None,
                        at("files"),
                        format!("lane {lane:?} occurrence {n}: two records at one position"),
                    ));
                }
                let at_ms = times.get(&(lane, n)).copied().unwrap_or_default();
                ordered.push(Occurrence {
                    at: SimDuration(at_ms),
                    outputs: outputs.into_iter().map(|(_, o)| o).collect(),
                });
            }
            if rank == 3 {
                let (Some(o), true) = (ordered.first(), ordered.len() == 1) else {
                    return Err(self.err(
                        None,
                        at("files"),
                        format!("{lane:?}: a step happens once"),
                    ));
                };
                let step = lane.strip_prefix("campaign/").unwrap_or(lane);
                placed
                    .step_outputs
                    .push((step.to_string(), o.at, o.outputs.clone()));
                continue;
            }
            let truth = *truths.get(lane).ok_or_else(|| {
                self.err(
                    None,
                    at("files"),
                    format!("lane {lane:?} does not say its truth"),
                )
            })?;
            let index = placed.lanes.len() as u32;
            for o in ordered.iter().flat_map(|o| &o.outputs) {
                if let Output::Observe(k) = o {
                    placed.records[*k as usize].lane = index;
                }
            }
            placed.lanes.push(crate::scenario::recorded::RecordingLane {
                name: lane.to_string(),
                key: fnv1a(lane.as_bytes()),
                truth,
                occurrences: ordered,
                eager: rank == 0,
            });
        }
        Ok(())
    }
}
