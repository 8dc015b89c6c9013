//! The final tables, assembled while the grid is still running. Workers claim parts in
//! grid order and hand each finished part's rows here; whichever worker hands in the
//! part that is next in order appends it (and any that queued up behind it) to the
//! final files, so encoding the results overlaps simulating and no thread sits idle
//! waiting for a writer. Rows reach the files in grid order whatever the thread count,
//! so the bytes do not depend on it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard};

use arrow_array::RecordBatch;
use rayon::prelude::*;

use super::table_file::TableWriter;
use super::tables::{TABLES, schema};
use crate::error::{Error, Result};

/// Parts claimed but not yet appended, at most: bounds the rows held in memory when
/// one slow part holds up the ones after it.
const WINDOW_PER_THREAD: usize = 4;

struct State {
    /// Parts handed out so far (parts are claimed in order).
    claimed: usize,
    /// Parts appended to the final files so far.
    appended: usize,
    /// Finished parts waiting for an earlier one.
    ready: BTreeMap<usize, Vec<RecordBatch>>,
    /// A worker is appending.
    appending: bool,
    /// A worker failed: hand out no more parts.
    failed: bool,
}

/// Hands out parts and appends finished ones to the final tables in order.
pub struct Assembler {
    state: Mutex<State>,
    turn: Condvar,
    writers: Mutex<Vec<TableWriter>>,
    parts: usize,
    window: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A worker that panicked has already failed the eval; the data is still usable
    // for unwinding the others.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Assembler {
    /// Opens the final tables in `out` (as temporary files until [`Assembler::finish`]).
    pub fn create(out: &Path, parts: usize, threads: usize) -> Result<Self> {
        let writers = TABLES
            .iter()
            .map(|t| TableWriter::create(&out.join(format!("{t}.parquet")), schema(t)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Assembler {
            state: Mutex::new(State {
                claimed: 0,
                appended: 0,
                ready: BTreeMap::new(),
                appending: false,
                failed: false,
            }),
            turn: Condvar::new(),
            writers: Mutex::new(writers),
            parts,
            window: WINDOW_PER_THREAD * threads.max(1),
        })
    }

    /// The next part to work on, or `None` when all are handed out (or a worker
    /// failed). Waits while too many finished parts are queued behind an unfinished
    /// one.
    pub fn claim(&self) -> Option<usize> {
        let mut st = lock(&self.state);
        while !st.failed && st.claimed < self.parts && st.claimed >= st.appended + self.window {
            st = self.turn.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        if st.failed || st.claimed >= self.parts {
            return None;
        }
        st.claimed += 1;
        Some(st.claimed - 1)
    }

    /// Marks the eval failed so the other workers stop claiming parts.
    pub fn fail(&self) {
        lock(&self.state).failed = true;
        self.turn.notify_all();
    }

    /// Hands in part `index`'s rows (one batch per table, [`TABLES`] order). If it is
    /// next in order and no one is appending, appends it and every queued part that
    /// follows.
    pub fn offer(&self, index: usize, tables: Vec<RecordBatch>) -> Result<()> {
        let mut st = lock(&self.state);
        st.ready.insert(index, tables);
        if st.appending {
            return Ok(());
        }
        st.appending = true;
        let result = loop {
            let next = st.appended;
            let Some(tables) = st.ready.remove(&next) else {
                break Ok(());
            };
            drop(st);
            let appended = self.append(tables);
            st = lock(&self.state);
            if let Err(e) = appended {
                st.failed = true;
                break Err(e);
            }
            st.appended += 1;
            self.turn.notify_all();
        };
        st.appending = false;
        drop(st);
        self.turn.notify_all();
        result
    }

    fn append(&self, tables: Vec<RecordBatch>) -> Result<()> {
        let mut writers = lock(&self.writers);
        for (w, batch) in writers.iter_mut().zip(tables) {
            w.push(batch)?;
        }
        Ok(())
    }

    /// Completes the final tables once every part is appended. Call inside the pool,
    /// after the workers have returned.
    pub fn finish(self) -> Result<()> {
        let st = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        if st.appended != self.parts {
            return Err(Error::Usage(format!(
                "internal: {} of {} parts reached the result tables",
                st.appended, self.parts
            )));
        }
        // The workers are done: the last row groups get the whole pool.
        let writers = self.writers.into_inner().unwrap_or_else(|e| e.into_inner());
        writers
            .into_par_iter()
            .try_for_each(|w| w.parallel_columns().finish())
    }
}
