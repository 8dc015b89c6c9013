//! Rendering results for people (aligned tables) and machines (JSON).

pub mod run;
pub mod summary;

pub use run::{Format, RunReport};
pub use summary::SummaryFormat;
