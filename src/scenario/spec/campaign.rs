//! Attack campaigns as written: steps with predecessors, requirements that containment
//! can break, the detectors that may see each step, and the footholds steps leave.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::Severity;
use crate::scenario::clues::{FactSpec, TraceSpec};
use crate::scenario::dist::{DurationDist, NumberDist, dist_serde};
use crate::time::SimDuration;

/// An attack campaign: steps with predecessors, so campaigns may branch.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignSpec {
    /// Name, for reports.
    pub name: String,
    /// When the first steps become due, after the scenario start.
    #[serde(with = "dist_serde")]
    #[schemars(with = "DurationDist")]
    pub start: DurationDist,
    /// The steps; at least one should be an `objective`.
    pub steps: Vec<StepSpec>,
    /// `malicious` (default), or `benign_positive` for an authorised sequence that looks
    /// like one (a red-team exercise, scripted maintenance): its alerts are benign.
    #[serde(default)]
    pub truth: CampaignTruth,
    /// What the objective is: `data_breach` (default), `ransomware`,
    /// `business_email_compromise`, `insider_theft` — priced by the cost table.
    #[serde(default)]
    pub objective: crate::event::Objective,
    /// What reaching the objective is worth here, in the cost table's currency
    /// (overrides the table's price for its kind).
    #[serde(default)]
    pub impact: Option<f64>,
}

/// Ground truth of a campaign's alerts.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema, Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum CampaignTruth {
    /// An attack.
    #[default]
    Malicious,
    /// Authorised activity shaped like an attack.
    BenignPositive,
}

/// One attack step.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    /// Id, unique in the campaign.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// ATT&CK technique id (`T1566.001`).
    pub technique: String,
    /// The entity the step compromises or acts on.
    #[schemars(with = "String")]
    pub target: Spanned<String>,
    /// Steps that must have executed first. Absent: the previous step (none for the
    /// first); `[]`: due at the campaign start.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub after: Option<Vec<Spanned<String>>>,
    /// Delay after the last predecessor executed (or after the campaign start).
    #[serde(default = "zero_delay", with = "dist_serde")]
    #[schemars(with = "DurationDist")]
    pub delay: DurationDist,
    /// What must still hold for the step to happen; absent: the target is usable.
    /// Each entry is an entity (`"host:ws-1"`, meaning its kind's default condition) or
    /// `{ entity = "user:bob", condition = "sessions_valid" }`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<RequirementSpec>>")]
    pub requires: Option<Vec<Spanned<RequirementSpec>>>,
    /// Reaching this step is the attacker's objective (impact).
    #[serde(default)]
    pub objective: bool,
    /// Security tools that may alert on this step.
    #[serde(default)]
    pub detect: Vec<DetectionSpec>,
    /// Telemetry the step may leave (detection rules may match it).
    #[serde(default)]
    pub telemetry: Vec<TraceSpec>,
    /// Organizational facts the step may leave (an attacker rarely files a ticket).
    #[serde(default)]
    pub facts: Vec<FactSpec>,
    /// The foothold the step leaves on its target (a persistence on a host, a stolen
    /// credential or session, a consent grant, a cloud key): while the campaign holds a
    /// foothold nobody eradicated, it resumes when a containment is lifted.
    #[serde(default)]
    pub foothold: Option<FootholdKind>,
}

/// What kind of foothold a step leaves; each fits some entity kinds, and the entity's
/// eradication (reimage a host, reset credentials, revoke a grant) removes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FootholdKind {
    /// Persistence on a host (a planted binary, a service, a scheduled task).
    Persistence,
    /// A stolen password or MFA method of a user or cloud identity.
    Credential,
    /// A stolen session or refresh token.
    Session,
    /// An OAuth consent grant or app secret.
    Grant,
    /// A cloud access key.
    Key,
}

impl FootholdKind {
    /// Whether this foothold can sit on an entity of `kind`.
    pub fn fits(self, kind: crate::scenario::EntityKind) -> bool {
        use crate::scenario::EntityKind::*;
        matches!(
            (self, kind),
            (FootholdKind::Persistence, Host)
                | (
                    FootholdKind::Credential | FootholdKind::Session,
                    User | Cloud
                )
                | (FootholdKind::Grant, App)
                | (FootholdKind::Key, Cloud)
        )
    }
}

/// A requirement of a step.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(untagged)]
pub enum RequirementSpec {
    /// The entity's default condition.
    Entity(String),
    /// An explicit condition.
    Condition {
        /// The entity.
        entity: String,
        /// `not_isolated`, `enabled`, `sessions_valid` or `reachable`.
        condition: Condition,
    },
}

/// What containment can break.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The host is not isolated (broken by `isolate_host`).
    NotIsolated,
    /// The account is enabled (broken by `disable_account`).
    Enabled,
    /// The account's sessions are valid (broken by `revoke_sessions` or `disable_account`).
    SessionsValid,
    /// The domain is reachable (broken by `block_domain`).
    Reachable,
}

fn zero_delay() -> DurationDist {
    DurationDist::Fixed {
        value: SimDuration(0),
    }
}

/// A detector's chance to raise an alert on a step.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DetectionSpec {
    /// The detector (`edr`, `idp`, …).
    pub source: String,
    /// The rule or alert title.
    pub rule: String,
    /// Probability in [0, 1] that the step raises this alert.
    #[schemars(with = "f64")]
    pub probability: Spanned<f64>,
    /// Severity of the alert.
    pub severity: Severity,
    /// Refused: latency belongs to the detector, not to the step (`[[latency]]`).
    /// Kept here only to say so with the step's line.
    #[serde(default, skip_serializing)]
    #[schemars(skip)]
    pub latency: Option<toml::Value>,
    /// The detector's risk score in [0, 1].
    #[serde(with = "dist_serde")]
    #[schemars(with = "NumberDist")]
    pub score: NumberDist,
}
