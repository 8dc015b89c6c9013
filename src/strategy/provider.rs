//! The provider profile a strategy configures: its workforce (pools with schedules and
//! handling times per action), what it can see (alert sources it ingests, telemetry it
//! runs detection rules over, context it can query), how it orders its queue, and its
//! response authority. Built-in strategies carry documented defaults; a scenario may pin
//! any top-level key (`[provider]`), and then every strategy run on it uses the pin.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::calendar::{Capacity, ScheduleSpec};
use crate::event::ContextKind;
use crate::scenario::dist::{DurationDist, dist_serde};
use crate::time::{Epoch, SimDuration};

pub use super::authority::{Authority, AuthoritySpec};
pub use super::discipline::{OnExpiry, OverloadSpec, PatienceSpec, QueueOrder, TriageSpec};

/// A provider profile as written (TOML or JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderSpec {
    /// Worker pools.
    pub pools: Vec<PoolSpec>,
    /// The pool that takes new alerts.
    pub first_line: String,
    /// Pools that take cases handed off as edge cases; the first is used. `[]`: none.
    #[serde(default)]
    pub experts: Vec<String>,
    /// Alert sources (security tools) whose alerts reach the provider.
    #[serde(default)]
    pub ingests: Vec<String>,
    /// Telemetry sources the provider runs detection rules over.
    #[serde(default)]
    pub rules_over: Vec<String>,
    /// Context the provider can query.
    #[serde(default)]
    pub context: Vec<ContextKind>,
    /// Telemetry sources its telemetry queries read (`"*"`: every source).
    #[serde(default = "every_source")]
    pub telemetry_sources: Vec<String>,
    /// A telemetry query returns records from this long before the alert to this long
    /// after it (never past the moment of the query).
    #[serde(default = "two_hours")]
    pub telemetry_window: SimDuration,
    /// How long after a containment the provider reviews and lifts what it decided
    /// (on its pools' schedule). An assumption, not a cited figure: a review within the
    /// same four-hour block in which an analyst on shift would follow the case up.
    #[serde(default = "four_hours")]
    pub containment_review: SimDuration,
    /// Response authority per containment action.
    #[serde(default)]
    pub authority: AuthoritySpec,
    /// Queue order and overload behaviour.
    #[serde(default)]
    pub triage: TriageSpec,
}

/// A pool of interchangeable workers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolSpec {
    /// Name, referenced by `first_line` and `experts`.
    pub name: String,
    /// Headcount (the most workers on shift at once), ≥ 1.
    pub size: u32,
    /// `analyst`, `expert` or `automation` (what it costs: docs/metrics.md); absent:
    /// `expert` for a pool named in `experts`, else `analyst`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<crate::event::PoolKind>,
    /// When they work.
    #[serde(default)]
    pub schedule: ScheduleSpec,
    /// Time per action.
    #[serde(default)]
    pub handling: HandlingSpec,
}

/// Worker time per kind of action; absent means instant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HandlingSpec {
    /// First look at an alert.
    #[serde(default = "instant", with = "dist_serde")]
    #[schemars(with = "DurationDist")]
    pub triage: DurationDist,
    /// A telemetry context query.
    #[serde(default = "instant", with = "dist_serde")]
    #[schemars(with = "DurationDist")]
    pub telemetry: DurationDist,
    /// An organizational context query (HR, device management).
    #[serde(default = "instant", with = "dist_serde")]
    #[schemars(with = "DurationDist")]
    pub organizational: DurationDist,
    /// A historic context query (past verdicts).
    #[serde(default = "instant", with = "dist_serde")]
    #[schemars(with = "DurationDist")]
    pub historic: DurationDist,
    /// Writing up a verdict.
    #[serde(default = "instant", with = "dist_serde")]
    #[schemars(with = "DurationDist")]
    pub verdict: DurationDist,
    /// Carrying out pre-approved containment.
    #[serde(default = "instant", with = "dist_serde")]
    #[schemars(with = "DurationDist")]
    pub containment: DurationDist,
}

fn every_source() -> Vec<String> {
    vec!["*".to_string()]
}

fn four_hours() -> SimDuration {
    SimDuration::from_mins(240)
}

fn two_hours() -> SimDuration {
    SimDuration::from_mins(120)
}

fn instant() -> DurationDist {
    DurationDist::Fixed {
        value: SimDuration(0),
    }
}

impl Default for HandlingSpec {
    fn default() -> Self {
        HandlingSpec {
            triage: instant(),
            telemetry: instant(),
            organizational: instant(),
            historic: instant(),
            verdict: instant(),
            containment: instant(),
        }
    }
}

impl HandlingSpec {
    /// The distribution for a context query of `kind`.
    pub fn query(&self, kind: ContextKind) -> &DurationDist {
        match kind {
            ContextKind::Telemetry => &self.telemetry,
            ContextKind::Organizational => &self.organizational,
            ContextKind::Historic => &self.historic,
        }
    }
}

/// A provider ready to run: pools with compiled capacity timelines.
#[derive(Clone, Debug)]
pub struct Provider {
    /// The profile it came from.
    pub spec: ProviderSpec,
    /// Compiled pools, in spec order.
    pub pools: Vec<Pool>,
    /// Index of the first-line pool.
    pub first_line: usize,
    /// Index of the expert pool, if any.
    pub experts: Option<usize>,
    /// Alert sources ingested.
    pub ingests: BTreeSet<String>,
    /// Telemetry sources covered by detection rules.
    pub rules_over: BTreeSet<String>,
    /// Context integrations.
    pub context: BTreeSet<ContextKind>,
    /// Telemetry sources a telemetry query reads.
    pub telemetry_sources: BTreeSet<String>,
}

/// A compiled pool.
#[derive(Clone, Debug)]
pub struct Pool {
    /// Name.
    pub name: String,
    /// Headcount.
    pub size: u32,
    /// Who they are, for what they cost.
    pub kind: crate::event::PoolKind,
    /// Workers on shift over the run.
    pub capacity: Capacity,
    /// Time per action.
    pub handling: HandlingSpec,
}

impl ProviderSpec {
    /// Validates names and compiles schedules. Errors name the offending field.
    pub fn compile(
        &self,
        epoch: &Epoch,
        horizon: SimDuration,
    ) -> Result<Provider, (String, String)> {
        if self.pools.is_empty() {
            return Err(("pools".into(), "a provider needs at least one pool".into()));
        }
        let mut pools = Vec::new();
        for (i, p) in self.pools.iter().enumerate() {
            if !(1..=crate::budget::MAX_WORKERS).contains(&p.size) {
                return Err((
                    format!("pools[{i}].size"),
                    format!(
                        "a pool has between 1 and {} workers, got {}",
                        crate::budget::MAX_WORKERS,
                        p.size
                    ),
                ));
            }
            if self.pools[..i].iter().any(|q| q.name == p.name) {
                return Err((
                    format!("pools[{i}].name"),
                    format!("duplicate pool {:?}", p.name),
                ));
            }
            let h = &p.handling;
            for (f, d) in [
                ("triage", &h.triage),
                ("telemetry", &h.telemetry),
                ("organizational", &h.organizational),
                ("historic", &h.historic),
                ("verdict", &h.verdict),
                ("containment", &h.containment),
            ] {
                if let Some(problem) = d.problem() {
                    return Err((format!("pools[{i}].handling.{f}"), problem));
                }
            }
            let capacity = p.schedule.compile(p.size, epoch, horizon).map_err(|e| {
                (
                    format!(
                        "pools[{i}].schedule.{}",
                        e.0.split(':').next().unwrap_or("")
                    ),
                    e.0,
                )
            })?;
            let kind = p.kind.unwrap_or(if self.experts.contains(&p.name) {
                crate::event::PoolKind::Expert
            } else {
                crate::event::PoolKind::Analyst
            });
            pools.push(Pool {
                name: p.name.clone(),
                size: p.size,
                kind,
                capacity,
                handling: p.handling.clone(),
            });
        }
        let find = |field: &str, name: &str| {
            self.pools
                .iter()
                .position(|p| p.name == name)
                .ok_or_else(|| {
                    let known: Vec<&str> = self.pools.iter().map(|p| p.name.as_str()).collect();
                    (
                        field.to_string(),
                        format!(
                            "unknown pool {name:?}: the provider's pools are {}",
                            known.join(", ")
                        ),
                    )
                })
        };
        let first_line = find("first_line", &self.first_line)?;
        let mut experts = None;
        for (i, e) in self.experts.iter().enumerate() {
            let p = find(&format!("experts[{i}]"), e)?;
            experts.get_or_insert(p);
        }
        self.triage
            .check()
            .map_err(|(f, m)| (format!("triage.{f}"), m))?;
        Ok(Provider {
            spec: self.clone(),
            pools,
            first_line,
            experts,
            ingests: self.ingests.iter().cloned().collect(),
            rules_over: self.rules_over.iter().cloned().collect(),
            context: self.context.iter().copied().collect(),
            telemetry_sources: self.telemetry_sources.iter().cloned().collect(),
        })
    }
}

impl Provider {
    /// Whether alerts from security tool `tool` reach the provider (`"*"`: all).
    pub fn ingests(&self, tool: &str) -> bool {
        self.ingests.contains("*") || self.ingests.contains(tool)
    }

    /// The first moment at or after `t` that someone in any pool is on shift.
    pub fn next_on_shift(&self, t: crate::time::SimTime) -> Option<crate::time::SimTime> {
        self.pools
            .iter()
            .filter_map(|p| p.capacity.next_on_shift(t))
            .min()
    }

    /// Whether the provider's telemetry queries read `source` (`"*"`: all).
    pub fn queries_telemetry(&self, source: &str) -> bool {
        self.telemetry_sources.contains("*") || self.telemetry_sources.contains(source)
    }

    /// Whether the provider runs detection rules over telemetry `source` (`"*"`: all).
    pub fn runs_rules_over(&self, source: &str) -> bool {
        self.rules_over.contains("*") || self.rules_over.contains(source)
    }
}
