//! The scenario file format (TOML), exactly as written by a person. Unknown fields are
//! rejected so a typo never silently falls back to a default. References to entities are
//! kept with their source span so validation errors can name the line.
//! See `docs/scenario-format.md` for the reference.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::dist::{DurationDist, NumberDist, dist_serde};
use crate::time::{Epoch, SimDuration};

/// A whole scenario: the customer's world, independent of the defender.
#[derive(Clone, Debug, Deserialize, Serialize)]
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
    /// Attack campaigns.
    #[serde(default)]
    pub campaigns: Vec<CampaignSpec>,
    /// The worker pool that handles alerts (pinned by the scenario).
    pub pool: PoolSpec,
}

/// One entity, `kind:name`, with free-form attributes.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EntitySpec {
    /// `user:…`, `host:…`, `cloud:…`, `app:…` or `domain:…`.
    pub id: Spanned<String>,
    /// Department, role, location, owner, criticality, …
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// How bad a detector says an alert is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Informational or low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Ground truth of an alert that is not part of an attack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BenignTruth {
    /// A detection error.
    FalsePositive,
    /// Real but authorised activity (an admin tool, a travelling user).
    BenignPositive,
}

/// A Poisson process of benign alerts from one detector rule.
#[derive(Clone, Debug, Deserialize, Serialize)]
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
    pub per_hour: Spanned<f64>,
    /// Whether these alerts are detection errors or authorised activity.
    pub truth: BenignTruth,
    /// Severity the detector assigns.
    pub severity: Severity,
    /// Entities an alert may concern; one is picked uniformly per alert.
    pub entities: Vec<Spanned<String>>,
    /// The detector's risk score in [0, 1] (clamped), an observable feature.
    #[serde(with = "dist_serde")]
    pub score: NumberDist,
}

/// An attack campaign: steps with predecessors, so campaigns may branch.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignSpec {
    /// Name, for reports.
    pub name: String,
    /// When the first steps become due, after the scenario start.
    #[serde(with = "dist_serde")]
    pub start: DurationDist,
    /// The steps; at least one should be an `objective`.
    pub steps: Vec<StepSpec>,
}

/// One attack step.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    /// Id, unique in the campaign.
    pub id: Spanned<String>,
    /// ATT&CK technique id (`T1566.001`).
    pub technique: String,
    /// The entity the step compromises or acts on.
    pub target: Spanned<String>,
    /// Steps that must have executed first. Absent: the previous step (none for the
    /// first); `[]`: due at the campaign start.
    #[serde(default)]
    pub after: Option<Vec<Spanned<String>>>,
    /// Delay after the last predecessor executed (or after the campaign start).
    #[serde(default = "zero_delay", with = "dist_serde")]
    pub delay: DurationDist,
    /// Entities that must still be usable for the step to happen; absent: the target.
    /// A host must not be isolated, an account enabled with valid sessions, a domain
    /// reachable.
    #[serde(default)]
    pub requires: Option<Vec<Spanned<String>>>,
    /// Reaching this step is the attacker's objective (impact).
    #[serde(default)]
    pub objective: bool,
    /// Detectors that may see this step.
    #[serde(default)]
    pub detect: Vec<DetectionSpec>,
}

fn zero_delay() -> DurationDist {
    DurationDist::Fixed {
        value: SimDuration(0),
    }
}

/// A detector's chance to raise an alert on a step.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DetectionSpec {
    /// The detector (`edr`, `idp`, …).
    pub source: String,
    /// The rule or alert title.
    pub rule: String,
    /// Probability in [0, 1] that the step raises this alert.
    pub probability: Spanned<f64>,
    /// Severity of the alert.
    pub severity: Severity,
    /// Time from the step to the alert.
    #[serde(default = "zero_delay", with = "dist_serde")]
    pub latency: DurationDist,
    /// The detector's risk score in [0, 1].
    #[serde(with = "dist_serde")]
    pub score: NumberDist,
}

/// A pool of interchangeable workers.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSpec {
    /// Name, for reports.
    pub name: String,
    /// Number of workers, ≥ 1.
    pub size: Spanned<u32>,
    /// Time one worker spends handling one alert.
    #[serde(with = "dist_serde")]
    pub handling: DurationDist,
}
