//! Reading a Parquet event log back, verified.

use std::path::Path;

use bytes::Bytes;
use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::file::metadata::{KeyValue, ParquetMetaDataReader};

use super::{
    BATCH_ROWS, MAX_LOG_BYTES, META_CRC32, META_DATA_CRC32, META_EVENTS, META_HEADER,
    META_SCHEMA_VERSION, content_checksum, digest_batch,
};
use crate::error::{Error, Result};
use crate::event::feed::{Consumer, Feed, collect};
use crate::event::{EventLog, RunHeader, SCHEMA_VERSION};
use crate::integrity::{checksum_text, guard_decoder};

/// Reads a Parquet event log, checking the schema version, the event count, the
/// checksums and that `seq`s are dense and time never goes back. A truncated file is
/// reported as such.
pub fn read(path: &Path) -> Result<(RunHeader, EventLog)> {
    read_from_bytes(path, load(path)?)
}

/// A file's bytes: read whole (the data-page checksum is checked before decoding), so
/// bounded first.
fn load(path: &Path) -> Result<Bytes> {
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
    Ok(Bytes::from(
        std::fs::read(path).map_err(|e| Error::io(path, e))?,
    ))
}

/// [`read`] from a file's bytes; `path` names it in errors.
pub fn read_from_bytes(path: &Path, bytes: Bytes) -> Result<(RunHeader, EventLog)> {
    collect(|consumer| read_bytes_with(path, bytes, consumer))
}

/// Reads a Parquet event log as [`read`] does, handing each event to `consumer` as it
/// is decoded instead of holding them.
pub fn read_with(path: &Path, consumer: Consumer<'_>) -> Result<RunHeader> {
    read_bytes_with(path, load(path)?, consumer)
}

/// The header of a Parquet event log (its footer only), with the schema version
/// checked.
pub fn read_header(path: &Path) -> Result<RunHeader> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let meta = guard_decoder("the Parquet footer", || {
        ParquetMetaDataReader::new().parse_and_finish(&file)
    })
    .map_err(|m| Error::log(path, m))?
    .map_err(|e| {
        Error::log(
            path,
            format!("not a complete Parquet file (truncated or corrupt): {e}"),
        )
    })?;
    let kv = meta
        .file_metadata()
        .key_value_metadata()
        .cloned()
        .unwrap_or_default();
    Ok(header_of(path, &kv)?.1)
}

fn read_bytes_with(path: &Path, bytes: Bytes, consumer: Consumer<'_>) -> Result<RunHeader> {
    guard_decoder("the Parquet file", || read_bytes(path, bytes, consumer))
        .map_err(|m| Error::log(path, m))?
}

/// The header metadata's text and the header, with the schema version checked.
fn header_of(path: &Path, kv: &[KeyValue]) -> Result<(String, RunHeader)> {
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
    Ok((header_json, header))
}

/// Where the footer starts: Parquet ends with the footer, its length (u32 LE) and
/// `PAR1`.
fn footer_start(bytes: &[u8]) -> Option<usize> {
    let tail = bytes.len().checked_sub(8)?;
    let len = u32::from_le_bytes(bytes[tail..tail + 4].try_into().ok()?) as usize;
    tail.checked_sub(len)
}

fn read_bytes(path: &Path, bytes: Bytes, consumer: Consumer<'_>) -> Result<RunHeader> {
    let options = ArrowReaderOptions::new().with_schema(super::columns::read_schema());
    let builder = ParquetRecordBatchReaderBuilder::try_new_with_options(bytes.clone(), options)
        .map_err(|e| {
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
    let (header_json, header) = header_of(path, &kv)?;
    let get = |k: &str| kv.iter().find(|m| m.key == k).and_then(|m| m.value.clone());
    let expected: u64 = get(META_EVENTS)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| Error::log(path, "no mdrsim.events metadata"))?;
    let stored_sum = get(META_CRC32).ok_or_else(|| Error::log(path, "no mdrsim.crc32 metadata"))?;
    let mut sum = content_checksum(&header_json);
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
    let mut feed = Feed::new(header.run, consumer);
    for batch in reader {
        let batch = batch.map_err(|e| {
            Error::log(
                path,
                format!("truncated or corrupt data after {} events: {e}", feed.len()),
            )
        })?;
        digest_batch(&mut sum, &batch);
        super::decode::decode(&batch, |env| feed.push(env).map_err(|e| e.to_string()))
            .map_err(|m| Error::log(path, m))?;
    }
    if feed.len() != expected {
        return Err(Error::log(
            path,
            format!(
                "truncated: metadata says {expected} events, found {}",
                feed.len()
            ),
        ));
    }
    sum.field(&expected.to_le_bytes());
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
    feed.finish().map_err(|m| Error::log(path, m))?;
    Ok(header)
}
