//! `mdrsim scenario export`: a synthetic scenario materialised, for one seed, as a
//! recording. The world is generated once, uncontained (nobody acts on it), and every
//! record, fact and tool alert it produces is written with where it came from (its
//! lane and occurrence) and the stream keys of its alerts. The recording's header
//! carries the scenario with its randomness fixed: processes at rate 0 (the recording
//! is their activity), campaign start, delays and detections at the values drawn,
//! traces and scheduled facts taken over by the recording. Running the recording gives
//! exactly the run of the spec with that seed, for every strategy: containment still
//! prevents steps and their records, because steps stay steps.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use rand::RngExt;
use serde_json::{Map, Value};

use super::materialized::{Alert, Fact, Key, Match, Materialized, Telemetry};
use super::{EntityRef, Record, Recording};
use crate::error::{Error, Result};
use crate::event::Payload;
use crate::random::{Purpose, SeedTree};
use crate::scenario::dist::Dist;
use crate::scenario::load::parse_spec;
use crate::scenario::recorded::{MATERIALISED_WORLD, RecordingFormat, RecordingSpec, step_lane};
use crate::scenario::{BenignTruth, Scenario, ScenarioSpec};
use crate::sim::{Capture, Simulation, WorldJob};

/// What was exported.
pub struct Exported {
    /// Records written.
    pub records: usize,
    /// Lanes (processes with activity, scheduled facts, campaign steps).
    pub lanes: usize,
}

/// Materialises `scenario` (a spec file) with `seed` into the recording `out`.
pub fn export(scenario: &Path, seed: u64, out: &Path) -> Result<Exported> {
    let text = crate::budget::read_text(scenario)?;
    let mut spec = parse_spec(&text, scenario)?;
    let sc = Scenario::compile(spec.clone(), &text, scenario)?;
    if !spec.recordings.is_empty() {
        return Err(Error::Usage(format!(
            "{}: the scenario replays recordings; export materialises synthetic worlds",
            scenario.display()
        )));
    }
    let file_name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .filter(|n| n.ends_with(".jsonl"))
        .ok_or_else(|| Error::Usage("--out names a .jsonl file".into()))?;
    let mut decider = crate::strategy::builtin("dismiss_all", &sc)?;
    decider.provider.rules_over = ["*".to_string()].into();
    let capture = Simulation::new(&sc, seed).capture(&mut decider);
    let (mut records, lanes) = materialise(&sc, &capture);
    records.sort_by_key(|r| r.time_ms);
    for (i, r) in records.iter_mut().enumerate() {
        r.file = file_name.clone();
        r.line = i + 1;
    }
    fix_randomness(&mut spec, &sc, seed, scenario)?;
    spec.recordings.push(RecordingSpec {
        name: MATERIALISED_WORLD.into(),
        importer: RecordingFormat::Recording,
        files: vec![file_name],
        at: None,
        scale: 1.0,
        truth: Default::default(),
        objective: Default::default(),
        impact: None,
        background: BenignTruth::FalsePositive,
        entities: BTreeMap::new(),
        sources: BTreeMap::new(),
        default_entity: None,
        steps: Vec::new(),
    });
    let toml = toml::to_string(&spec)
        .map_err(|e| Error::Usage(format!("cannot write the scenario as TOML: {e}")))?;
    let n = records.len();
    Recording {
        importer: "mdrsim-export".into(),
        files: Vec::new(),
        records,
        scenario: Some((toml, seed)),
    }
    .write(out)?;
    Ok(Exported { records: n, lanes })
}

/// The scenario with its randomness fixed at what `seed` draws (the engine's own
/// streams), its processes at rate 0 and its clues and scheduled facts left to the
/// recording. Tables (rules, sources, tools) stay as the spec names them.
fn fix_randomness(spec: &mut ScenarioSpec, sc: &Scenario, seed: u64, path: &Path) -> Result<()> {
    let seeds = SeedTree::new(seed, sc.name_key);
    for b in &mut spec.benign {
        *b.per_hour.get_mut() = 0.0;
    }
    for t in &mut spec.telemetry {
        *t.per_hour.get_mut() = 0.0;
    }
    spec.facts.clear();
    for c in &mut spec.campaigns {
        let Some(compiled) = sc.campaigns.iter().find(|x| x.name == c.name) else {
            continue;
        };
        let mut rng = seeds.stream(Purpose::CampaignStart, &[compiled.key]);
        c.start = Dist::Fixed {
            value: compiled.start.sample(&mut rng),
        };
        for s in &mut c.steps {
            let Some(step) = compiled.steps.iter().find(|x| &x.id == s.id.get_ref()) else {
                continue;
            };
            let mut rng = seeds.stream(Purpose::StepDelay, &[compiled.key, step.key]);
            s.delay = Dist::Fixed {
                value: step.delay.sample(&mut rng),
            };
            for d in &mut s.detect {
                let key = crate::random::fnv1a(format!("{}\0{}", d.source, d.rule).as_bytes());
                let Some(det) = step.detect.iter().find(|x| x.key == key) else {
                    continue;
                };
                let mut rng = seeds.stream(Purpose::StepDetection, &[compiled.key, step.key, key]);
                let seen = rng.random::<f64>() < det.probability;
                let score = det.score.sample(&mut rng).clamp(0.0, 1.0);
                *d.probability.get_mut() = if seen { 1.0 } else { 0.0 };
                d.score = Dist::Fixed { value: score };
            }
            for t in &mut s.telemetry {
                *t.probability.get_mut() = 0.0;
            }
            for f in &mut s.facts {
                *f.probability.get_mut() = 0.0;
            }
        }
    }
    // Rules inline, so the recording carries everything.
    let dir = path.parent().unwrap_or(Path::new("."));
    for r in &mut spec.rules {
        if let Some(p) = r.path.take() {
            r.yaml = Some(crate::budget::read_text(&dir.join(p))?);
        }
    }
    Ok(())
}

/// Where a world job's records go: the lane, the occurrence on it, its truth.
fn lane_of(sc: &Scenario, job: WorldJob) -> (String, u64, Option<BenignTruth>) {
    match job {
        WorldJob::Benign { process, n } => {
            let p = &sc.benign[process as usize];
            (format!("benign/{}", p.name), n, Some(p.truth))
        }
        WorldJob::Telemetry { process, n } => {
            let p = &sc.telemetry[process as usize];
            (format!("telemetry/{}", p.name), n, Some(p.truth))
        }
        WorldJob::Fact { index } => (
            "facts".into(),
            index as u64,
            Some(BenignTruth::FalsePositive),
        ),
        WorldJob::Step { campaign, step } => {
            let c = &sc.campaigns[campaign.index()];
            (step_lane(&c.name, &c.steps[step.index()].id), 0, None)
        }
    }
}

/// Every record of the uncontained world, and the number of lanes. Alerts are due
/// after their rules' latency, so they are found by what they name (the matched
/// record, or the occurrence a tool alerted on), not by the job that ran them; each
/// occurrence's outputs keep the engine's canonical order: records and facts as
/// written, then the rules' matches, then the tool's alert.
fn materialise(sc: &Scenario, capture: &Capture) -> (Vec<Record>, usize) {
    let events = capture.output.log.events();
    // Matches by the seq of the record they matched; tool alerts by occurrence.
    let mut matches: BTreeMap<u64, Vec<Match>> = BTreeMap::new();
    let mut tool_alerts: BTreeMap<(String, u64), Vec<(Alert, String)>> = BTreeMap::new();
    for e in events {
        let Payload::AlertRaised {
            alert,
            rule,
            severity,
            score,
            telemetry,
            entities,
        } = &e.payload
        else {
            continue;
        };
        let source = &capture.alerts[alert.index()];
        let (key, rule) = (Key(source.key), &sc.rules[rule.index()]);
        match (telemetry, source.occurrence) {
            (Some(seq), _) => matches.entry(*seq).or_default().push(Match {
                rule: rule.name.clone(),
                score: *score,
                key,
            }),
            (None, Some(job)) => {
                let (lane, n, _) = lane_of(sc, job);
                let entity = sc.entities[entities[0].index()].id.clone();
                let alert = Alert {
                    source: rule.source.clone(),
                    rule: rule.name.clone(),
                    severity: *severity,
                    score: *score,
                    key,
                };
                tool_alerts
                    .entry((lane, n))
                    .or_default()
                    .push((alert, entity));
            }
            // A tool alerting on a campaign step: the step's detectors, kept in the
            // header, raise it again.
            (None, None) => {}
        }
    }
    let mut records = Vec::new();
    let mut lanes = std::collections::BTreeSet::new();
    for job in &capture.jobs {
        let (lane, n, truth) = lane_of(sc, job.job);
        let mut position = 0u32;
        let base = |entity: &str, position: u32| Materialized {
            lane: lane.clone(),
            n,
            at_ms: job.at.ms(),
            position,
            truth,
            entity: entity.to_string(),
            telemetry: None,
            fact: None,
            alert: None,
        };
        let time_ms = sc.epoch.timestamp(job.at).as_millisecond();
        let record =
            |kind: &str, entity: &str, fields: Map<String, Value>, m: Materialized| Record {
                file: String::new(),
                line: 0,
                time_ms,
                kind: kind.into(),
                channel: None,
                event_id: None,
                entities: vec![entity_ref(entity)],
                fields,
                mdrsim: Some(m),
            };
        // This occurrence's telemetry records: (seq, index in `records`).
        let mut observed: Vec<(u64, usize)> = Vec::new();
        for e in &events[job.first_seq as usize..job.end_seq as usize] {
            match &e.payload {
                Payload::TelemetryObserved {
                    source,
                    entity,
                    fields,
                } => {
                    let id = &sc.entities[entity.index()].id;
                    let mut m = base(id, position);
                    m.telemetry = Some(Telemetry {
                        source: sc.sources[*source as usize].clone(),
                        match_position: 0,
                        matches: Vec::new(),
                    });
                    observed.push((e.seq, records.len()));
                    records.push(record("telemetry", id, json_fields(fields), m));
                    position += 1;
                }
                Payload::FactRecorded {
                    entity,
                    kind,
                    fields,
                    from_ms,
                    until_ms,
                } => {
                    let id = &sc.entities[entity.index()].id;
                    let mut m = base(id, position);
                    m.fact = Some(Fact {
                        kind: kind.to_string(),
                        from_ms: *from_ms,
                        until_ms: *until_ms,
                    });
                    records.push(record("fact", id, json_fields(fields), m));
                    position += 1;
                }
                _ => {}
            }
        }
        for (seq, i) in observed {
            let Some(found) = matches.remove(&seq) else {
                continue;
            };
            if let Some(t) = records[i]
                .mdrsim
                .as_mut()
                .and_then(|m| m.telemetry.as_mut())
            {
                t.match_position = position;
                t.matches = found;
                position += 1;
            }
        }
        for (alert, id) in tool_alerts.remove(&(lane.clone(), n)).unwrap_or_default() {
            let mut m = base(&id, position);
            m.alert = Some(alert);
            records.push(record("alert", &id, Map::new(), m));
            position += 1;
        }
        if position > 0 {
            lanes.insert(lane);
        }
    }
    (records, lanes.len())
}

fn json_fields(fields: &BTreeMap<Arc<str>, Arc<str>>) -> Map<String, Value> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect()
}

fn entity_ref(id: &str) -> EntityRef {
    let (kind, name) = id.split_once(':').unwrap_or(("host", id));
    EntityRef {
        kind: if kind == "cloud" {
            "cloud_identity"
        } else {
            kind
        }
        .to_string(),
        name: name.to_string(),
    }
}
