//! Queue discipline: the order in which a pool takes waiting alerts, what it leaves
//! under overload, and how long an alert may wait before it expires (its patience, the
//! "+G" of the M/M/n+G queue that SOC queue SLAs describe).

use serde::{Deserialize, Serialize};

use crate::scenario::Severity;
use crate::scenario::dist::{DurationDist, opt_dist_serde};
use crate::time::SimDuration;

/// Order in which a pool takes waiting alerts.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum QueueOrder {
    /// First in, first out.
    #[default]
    Fifo,
    /// Highest severity first, FIFO within a severity.
    Severity,
}

/// Queue discipline.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageSpec {
    /// FIFO or severity priority.
    #[serde(default)]
    pub order: QueueOrder,
    /// Behaviour under load.
    #[serde(default)]
    pub overload: Option<OverloadSpec>,
    /// How long an alert may wait for a worker, by severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience: Option<PatienceSpec>,
}

/// "Only critical and high while the backlog is large; drop lows left waiting."
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OverloadSpec {
    /// Backlog (alerts waiting in all pools) above which only `review` and higher are
    /// taken.
    pub backlog_above: u32,
    /// Lowest severity still reviewed under overload.
    pub review: Severity,
    /// An alert below `review` that has waited this long is dropped whenever more than
    /// `backlog_above` wait (checked when it reaches this age and each time the backlog
    /// grows after); absent: it waits.
    #[serde(default)]
    pub expire_after: Option<SimDuration>,
}

/// What happens to an alert whose patience ran out.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OnExpiry {
    /// It is dropped: nobody looks at it (the customer is not told).
    #[default]
    Drop,
    /// It is handed to the customer's team unreviewed, as an escalation.
    Escalate,
}

/// Patience per severity: an alert not picked up within its patience (drawn when it
/// enters a queue, a fixed duration or a distribution) expires. A severity without one
/// (and without `default`) waits as long as it takes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatienceSpec {
    /// Low-severity alerts.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "opt_dist_serde"
    )]
    #[schemars(with = "Option<DurationDist>")]
    pub low: Option<DurationDist>,
    /// Medium-severity alerts.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "opt_dist_serde"
    )]
    #[schemars(with = "Option<DurationDist>")]
    pub medium: Option<DurationDist>,
    /// High-severity alerts.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "opt_dist_serde"
    )]
    #[schemars(with = "Option<DurationDist>")]
    pub high: Option<DurationDist>,
    /// Critical alerts.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "opt_dist_serde"
    )]
    #[schemars(with = "Option<DurationDist>")]
    pub critical: Option<DurationDist>,
    /// Every severity not named above.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "opt_dist_serde"
    )]
    #[schemars(with = "Option<DurationDist>")]
    pub default: Option<DurationDist>,
    /// What an expiry does.
    #[serde(default)]
    pub on_expiry: OnExpiry,
}

impl PatienceSpec {
    /// The patience of a `severity` alert, if it has one.
    pub fn of(&self, severity: Severity) -> Option<&DurationDist> {
        let own = match severity {
            Severity::Low => &self.low,
            Severity::Medium => &self.medium,
            Severity::High => &self.high,
            Severity::Critical => &self.critical,
        };
        own.as_ref().or(self.default.as_ref())
    }
}

impl TriageSpec {
    /// Checks the discipline; an error names the field (under `triage.`).
    pub fn check(&self) -> Result<(), (String, String)> {
        if let Some(o) = &self.overload
            && o.backlog_above == 0
        {
            return Err(("overload.backlog_above".into(), "must be ≥ 1".into()));
        }
        if let Some(p) = &self.patience {
            let named = [
                ("low", &p.low),
                ("medium", &p.medium),
                ("high", &p.high),
                ("critical", &p.critical),
                ("default", &p.default),
            ];
            for (field, d) in named {
                if let Some(problem) = d.as_ref().and_then(|d| d.problem()) {
                    return Err((format!("patience.{field}"), problem));
                }
            }
        }
        Ok(())
    }
}
