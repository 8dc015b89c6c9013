//! Scoring: every metric is a fold over a run's event log joined with its ground-truth
//! labels, so live runs, replays and anyone reading the Parquet log get the same numbers.

pub mod metrics;
pub mod quantile;
pub mod queueing;

pub use metrics::Metrics;
