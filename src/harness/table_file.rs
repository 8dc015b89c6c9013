//! One result table as one Parquet file: written atomically from a stream of batches,
//! re-cut into row groups of a fixed size (so the bytes do not depend on how the rows
//! arrived), optionally each row group's columns encoded in parallel.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_schema::{DataType, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::arrow_writer::{ArrowColumnChunk, ArrowRowGroupWriterFactory, compute_leaves};
use parquet::basic::{Compression, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use rayon::prelude::*;

use crate::atomic::AtomicFile;
use crate::error::{Error, Result};

/// Rows per row group. Batches are re-cut to this size so the file's bytes do not
/// depend on how the rows arrived (parts, shards, one batch), and the writer never
/// buffers more than one row group.
pub(super) const WRITE_ROWS: usize = 65_536;

/// Result files people keep: zstd, and dictionaries for the repetitive text columns
/// (truth, rule, verdict, …), not for times and counts, which are nearly all distinct.
fn result_properties(schema: &SchemaRef) -> WriterProperties {
    schema
        .fields()
        .iter()
        .filter(|f| f.data_type() == &DataType::Utf8)
        .fold(
            WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::try_new(1).unwrap_or_default()))
                .set_dictionary_enabled(false),
            |b, f| b.set_column_dictionary_enabled(f.name().as_str().into(), true),
        )
        .set_max_row_group_row_count(Some(WRITE_ROWS))
        .build()
}

/// A Parquet file being written from a stream of batches, atomically.
pub(super) struct TableWriter {
    file: AtomicFile,
    writer: SerializedFileWriter<BufWriter<File>>,
    columns: ArrowRowGroupWriterFactory,
    row_groups: usize,
    schema: SchemaRef,
    parallel_columns: bool,
    pending: Vec<RecordBatch>,
    /// Leading batches of `pending` that are merges of small ones.
    merged: usize,
    pending_rows: usize,
    path: PathBuf,
}

impl TableWriter {
    pub(super) fn create(path: &Path, schema: SchemaRef) -> Result<Self> {
        let file = AtomicFile::create(path)?;
        let sink = BufWriter::new(file.writer()?);
        // Built through ArrowWriter so the file carries the Arrow schema in its
        // metadata, then taken apart to encode columns in parallel.
        let (writer, columns) =
            ArrowWriter::try_new(sink, schema.clone(), Some(result_properties(&schema)))
                .and_then(ArrowWriter::into_serialized_writer)
                .map_err(|e| parquet_error(path, e))?;
        Ok(TableWriter {
            file,
            writer,
            columns,
            row_groups: 0,
            schema,
            parallel_columns: false,
            pending: Vec::new(),
            merged: 0,
            pending_rows: 0,
            path: path.to_path_buf(),
        })
    }

    /// Encodes each row group's columns in parallel on the current rayon pool: for
    /// writers that run alone (merging shards, finishing an eval's tables), not for
    /// those called from inside a pool's workers.
    pub(super) fn parallel_columns(mut self) -> Self {
        self.parallel_columns = true;
        self
    }

    pub(super) fn push(&mut self, batch: RecordBatch) -> Result<()> {
        self.pending_rows += batch.num_rows();
        self.pending.push(batch);
        while self.pending_rows >= WRITE_ROWS {
            self.flush(WRITE_ROWS)?;
        }
        // Small tables (one row per run) fill a row group slowly, and many small
        // batches cost more memory than their rows: every 64 arrivals are merged into
        // one batch (each row is copied once more, not once per merge).
        if self.pending.len() - self.merged >= 64 {
            let merged =
                arrow_select::concat::concat_batches(&self.schema, &self.pending[self.merged..])
                    .map_err(|e| Error::Usage(e.to_string()))?;
            self.pending.truncate(self.merged);
            self.pending.push(merged);
            self.merged += 1;
        }
        Ok(())
    }

    /// Writes the first `rows` pending rows as one row group.
    fn flush(&mut self, rows: usize) -> Result<()> {
        let all = arrow_select::concat::concat_batches(&self.schema, &self.pending)
            .map_err(|e| Error::Usage(e.to_string()))?;
        let rows = rows.min(all.num_rows());
        self.write_row_group(&all.slice(0, rows))
            .map_err(|e| parquet_error(&self.path, e))?;
        let rest = all.slice(rows, all.num_rows() - rows);
        self.pending_rows = rest.num_rows();
        self.pending = vec![rest];
        self.merged = 1;
        Ok(())
    }

    fn write_row_group(&mut self, batch: &RecordBatch) -> parquet::errors::Result<()> {
        let mut leaves = Vec::new();
        for (field, column) in self.schema.fields().iter().zip(batch.columns()) {
            leaves.extend(compute_leaves(field, column)?);
        }
        let writers = self.columns.create_column_writers(self.row_groups)?;
        let encode = |(mut w, leaf): (parquet::arrow::arrow_writer::ArrowColumnWriter, _)| {
            w.write(&leaf)?;
            w.close()
        };
        let chunks: Vec<ArrowColumnChunk> = if self.parallel_columns {
            writers
                .into_par_iter()
                .zip(leaves)
                .map(encode)
                .collect::<parquet::errors::Result<_>>()?
        } else {
            writers
                .into_iter()
                .zip(leaves)
                .map(encode)
                .collect::<parquet::errors::Result<_>>()?
        };
        let mut group = self.writer.next_row_group()?;
        for chunk in chunks {
            chunk.append_to_row_group(&mut group)?;
        }
        group.close()?;
        self.row_groups += 1;
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<()> {
        if self.pending_rows > 0 {
            self.flush(self.pending_rows)?;
        }
        let path = self.path.clone();
        let sink = self
            .writer
            .into_inner()
            .map_err(|e| parquet_error(&path, e))?;
        sink.into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        self.file.commit()
    }
}

fn parquet_error(path: &Path, e: ParquetError) -> Error {
    Error::io(path, std::io::Error::other(e))
}

/// A batch as a complete Parquet file in memory, plain and uncompressed (for part
/// files).
pub(super) fn encode_scratch(schema: SchemaRef, batch: &RecordBatch) -> Result<Vec<u8>> {
    let to_error = |e: ParquetError| Error::Usage(format!("encoding a part: {e}"));
    // Read back only by `--resume`: plain and uncompressed, so writing costs little.
    let props = WriterProperties::builder()
        .set_compression(Compression::UNCOMPRESSED)
        .set_dictionary_enabled(false)
        .build();
    let mut w = ArrowWriter::try_new(Vec::new(), schema, Some(props)).map_err(to_error)?;
    w.write(batch).map_err(to_error)?;
    w.into_inner().map_err(to_error)
}

/// A Parquet file's batches, read as they are consumed.
pub fn open_parquet(path: &Path) -> Result<ParquetRecordBatchReader> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.with_batch_size(WRITE_ROWS).build())
        .map_err(|e| Error::log(path, format!("not a complete Parquet file: {e}")))
}

/// Reads `columns` of a Parquet file a batch at a time (so a reader keeps only what it
/// needs of a large table, e.g. four of `alerts.parquet`'s columns for the charts).
pub fn scan_parquet(
    path: &Path,
    columns: &[&str],
) -> Result<impl Iterator<Item = Result<RecordBatch>>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| Error::log(path, format!("not a complete Parquet file: {e}")))?;
    let mask =
        parquet::arrow::ProjectionMask::columns(builder.parquet_schema(), columns.iter().copied());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(WRITE_ROWS)
        .build()
        .map_err(|e| Error::log(path, format!("not a complete Parquet file: {e}")))?;
    let path = path.to_path_buf();
    Ok(reader.map(move |b| b.map_err(|e| Error::log(&path, format!("corrupt Parquet data: {e}")))))
}

/// Reads every batch of a Parquet file.
pub fn read_parquet(path: &Path) -> Result<Vec<RecordBatch>> {
    open_parquet(path)?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::log(path, format!("corrupt Parquet data: {e}")))
}
