//! The evaluation harness: the grid scenario × strategy × parameters × seed, run in
//! parallel and deterministically, summarised with confidence intervals, and written as
//! Parquet results.

pub mod assemble;
pub mod estimate;
pub mod evaluate;
pub mod folder;
pub mod grid;
pub mod output;
pub mod paired;
pub mod parts;
pub mod rows;
pub mod run;
pub mod stats;
pub mod summary;
pub mod table_file;
pub mod tables;
pub mod timeline;
pub mod warnings;

pub use grid::{Cell, Shard, SweepAxis};
pub use run::{EvalConfig, RunResult};
pub use summary::{EvalSummary, RunRecord, summarize_runs};
