//! Rendering results for people (aligned tables) and machines (JSON).

pub mod claims;
pub mod run;
pub mod summary;
pub mod table;
pub mod units;

pub use run::{Format, RunReport};
pub use summary::SummaryFormat;
