//! What investigations can find, indexed as the run goes: telemetry records and
//! organizational facts by the entity they concern, and what each query returned.

use crate::event::ContextKind;
use crate::time::SimTime;

/// What one context query returned to an investigation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryResult {
    /// `seq` of the `context_queried` event.
    pub seq: u64,
    /// Kind of context.
    pub kind: ContextKind,
    /// `seq`s of the records returned.
    pub records: Vec<u64>,
}

/// A telemetry record's place in the per-entity index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TelemetryEntry {
    /// When it was observed.
    pub at: SimTime,
    /// `seq` of its `telemetry_observed` event.
    pub seq: u64,
    /// Its source.
    pub source: u32,
}

/// An organizational fact's place in the per-entity index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FactEntry {
    /// `seq` of its `fact_recorded` event.
    pub seq: u64,
    /// Start of its window.
    pub from: SimTime,
    /// End of its window (`None`: open-ended).
    pub until: Option<SimTime>,
}

impl FactEntry {
    /// Whether the fact is in force at `t`.
    pub fn in_force(&self, t: SimTime) -> bool {
        self.from <= t && self.until.is_none_or(|u| t < u)
    }
}

/// Drops the telemetry observed before `cutoff` (each list is in time order).
pub fn forget_telemetry(by_entity: &mut [Vec<TelemetryEntry>], cutoff: SimTime) {
    for list in by_entity {
        let old = list.partition_point(|t| t.at < cutoff);
        list.drain(..old);
    }
}

/// Drops the facts whose events the run no longer `holds` (they ended before the
/// retention window; see [`crate::event::window`]).
pub fn forget_facts(by_entity: &mut [Vec<FactEntry>], holds: impl Fn(u64) -> bool) {
    for list in by_entity {
        list.retain(|f| holds(f.seq));
    }
}
