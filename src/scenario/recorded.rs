//! Recorded attacks in a scenario: real telemetry (imported from a public dataset or an
//! mdrsim recording) replayed in the scenario's world at a chosen moment, timing kept or
//! rescaled. The attack's records are grouped into steps of a campaign (the labels, at
//! the granularity the dataset has); every other record is background. Docs:
//! docs/recorded-scenarios.md.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Fields;
use super::spec::{BenignTruth, CampaignTruth};
use crate::ids::{CampaignId, EntityId, StepId};
use crate::time::{Epoch, SimDuration};

/// The entry with which a materialised world (`mdrsim scenario export`) names itself:
/// loaded from that file, it replays the file's own records, whatever it is now called.
pub const MATERIALISED_WORLD: &str = "materialised-world";

/// How the recording's files are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RecordingFormat {
    /// OTRF Security-Datasets files (`mdrsim import otrf`).
    Otrf,
    /// Raw CloudTrail records.
    Cloudtrail,
    /// EVTX exported as JSON.
    EvtxJson,
    /// OCSF events.
    Ocsf,
    /// A recording written by `mdrsim import`.
    Recording,
}

/// A recording replayed in the scenario (`[[recordings]]`).
#[derive(Clone, Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordingSpec {
    /// Names the recorded campaign and keys its streams.
    pub name: String,
    /// How `files` are read.
    pub importer: RecordingFormat,
    /// Input files, relative to the scenario file.
    pub files: Vec<String>,
    /// Where the recording's first record lands (RFC 3339 with offset: the customer's
    /// local time); the scenario's start when absent.
    #[serde(default)]
    pub at: Option<Epoch>,
    /// Gaps between records are multiplied by this (1: the recorded timing).
    #[serde(default = "one")]
    pub scale: f64,
    /// The recorded attack's truth (`benign_positive`: an authorised exercise).
    #[serde(default)]
    pub truth: CampaignTruth,
    /// What the recorded attack's objective is (priced by the cost table).
    #[serde(default)]
    pub objective: crate::event::Objective,
    /// What reaching it is worth here (overrides the cost table).
    #[serde(default)]
    pub impact: Option<f64>,
    /// Truth of rule matches on background records.
    #[serde(default = "false_positive")]
    pub background: BenignTruth,
    /// Recorded entity (`host:WORKSTATION5`) → the scenario's entity; others are added
    /// to the scenario as they are named.
    #[serde(default)]
    pub entities: BTreeMap<String, String>,
    /// Recorded source (`sysmon`, `windows_security`, `azure_ad_audit`, …) → the
    /// scenario's telemetry source.
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
    /// The entity of records that name none.
    #[serde(default)]
    pub default_entity: Option<String>,
    /// The attack, step by step, by the records each step left. Records no step takes
    /// are background.
    #[serde(default)]
    pub steps: Vec<RecordedStepSpec>,
}

fn one() -> f64 {
    1.0
}

fn false_positive() -> BenignTruth {
    BenignTruth::FalsePositive
}

/// One step of a recorded attack: the records it left.
#[derive(Clone, Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordedStepSpec {
    /// Id, unique in the recording.
    pub id: String,
    /// ATT&CK technique.
    pub technique: String,
    /// The records it left: `FILE:LINE` (the record at that line of the input file
    /// whose path ends with FILE), `FILE` (every record of that file), or `LINE` (when
    /// only one input file has that line).
    pub records: Vec<String>,
    /// Whether reaching it is impact (the last step when no step says).
    #[serde(default)]
    pub objective: bool,
}

/// A recorded record placed in the scenario.
#[derive(Clone, Debug)]
pub struct RecordedRecord {
    /// When, from the scenario start.
    pub at: SimDuration,
    /// Index into [`super::Scenario::sources`].
    pub source: u32,
    /// The entities it names, the one it concerns first.
    pub entities: Vec<EntityId>,
    /// Its fields, flattened (`a.b` for nested keys), values verbatim.
    pub fields: Fields,
    /// The rules that match it.
    pub matches: Vec<RecordedMatch>,
    /// Its lane (index into [`super::Scenario::recordings`]).
    pub lane: u32,
    /// Its position in its recording: keys the streams of its alerts.
    pub position: u64,
    /// The attack step that left it, if any.
    pub step: Option<(CampaignId, StepId)>,
}

/// A rule matching a recorded record.
#[derive(Clone, Debug)]
pub struct RecordedMatch {
    /// Index into [`super::Scenario::sigma`].
    pub rule: u32,
    /// The alert's score.
    pub score: f64,
    /// The stream key of the alert, when the recording carries it (a materialised
    /// synthetic world); else it derives from the lane, the record and the rule.
    pub key: Option<[u64; 5]>,
}

/// An organizational record a materialised world left.
#[derive(Clone, Debug)]
pub struct RecordedFact {
    /// The entity it concerns.
    pub entity: EntityId,
    /// `hr`, `change`, `travel`, …
    pub kind: std::sync::Arc<str>,
    /// Its fields.
    pub fields: Fields,
    /// In force from (ms since the scenario start).
    pub from_ms: u64,
    /// In force until, if it ends.
    pub until_ms: Option<u64>,
}

/// A security tool's alert in a materialised world.
#[derive(Clone, Debug)]
pub struct RecordedAlert {
    /// The rule.
    pub rule: crate::ids::RuleId,
    /// Severity.
    pub severity: super::Severity,
    /// The entity it names.
    pub entity: EntityId,
    /// Its score.
    pub score: f64,
    /// The stream key the generator gave it.
    pub key: [u64; 5],
    /// Its truth (its process's).
    pub truth: BenignTruth,
}

/// One thing a recorded activity does, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// A record is observed (index into [`super::Scenario::recorded`]).
    Observe(u32),
    /// The rules matching that record raise their alerts.
    Match(u32),
    /// A fact is recorded (index into [`super::Scenario::recorded_facts`]).
    Fact(u32),
    /// A tool alert is raised (index into [`super::Scenario::recorded_alerts`]).
    Alert(u32),
}

/// An activity on a lane: when, and what it does.
#[derive(Clone, Debug)]
pub struct Occurrence {
    /// When, from the scenario start.
    pub at: SimDuration,
    /// What it does, in order.
    pub outputs: Vec<Output>,
}

/// A lane of recorded background activity: a recording's background records, or a
/// materialised benign process. Its occurrences run one after another, each scheduling
/// the next (as a synthetic process's arrivals do).
#[derive(Clone, Debug)]
pub struct RecordingLane {
    /// The recording's name, or `benign/NAME`, `telemetry/NAME`.
    pub name: String,
    /// Hash of the recording's name.
    pub key: u64,
    /// Truth of its alerts.
    pub truth: BenignTruth,
    /// Its activity: in time order, or for an eager lane in the order it is scheduled.
    pub occurrences: Vec<Occurrence>,
    /// Every occurrence is scheduled at the start (a world's scheduled facts), not each
    /// by the one before.
    pub eager: bool,
}

/// The lane of a campaign step's records in a materialised world.
pub fn step_lane(campaign: &str, step: &str) -> String {
    format!("campaign/{campaign}/{step}")
}

/// The score of a rule match on real data: real records carry no risk score, so the
/// rule's own level (as its severity) stands for it — never anything from the labels.
pub fn level_score(severity: super::Severity) -> f64 {
    use super::Severity;
    match severity {
        Severity::Low => 0.3,
        Severity::Medium => 0.5,
        Severity::High => 0.7,
        Severity::Critical => 0.9,
    }
}

/// The telemetry source a record belongs to, by its kind and channel.
pub fn record_source(r: &crate::recording::Record) -> String {
    match (r.kind.as_str(), r.channel.as_deref()) {
        ("windows", Some("Security")) => "windows_security".into(),
        ("windows", Some("Microsoft-Windows-Sysmon/Operational")) => "sysmon".into(),
        (kind, _) => kind.into(),
    }
}

/// The scenario entity id for a recorded entity (`cloud_identity` → `cloud:`).
pub fn entity_id(e: &crate::recording::EntityRef) -> String {
    let kind = match e.kind.as_str() {
        "cloud_identity" => "cloud",
        other => other,
    };
    format!("{kind}:{}", e.name)
}

/// A record's fields as telemetry fields: nested keys joined with `.`, strings
/// verbatim, other values as their JSON text, nulls left out.
pub fn flatten(fields: &serde_json::Map<String, serde_json::Value>) -> Fields {
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut Fields) {
        use serde_json::Value;
        match v {
            Value::Null => {}
            Value::Object(m) => {
                for (k, v) in m {
                    walk(&format!("{prefix}.{k}"), v, out);
                }
            }
            Value::String(s) => {
                out.insert(prefix.into(), s.as_str().into());
            }
            other => {
                out.insert(prefix.into(), other.to_string().into());
            }
        }
    }
    let mut out = Fields::new();
    for (k, v) in fields {
        walk(k, v, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatten_keeps_values_verbatim_and_joins_nested_keys() {
        let v: serde_json::Value = serde_json::json!({
            "OperationName": "Update application ",
            "EventID": 4688,
            "InitiatedBy": {"user": {"userPrincipalName": "a@b"}, "app": null},
            "Tags": ["x", 1],
        });
        let f = flatten(v.as_object().unwrap());
        let get = |k: &str| f.get(k).map(|v| v.to_string());
        assert_eq!(get("OperationName").as_deref(), Some("Update application "));
        assert_eq!(get("EventID").as_deref(), Some("4688"));
        assert_eq!(
            get("InitiatedBy.user.userPrincipalName").as_deref(),
            Some("a@b")
        );
        assert_eq!(get("InitiatedBy.app"), None);
        assert_eq!(get("Tags").as_deref(), Some("[\"x\",1]"));
        assert_eq!(f.len(), 4);
    }
}
