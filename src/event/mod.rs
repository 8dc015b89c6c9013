//! Events: the only way anything changes in a run. The live engine appends them to an
//! [`EventLog`]; state is a fold of the log; scoring is a fold of the log; a stored log
//! (Parquet or JSON Lines) replays to the same scores bit for bit.

mod actions;
pub mod check;
pub mod header;
pub mod jsonl;
pub mod log;
pub mod parquet;
pub mod payload;
pub mod vocabulary;

pub use header::RunHeader;
pub use log::EventLog;
pub use payload::{ActionKind, ContainAction, ContextKind, Party, Payload, Truth, Verdict};
pub use vocabulary::{Criticality, Objective, PoolKind, Rule, Severity};

use serde::{Deserialize, Serialize};

use crate::time::SimTime;

/// Version of the stored log layout; bumped whenever a reader of the old layout would
/// misread the new one. Stored in every file.
pub const SCHEMA_VERSION: u32 = 5;

/// One event: which run, its position in the log, when, and what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The run this event belongs to.
    pub run: u64,
    /// Position in the run's log, dense from 0.
    pub seq: u64,
    /// Simulated time, ms since the scenario epoch; never decreases along the log.
    pub at: SimTime,
    /// What happened.
    pub payload: Payload,
}

/// Reads or writes a log in the format its file name implies: `.jsonl` is JSON Lines,
/// anything else Parquet.
pub fn is_jsonl(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"))
}

/// Writes a log to `path` atomically, choosing the codec by extension.
pub fn write_log(path: &std::path::Path, header: &RunHeader, log: &EventLog) -> crate::Result<()> {
    if is_jsonl(path) {
        jsonl::write(path, header, log)
    } else {
        parquet::write(path, header, log)
    }
}

/// Reads a log from `path`, choosing the codec by extension, and checks its integrity:
/// the codec verifies the checksum, seq density and time order, then
/// [`check::check_references`] that every id and `seq` an event names exists.
pub fn read_log(path: &std::path::Path) -> crate::Result<(RunHeader, EventLog)> {
    let (header, log) = if is_jsonl(path) {
        jsonl::read(path)?
    } else {
        parquet::read(path)?
    };
    check::check_references(&header, log.events())
        .map_err(|(seq, m)| crate::Error::log(path, format!("event {seq}: {m}")))?;
    Ok((header, log))
}
