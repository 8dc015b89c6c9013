//! Recordings in a scenario: read (imported from a dataset's files, or an mdrsim
//! recording), entities and sources mapped, records placed in the scenario's time,
//! Sigma rules matched once (the records are fixed, so the matches are too), and the
//! attack's records grouped into a campaign whose steps run one after another.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::Compiler;
use crate::error::Result;
use crate::ids::EntityId;
use crate::random::fnv1a;
use crate::recording::import::{Format, import};
use crate::recording::{Recording, detect};
use crate::scenario::dist::Dist;
use crate::scenario::model::{Campaign, EntityKind, SigmaRule, Step};
use crate::scenario::recorded::{
    RecordedRecord, RecordingFormat, RecordingLane, RecordingSpec, entity_id, flatten,
    record_source,
};
use crate::scenario::spec::ScenarioSpec;
use crate::time::SimDuration;

/// At most this many input files per recording (each is bounded in size when read).
const MAX_FILES: usize = 64;
/// Gaps may be stretched or squeezed at most this much.
const MAX_SCALE: f64 = 1e6;

/// A recording read and mapped, before the scenario's tables exist.
pub(super) struct Loaded {
    recording: Recording,
    /// Per record: its source (after the spec's mapping).
    sources: Vec<String>,
    /// Per record: the scenario entity ids it names, the one it concerns first.
    entities: Vec<Vec<String>>,
}

impl Loaded {
    /// Source names the recording's records come from.
    pub(super) fn source_names(&self) -> impl Iterator<Item = &String> {
        self.sources.iter()
    }

    /// Entity ids the recording names.
    pub(super) fn entity_ids(&self) -> impl Iterator<Item = &String> {
        self.entities.iter().flatten()
    }

    /// The records' content, for the scenario's content hash.
    pub(super) fn content(&self) -> String {
        serde_json::to_string(&self.recording.records).unwrap_or_default()
    }
}

/// Host first: an analyst pivots from the machine; then the identity, then the app.
fn kind_rank(id: &str) -> u8 {
    match EntityKind::from_prefix(id) {
        Some(EntityKind::Host) => 0,
        Some(EntityKind::Cloud) => 1,
        Some(EntityKind::User) => 2,
        _ => 3,
    }
}

impl Compiler<'_> {
    /// Reads every `[[recordings]]` entry and maps its records' sources and entities.
    pub(super) fn load_recordings(&self, spec: &ScenarioSpec) -> Result<Vec<Loaded>> {
        let dir = self.file.parent().unwrap_or(Path::new("."));
        let mut out = Vec::new();
        for (i, r) in spec.recordings.iter().enumerate() {
            let at = |f: &str| format!("recordings[{i}].{f}");
            if let Some(problem) = crate::names::name_problem(&r.name) {
                return Err(self.err(None, at("name"), format!("the name {problem}")));
            }
            if r.files.is_empty() || r.files.len() > MAX_FILES {
                return Err(self.err(
                    None,
                    at("files"),
                    format!("name between 1 and {MAX_FILES} files"),
                ));
            }
            let paths: Vec<PathBuf> = r.files.iter().map(|f| dir.join(f)).collect();
            let read = match r.importer {
                RecordingFormat::Recording if paths.len() == 1 => Recording::read(&paths[0]),
                RecordingFormat::Recording => {
                    return Err(self.err(None, at("files"), "a recording is one file"));
                }
                RecordingFormat::Otrf => import(Format::Otrf, &paths),
                RecordingFormat::Cloudtrail => import(Format::Cloudtrail, &paths),
                RecordingFormat::EvtxJson => import(Format::EvtxJson, &paths),
                RecordingFormat::Ocsf => import(Format::Ocsf, &paths),
            };
            let mut recording =
                read.map_err(|e| self.err(None, at("files"), format!("cannot import: {e}")))?;
            if recording.records.is_empty() {
                return Err(self.err(None, at("files"), "the recording has no records"));
            }
            // Input paths as the scenario names them, so results do not depend on where
            // the checkout lives.
            for rec in &mut recording.records {
                if let Some(j) = paths.iter().position(|p| p.to_string_lossy() == rec.file) {
                    rec.file = r.files[j].clone();
                }
            }
            let mut sources = Vec::new();
            let mut entities = Vec::new();
            for rec in &recording.records {
                let s = record_source(rec);
                sources.push(r.sources.get(&s).cloned().unwrap_or(s));
                let mut ids: Vec<String> = rec
                    .entities
                    .iter()
                    .map(|e| {
                        let id = entity_id(e);
                        r.entities.get(&id).cloned().unwrap_or(id)
                    })
                    .collect();
                if ids.is_empty() {
                    let Some(d) = &r.default_entity else {
                        return Err(self.err(
                            None,
                            at("default_entity"),
                            format!(
                                "{} line {} names no entity: give default_entity",
                                rec.file, rec.line
                            ),
                        ));
                    };
                    ids.push(d.clone());
                }
                ids.sort_by(|a, b| kind_rank(a).cmp(&kind_rank(b)).then(a.cmp(b)));
                ids.dedup();
                entities.push(ids);
            }
            out.push(Loaded {
                recording,
                sources,
                entities,
            });
        }
        Ok(out)
    }

    /// Places the records in time, matches the scenario's Sigma rules on them, and makes
    /// each recording's attack a campaign (its records, step by step) and the rest its
    /// background lane.
    pub(super) fn place_recordings(
        &self,
        spec: &ScenarioSpec,
        loaded: &[Loaded],
        sigma: &[SigmaRule],
    ) -> Result<(Vec<RecordedRecord>, Vec<RecordingLane>, Vec<Campaign>)> {
        let mut records = Vec::new();
        let mut lanes = Vec::new();
        let mut campaigns = Vec::new();
        for (i, (r, l)) in spec.recordings.iter().zip(loaded).enumerate() {
            let at = |f: &str| format!("recordings[{i}].{f}");
            let times = self.place_in_time(spec, r, &l.recording, &at)?;
            let first = records.len() as u32;
            for (j, rec) in l.recording.records.iter().enumerate() {
                let entities = l.entities[j]
                    .iter()
                    .map(|e| self.entity_named(e, None, at("entities")))
                    .collect::<Result<Vec<EntityId>>>()?;
                let event = detect::event(rec);
                let matches = (0..sigma.len() as u32)
                    .filter(|&k| {
                        let rule = &sigma[k as usize].sigma;
                        detect::covers(rule, rec) && rule.is_match(&event)
                    })
                    .collect();
                records.push(RecordedRecord {
                    at: times[j],
                    source: self.source_index(&l.sources[j]),
                    entities,
                    fields: flatten(&rec.fields),
                    matches,
                    recording: i as u32,
                    position: j as u64,
                    step: None,
                });
            }
            let steps = self.recorded_steps(r, l, &records, first, &at)?;
            let taken: BTreeSet<u32> = steps.iter().flat_map(|s| s.recorded.clone()).collect();
            lanes.push(RecordingLane {
                name: r.name.clone(),
                key: fnv1a(r.name.as_bytes()),
                truth: r.background,
                records: (first..records.len() as u32)
                    .filter(|k| !taken.contains(k))
                    .collect(),
            });
            if let Some(s0) = steps.first() {
                let start = records[s0.recorded[0] as usize].at;
                campaigns.push(Campaign {
                    name: r.name.clone(),
                    key: fnv1a(r.name.as_bytes()),
                    truth: r.truth,
                    start: Dist::Fixed { value: start },
                    steps,
                });
            }
        }
        Ok((records, lanes, campaigns))
    }

    /// Each record's time from the scenario start: `at` plus its gap from the first
    /// record, times `scale`; all of it must fall within the horizon.
    fn place_in_time(
        &self,
        spec: &ScenarioSpec,
        r: &RecordingSpec,
        recording: &Recording,
        at: &dyn Fn(&str) -> String,
    ) -> Result<Vec<SimDuration>> {
        if !(r.scale.is_finite() && r.scale > 0.0 && r.scale <= MAX_SCALE) {
            return Err(self.err(
                None,
                at("scale"),
                format!("must be > 0 and at most {MAX_SCALE}, got {}", r.scale),
            ));
        }
        let offset = match &r.at {
            Some(a) => spec.start.ms_until(a),
            None => 0,
        };
        let horizon = spec.horizon.ms() as i128;
        if !(0..horizon).contains(&offset) {
            return Err(self.err(
                None,
                at("at"),
                "must fall within the run: from the scenario's start to its horizon",
            ));
        }
        let t0 = recording.records[0].time_ms;
        let times: Vec<i128> = recording
            .records
            .iter()
            .map(|rec| offset + ((rec.time_ms - t0) as f64 * r.scale).round() as i128)
            .collect();
        let end = times.iter().copied().max().unwrap_or(offset);
        if end >= horizon {
            return Err(self.err(
                None,
                at("at"),
                format!(
                    "the recording's last record would land {} after the start, past the horizon ({})",
                    SimDuration(end as u64),
                    spec.horizon
                ),
            ));
        }
        Ok(times.into_iter().map(|t| SimDuration(t as u64)).collect())
    }

    /// The recorded attack's steps, in the order they began, each after the one before.
    fn recorded_steps(
        &self,
        r: &RecordingSpec,
        l: &Loaded,
        records: &[RecordedRecord],
        first: u32,
        at: &dyn Fn(&str) -> String,
    ) -> Result<Vec<Step>> {
        let mut owner: Vec<Option<usize>> = vec![None; l.recording.records.len()];
        self.unique(r.steps.iter().map(|s| s.id.as_str()), &at("steps"))?;
        for (k, s) in r.steps.iter().enumerate() {
            let field = |f: &str| at(&format!("steps[{k}].{f}"));
            if s.records.is_empty() {
                return Err(self.err(None, field("records"), "name the records it left"));
            }
            for (n, selector) in s.records.iter().enumerate() {
                let (file, line) = parse_selector(selector);
                let chosen: Vec<usize> = (0..l.recording.records.len())
                    .filter(|&j| {
                        let rec = &l.recording.records[j];
                        file.is_none_or(|f| rec.file.ends_with(f))
                            && line.is_none_or(|x| rec.line == x)
                    })
                    .collect();
                let files: BTreeSet<&str> = chosen
                    .iter()
                    .map(|&j| l.recording.records[j].file.as_str())
                    .collect();
                let problem = if chosen.is_empty() {
                    Some("selects no record".to_string())
                } else if line.is_some() && files.len() > 1 {
                    Some(format!(
                        "line {} is in {} input files: write FILE:LINE",
                        line.unwrap_or_default(),
                        files.len()
                    ))
                } else {
                    None
                };
                if let Some(p) = problem {
                    return Err(self.err(None, field(&format!("records[{n}]")), p));
                }
                for j in chosen {
                    if let Some(other) = owner[j].filter(|&o| o != k) {
                        let rec = &l.recording.records[j];
                        return Err(self.err(
                            None,
                            field(&format!("records[{n}]")),
                            format!(
                                "{} line {} is already step {:?}'s",
                                rec.file, rec.line, r.steps[other].id
                            ),
                        ));
                    }
                    owner[j] = Some(k);
                }
            }
        }
        // Steps in the order they began (records are in time order).
        let mut order: Vec<usize> = Vec::new();
        for o in owner.iter().flatten() {
            if !order.contains(o) {
                order.push(*o);
            }
        }
        let any_objective = r.steps.iter().any(|s| s.objective);
        let mut steps: Vec<Step> = Vec::new();
        let mut previous_start: Option<SimDuration> = None;
        for (n, &k) in order.iter().enumerate() {
            let s = &r.steps[k];
            let mine: Vec<u32> = (0..owner.len())
                .filter(|&j| owner[j] == Some(k))
                .map(|j| first + j as u32)
                .collect();
            let start = records[mine[0] as usize].at;
            let mut requires: Vec<(EntityId, _)> = Vec::new();
            for &j in &mine {
                for &e in &records[j as usize].entities {
                    let kind = self.kind_of(e);
                    if !requires.iter().any(|(x, _)| *x == e) {
                        requires.push((e, kind.default_condition()));
                    }
                }
            }
            requires.sort_by_key(|(e, _)| *e);
            steps.push(Step {
                id: s.id.clone(),
                key: fnv1a(s.id.as_bytes()),
                technique: s.technique.clone(),
                target: records[mine[0] as usize].entities[0],
                after: if n == 0 {
                    Vec::new()
                } else {
                    vec![crate::ids::StepId(n as u32 - 1)]
                },
                delay: Dist::Fixed {
                    value: SimDuration(start.ms() - previous_start.unwrap_or(start).ms()),
                },
                requires,
                objective: s.objective || (!any_objective && n + 1 == order.len()),
                detect: Vec::new(),
                clues: Default::default(),
                recorded: mine,
            });
            previous_start = Some(start);
        }
        Ok(steps)
    }
}

/// Whether a Sigma rule's logsource is one recorded records answer to (so it needs no
/// `[[sigma.logsources]]` entry in a scenario with recordings).
pub(super) fn recorded_logsource(rule: &sigma_rust::Rule) -> bool {
    let product = rule
        .logsource
        .product
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        product.as_str(),
        "windows" | "aws" | "azure" | "m365" | "microsoft365"
    )
}

/// `FILE:LINE`, `FILE` or `LINE` (see `RecordedStepSpec::records`).
fn parse_selector(s: &str) -> (Option<&str>, Option<usize>) {
    if let Ok(line) = s.parse::<usize>() {
        return (None, Some(line));
    }
    match s.rsplit_once(':') {
        Some((file, line)) if line.parse::<usize>().is_ok() => (Some(file), line.parse().ok()),
        _ => (Some(s), None),
    }
}
