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
