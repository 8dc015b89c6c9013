//! Parquet codec for event logs. Each row is one event: the envelope and the most-queried
//! fields as typed columns (so DuckDB, pyarrow or polars can filter without mdrsim) and
//! the full payload as JSON (so the round trip is exact). The run header, schema version
//! and event count live in the file's key-value metadata. Layout: `docs/event-log.md`.

mod columns;
mod decode;
mod encode;
mod read;
mod row;
mod write;

use arrow_array::{Array, RecordBatch, StringArray, UInt32Array, UInt64Array};
use arrow_schema::SchemaRef;

use crate::integrity::Checksum;

pub use read::{read, read_from_bytes, read_header, read_with};
pub use write::{ParquetSink, write};

/// Metadata key holding the schema version.
pub const META_SCHEMA_VERSION: &str = "mdrsim.schema_version";
/// Metadata key holding the run header as JSON.
pub const META_HEADER: &str = "mdrsim.header";
/// Metadata key holding the number of events.
pub const META_EVENTS: &str = "mdrsim.events";
/// Metadata key holding the CRC-32 of the content (see [`content_checksum`]).
pub const META_CRC32: &str = "mdrsim.crc32";
/// Metadata key holding the CRC-32 of the file's bytes before the footer (the data
/// pages), checked before any page is decoded.
pub const META_DATA_CRC32: &str = "mdrsim.data_crc32";

/// Rows per record batch and row group (the writer's unit of streaming).
const BATCH_ROWS: usize = 65_536;

/// Largest Parquet log a reader accepts: far above what the work budget lets a run
/// write (about 10 million events at well under 100 bytes each, compressed).
pub const MAX_LOG_BYTES: u64 = 4 << 30;

/// The Arrow schema of an event-log file (see [`columns`]).
pub fn schema() -> SchemaRef {
    columns::schema()
}

/// The checksum of a log's content starts from its header text; every row's every
/// column is added by [`digest_batch`], and the event count last (a streamed log knows
/// it only at the end). Computed over what is stored, so the typed columns other tools
/// query are covered as well as the payload.
fn content_checksum(header_json: &str) -> Checksum {
    let mut sum = Checksum::new();
    sum.field(header_json.as_bytes());
    sum
}

/// Adds `batch` to `sum`, column by column: every row's presence byte, then each
/// present value (integers little-endian, floats by their bits, text and lists
/// length-prefixed, a dictionary value by its text).
fn digest_batch(sum: &mut Checksum, batch: &RecordBatch) {
    use arrow_array::types::Int32Type;
    use arrow_array::{BooleanArray, DictionaryArray, Float64Array, ListArray, MapArray};
    enum Col<'a> {
        U64(&'a UInt64Array),
        U32(&'a UInt32Array),
        F64(&'a Float64Array),
        Bool(&'a BooleanArray),
        Str(&'a StringArray),
        Dict(&'a DictionaryArray<Int32Type>, Option<&'a StringArray>),
        List(&'a ListArray),
        Map(&'a MapArray),
        Other,
    }
    // Each column's type resolved once per batch, not once per value.
    let cols: Vec<Col> = batch
        .columns()
        .iter()
        .map(|c| {
            let any = c.as_any();
            if let Some(a) = any.downcast_ref::<UInt64Array>() {
                Col::U64(a)
            } else if let Some(a) = any.downcast_ref::<UInt32Array>() {
                Col::U32(a)
            } else if let Some(a) = any.downcast_ref::<Float64Array>() {
                Col::F64(a)
            } else if let Some(a) = any.downcast_ref::<BooleanArray>() {
                Col::Bool(a)
            } else if let Some(a) = any.downcast_ref::<StringArray>() {
                Col::Str(a)
            } else if let Some(a) = any.downcast_ref::<DictionaryArray<Int32Type>>() {
                Col::Dict(a, a.values().as_any().downcast_ref::<StringArray>())
            } else if let Some(a) = any.downcast_ref::<ListArray>() {
                Col::List(a)
            } else if let Some(a) = any.downcast_ref::<MapArray>() {
                Col::Map(a)
            } else {
                Col::Other
            }
        })
        .collect();
    let text = |buf: &mut Vec<u8>, v: &[u8]| {
        buf.extend_from_slice(&(v.len() as u64).to_le_bytes());
        buf.extend_from_slice(v);
    };
    // Column by column (a batch is the unit both the writer and the reader see): the
    // presence byte of every row, then the values of the rows present. Gathered into a
    // buffer, one CRC update per 64 KiB; each column's loop is of one type.
    let rows = batch.num_rows();
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    let mut present: Vec<usize> = Vec::with_capacity(rows);
    for (col, array) in cols.iter().zip(batch.columns()) {
        present.clear();
        match array.nulls() {
            None => present.extend(0..rows),
            Some(n) => present.extend(n.valid_indices()),
        }
        let mut bits = vec![0u8; rows];
        for &r in &present {
            bits[r] = 1;
        }
        sum.update(&bits);
        macro_rules! each {
            ($row:ident => $body:expr) => {
                for &$row in &present {
                    $body;
                    if buf.len() >= 1 << 16 {
                        sum.update(&buf);
                        buf.clear();
                    }
                }
            };
        }
        match col {
            Col::U64(a) => each!(row => buf.extend_from_slice(&a.value(row).to_le_bytes())),
            Col::U32(a) => each!(row => buf.extend_from_slice(&a.value(row).to_le_bytes())),
            Col::F64(a) => {
                each!(row => buf.extend_from_slice(&a.value(row).to_bits().to_le_bytes()))
            }
            Col::Bool(a) => each!(row => buf.push(u8::from(a.value(row)))),
            Col::Str(a) => each!(row => text(&mut buf, a.value(row).as_bytes())),
            Col::Dict(a, values) => {
                let keys = a.keys().values();
                each!(row => {
                    let k = keys[row] as usize;
                    let v = values.filter(|v| k < v.len()).map_or("", |v| v.value(k));
                    text(&mut buf, v.as_bytes())
                })
            }
            Col::List(a) => {
                let offsets = a.value_offsets();
                let any = a.values().as_any();
                let (u64s, u32s) = (
                    any.downcast_ref::<UInt64Array>(),
                    any.downcast_ref::<UInt32Array>(),
                );
                each!(row => {
                    let (from, to) = (offsets[row] as usize, offsets[row + 1] as usize);
                    buf.extend_from_slice(&((to - from) as u64).to_le_bytes());
                    if let Some(v) = u64s {
                        for x in &v.values()[from..to] {
                            buf.extend_from_slice(&x.to_le_bytes());
                        }
                    } else if let Some(v) = u32s {
                        for x in &v.values()[from..to] {
                            buf.extend_from_slice(&x.to_le_bytes());
                        }
                    }
                })
            }
            Col::Map(a) => {
                let offsets = a.value_offsets();
                let keys = a.keys().as_any().downcast_ref::<StringArray>();
                let values = a.values().as_any().downcast_ref::<StringArray>();
                each!(row => {
                    let (from, to) = (offsets[row] as usize, offsets[row + 1] as usize);
                    buf.extend_from_slice(&((to - from) as u64).to_le_bytes());
                    if let (Some(k), Some(v)) = (keys, values) {
                        for j in from..to {
                            text(&mut buf, k.value(j).as_bytes());
                            text(&mut buf, v.value(j).as_bytes());
                        }
                    }
                })
            }
            Col::Other => {}
        }
        sum.update(&buf);
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::event::{
        ActionKind, ContainAction, ContextKind, EventLog, EventSink, Party, Payload, Severity,
        Truth, Verdict,
    };
    use crate::ids::{AlertId, CampaignId, EntityId, RuleId, StepId};
    use crate::time::SimTime;

    /// One event of every type, each field set to a value no other field shares, so a
    /// field read from the wrong column cannot go unnoticed.
    fn every_type() -> Vec<Payload> {
        let fields: std::collections::BTreeMap<Arc<str>, Arc<str>> = [
            ("Image".into(), "c:\\x.exe".into()),
            ("User".into(), "bob".into()),
        ]
        .into();
        let a = AlertId(3);
        vec![
            Payload::TelemetryObserved {
                source: 2,
                entity: EntityId(1),
                fields: fields.clone(),
            },
            Payload::FactRecorded {
                entity: EntityId(2),
                kind: "hr".into(),
                fields,
                from_ms: 5,
                until_ms: Some(9),
            },
            Payload::FactRecorded {
                entity: EntityId(2),
                kind: "change".into(),
                fields: Default::default(),
                from_ms: 6,
                until_ms: None,
            },
            Payload::AttackStepExecuted {
                campaign: CampaignId(0),
                step: StepId(4),
                target: EntityId(3),
                objective: true,
            },
            Payload::AttackStepPrevented {
                campaign: CampaignId(0),
                step: StepId(5),
                blocked_by: EntityId(1),
                containment: 11,
            },
            Payload::CampaignStopped {
                campaign: CampaignId(0),
                containment: 12,
            },
            Payload::AlertRaised {
                alert: a,
                rule: RuleId(6),
                severity: Severity::High,
                entities: vec![EntityId(1), EntityId(2)],
                score: 0.625,
                telemetry: Some(13),
            },
            Payload::AlertRaised {
                alert: AlertId(4),
                rule: RuleId(7),
                severity: Severity::Low,
                entities: vec![],
                score: 0.1,
                telemetry: None,
            },
            Payload::AlertLabeled {
                alert: a,
                truth: Truth::Malicious,
                campaign: Some(CampaignId(0)),
                step: Some(StepId(8)),
            },
            Payload::AlertLabeled {
                alert: AlertId(4),
                truth: Truth::BenignPositive,
                campaign: None,
                step: None,
            },
            Payload::AlertQueued { alert: a, pool: 1 },
            Payload::AlertExpired { alert: AlertId(4) },
            Payload::TriageStarted {
                alert: a,
                pool: 1,
                worker: 9,
            },
            Payload::WorkCompleted {
                alert: a,
                party: Party::Customer,
                pool: 1,
                worker: 10,
                action: ActionKind::Triage,
                duration_ms: 14,
                releases_worker: false,
            },
            Payload::CaseHandedOff {
                alert: a,
                pool: 2,
                reason: "unsure".into(),
            },
            Payload::ContextQueried {
                alert: a,
                kind: ContextKind::Historic,
                records: vec![15, 16],
                cost_ms: 17,
            },
            Payload::VerdictReached {
                alert: a,
                verdict: Verdict::Malicious,
                confidence: 0.875,
                evidence: vec![18, u64::MAX],
                rationale: "why".into(),
            },
            Payload::Escalated {
                alert: a,
                reason: "esc".into(),
                customer_ms: 19,
            },
            Payload::ContainmentRequested {
                alert: a,
                action: ContainAction::IsolateHost,
                target: EntityId(1),
                by: Party::Provider,
                executor: Party::Customer,
                customer_ms: 20,
            },
            Payload::ContainmentExecuted {
                alert: a,
                action: ContainAction::ReimageHost,
                target: EntityId(2),
                request: 21,
                by: Party::Customer,
            },
            Payload::ContainmentReleased {
                alert: a,
                action: ContainAction::DisableAccount,
                target: EntityId(3),
                execution: 22,
                by: Party::Provider,
            },
            Payload::CustomerStarted {
                alert: a,
                task: 23,
                worker: 24,
            },
            Payload::CustomerResolved {
                alert: a,
                verdict: Verdict::Benign,
                task: 25,
            },
            Payload::StrategyFailed {
                alert: a,
                message: "boom".into(),
            },
        ]
    }

    #[test]
    fn every_event_type_round_trips_through_the_typed_columns() {
        let scenario = crate::scenario::Scenario::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scenarios/friday-night-ransomware.toml"),
        )
        .expect("scenario");
        let decider = crate::strategy::builtin("threshold", &scenario).expect("built-in");
        let header = crate::sim::Simulation::new(&scenario, 1).header(&decider);
        let mut log = EventLog::new(header.run);
        for (i, p) in every_type().into_iter().enumerate() {
            log.append(SimTime(i as u64 * 7), p);
        }
        let kinds: std::collections::BTreeSet<_> =
            log.events().iter().map(|e| e.payload.kind()).collect();
        assert_eq!(kinds.len(), 21, "one of every type");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("log.parquet");
        let mut sink = super::ParquetSink::create(&path, &header).expect("create");
        for e in log.events() {
            sink.accept(e);
        }
        sink.finish().expect("finish");
        let (h, back) = super::read(&path).expect("read back");
        assert_eq!(h, header);
        assert_eq!(back.events(), log.events());
    }
}
