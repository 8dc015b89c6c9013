//! Part files: each part of the grid ([`super::run::PART_RUNS`] consecutive runs) is
//! written to `OUT/parts/` as soon as it finishes, as one file renamed into place
//! whole, so a part file that exists is complete. An interrupted eval keeps its
//! finished parts, and `--resume` reads them back instead of running them again.
//!
//! One file per part, not one per table: creating files is the slow part of writing
//! on a journaling file system. Layout: the magic line `mdrsim-part 3\n`, then
//! length-prefixed (u64, little-endian) blocks: the part's run indices as JSON, then
//! each table of [`TABLES`] as a complete Parquet file (plain, uncompressed).
//! Parts are not synced to disk: they survive the process being killed; one damaged by
//! a power loss fails to read back and is run again.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use bytes::Bytes;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::table_file::encode_scratch;
use super::tables::{TABLES, schema};
use crate::atomic::{Durability, write_atomically_as};
use crate::error::{Error, Result};
use crate::integrity::guard_decoder;

const MAGIC: &[u8] = b"mdrsim-part 3\n";

fn path(dir: &Path, first_run: u64) -> PathBuf {
    dir.join(format!("part-{first_run:012}.mdrsim-part"))
}

/// Writes a part: its runs and its tables (in [`TABLES`] order).
pub fn write_part(dir: &Path, runs: &[u64], tables: &[RecordBatch]) -> Result<()> {
    let Some(first) = runs.first() else {
        return Ok(());
    };
    let mut blocks = vec![serde_json::to_vec(runs).map_err(|e| Error::Usage(e.to_string()))?];
    for (t, batch) in TABLES.iter().zip(tables) {
        blocks.push(encode_scratch(schema(t), batch)?);
    }
    let file = path(dir, *first);
    let mut sum = crc32fast::Hasher::new();
    write_atomically_as(&file, Durability::Scratch, |w| {
        let mut put = |bytes: &[u8]| {
            sum.update(bytes);
            std::io::Write::write_all(w, bytes)
        };
        put(MAGIC)
            .and_then(|()| {
                blocks.iter().try_for_each(|b| {
                    put(&(b.len() as u64).to_le_bytes())?;
                    put(b)
                })
            })
            .and_then(|()| std::io::Write::write_all(w, &sum.clone().finalize().to_le_bytes()))
            .map_err(|e| Error::io(&file, e))
    })
}

/// Splits a part file into its blocks.
fn blocks(file: &Path, bytes: Bytes) -> Result<Vec<Bytes>> {
    let damaged = |what: &str| Error::log(file, format!("damaged part file: {what}"));
    if !bytes.starts_with(MAGIC) || bytes.len() < MAGIC.len() + 4 {
        return Err(damaged("not an mdrsim part"));
    }
    let (body, trailer) = bytes.split_at(bytes.len() - 4);
    if crc32fast::hash(body).to_le_bytes() != trailer {
        return Err(damaged("checksum mismatch"));
    }
    let bytes = bytes.slice(..body.len());
    let mut at = MAGIC.len();
    let mut out = Vec::new();
    while at < bytes.len() {
        let len = bytes
            .get(at..at + 8)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
            .ok_or_else(|| damaged("truncated block length"))?;
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| (at + 8).checked_add(l))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| damaged("truncated block"))?;
        out.push(bytes.slice(at + 8..end));
        at = end;
    }
    if out.len() != 1 + TABLES.len() {
        return Err(damaged("wrong number of blocks"));
    }
    Ok(out)
}

/// Reads back the tables of the part holding exactly `runs`, verifying its checksum.
pub fn read_part(dir: &Path, runs: &[u64]) -> Result<Vec<RecordBatch>> {
    let file = path(dir, runs.first().copied().unwrap_or_default());
    let bytes = std::fs::read(&file).map_err(|e| Error::io(&file, e))?;
    let (held, tables) = decode_part(&file, Bytes::from(bytes))?;
    if held != runs {
        return Err(Error::log(&file, "damaged part file: it holds other runs"));
    }
    Ok(tables)
}

/// A part file's run list and tables, from its bytes (checksum verified first).
pub fn decode_part(file: &Path, bytes: Bytes) -> Result<(Vec<u64>, Vec<RecordBatch>)> {
    let blocks = blocks(file, bytes)?;
    let runs = serde_json::from_slice::<Vec<u64>>(&blocks[0])
        .map_err(|e| Error::log(file, format!("damaged part file: run list: {e}")))?;
    let tables = guard_decoder("the part file", || decode_tables(file, &blocks))
        .map_err(|m| Error::log(file, m))??;
    Ok((runs, tables))
}

fn decode_tables(file: &Path, blocks: &[Bytes]) -> Result<Vec<RecordBatch>> {
    TABLES
        .iter()
        .zip(&blocks[1..])
        .map(|(t, block)| {
            let batches = ParquetRecordBatchReaderBuilder::try_new(block.clone())
                .and_then(|b| b.build())
                .map_err(|e| Error::log(file, format!("damaged part file: {e}")))?
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| Error::log(file, format!("damaged part file: {e}")))?;
            arrow_select::concat::concat_batches(&schema(t), &batches)
                .map_err(|e| Error::log(file, e.to_string()))
        })
        .collect()
}

/// Runs whose part files are complete (and readable as far as their run lists).
pub fn completed_runs(dir: &Path) -> Result<BTreeSet<u64>> {
    let mut done = BTreeSet::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(done);
    };
    for e in entries {
        let file = e.map_err(|e| Error::io(dir, e))?.path();
        if file.extension().is_none_or(|x| x != "mdrsim-part") {
            continue;
        }
        // Only the header is needed: magic, then the run list's length and text.
        let mut head = vec![0u8; MAGIC.len() + 8];
        let mut f = std::fs::File::open(&file).map_err(|e| Error::io(&file, e))?;
        if f.read_exact(&mut head).is_err() || !head.starts_with(MAGIC) {
            continue;
        }
        let len = u64::from_le_bytes(head[MAGIC.len()..].try_into().unwrap_or_default());
        let mut text = Vec::new();
        if f.take(len).read_to_end(&mut text).is_err() {
            continue;
        }
        if let Ok(runs) = serde_json::from_slice::<Vec<u64>>(&text) {
            done.extend(runs);
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_tables() -> Vec<RecordBatch> {
        TABLES
            .iter()
            .map(|t| RecordBatch::new_empty(schema(t)))
            .collect()
    }

    #[test]
    fn a_part_reads_back_and_a_damaged_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        write_part(dir.path(), &[16, 17, 18], &empty_tables()).unwrap();
        assert_eq!(
            completed_runs(dir.path()).unwrap(),
            BTreeSet::from([16, 17, 18])
        );
        let back = read_part(dir.path(), &[16, 17, 18]).unwrap();
        assert_eq!(back, empty_tables());
        // Cut the file short, as a power loss might: the run list still reads, the
        // tables do not, so the eval runs the part again.
        let file = path(dir.path(), 16);
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() - 10]).unwrap();
        let err = read_part(dir.path(), &[16, 17, 18])
            .unwrap_err()
            .to_string();
        assert!(err.contains("damaged part file"), "{err}");
        // Every single-bit flip is caught by the checksum, before any decoding.
        for i in (0..bytes.len() * 8).step_by(13) {
            let mut b = bytes.clone();
            b[i / 8] ^= 1 << (i % 8);
            std::fs::write(&file, &b).unwrap();
            assert!(read_part(dir.path(), &[16, 17, 18]).is_err(), "bit {i}");
        }
        std::fs::write(&file, b"garbage").unwrap();
        assert!(completed_runs(dir.path()).unwrap().is_empty());
    }
}
