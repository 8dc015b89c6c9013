//! Rendering results for people (aligned tables) and machines (JSON).

pub mod run;

pub use run::{Format, RunReport};
