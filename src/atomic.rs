//! Atomic file output: write to a temporary file in the target's folder, flush, then
//! rename over the target. An interrupted run leaves either the old file or none, never
//! a half-written file that looks complete.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// How much a committed file survives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Synced to disk before the rename: survives a power loss. For results.
    Durable,
    /// Renamed without a sync: survives the process being killed, not necessarily a
    /// power loss. For scratch files that are checked when read back and remade when
    /// damaged (an eval's part files).
    Scratch,
}

/// Writes `path` atomically and durably; `fill` writes the content to the buffered
/// writer it is given.
pub fn write_atomically<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<&mut std::fs::File>) -> Result<()>,
{
    write_atomically_as(path, Durability::Durable, fill)
}

/// [`write_atomically`] with a chosen durability.
pub fn write_atomically_as<F>(path: &Path, durability: Durability, fill: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<&mut std::fs::File>) -> Result<()>,
{
    let mut file = AtomicFile::create_as(path, durability)?;
    {
        let mut w = BufWriter::with_capacity(1 << 16, file.tmp.as_file_mut());
        fill(&mut w)?;
        w.flush().map_err(|e| Error::io(path, e))?;
    }
    file.commit()
}

/// A file being written that appears at its path only when committed.
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
    durability: Durability,
}

impl AtomicFile {
    /// Starts writing `path` durably (in a temporary file beside it).
    pub fn create(path: &Path) -> Result<Self> {
        Self::create_as(path, Durability::Durable)
    }

    /// Starts writing `path` with a chosen durability.
    pub fn create_as(path: &Path, durability: Durability) -> Result<Self> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".mdrsim-")
            .suffix(".partial")
            .tempfile_in(dir)
            .map_err(|e| Error::io(dir, e))?;
        Ok(AtomicFile {
            tmp,
            path: path.to_path_buf(),
            durability,
        })
    }

    /// A handle to write through.
    pub fn writer(&self) -> Result<std::fs::File> {
        self.tmp
            .as_file()
            .try_clone()
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Flushes to disk (if durable) and renames over the target.
    pub fn commit(self) -> Result<()> {
        if self.durability == Durability::Durable {
            self.tmp
                .as_file()
                .sync_data()
                .map_err(|e| Error::io(&self.path, e))?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Temporary files are private; the finished output is an ordinary file.
            let _ = self
                .tmp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644));
        }
        self.tmp
            .persist(&self.path)
            .map_err(|e| Error::io(&self.path, e.error))?;
        Ok(())
    }
}

/// Removes the temporary files that writers killed mid-write left in `dir` and the
/// folders below it (a killed process cannot clean up after itself). Call only when no
/// other process writes there (under the results folder's lock).
pub fn remove_stale_temporaries(dir: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for e in entries {
        let entry = e.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_stale_temporaries(&path)?;
        } else if name.starts_with(".mdrsim-") && name.ends_with(".partial") {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}
