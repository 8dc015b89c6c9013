//! A results folder is replaced whole or not at all. An eval or merge writes into a
//! staging folder beside the target (`.NAME.mdrsim-staging`), verifies what it wrote,
//! and swaps it in with renames; a failure leaves the previous result as it was. An
//! advisory lock (`.NAME.mdrsim-lock`, beside the target) refuses a second writer.
//! The manifest records each table's row count and CRC-32, and every reader of a
//! results folder checks them. Guarantees: docs/results-schema.md.

use std::fs::File;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::tables::TABLES;
use crate::error::{Error, Result};
use crate::integrity::Checksum;

/// A results folder being written: the staging folder, the lock, and the target.
pub struct Staging {
    target: PathBuf,
    staging: PathBuf,
    backup: PathBuf,
    _lock: File,
}

/// The hidden sibling `.NAME.SUFFIX` of `target`.
fn sibling(target: &Path, suffix: &str) -> Result<PathBuf> {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
        .ok_or_else(|| {
            Error::Usage(format!(
                "--out {}: name a folder (not a root, `.` or `..`)",
                target.display()
            ))
        })?;
    Ok(target.with_file_name(format!(".{name}.{suffix}")))
}

impl Staging {
    /// Locks `target` and prepares its staging folder: empty, or — with `resume` — as
    /// an interrupted writer left it. Refuses a target that exists but is not a
    /// results folder (so `--out ~` never replaces a home directory).
    pub fn begin(target: &Path, resume: bool) -> Result<Staging> {
        let lock_path = sibling(target, "mdrsim-lock")?;
        if let Some(parent) = lock_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        lock.try_lock().map_err(|_| {
            Error::Usage(format!(
                "{}: another mdrsim is writing this results folder (it holds {}); wait for \
                 it to finish",
                target.display(),
                lock_path.display()
            ))
        })?;
        let staging = sibling(target, "mdrsim-staging")?;
        let backup = sibling(target, "mdrsim-old")?;
        // A swap interrupted between its two renames left the old result as the
        // backup and no target: put it back.
        if backup.exists() {
            if target.exists() {
                remove(&backup)?;
            } else {
                std::fs::rename(&backup, target).map_err(|e| Error::io(target, e))?;
            }
        }
        refuse_foreign(target)?;
        if !resume && staging.exists() {
            remove(&staging)?;
        }
        std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        Ok(Staging {
            target: target.to_path_buf(),
            staging,
            backup,
            _lock: lock,
        })
    }

    /// The folder to write into.
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// Verifies the staged result and swaps it in for the target.
    pub fn commit(self) -> Result<()> {
        verify(&self.staging)?;
        if self.target.exists() {
            std::fs::rename(&self.target, &self.backup).map_err(|e| Error::io(&self.target, e))?;
        }
        std::fs::rename(&self.staging, &self.target).map_err(|e| Error::io(&self.target, e))?;
        if let Some(parent) = self.target.parent().filter(|p| !p.as_os_str().is_empty()) {
            // The renames are durable once the folder holding them is synced.
            let _ = File::open(parent).and_then(|d| d.sync_all());
        }
        if self.backup.exists() {
            remove(&self.backup)?;
        }
        Ok(())
    }
}

fn remove(dir: &Path) -> Result<()> {
    std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))
}

/// Refuses to replace anything but an empty folder or an mdrsim results folder.
fn refuse_foreign(target: &Path) -> Result<()> {
    if !target.exists() {
        return Ok(());
    }
    let foreign = || {
        Error::Usage(format!(
            "--out {}: exists and is not an mdrsim results folder (no manifest.json); \
             choose another folder or remove it",
            target.display()
        ))
    };
    if !target.is_dir() {
        return Err(foreign());
    }
    let empty = std::fs::read_dir(target)
        .map_err(|e| Error::io(target, e))?
        .next()
        .is_none();
    if empty || target.join("manifest.json").is_file() {
        Ok(())
    } else {
        Err(foreign())
    }
}

/// Row count and checksum of each table in `dir`, for the manifest.
pub fn table_checksums(dir: &Path) -> Result<Value> {
    let mut tables = serde_json::Map::new();
    for t in TABLES {
        let path = dir.join(format!("{t}.parquet"));
        let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
        let n = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .map(|b| b.metadata().file_metadata().num_rows())
            .map_err(|e| Error::log(&path, e.to_string()))?;
        tables.insert(
            format!("{t}.parquet"),
            json!({ "rows": n, "crc32": file_checksum(&path)? }),
        );
    }
    Ok(Value::Object(tables))
}

/// The CRC-32 of a file, read in blocks (tables can be larger than memory wants).
fn file_checksum(path: &Path) -> Result<String> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut sum = Checksum::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = std::io::Read::read(&mut file, &mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            return Ok(sum.text());
        }
        sum.update(&buf[..n]);
    }
}

/// Checks a results folder: its manifest parses and every table it lists has the
/// recorded checksum. Returns the manifest.
pub fn verify(dir: &Path) -> Result<Value> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Usage(format!(
                "{}: not a results folder (no manifest.json)",
                dir.display()
            ))
        } else {
            Error::io(&path, e)
        }
    })?;
    let manifest: Value = serde_json::from_str(&text)
        .map_err(|e| Error::log(&path, format!("not valid JSON: {e}")))?;
    let tables = manifest
        .get("tables")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            Error::log(
                &path,
                "no table checksums (\"tables\"): written by an older mdrsim or damaged",
            )
        })?;
    for t in TABLES {
        let name = format!("{t}.parquet");
        let want = tables
            .get(&name)
            .and_then(|v| v.get("crc32"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                Error::log(
                    &path,
                    format!(
                        "tables.{name}: missing (a result written by an older mdrsim, or \
                         damaged): run the eval again"
                    ),
                )
            })?;
        let file = dir.join(&name);
        let have = file_checksum(&file)?;
        if have != want {
            return Err(Error::log(
                &file,
                format!(
                    "checksum {have} does not match manifest.json ({want}): the table was \
                     changed or damaged, or comes from another result"
                ),
            ));
        }
    }
    Ok(manifest)
}
