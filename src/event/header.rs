//! The header stored with every log: what run it is and the name tables its ids index,
//! so a log is readable and rescorable on its own, without the scenario file.

use serde::{Deserialize, Serialize};

use super::{Criticality, Objective, PoolKind, Rule};

/// Identity of a run and the names behind its ids.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunHeader {
    /// Layout version of the stored log.
    pub schema_version: u32,
    /// mdrsim version that wrote the log.
    pub mdrsim_version: String,
    /// Run id (the grid index in an evaluation; 0 for a single run).
    pub run: u64,
    /// Scenario name.
    pub scenario: String,
    /// FNV-1a of the scenario file, hex.
    pub scenario_hash: String,
    /// Strategy name.
    pub strategy: String,
    /// Master seed.
    pub seed: u64,
    /// Scenario start (RFC 3339).
    pub start: String,
    /// Horizon in ms.
    pub horizon_ms: u64,
    /// Entity names, indexed by `EntityId`.
    pub entities: Vec<String>,
    /// Detector rules, indexed by `RuleId`.
    pub rules: Vec<Rule>,
    /// Campaigns, indexed by `CampaignId`.
    pub campaigns: Vec<CampaignInfo>,
    /// Telemetry sources, indexed by `source` in `telemetry_observed`.
    pub sources: Vec<String>,
    /// Provider pools, indexed by `pool`.
    pub pools: Vec<String>,
    /// Each pool's kind (people paid per hour on shift, automation per action).
    pub pool_kinds: Vec<PoolKind>,
    /// Each pool's worker-hours on shift within the horizon (the headcount the
    /// provider pays for, whether busy or not).
    pub pool_hours: Vec<f64>,
    /// Each entity's criticality (the directory's, or its kind's default), by `EntityId`.
    pub criticality: Vec<Criticality>,
    /// The customer's team size: a worker index at or above it is the on-call.
    pub customer_team: u32,
    /// The provider profile in effect (with the scenario's pins applied), as the
    /// strategy serialized it: the log records it, scoring never reads it.
    pub provider: serde_json::Value,
}

fn yes() -> bool {
    true
}

/// A campaign's name and steps, for reading logs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignInfo {
    /// Name.
    pub name: String,
    /// An attack (the default), or an authorised look-alike sequence whose alerts are
    /// benign and which no campaign metric counts.
    #[serde(default = "yes")]
    pub malicious: bool,
    /// What its objective is (priced by the cost table).
    #[serde(default)]
    pub objective: Objective,
    /// What reaching it is worth, when the scenario says (overrides the table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<f64>,
    /// Step ids and techniques, indexed by `StepId`.
    pub steps: Vec<StepInfo>,
}

/// A step's id and technique.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepInfo {
    /// Step id.
    pub id: String,
    /// ATT&CK technique.
    pub technique: String,
}
