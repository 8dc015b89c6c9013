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
