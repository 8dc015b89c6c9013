//! Writing a Parquet event log: streamed, one record batch (and row group) at a time as
//! the run goes, so a run's log never has to be held in memory to be stored.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use super::encode::Rows;
use super::{
    BATCH_ROWS, META_CRC32, META_DATA_CRC32, META_EVENTS, META_HEADER, META_SCHEMA_VERSION,
    content_checksum, digest_batch, schema,
};
use crate::atomic::AtomicFile;
use crate::error::{Error, Result};
use crate::event::{Envelope, EventLog, EventSink, RunHeader, SCHEMA_VERSION};
use crate::integrity::{Checksum, ChecksumWriter};

/// Writes `log` to `path` as Parquet (zstd), atomically.
pub fn write(path: &Path, header: &RunHeader, log: &EventLog) -> Result<()> {
    let mut sink = ParquetSink::create(path, header)?;
    for e in log.events() {
        sink.accept(e);
    }
    sink.finish()
}

type Writer = ArrowWriter<ChecksumWriter<BufWriter<std::fs::File>>>;

/// A Parquet event log being written as the run happens. It appears at its path only
/// when [`ParquetSink::finish`] succeeds; the first write error is kept and reported
/// there.
pub struct ParquetSink {
    path: PathBuf,
    file: AtomicFile,
    writer: Option<Writer>,
    rows: Rows,
    header: RunHeader,
    sum: Checksum,
    events: u64,
    error: Option<Error>,
}

impl ParquetSink {
    /// Starts writing the log of the run `header` describes to `path`.
    pub fn create(path: &Path, header: &RunHeader) -> Result<Self> {
        let io = |e: String| Error::io(path, std::io::Error::other(e));
        let header_json = serde_json::to_string(header).map_err(|e| io(e.to_string()))?;
        let meta = vec![
            KeyValue::new(META_SCHEMA_VERSION.to_string(), SCHEMA_VERSION.to_string()),
            KeyValue::new(META_HEADER.to_string(), header_json.clone()),
        ];
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(1).unwrap_or_default()))
            .set_key_value_metadata(Some(meta))
            // Most columns are integers or mostly null: Parquet's own dictionaries and
            // page statistics cost more to build than they save. Text that repeats
            // (names, enumerated values) is an Arrow dictionary already.
            .set_dictionary_enabled(false)
            .set_statistics_enabled(EnabledStatistics::None)
            // One record batch per row group: each dictionary column chunk then has one
            // dictionary, and a reader gets it back as a dictionary without re-hashing.
            .set_max_row_group_row_count(Some(BATCH_ROWS));
        let props = super::columns::DICTIONARY_COLUMNS
            .iter()
            .fold(props, |p, c| {
                p.set_column_dictionary_enabled(ColumnPath::from(*c), true)
            })
            .build();
        let file = AtomicFile::create(path)?;
        let out = ChecksumWriter::new(BufWriter::with_capacity(1 << 16, file.writer()?));
        let writer =
            ArrowWriter::try_new(out, schema(), Some(props)).map_err(|e| io(e.to_string()))?;
        Ok(ParquetSink {
            path: path.to_path_buf(),
            file,
            writer: Some(writer),
            rows: Rows::default(),
            header: header.clone(),
            sum: content_checksum(&header_json),
            events: 0,
            error: None,
        })
    }

    fn flush_rows(&mut self) -> Result<()> {
        if self.rows.len == 0 {
            return Ok(());
        }
        let io = |e: String| Error::io(&self.path, std::io::Error::other(e));
        let batch = self.rows.finish().map_err(|e| io(e.to_string()))?;
        digest_batch(&mut self.sum, &batch);
        let writer = self.writer.as_mut().ok_or_else(|| io("closed".into()))?;
        writer.write(&batch).map_err(|e| io(e.to_string()))
    }

    /// Writes what is buffered, the footer (event count, both checksums), and moves
    /// the file into place.
    pub fn finish(mut self) -> Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.flush_rows()?;
        let path = self.path.clone();
        let pq = |e: parquet::errors::ParquetError| Error::io(&path, std::io::Error::other(e));
        let mut writer = self
            .writer
            .take()
            .ok_or_else(|| Error::io(&path, std::io::Error::other("closed")))?;
        // Every data page is written once the last row group is flushed; only the
        // footer (which holds these) follows.
        writer.flush().map_err(pq)?;
        let data_sum = writer.inner().checksum();
        self.sum.field(&self.events.to_le_bytes());
        for (k, v) in [
            (META_EVENTS, self.events.to_string()),
            (META_DATA_CRC32, data_sum),
            (META_CRC32, self.sum.text()),
        ] {
            writer.append_key_value_metadata(KeyValue::new(k.to_string(), v));
        }
        let mut out = writer.into_inner().map_err(pq)?;
        out.flush().map_err(|e| Error::io(&path, e))?;
        drop(out);
        self.file.commit()
    }
}

impl EventSink for ParquetSink {
    fn accept(&mut self, e: &Envelope) {
        if self.error.is_some() {
            return;
        }
        self.events += 1;
        self.rows.push(&self.header, e);
        if self.rows.len >= BATCH_ROWS
            && let Err(err) = self.flush_rows()
        {
            self.error = Some(err);
        }
    }
}
