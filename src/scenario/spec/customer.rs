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
    /// Credential and key reset with token revocation (eradication).
    #[serde(default = "d15m")]
    pub reset_credentials: SimDuration,
    /// Clean or reimage a host (eradication): the host is out of service meanwhile.
    #[serde(default = "d4h")]
    pub reimage_host: SimDuration,
    /// Revoke an app's consent grant and secrets (eradication).
    #[serde(default = "d5m")]
    pub revoke_grant: SimDuration,
}

fn d15m() -> SimDuration {
    SimDuration::from_mins(15)
}
fn d4h() -> SimDuration {
    SimDuration::from_mins(240)
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
            reset_credentials: d15m(),
            reimage_host: d4h(),
            revoke_grant: d5m(),
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
    /// Removed: the team judges the evidence it is given (`judgement`); a fixed
    /// accuracy drawn against the truth read the label. Refused with that advice.
    #[serde(default, skip_serializing)]
    #[schemars(skip)]
    pub accuracy: Option<f64>,
    /// How the team judges an escalation from its evidence.
    #[serde(default)]
    pub judgement: JudgementSpec,
    /// Who is paged outside the team's hours, for which severities, how fast.
    #[serde(default)]
    pub on_call: OnCallSpec,
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
/// How the customer's team resolves an escalation: it reads the alert, the records the
/// provider's investigation returned, and its own organizational facts about the alert's
/// entities (it knows its people and systems) with generic indicator weights, and calls
/// it malicious at P ≥ `malicious_at`. Its judgement is noisy, the more so the less
/// evidence it has: a log-odds error with standard deviation `noise / √(1 + records)`.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct JudgementSpec {
    /// The team's belief that an escalated alert is a real threat before looking.
    pub prior: f64,
    /// Malicious at P ≥ this.
    pub malicious_at: f64,
    /// Standard deviation of the team's log-odds error with no records at all.
    pub noise: f64,
}

impl Default for JudgementSpec {
    fn default() -> Self {
        JudgementSpec {
            prior: 0.2,
            malicious_at: 0.5,
            noise: 1.5,
        }
    }
}

/// The customer's on-call: outside the team's hours, a task about an alert of severity
/// `page_at` or above pages it, and it starts `respond` after the page.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct OnCallSpec {
    /// People on call (0: nobody is paged; at most 1).
    pub size: u32,
    /// Lowest severity that pages.
    pub page_at: crate::scenario::Severity,
    /// Time from the page to the on-call starting work.
    pub respond: SimDuration,
}

impl Default for OnCallSpec {
    fn default() -> Self {
        OnCallSpec {
            size: 1,
            page_at: crate::scenario::Severity::High,
            respond: SimDuration::from_mins(30),
        }
    }
}

impl Default for CustomerSpec {
    fn default() -> Self {
        CustomerSpec {
            size: two(),
            schedule: customer_hours(),
            handling: customer_handling(),
            containment: customer_containment(),
            accuracy: None,
            judgement: JudgementSpec::default(),
            on_call: OnCallSpec::default(),
            containment_review: one_day(),
        }
    }
}
