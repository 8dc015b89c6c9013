//! Parquet codec for event logs. Each row is one event: the envelope and the most-queried
//! fields as typed columns (so DuckDB, pyarrow or polars can filter without mdrsim) and
//! the full payload as JSON (so the round trip is exact). The run header, schema version
//! and event count live in the file's key-value metadata. Layout: `docs/event-log.md`.

use bytes::Bytes;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{StringBuilder, UInt32Builder, UInt64Builder};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray, UInt32Array, UInt64Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use super::{Envelope, EventLog, RunHeader, SCHEMA_VERSION};
use crate::atomic::write_atomically;
use crate::error::{Error, Result};
use crate::integrity::{Checksum, ChecksumWriter, checksum_text, guard_decoder};
use crate::time::SimTime;

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

const BATCH_ROWS: usize = 65_536;

/// Largest Parquet log a reader accepts: far above what the work budget lets a run
/// write (about 10 million events at well under 100 bytes each, compressed).
pub const MAX_LOG_BYTES: u64 = 4 << 30;

/// The Arrow schema of an event-log file.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("run", DataType::UInt64, false),
        Field::new("seq", DataType::UInt64, false),
        Field::new("at_ms", DataType::UInt64, false),
        Field::new("type", DataType::Utf8, false),
        Field::new("alert", DataType::UInt32, true),
        Field::new("entity", DataType::Utf8, true),
        Field::new("campaign", DataType::Utf8, true),
        Field::new("payload", DataType::Utf8, false),
    ]))
}

/// Writes `log` to `path` as Parquet (zstd), atomically.
pub fn write(path: &Path, header: &RunHeader, log: &EventLog) -> Result<()> {
    let header_json =
        serde_json::to_string(header).map_err(|e| Error::io(path, std::io::Error::other(e)))?;
    let meta = vec![
        KeyValue::new(META_SCHEMA_VERSION.to_string(), SCHEMA_VERSION.to_string()),
        KeyValue::new(META_HEADER.to_string(), header_json.clone()),
        KeyValue::new(META_EVENTS.to_string(), log.len().to_string()),
    ];
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(1).unwrap_or_default()))
        .set_key_value_metadata(Some(meta))
        .build();
    let pq = |e: parquet::errors::ParquetError| Error::io(path, std::io::Error::other(e));
    let mut sum = content_checksum(&header_json, log.len() as u64);
    write_atomically(path, |w| {
        let mut writer =
            ArrowWriter::try_new(ChecksumWriter::new(w), schema(), Some(props)).map_err(pq)?;
        for chunk in log.events().chunks(BATCH_ROWS) {
            let batch =
                to_batch(header, chunk).map_err(|e| Error::io(path, std::io::Error::other(e)))?;
            digest_batch(&mut sum, &batch);
            writer.write(&batch).map_err(pq)?;
        }
        // Every data page is written once the last row group is flushed; only the
        // footer (which holds this checksum) follows.
        writer.flush().map_err(pq)?;
        let data_sum = writer.inner().checksum();
        writer.append_key_value_metadata(KeyValue::new(META_DATA_CRC32.to_string(), data_sum));
        writer.append_key_value_metadata(KeyValue::new(META_CRC32.to_string(), sum.text()));
        writer.close().map_err(pq)?;
        Ok(())
    })
}

/// The checksum of a log's content starts from its header text and event count; then
/// every row's every column is added by [`digest_batch`]. Computed over what is stored,
/// so the typed columns other tools query are covered as well as the payload.
fn content_checksum(header_json: &str, events: u64) -> Checksum {
    let mut sum = Checksum::new();
    sum.field(header_json.as_bytes());
    sum.field(&events.to_le_bytes());
    sum
}

/// Adds each row of `batch` to `sum`: per column a presence byte, then the value
/// (integers little-endian, strings length-prefixed).
fn digest_batch(sum: &mut Checksum, batch: &RecordBatch) {
    enum Col<'a> {
        U64(&'a UInt64Array),
        U32(&'a UInt32Array),
        Str(&'a StringArray),
        Other(&'a dyn Array),
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
            } else if let Some(a) = any.downcast_ref::<StringArray>() {
                Col::Str(a)
            } else {
                Col::Other(c.as_ref())
            }
        })
        .collect();
    // The same byte stream as `Checksum::update`/`field` per value, gathered into a
    // buffer first: one CRC update per 64 KiB, not several per value.
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    for row in 0..batch.num_rows() {
        for col in &cols {
            let present = match col {
                Col::U64(a) => a.is_valid(row),
                Col::U32(a) => a.is_valid(row),
                Col::Str(a) => a.is_valid(row),
                Col::Other(a) => a.is_valid(row),
            };
            buf.push(u8::from(present));
            if !present {
                continue;
            }
            match col {
                Col::U64(a) => buf.extend_from_slice(&a.value(row).to_le_bytes()),
                Col::U32(a) => buf.extend_from_slice(&a.value(row).to_le_bytes()),
                Col::Str(a) => {
                    let v = a.value(row).as_bytes();
                    buf.extend_from_slice(&(v.len() as u64).to_le_bytes());
                    buf.extend_from_slice(v);
                }
                Col::Other(_) => {}
            }
        }
        if buf.len() >= 1 << 16 {
            sum.update(&buf);
            buf.clear();
        }
    }
    sum.update(&buf);
}

fn to_batch(
    header: &RunHeader,
    events: &[Envelope],
) -> std::result::Result<RecordBatch, arrow_schema::ArrowError> {
    let n = events.len();
    let mut run = UInt64Builder::with_capacity(n);
    let mut seq = UInt64Builder::with_capacity(n);
    let mut at = UInt64Builder::with_capacity(n);
    let mut kind = StringBuilder::with_capacity(n, n * 16);
    let mut alert = UInt32Builder::with_capacity(n);
    let mut entity = StringBuilder::with_capacity(n, n * 12);
    let mut campaign = StringBuilder::with_capacity(n, n * 8);
    let mut payload = StringBuilder::with_capacity(n, n * 96);
    let mut buf = Vec::with_capacity(256);
    for e in events {
        run.append_value(e.run);
        seq.append_value(e.seq);
        at.append_value(e.at.0);
        kind.append_value(e.payload.kind());
        alert.append_option(e.payload.alert().map(|a| a.0));
        entity.append_option(
            e.payload
                .entity()
                .and_then(|id| header.entities.get(id.index())),
        );
        campaign.append_option(
            e.payload
                .campaign()
                .and_then(|c| header.campaigns.get(c.index()))
                .map(|c| &c.name),
        );
        buf.clear();
        serde_json::to_writer(&mut buf, &e.payload)
            .map_err(|e| arrow_schema::ArrowError::ExternalError(Box::new(e)))?;
        payload.append_value(String::from_utf8_lossy(&buf));
    }
    let cols: Vec<ArrayRef> = vec![
        Arc::new(run.finish()),
        Arc::new(seq.finish()),
        Arc::new(at.finish()),
        Arc::new(kind.finish()),
        Arc::new(alert.finish()),
        Arc::new(entity.finish()),
        Arc::new(campaign.finish()),
        Arc::new(payload.finish()),
    ];
    RecordBatch::try_new(schema(), cols)
}

/// Reads a Parquet event log, checking the schema version, the event count, the
/// checksums and that `seq`s are dense and time never goes back. A truncated file is
/// reported as such.
pub fn read(path: &Path) -> Result<(RunHeader, EventLog)> {
    // Read whole (the data-page checksum is checked before decoding), so bounded first.
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if size > MAX_LOG_BYTES {
        return Err(Error::log(
            path,
            format!(
                "{size} bytes: larger than any event log mdrsim writes ({MAX_LOG_BYTES} at most)"
            ),
        ));
    }
    let bytes = Bytes::from(std::fs::read(path).map_err(|e| Error::io(path, e))?);
    read_from_bytes(path, bytes)
}

/// [`read`] from a file's bytes; `path` names it in errors.
pub fn read_from_bytes(path: &Path, bytes: Bytes) -> Result<(RunHeader, EventLog)> {
    guard_decoder("the Parquet file", || read_bytes(path, bytes))
        .map_err(|m| Error::log(path, m))?
}

/// Where the footer starts: Parquet ends with the footer, its length (u32 LE) and
/// `PAR1`.
fn footer_start(bytes: &[u8]) -> Option<usize> {
    let tail = bytes.len().checked_sub(8)?;
    let len = u32::from_le_bytes(bytes[tail..tail + 4].try_into().ok()?) as usize;
    tail.checked_sub(len)
}

fn read_bytes(path: &Path, bytes: Bytes) -> Result<(RunHeader, EventLog)> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes.clone()).map_err(|e| {
        Error::log(
            path,
            format!("not a complete Parquet file (truncated or corrupt): {e}"),
        )
    })?;
    let kv: Vec<KeyValue> = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .cloned()
        .unwrap_or_default();
    let get = |k: &str| kv.iter().find(|m| m.key == k).and_then(|m| m.value.clone());
    let version = get(META_SCHEMA_VERSION).ok_or_else(|| {
        Error::log(
            path,
            "not an mdrsim event log: no mdrsim.schema_version metadata",
        )
    })?;
    if version != SCHEMA_VERSION.to_string() {
        return Err(Error::log(
            path,
            format!(
                "schema version {version} is not supported (this mdrsim reads {SCHEMA_VERSION})"
            ),
        ));
    }
    let header_json =
        get(META_HEADER).ok_or_else(|| Error::log(path, "no mdrsim.header metadata"))?;
    let header: RunHeader = serde_json::from_str(&header_json)
        .map_err(|e| Error::log(path, format!("bad mdrsim.header metadata: {e}")))?;
    let expected: u64 = get(META_EVENTS)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| Error::log(path, "no mdrsim.events metadata"))?;
    let stored_sum = get(META_CRC32).ok_or_else(|| Error::log(path, "no mdrsim.crc32 metadata"))?;
    let mut sum = content_checksum(&header_json, expected);
    let data_sum =
        get(META_DATA_CRC32).ok_or_else(|| Error::log(path, "no mdrsim.data_crc32 metadata"))?;
    // `LENGTH:CRC` of the bytes before the first thing written at close (page
    // indexes, footer).
    let data = data_sum
        .split_once(':')
        .and_then(|(len, _)| len.parse::<usize>().ok())
        .filter(|&len| footer_start(&bytes).is_some_and(|end| len <= end))
        .map(|len| format!("{len}:{}", checksum_text(&bytes[..len])))
        .ok_or_else(|| Error::log(path, "bad mdrsim.data_crc32 metadata"))?;
    if data != data_sum {
        return Err(Error::log(
            path,
            format!(
                "checksum mismatch: mdrsim.data_crc32 says {data_sum}, the data pages have \
                 {data}: the file was changed or damaged after it was written"
            ),
        ));
    }
    let reader = builder
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|e| Error::log(path, format!("cannot read Parquet: {e}")))?;
    let mut log = EventLog::with_capacity(header.run, expected.min(1 << 24) as usize);
    for batch in reader {
        let batch = batch.map_err(|e| {
            Error::log(
                path,
                format!("truncated or corrupt data after {} events: {e}", log.len()),
            )
        })?;
        digest_batch(&mut sum, &batch);
        append_batch(path, &batch, &mut log)?;
    }
    if log.len() as u64 != expected {
        return Err(Error::log(
            path,
            format!(
                "truncated: metadata says {expected} events, found {}",
                log.len()
            ),
        ));
    }
    if sum.text() != stored_sum {
        return Err(Error::log(
            path,
            format!(
                "checksum mismatch: mdrsim.crc32 says {stored_sum}, the content has {}: the \
                 file was changed or damaged after it was written",
                sum.text()
            ),
        ));
    }
    Ok((header, log))
}

fn column<'a, T: 'static>(path: &Path, batch: &'a RecordBatch, name: &str) -> Result<&'a T> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<T>())
        .ok_or_else(|| {
            Error::log(
                path,
                format!("column {name:?} is missing or of the wrong type"),
            )
        })
}

fn append_batch(path: &Path, batch: &RecordBatch, log: &mut EventLog) -> Result<()> {
    let run = column::<UInt64Array>(path, batch, "run")?;
    let seq = column::<UInt64Array>(path, batch, "seq")?;
    let at = column::<UInt64Array>(path, batch, "at_ms")?;
    let payload = column::<StringArray>(path, batch, "payload")?;
    for i in 0..batch.num_rows() {
        if payload.is_null(i) {
            return Err(Error::log(
                path,
                format!("row {}: payload is null", log.len()),
            ));
        }
        let p = serde_json::from_str(payload.value(i))
            .map_err(|e| Error::log(path, format!("event {}: bad payload: {e}", seq.value(i))))?;
        let env = Envelope {
            run: run.value(i),
            seq: seq.value(i),
            at: SimTime(at.value(i)),
            payload: p,
        };
        log.try_push(env)
            .map_err(|e| Error::log(path, e.to_string()))?;
    }
    Ok(())
}
