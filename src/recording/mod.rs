//! Recorded telemetry: real events imported from public datasets (OTRF
//! Security-Datasets, raw CloudTrail, EVTX as JSON, OCSF), each kept verbatim with its
//! time (UTC), what kind of record it is, and the entities it names (hosts, users,
//! cloud identities, apps). A recording is stored as JSON Lines — a header line, one
//! record per line, an end line with the count and a CRC-32 — written atomically and
//! checked when read. Formats and mappings: docs/recorded-scenarios.md.

pub mod detect;
pub mod export;
pub mod import;
pub mod materialized;

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::atomic::write_atomically;
use crate::error::{Error, Result};

/// The recording format's version.
pub const RECORDING_VERSION: u32 = 1;

/// An entity a record names.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityRef {
    /// `host`, `user`, `cloud_identity` or `app`.
    pub kind: String,
    /// Its name as the record spells it.
    pub name: String,
}

/// One imported record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The input file (as given) and its 1-based line (or record number in a document).
    pub file: String,
    /// Line or record number.
    pub line: usize,
    /// When it happened: milliseconds since the Unix epoch, UTC.
    pub time_ms: i64,
    /// What it is: `windows` (Security, Sysmon and other event logs), `azure_ad_audit`,
    /// `m365_defender`, `office_activity`, `cloudtrail`, or `ocsf`.
    pub kind: String,
    /// The Windows channel (`Security`, `Microsoft-Windows-Sysmon/Operational`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The Windows event id, or the OCSF class_uid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<i64>,
    /// Entities named by the record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<EntityRef>,
    /// Every field, verbatim (nested values kept nested; EVTX EventData lifted to the
    /// top level next to EventID, Channel and Computer).
    pub fields: Map<String, Value>,
    /// Where a record of a materialised synthetic world came from (none when imported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mdrsim: Option<materialized::Materialized>,
}

/// A recording: where it came from and its records, in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct Recording {
    /// The importer used (`otrf`, `cloudtrail`, `evtx-json`, `ocsf`).
    pub importer: String,
    /// The input files, as given.
    pub files: Vec<String>,
    /// The records, sorted by time (ties in input order).
    pub records: Vec<Record>,
    /// A materialised world's scenario (TOML, with its `[[recordings]]` naming this
    /// file) and seed: the file then runs as a scenario of its own.
    pub scenario: Option<(String, u64)>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    mdrsim_recording: u32,
    importer: String,
    files: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scenario: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct End {
    records: usize,
    crc32: String,
}

impl Recording {
    /// The stored text: header, records, end line.
    fn text(&self) -> String {
        let header = Header {
            mdrsim_recording: RECORDING_VERSION,
            importer: self.importer.clone(),
            files: self.files.clone(),
            scenario: self.scenario.as_ref().map(|s| s.0.clone()),
            seed: self.scenario.as_ref().map(|s| s.1),
        };
        let mut body = serde_json::json!({ "recording": header }).to_string() + "\n";
        for r in &self.records {
            body += &(serde_json::to_string(r).unwrap_or_default() + "\n");
        }
        let end = End {
            records: self.records.len(),
            crc32: format!("{:08x}", crc32fast::hash(body.as_bytes())),
        };
        body + &serde_json::json!({ "end": end }).to_string() + "\n"
    }

    /// Writes the recording atomically, then reads it back to check it.
    pub fn write(&self, path: &Path) -> Result<()> {
        let text = self.text();
        write_atomically(path, |w| {
            std::io::Write::write_all(w, text.as_bytes()).map_err(|e| Error::io(path, e))
        })?;
        if &Recording::read(path)? != self {
            return Err(Error::log(
                path,
                "the recording read back differs from what was written",
            ));
        }
        Ok(())
    }

    /// Reads a recording and checks its header, count and checksum.
    pub fn read(path: &Path) -> Result<Recording> {
        let text = crate::budget::read_text(path)?;
        let bad = |line: usize, m: String| Error::log(path, format!("line {line}: {m}"));
        let lines: Vec<&str> = text.lines().collect();
        let first = lines
            .first()
            .ok_or_else(|| bad(1, "empty: not a recording".into()))?;
        let header: Header = serde_json::from_str::<Value>(first)
            .ok()
            .and_then(|v| serde_json::from_value(v.get("recording")?.clone()).ok())
            .ok_or_else(|| bad(1, "not a recording (no recording header)".into()))?;
        if header.mdrsim_recording != RECORDING_VERSION {
            return Err(bad(
                1,
                format!(
                    "recording format {}; this mdrsim reads format {RECORDING_VERSION}",
                    header.mdrsim_recording
                ),
            ));
        }
        let last = lines.len();
        let end: End = serde_json::from_str::<Value>(lines[last - 1])
            .ok()
            .and_then(|v| serde_json::from_value(v.get("end")?.clone()).ok())
            .ok_or_else(|| bad(last, "truncated: no end line".into()))?;
        let body_len = text.len() - lines[last - 1].len() - 1;
        let crc = format!("{:08x}", crc32fast::hash(&text.as_bytes()[..body_len]));
        if crc != end.crc32 {
            return Err(bad(
                last,
                format!("checksum mismatch (stored {}, content {crc})", end.crc32),
            ));
        }
        let records = lines[1..last - 1]
            .iter()
            .enumerate()
            .map(|(i, l)| serde_json::from_str(l).map_err(|e| bad(i + 2, e.to_string())))
            .collect::<Result<Vec<Record>>>()?;
        if records.len() != end.records {
            return Err(bad(
                last,
                format!(
                    "{} records, the end line says {}",
                    records.len(),
                    end.records
                ),
            ));
        }
        Ok(Recording {
            importer: header.importer,
            files: header.files,
            records,
            scenario: header.scenario.zip(header.seed),
        })
    }
}
