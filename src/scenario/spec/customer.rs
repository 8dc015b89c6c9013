//! The defender side of a scenario's world that is not the provider: how fast each
//! containment control acts and the customer's own security team.

use serde::{Deserialize, Serialize};

use crate::scenario::dist::{DurationDist, dist_serde};
use crate::time::SimDuration;

/// Execution delay per containment action (world property: how fast the control acts).
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContainmentSpec {
    /// EDR network isolation.
    #[serde(default = "d2m")]
    pub isolate_host: SimDuration,
    /// Account disable in the IdP.
    #[serde(default = "d1m")]
    pub disable_account: SimDuration,
    /// Session and token revocation.
    #[serde(default = "d5m")]
    pub revoke_sessions: SimDuration,
    /// Proxy/DNS block.
    #[serde(default = "d10m")]
    pub block_domain: SimDuration,
}

fn d1m() -> SimDuration {
    SimDuration::from_mins(1)
}
fn d2m() -> SimDuration {
    SimDuration::from_mins(2)
}
fn d5m() -> SimDuration {
    SimDuration::from_mins(5)
}
fn d10m() -> SimDuration {
    SimDuration::from_mins(10)
}

impl Default for ContainmentSpec {
    fn default() -> Self {
        ContainmentSpec {
            isolate_host: d2m(),
            disable_account: d1m(),
            revoke_sessions: d5m(),
            block_domain: d10m(),
        }
    }
}

/// The customer's security team: it handles escalations and executes recommended
/// containment on its own schedule.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerSpec {
    /// Headcount.
    #[serde(default = "two")]
    pub size: u32,
    /// When the team works (default: business hours, UTC).
    #[serde(default = "customer_hours")]
    pub schedule: crate::calendar::ScheduleSpec,
    /// Time to resolve one escalated alert.
    #[serde(default = "customer_handling", with = "dist_serde")]
    #[schemars(with = "DurationDist")]
    pub handling: DurationDist,
    /// Time to execute one recommended containment action.
    #[serde(default = "customer_containment", with = "dist_serde")]
    #[schemars(with = "DurationDist")]
    pub containment: DurationDist,
    /// Probability the team resolves an escalation correctly.
    #[serde(default = "customer_accuracy")]
    pub accuracy: f64,
    /// How long after a containment it decided the team reviews and lifts it, on its
    /// schedule. An assumption: the next business day.
    #[serde(default = "one_day")]
    pub containment_review: SimDuration,
}

fn one_day() -> SimDuration {
    SimDuration::from_mins(24 * 60)
}

fn two() -> u32 {
    2
}
fn customer_hours() -> crate::calendar::ScheduleSpec {
    crate::calendar::ScheduleSpec::business_hours("UTC", "09:00", "17:00")
}
fn customer_handling() -> DurationDist {
    DurationDist::Lognormal {
        median: SimDuration::from_mins(30),
        sigma: 0.7,
    }
}
fn customer_containment() -> DurationDist {
    DurationDist::Fixed {
        value: SimDuration::from_mins(15),
    }
}
fn customer_accuracy() -> f64 {
    0.9
}

impl Default for CustomerSpec {
    fn default() -> Self {
        CustomerSpec {
            size: two(),
            schedule: customer_hours(),
            handling: customer_handling(),
            containment: customer_containment(),
            accuracy: customer_accuracy(),
            containment_review: one_day(),
        }
    }
}
