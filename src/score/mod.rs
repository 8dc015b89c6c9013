//! Scoring: a run's event log joined with its ground-truth labels is folded into
//! per-alert and per-campaign records, and every metric is computed from those, so live
//! runs, replays, the result tables and anyone reading the Parquet log get the same
//! numbers.

pub mod alert;
mod backlog;
pub mod calibration;
pub mod classify;
pub mod cost;
pub mod interval;
pub mod metrics;
pub mod quantile;
pub mod queueing;
pub mod record;
pub mod survival;

pub use metrics::Metrics;
pub use record::{AlertRecord, CampaignRecord, RunRecords, TriageOutcome, Wait};
