//! The discrete-event engine: an agenda of due jobs; each job decides what happens,
//! appends events, and applies them to the run state. Nothing else changes state.

pub mod agenda;
mod engine;
mod header;

pub use engine::{AlertSource, Capture, Captured, RunOutput, Simulation, WorldJob};
pub use header::run_header;
