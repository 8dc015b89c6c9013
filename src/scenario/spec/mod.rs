//! The scenario file format (TOML), exactly as written by a person. Unknown fields are
//! rejected so a typo never silently falls back to a default. References to entities are
//! kept with their source span so validation errors can name the line.
//! See `docs/scenario-format.md` for the reference.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::clues::{FactSpec, FieldValue, TraceSpec, WorldFactSpec};
use super::dist::{DurationDist, NumberDist, dist_serde};

mod campaign;
mod customer;
pub use campaign::{
    CampaignSpec, CampaignTruth, Condition, DetectionSpec, FootholdKind, RequirementSpec, StepSpec,
};
pub use customer::{ContainmentSpec, CustomerSpec, JudgementSpec, OnCallSpec};

pub use crate::event::Severity;
use crate::time::{Epoch, SimDuration};

/// A whole scenario: the customer's world, independent of the defender.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Short, unique name (`friday-night-ransomware`).
    pub name: String,
    /// What the scenario tests, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// `SimTime(0)` as an RFC 3339 date-time with offset.
    pub start: Epoch,
    /// How long the run lasts; work still open then is censored.
    pub horizon: SimDuration,
    /// Users, hosts, cloud accounts, SaaS apps, domains.
    #[serde(default)]
    pub entities: Vec<EntitySpec>,
    /// Processes that raise false-positive and benign-positive alerts.
    #[serde(default)]
    pub benign: Vec<BenignSpec>,
    /// Benign telemetry processes (the records detection rules run over).
    #[serde(default)]
    pub telemetry: Vec<TelemetrySpec>,
    /// Sigma detection rules, from files or inline.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    /// How Sigma logsources and field names map onto this scenario's telemetry.
    #[serde(default)]
    pub sigma: SigmaMappingSpec,
    /// Attack campaigns.
    #[serde(default)]
    pub campaigns: Vec<CampaignSpec>,
    /// Recorded attacks (real telemetry) replayed in this world. Left out of the
    /// canonical form when empty, so a scenario without recordings keeps its identity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recordings: Vec<super::recorded::RecordingSpec>,
    /// Which tools and telemetry sources exist in the environment.
    #[serde(default)]
    pub environment: EnvironmentSpec,
    /// Organizational facts on a schedule (HR records with effective dates, asset
    /// records): found only through an organizational query.
    #[serde(default)]
    pub facts: Vec<WorldFactSpec>,
    /// Findings of `mdrsim lint` this scenario keeps, each with the reason it is realistic.
    #[serde(default)]
    pub lint: LintSpec,
    /// Time from a containment decision to its effect, per action.
    #[serde(default)]
    pub containment: ContainmentSpec,
    /// The customer's own security team.
    #[serde(default)]
    pub customer: CustomerSpec,
    /// Detection latency per detector (a security tool, or `sigma` for detection
    /// rules) or per rule: the time from an activity to its alert, drawn the same way
    /// whether an attack or a benign process did it. Unstated: the documented default
    /// of the detector's kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub latency: Vec<LatencySpec>,
    /// Provider parameters pinned by this scenario (top-level keys of a provider
    /// profile); every strategy run on the scenario uses them.
    #[serde(default)]
    #[schemars(with = "Option<std::collections::BTreeMap<String, serde_json::Value>>")]
    pub provider: Option<toml::Table>,
}

/// The latency of one detector's alerts, or of one of its rules.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LatencySpec {
    /// The detector: a security tool (`edr`) or `sigma` for detection rules.
    pub source: String,
    /// One rule (alert title) of the detector; absent: all of its rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Time from the activity to the alert.
    #[serde(with = "dist_serde")]
    #[schemars(with = "DurationDist")]
    pub delay: DurationDist,
}

/// Which security tools are deployed and which telemetry sources exist. Absent lists
/// mean "every tool or source the scenario names".
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentSpec {
    /// Deployed security tools (`edr`, `av`, `cdr`, `idp_protection`, …).
    #[serde(default)]
    pub tools: Option<Vec<String>>,
    /// Telemetry sources that exist (`idp`, `hr`, `mdm`, `saas`, `cloudtrail`, …).
    #[serde(default)]
    pub telemetry: Option<Vec<String>>,
}

/// A benign telemetry process: records from one source, e.g. sign-ins or audit entries.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetrySpec {
    /// Name, for reports.
    pub name: String,
    /// The telemetry source (`idp`, `azure_audit`, `cloudtrail`, …).
    pub source: String,
    /// Mean records per hour (Poisson), ≥ 0.
    #[schemars(with = "f64")]
    pub per_hour: Spanned<f64>,
    /// Entities a record may concern; one is picked uniformly.
    #[schemars(with = "Vec<String>")]
    pub entities: Vec<Spanned<String>>,
    /// Record fields: a value, or a list to pick from uniformly.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldValue>,
    /// Truth of alerts that rules raise on these records.
    #[serde(default = "benign_positive")]
    pub truth: BenignTruth,
    /// Detector score of such alerts.
    #[serde(default = "mid_score", with = "dist_serde")]
    #[schemars(with = "NumberDist")]
    pub score: NumberDist,
    /// Organizational facts each record's activity may leave.
    #[serde(default)]
    pub facts: Vec<FactSpec>,
}

fn benign_positive() -> BenignTruth {
    BenignTruth::BenignPositive
}
fn mid_score() -> NumberDist {
    NumberDist::Beta {
        alpha: 2.0,
        beta: 2.0,
    }
}

/// A Sigma rule, from a file (relative to the scenario) or inline YAML.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Path of a `.yml` rule, relative to the scenario file.
    #[serde(default)]
    pub path: Option<String>,
    /// The rule's YAML text.
    #[serde(default)]
    pub yaml: Option<String>,
}

/// Maps Sigma logsources and field names onto the scenario's telemetry.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SigmaMappingSpec {
    /// Logsource → telemetry source.
    #[serde(default)]
    pub logsources: Vec<LogsourceMapSpec>,
    /// Sigma field name → telemetry field name, where they differ.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// Rules whose logsource has these values (absent: any) run over `source`.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogsourceMapSpec {
    /// Sigma `product`.
    #[serde(default)]
    pub product: Option<String>,
    /// Sigma `service`.
    #[serde(default)]
    pub service: Option<String>,
    /// Sigma `category`.
    #[serde(default)]
    pub category: Option<String>,
    /// Our telemetry source.
    pub source: String,
}

/// One entity, `kind:name`, with free-form attributes.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EntitySpec {
    /// `user:…`, `host:…`, `cloud:…`, `app:…` or `domain:…`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Department, role, location, owner, criticality, …
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// Ground truth of an alert that is not part of an attack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BenignTruth {
    /// A detection error.
    FalsePositive,
    /// Real but authorised activity (an admin tool, a travelling user).
    BenignPositive,
}

/// A Poisson process of benign alerts from one detector rule.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BenignSpec {
    /// Name of the process, for reports.
    pub name: String,
    /// The detector: a security tool (`edr`, `idp`) or a rule set.
    pub source: String,
    /// The rule or alert title the detector shows.
    pub rule: String,
    /// ATT&CK technique the rule is mapped to, if any.
    #[serde(default)]
    pub technique: Option<String>,
    /// Mean alerts per hour (Poisson arrivals), ≥ 0.
    #[schemars(with = "f64")]
    pub per_hour: Spanned<f64>,
    /// Whether these alerts are detection errors or authorised activity.
    pub truth: BenignTruth,
    /// Severity the detector assigns.
    pub severity: Severity,
    /// Entities an alert may concern; one is picked uniformly per alert.
    #[schemars(with = "Vec<String>")]
    pub entities: Vec<Spanned<String>>,
    /// The detector's risk score in [0, 1] (clamped), an observable feature.
    #[serde(with = "dist_serde")]
    #[schemars(with = "NumberDist")]
    pub score: NumberDist,
    /// Telemetry records each alert's activity may leave (what a telemetry query finds).
    #[serde(default)]
    pub telemetry: Vec<TraceSpec>,
    /// Organizational facts each alert's activity may leave (a change ticket, a booking).
    #[serde(default)]
    pub facts: Vec<FactSpec>,
}

/// Findings of `mdrsim lint` the scenario keeps on purpose.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LintSpec {
    /// Each kept finding, exactly as `lint` prints it, with why it is realistic.
    #[serde(default)]
    pub allow: Vec<LintAllow>,
}

/// One finding kept on purpose.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LintAllow {
    /// The finding, as `lint` prints it (e.g. `severity critical`).
    pub finding: String,
    /// Why it is realistic that only attacks produce it.
    pub why: String,
}
