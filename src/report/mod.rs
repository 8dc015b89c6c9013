//! Rendering results for people (aligned tables) and machines (JSON).

pub mod charts;
pub mod claims;
pub mod data;
pub mod explain;
pub mod ocsf;
pub mod page;
pub mod run;
pub mod summary;
pub mod svg;
pub mod table;
pub mod units;

pub use run::{Format, RunReport};
pub use summary::SummaryFormat;
