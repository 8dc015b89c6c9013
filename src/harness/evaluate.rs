//! The whole eval into a results folder. The grid is cut into parts of
//! [`PART_RUNS`] consecutive runs; every thread of the pool claims parts in grid order,
//! runs them, writes each as part files (for `--resume`) and hands its rows to the
//! [`Assembler`], which appends them to the final tables in order. So writing overlaps
//! simulating, memory holds a few parts per thread, and the tables' bytes do not depend
//! on the thread count. One function so the command and its benchmark measure the same
//! path.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::assemble::Assembler;
use super::output::{manifest_text, write_manifest};
use super::parts::{completed_runs, read_part, write_part};
use super::run::{EvalConfig, PART_RUNS};
use super::tables::batches;
use crate::atomic::{remove_stale_temporaries, write_atomically};
use crate::error::{Error, Result};

impl EvalConfig {
    /// Runs the grid into `out` (`runs`, `alerts`, `campaigns`, `backlog` Parquet files
    /// and `manifest.json`). The command writes into a [`super::folder::Staging`]
    /// folder and swaps it in; `out` is that staging folder. With `resume`, parts already complete in `out/parts` are
    /// read back instead of run again; otherwise any old parts are removed first.
    /// `progress` gets the number of finished runs (resumed ones included).
    pub fn evaluate(
        &self,
        out: &Path,
        resume: bool,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<()> {
        let dir = out.join("parts");
        remove_stale_temporaries(out)?;
        // The parts' grid: a resumed eval must cut the same grid, or part files
        // would be read back as the wrong runs.
        let grid = dir.join("manifest.json");
        let mine = manifest_text(self)?;
        let resumable = resume
            && match std::fs::read_to_string(&grid) {
                Ok(theirs) if theirs != mine => {
                    return Err(Error::Usage(format!(
                        "--resume: {} holds parts of a different eval (scenarios, \
                         strategies, parameters or seeds differ); run without --resume \
                         to start over",
                        dir.display()
                    )));
                }
                Ok(_) => true,
                // No grid written yet: no part was either.
                Err(_) => false,
            };
        let done = if resumable {
            completed_runs(&dir)?
        } else {
            if dir.exists() {
                std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            }
            std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            write_atomically(&grid, |w| {
                std::io::Write::write_all(w, mine.as_bytes()).map_err(|e| Error::io(&grid, e))
            })?;
            Default::default()
        };
        let cells = self.cells();
        let parts: Vec<_> = cells.chunks(PART_RUNS).collect();
        let pool = self.pool()?;
        let assembler = Assembler::create(out, parts.len(), pool.current_num_threads())?;
        let finished = AtomicU64::new(0);
        let tick = |n: usize| progress(finished.fetch_add(n as u64, Ordering::Relaxed) + n as u64);
        let work = || -> Result<()> {
            while let Some(i) = assembler.claim() {
                let part = parts[i];
                let runs: Vec<u64> = part.iter().map(|c| c.index).collect();
                // A resumed part that cannot be read back (parts are not synced to
                // disk, so a power loss can damage one) is simply run again.
                let resumed = runs
                    .iter()
                    .all(|r| done.contains(r))
                    .then(|| read_part(&dir, &runs).ok())
                    .flatten();
                let tables = if let Some(tables) = resumed {
                    tick(runs.len());
                    tables
                } else {
                    let results = self.run_cells(part, &|| tick(1))?;
                    let tables = batches(&results)?;
                    write_part(&dir, &runs, &tables)?;
                    tables
                };
                assembler.offer(i, tables)?;
            }
            Ok(())
        };
        // One worker loop per pool thread; the first error (or panic) stops the others.
        let outcomes = pool.broadcast(|_| {
            let _stop_others_on_panic = FailOnUnwind(&assembler);
            let r = work();
            if r.is_err() {
                assembler.fail();
            }
            r
        });
        outcomes.into_iter().collect::<Result<()>>()?;
        pool.install(|| assembler.finish())?;
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        write_manifest(out, self)
    }
}

/// Fails the assembler if a worker unwinds, so the others stop waiting for its part.
struct FailOnUnwind<'a>(&'a Assembler);

impl Drop for FailOnUnwind<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.fail();
        }
    }
}
