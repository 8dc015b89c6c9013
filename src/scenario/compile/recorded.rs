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
use crate::scenario::model::{Campaign, EntityKind, SigmaRule};
use crate::scenario::recorded::{
    MATERIALISED_WORLD, Occurrence, Output, RecordedAlert, RecordedFact, RecordedMatch,
    RecordedRecord, RecordingFormat, RecordingLane, RecordingSpec, entity_id, flatten, level_score,
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
    pub(super) recording: Recording,
    /// Whether it is a materialised synthetic world (its records say where they came
    /// from) rather than imported data.
    pub(super) materialized: bool,
    /// Per record: its telemetry source (after the spec's mapping), if it is telemetry.
    sources: Vec<Option<String>>,
    /// Per record: the scenario entity ids it names, the one it concerns first.
    entities: Vec<Vec<String>>,
}

impl Loaded {
    /// Source names the recording's records come from.
    pub(super) fn source_names(&self) -> impl Iterator<Item = &String> {
        self.sources.iter().flatten()
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

/// What recordings add to a scenario.
#[derive(Default)]
pub(super) struct Placed {
    pub(super) records: Vec<RecordedRecord>,
    pub(super) facts: Vec<RecordedFact>,
    pub(super) alerts: Vec<RecordedAlert>,
    pub(super) lanes: Vec<RecordingLane>,
    /// Campaigns of imported recordings.
    pub(super) campaigns: Vec<Campaign>,
    /// What a materialised world's campaign steps do: (`CAMPAIGN/STEP`, when, outputs).
    pub(super) step_outputs: Vec<(String, SimDuration, Vec<Output>)>,
}

/// The records an output list observes.
pub(super) fn observed(outputs: &[Output]) -> impl Iterator<Item = u32> + '_ {
    outputs.iter().filter_map(|o| match o {
        Output::Observe(k) => Some(*k),
        _ => None,
    })
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
    pub(super) fn load_recordings(&mut self, spec: &ScenarioSpec) -> Result<Vec<Loaded>> {
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
                RecordingFormat::Recording if paths.len() == 1 => {
                    match self.carried.take_if(|_| r.name == MATERIALISED_WORLD) {
                        Some(carried) => Ok(carried),
                        None => Recording::read(&paths[0]),
                    }
                }
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
            let materialized = recording.records.iter().any(|r| r.mdrsim.is_some());
            if materialized {
                let (sources, entities) = self.materialized_tables(r, &recording, &at)?;
                out.push(Loaded {
                    recording,
                    materialized,
                    sources,
                    entities,
                });
                continue;
            }
            let mut sources = Vec::new();
            let mut entities = Vec::new();
            for rec in &recording.records {
                let s = record_source(rec);
                sources.push(Some(r.sources.get(&s).cloned().unwrap_or(s)));
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
                materialized,
                sources,
                entities,
            });
        }
        Ok(out)
    }

    /// Places the records in time, matches the scenario's Sigma rules on them, and makes
    /// each recording's attack a campaign (its records, step by step) and the rest its
    /// background lane. A materialised world's lanes and step outputs come as recorded.
    pub(super) fn place_recordings(
        &self,
        spec: &ScenarioSpec,
        loaded: &[Loaded],
        sigma: &[SigmaRule],
        rules: &[crate::scenario::Rule],
    ) -> Result<Placed> {
        let mut placed = Placed::default();
        for (i, (r, l)) in spec.recordings.iter().zip(loaded).enumerate() {
            let at = |f: &str| format!("recordings[{i}].{f}");
            if l.materialized {
                self.place_materialized(l, sigma, rules, &mut placed, spec.horizon, &at)?;
                continue;
            }
            let times = self.place_in_time(spec, r, &l.recording, &at)?;
            let first = placed.records.len() as u32;
            let lane = placed.lanes.len() as u32;
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
                    .map(|k| RecordedMatch {
                        rule: k,
                        score: level_score(sigma[k as usize].severity),
                        key: None,
                    })
                    .collect();
                placed.records.push(RecordedRecord {
                    at: times[j],
                    source: self.source_index(l.sources[j].as_deref().unwrap_or_default()),
                    entities,
                    fields: flatten(&rec.fields),
                    matches,
                    lane,
                    position: j as u64,
                    step: None,
                });
            }
            let records = &placed.records;
            let steps = self.recorded_steps(r, l, records, first, &at)?;
            let taken: BTreeSet<u32> = steps
                .iter()
                .flat_map(|s| s.later.iter().copied().chain(observed(&s.outputs)))
                .collect();
            let occurrences = (first..records.len() as u32)
                .filter(|k| !taken.contains(k))
                .map(|k| Occurrence {
                    at: records[k as usize].at,
                    outputs: vec![Output::Observe(k), Output::Match(k)],
                })
                .collect();
            placed.lanes.push(RecordingLane {
                name: r.name.clone(),
                key: fnv1a(r.name.as_bytes()),
                truth: r.background,
                occurrences,
                eager: false,
            });
            if let Some(s0) = steps.first() {
                let start = observed(&s0.outputs)
                    .next()
                    .map_or(SimDuration(0), |k| records[k as usize].at);
                placed.campaigns.push(Campaign {
                    name: r.name.clone(),
                    key: fnv1a(r.name.as_bytes()),
                    truth: r.truth,
                    objective: (r.objective, r.impact),
                    start: Dist::Fixed { value: start },
                    steps,
                });
            }
        }
        Ok(placed)
    }

    /// Gives a materialised world's steps what they do, and every recorded record of
    /// a step its label.
    pub(super) fn attach_step_outputs(
        &self,
        campaigns: &mut [Campaign],
        placed: &mut Placed,
    ) -> Result<()> {
        for (lane, at, outputs) in std::mem::take(&mut placed.step_outputs) {
            let step = campaigns
                .iter_mut()
                .flat_map(|c| {
                    let name = c.name.clone();
                    c.steps
                        .iter_mut()
                        .map(move |s| (format!("{name}/{}", s.id), s))
                })
                .find(|(n, _)| *n == lane)
                .map(|(_, s)| s)
                .ok_or_else(|| {
                    self.err(
                        None,
                        "recordings",
                        format!(
                            "records of campaign step {lane:?}, which the scenario does not have"
                        ),
                    )
                })?;
            step.outputs = outputs;
            step.recorded_at = Some(at);
        }
        for (c, campaign) in campaigns.iter().enumerate() {
            for (s, step) in campaign.steps.iter().enumerate() {
                for r in observed(&step.outputs).chain(step.later.iter().copied()) {
                    placed.records[r as usize].step = Some((
                        crate::ids::CampaignId(c as u32),
                        crate::ids::StepId(s as u32),
                    ));
                }
            }
        }
        Ok(())
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
