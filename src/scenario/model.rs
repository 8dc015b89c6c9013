//! The validated scenario: names resolved to ids, every reference checked, Sigma rules
//! parsed, schedules compiled. The engine only ever sees this form, so it never has to
//! handle a dangling reference.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use super::clues::{Clues, FieldTemplates, WorldFact};
use super::dist::{DurationDist, NumberDist};
use super::recorded::{Output, RecordedAlert, RecordedFact, RecordedRecord, RecordingLane};
use super::spec::{BenignTruth, CampaignTruth, Condition, ContainmentSpec, LintAllow, Severity};
use crate::calendar::Capacity;
pub use crate::event::Rule;
use crate::ids::{EntityId, RuleId, StepId};
use crate::time::{Epoch, SimDuration};

pub use super::entity::{Entity, EntityKind};

/// A benign alert process.
#[derive(Clone, Debug)]
pub struct BenignProcess {
    /// Name, for reports.
    pub name: String,
    /// Hash of the name: keys its random streams.
    pub key: u64,
    /// The rule its alerts carry.
    pub rule: RuleId,
    /// Mean alerts per hour (0 when the tool is not deployed).
    pub per_hour: f64,
    /// Ground truth of its alerts.
    pub truth: BenignTruth,
    /// Severity of its alerts.
    pub severity: Severity,
    /// Entities an alert may concern.
    pub entities: Vec<EntityId>,
    /// Risk score distribution.
    pub score: NumberDist,
    /// What each alert's activity leaves behind.
    pub clues: Clues,
}

/// A benign telemetry process.
#[derive(Clone, Debug)]
pub struct TelemetryProcess {
    /// Name.
    pub name: String,
    /// Hash of the name: keys its random streams.
    pub key: u64,
    /// Index into [`Scenario::sources`].
    pub source: u32,
    /// Mean records per hour (0 when the source does not exist).
    pub per_hour: f64,
    /// Entities a record may concern.
    pub entities: Vec<EntityId>,
    /// Field templates.
    pub fields: FieldTemplates,
    /// Truth of rule matches on its records.
    pub truth: BenignTruth,
    /// Score of rule matches.
    pub score: NumberDist,
    /// Facts each record's activity leaves (no further traces: the record is the trace).
    pub clues: Clues,
}

/// A parsed Sigma rule and where it runs.
#[derive(Clone, Debug)]
pub struct SigmaRule {
    /// Its entry in the rule table.
    pub rule: RuleId,
    /// Hash of the title: keys the streams of its matches.
    pub key: u64,
    /// Severity from the rule's `level`.
    pub severity: Severity,
    /// The parsed rule.
    pub sigma: Arc<sigma_rust::Rule>,
    /// Telemetry sources (indices into [`Scenario::sources`]) its logsource maps to.
    pub sources: Vec<u32>,
    /// ATT&CK technique from its tags, if any.
    pub technique: Option<String>,
}

/// A campaign.
#[derive(Clone, Debug)]
pub struct Campaign {
    /// Name, for reports.
    pub name: String,
    /// Hash of the name: keys its random streams.
    pub key: u64,
    /// Malicious, or an authorised look-alike whose alerts are benign.
    pub truth: CampaignTruth,
    /// What its objective is, and its worth when the scenario states one.
    pub objective: (crate::event::Objective, Option<f64>),
    /// Offset of the campaign start from the scenario start.
    pub start: DurationDist,
    /// Steps in declaration order; predecessors always come earlier.
    pub steps: Vec<Step>,
}

/// A campaign step.
#[derive(Clone, Debug)]
pub struct Step {
    /// Id, unique in the campaign.
    pub id: String,
    /// Hash of the id: keys its random streams.
    pub key: u64,
    /// ATT&CK technique.
    pub technique: String,
    /// What it compromises.
    pub target: EntityId,
    /// Predecessors (all must have executed).
    pub after: Vec<StepId>,
    /// Delay after the last predecessor.
    pub delay: DurationDist,
    /// What must hold.
    pub requires: Vec<(EntityId, Condition)>,
    /// Whether reaching it is impact.
    pub objective: bool,
    /// Whether it leaves a foothold on its target.
    pub foothold: bool,
    /// Security tools that may see it (only deployed ones).
    pub detect: Vec<Detection>,
    /// Telemetry and facts it may leave (only existing sources).
    pub clues: Clues,
    /// What it does from a recording when it executes (empty for a synthetic step).
    pub outputs: Vec<Output>,
    /// Its recorded records due after it began (indices into [`Scenario::recorded`]).
    pub later: Vec<u32>,
    /// When a recording's step began in the recording. A step that executes later (it
    /// came back after a containment was lifted) moves its facts' windows and its later
    /// records by as much, as a synthetic step's clues follow its execution.
    pub recorded_at: Option<SimDuration>,
}

/// A security tool's chance to alert on a step.
#[derive(Clone, Debug)]
pub struct Detection {
    /// Hash of the detector and rule names (keys the random stream).
    pub key: u64,
    /// The rule.
    pub rule: RuleId,
    /// Probability in [0, 1].
    pub probability: f64,
    /// Alert severity.
    pub severity: Severity,
    /// Risk score distribution.
    pub score: NumberDist,
}

/// The customer's team, compiled.
#[derive(Clone, Debug)]
pub struct Customer {
    /// Headcount.
    pub size: u32,
    /// On shift over the run.
    pub capacity: Capacity,
    /// Time per escalation.
    pub handling: DurationDist,
    /// Time per recommended containment.
    pub containment: DurationDist,
    /// How it judges escalations.
    pub judgement: super::spec::JudgementSpec,
    /// Who is paged outside its hours.
    pub on_call: super::spec::OnCallSpec,
    /// Delay before the team reviews and lifts a containment it decided.
    pub containment_review: SimDuration,
}

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Where it was read from.
    pub path: PathBuf,
    /// `SimTime(0)`.
    pub epoch: Epoch,
    /// Length of a run.
    pub horizon: SimDuration,
    /// Hash of the scenario's canonical content (comments, whitespace and declaration
    /// order do not change it): identifies the world in results. Never seeds anything:
    /// random streams are keyed by names (see [`crate::random`]).
    pub content_hash: u64,
    /// Hash of the name: the root of every run's seed tree.
    pub name_key: u64,
    /// Entities, sorted by id.
    pub entities: Vec<Entity>,
    /// Each entity's owner, when its `owner` attribute names another entity.
    pub owners: Vec<Option<EntityId>>,
    /// Detector rules, sorted.
    pub rules: Vec<Rule>,
    /// Detection latency of each rule (by [`RuleId`](crate::ids::RuleId)): the same for
    /// attack and benign activity.
    pub latency: Vec<DurationDist>,
    /// Telemetry source names, sorted.
    pub sources: Vec<String>,
    /// Deployed security tools.
    pub tools: BTreeSet<String>,
    /// Benign alert processes, sorted by name.
    pub benign: Vec<BenignProcess>,
    /// Benign telemetry processes, sorted by name.
    pub telemetry: Vec<TelemetryProcess>,
    /// Sigma rules.
    pub sigma: Vec<SigmaRule>,
    /// Sigma field name → telemetry field name.
    pub field_map: BTreeMap<String, String>,
    /// Attack campaigns (and authorised look-alike sequences), sorted by name.
    pub campaigns: Vec<Campaign>,
    /// Organizational facts on a schedule.
    pub facts: Vec<WorldFact>,
    /// Recorded records placed in the world.
    pub recorded: Vec<RecordedRecord>,
    /// Facts of a materialised world.
    pub recorded_facts: Vec<RecordedFact>,
    /// Tool alerts of a materialised world.
    pub recorded_alerts: Vec<RecordedAlert>,
    /// Lanes of recorded background activity.
    pub recordings: Vec<RecordingLane>,
    /// Lint findings the scenario keeps, with reasons.
    pub lint_allow: Vec<LintAllow>,
    /// Containment execution delays.
    pub containment: ContainmentSpec,
    /// The customer's team.
    pub customer: Customer,
    /// Provider keys pinned by the scenario.
    pub provider_pin: Option<toml::Table>,
    /// The file's text, so errors found later (a provider pin that does not fit a
    /// strategy) can still name the line.
    pub source: std::sync::Arc<str>,
}

impl Scenario {
    /// The scenario's story and sources: the comment block that opens its file (the
    /// built-in suite tells there what it tests and where its numbers come from).
    pub fn story(&self) -> String {
        self.source
            .lines()
            .take_while(|l| l.trim_start().starts_with('#'))
            .map(|l| {
                let t = l.trim_start().trim_start_matches('#');
                t.strip_prefix(' ').unwrap_or(t)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Reads, parses and validates a scenario file — or a materialised world (a
    /// recording from `mdrsim scenario export`, `.jsonl`), which carries its scenario.
    pub fn load(path: &std::path::Path) -> crate::Result<Scenario> {
        if path.extension().is_some_and(|x| x == "jsonl") {
            let mut recording = crate::recording::Recording::read(path)?;
            let Some((text, _seed)) = recording.scenario.take() else {
                return Err(crate::Error::log(
                    path,
                    "a recording without a scenario: name it in a scenario's [[recordings]]",
                ));
            };
            let spec = super::load::parse_spec(&text, path)?;
            return super::compile::compile(spec, &text, path, Some(recording));
        }
        let text = crate::budget::read_text(path)?;
        let spec = super::load::parse_spec(&text, path)?;
        Scenario::compile(spec, &text, path)
    }

    /// Loads a suite: each path is a scenario file or a folder, whose `*.toml` files
    /// (not its subfolders, so `scenarios/` leaves out `scenarios/validation/`) are
    /// taken. Sorted by name, then path, so the grid does not depend on listing order.
    pub fn load_suite(paths: &[std::path::PathBuf]) -> crate::Result<Vec<Scenario>> {
        let mut files = Vec::new();
        for p in paths {
            if p.is_dir() {
                let entries = std::fs::read_dir(p).map_err(|e| crate::Error::io(p, e))?;
                for e in entries {
                    let path = e.map_err(|e| crate::Error::io(p, e))?.path();
                    if path.is_file() && path.extension().is_some_and(|x| x == "toml") {
                        files.push(path);
                    }
                }
            } else {
                files.push(p.clone());
            }
        }
        let mut suite = files
            .iter()
            .map(|p| Scenario::load(p))
            .collect::<crate::Result<Vec<_>>>()?;
        suite.sort_by(|a, b| a.name.cmp(&b.name).then(a.path.cmp(&b.path)));
        Ok(suite)
    }

    /// Validates a parsed spec; `text` is the file's text, for line numbers.
    pub fn compile(
        spec: super::ScenarioSpec,
        text: &str,
        file: &std::path::Path,
    ) -> crate::Result<Scenario> {
        super::compile::compile(spec, text, file, None)
    }

    /// The line of `field` in the scenario file, or of its nearest enclosing table.
    pub fn line_of(&self, field: &str) -> Option<usize> {
        super::locate::field_line(&self.source, field)
    }

    /// The id of `name`, if such an entity exists.
    pub fn entity(&self, name: &str) -> Option<EntityId> {
        self.entities
            .iter()
            .position(|e| e.id == name)
            .map(|i| EntityId(i as u32))
    }

    /// A telemetry record as a Sigma rule sees it: our fields, the mapped Sigma field
    /// names, and the entity. The engine and `lint` both evaluate rules on this.
    pub fn sigma_event(&self, fields: &super::Fields, entity: EntityId) -> sigma_rust::Event {
        let mut event = sigma_rust::Event::new();
        for (k, v) in fields {
            insert_typed(&mut event, k.to_string(), v);
        }
        for (sigma_name, ours) in &self.field_map {
            if let Some(v) = fields.get(ours.as_str()) {
                insert_typed(&mut event, sigma_name.clone(), v);
            }
        }
        if let Some(e) = self.entities.get(entity.index()) {
            event.insert("entity", e.id.clone());
        }
        event
    }

    /// The index of a telemetry source.
    pub fn source(&self, name: &str) -> Option<u32> {
        self.sources
            .iter()
            .position(|s| s == name)
            .map(|i| i as u32)
    }
}

/// Sigma compares types strictly (`4648` is not `"4648"`): integers go in as integers.
fn insert_typed(event: &mut sigma_rust::Event, key: String, value: &str) {
    match value.parse::<i64>() {
        Ok(n) if !value.starts_with('0') || value == "0" => event.insert(key, n),
        _ => match value {
            "true" => event.insert(key, true),
            "false" => event.insert(key, false),
            _ => event.insert(key, value.to_string()),
        },
    }
}
