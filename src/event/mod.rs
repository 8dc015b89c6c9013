//! Events: the only way anything changes in a run. The live engine appends them to an
//! [`EventLog`]; state is a fold of the log; scoring is a fold of the log; a stored log
//! (Parquet or JSON Lines) replays to the same scores bit for bit.

mod actions;
pub mod check;
pub mod feed;
pub mod header;
pub mod jsonl;
pub mod log;
pub mod parquet;
pub mod payload;
pub mod sink;
pub mod vocabulary;
pub mod window;

pub use header::RunHeader;
pub use log::EventLog;
pub use payload::{ActionKind, ContainAction, ContextKind, Party, Payload, Truth, Verdict};
pub use sink::{Discard, EventSink, Tee};
pub use vocabulary::{Criticality, Objective, PoolKind, Rule, Severity};
pub use window::{EventLookup, RetainedLog};

use serde::{Deserialize, Serialize};

use crate::time::SimTime;

/// Version of the stored log layout; bumped whenever a reader of the old layout would
/// misread the new one. Stored in every file.
pub const SCHEMA_VERSION: u32 = 6;

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

/// A log being written as the run happens, in the format its file name implies.
pub enum LogSink {
    /// Parquet (row groups written as they fill).
    Parquet(Box<parquet::ParquetSink>),
    /// JSON Lines (a line per event).
    Jsonl(Box<jsonl::JsonlSink>),
}

impl LogSink {
    /// Starts writing `path` (atomically: it appears only when finished).
    pub fn create(path: &std::path::Path, header: &RunHeader) -> crate::Result<Self> {
        Ok(if is_jsonl(path) {
            LogSink::Jsonl(Box::new(jsonl::JsonlSink::create(path, header)?))
        } else {
            LogSink::Parquet(Box::new(parquet::ParquetSink::create(path, header)?))
        })
    }

    /// Finishes the file and moves it into place.
    pub fn finish(self) -> crate::Result<()> {
        match self {
            LogSink::Parquet(s) => s.finish(),
            LogSink::Jsonl(s) => s.finish(),
        }
    }
}

impl EventSink for LogSink {
    fn accept(&mut self, e: &Envelope) {
        match self {
            LogSink::Parquet(s) => s.accept(e),
            LogSink::Jsonl(s) => s.accept(e),
        }
    }
}

/// The header of a stored log (a Parquet file's footer, a JSON Lines file's first
/// line), for [`stream_log`].
pub fn read_log_header(path: &std::path::Path) -> crate::Result<RunHeader> {
    if is_jsonl(path) {
        jsonl::read_header(path)
    } else {
        parquet::read_header(path)
    }
}

/// Reads a stored log as a stream: each event, checked as [`read_log`] checks it (order,
/// references), is handed to `each` as it is read, so memory does not grow with the
/// log. `header` is what [`read_log_header`] returned. On an error `each` may have seen
/// part of the log: discard what it computed.
pub fn stream_log(
    path: &std::path::Path,
    header: &RunHeader,
    mut each: impl FnMut(&Envelope),
) -> crate::Result<()> {
    let mut refs = check::References::new(header);
    let mut consumer = |e: Envelope| {
        refs.check(&e)
            .map_err(|(seq, m)| format!("event {seq}: {m}"))?;
        each(&e);
        Ok(())
    };
    let read = if is_jsonl(path) {
        jsonl::read_with(path, &mut consumer)?
    } else {
        parquet::read_with(path, &mut consumer)?
    };
    if &read != header {
        return Err(crate::Error::log(
            path,
            "the file changed while it was read",
        ));
    }
    Ok(())
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
