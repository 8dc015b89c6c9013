//! Part files: each part of the grid ([`super::run::PART_RUNS`] consecutive runs) is
//! written to `OUT/parts/` as soon as it finishes, one Parquet file per table plus a
//! `.done` marker written last. An interrupted eval keeps its finished parts, and
//! `--resume` reads them back instead of running them again. Parts are renamed into
//! place but not synced: they survive the process being killed; one damaged by a
//! power loss fails to read back and is run again.

use std::collections::BTreeSet;
use std::path::Path;

use arrow_array::RecordBatch;

use super::table_file::{Encoding, read_parquet, write_encoded};
use super::tables::{TABLES, schema};
use crate::atomic::{Durability, write_atomically_as};
use crate::error::{Error, Result};

fn stem(first_run: u64) -> String {
    format!("part-{first_run:012}")
}

/// Writes a part's tables (in [`TABLES`] order), then the marker listing its runs.
pub fn write_part(dir: &Path, runs: &[u64], tables: &[RecordBatch]) -> Result<()> {
    let Some(first) = runs.first() else {
        return Ok(());
    };
    let stem = stem(*first);
    for (t, batch) in TABLES.iter().zip(tables) {
        write_encoded(
            &dir.join(format!("{stem}.{t}.parquet")),
            schema(t),
            std::slice::from_ref(batch),
            Encoding::Scratch,
        )?;
    }
    let text = serde_json::to_string(runs).map_err(|e| Error::Usage(e.to_string()))?;
    let marker = dir.join(format!("{stem}.done"));
    write_atomically_as(&marker, Durability::Scratch, |w| {
        std::io::Write::write_all(w, text.as_bytes()).map_err(|e| Error::io(dir, e))
    })
}

/// Reads back the tables of the part whose first run is `first_run`.
pub fn read_part(dir: &Path, first_run: u64) -> Result<Vec<RecordBatch>> {
    let stem = stem(first_run);
    TABLES
        .iter()
        .map(|t| {
            let path = dir.join(format!("{stem}.{t}.parquet"));
            let batches = read_parquet(&path)?;
            arrow_select::concat::concat_batches(&schema(t), &batches)
                .map_err(|e| Error::log(&path, e.to_string()))
        })
        .collect()
}

/// Runs whose part files are complete.
pub fn completed_runs(dir: &Path) -> Result<BTreeSet<u64>> {
    let mut done = BTreeSet::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(done);
    };
    for e in entries {
        let path = e.map_err(|e| Error::io(dir, e))?.path();
        if path.extension().is_some_and(|x| x == "done") {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            let runs: Vec<u64> =
                serde_json::from_str(&text).map_err(|e| Error::log(&path, e.to_string()))?;
            done.extend(runs);
        }
    }
    Ok(done)
}
