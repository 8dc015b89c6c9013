//! Words the log shares with the scenarios that produce it: a detector rule and a
//! severity. They live here, not in `scenario`, so the log's types depend on nothing
//! but themselves (a stored log is read without any scenario).

use serde::{Deserialize, Serialize};

/// A detector rule: the (source, rule) pair an alert names.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The detector: a security tool (`edr`) or `sigma` for detection rules.
    pub source: String,
    /// The rule or alert title.
    pub name: String,
    /// Rule author, shown with every match (the Detection Rule License asks for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

/// How bad a detector says an alert is.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    schemars::JsonSchema,
    Serialize,
)]
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

/// What a campaign's objective is, so the cost table can price reaching it: a site
/// encrypted is not one mailbox read. Defaults per kind: docs/metrics.md.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    schemars::JsonSchema,
    Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Data stolen from the organization (the generic breach).
    #[default]
    DataBreach,
    /// Systems encrypted for ransom.
    Ransomware,
    /// A mailbox taken over for fraud (business email compromise).
    BusinessEmailCompromise,
    /// An insider taking data on the way out.
    InsiderTheft,
}

/// How much the business depends on an entity: what an hour of it contained costs.
/// Read from the directory's `criticality` attribute; default per entity kind
/// (docs/metrics.md).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    schemars::JsonSchema,
    Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Criticality {
    /// Little depends on it (a rarely used domain, a test machine).
    Low,
    /// One person's work (a laptop, an account).
    Medium,
    /// A team's work (a file server, a shared admin role).
    High,
    /// The business's (a domain controller, a production cloud role).
    Critical,
}

impl Criticality {
    /// Every tier, in order.
    pub const ALL: [Criticality; 4] = [
        Criticality::Low,
        Criticality::Medium,
        Criticality::High,
        Criticality::Critical,
    ];

    /// The directory's word for it (`criticality = "high"`).
    pub fn parse(s: &str) -> Option<Criticality> {
        Some(match s {
            "low" => Criticality::Low,
            "medium" => Criticality::Medium,
            "high" => Criticality::High,
            "critical" => Criticality::Critical,
            _ => return None,
        })
    }
}

/// Who a provider pool is, for what it costs: people are paid for every hour on shift,
/// automation per action it takes.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    schemars::JsonSchema,
    Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PoolKind {
    /// First-line analysts (paid per hour on shift).
    #[default]
    Analyst,
    /// Senior experts (paid per hour on shift).
    Expert,
    /// Software: agents, playbooks (paid per action).
    Automation,
}
