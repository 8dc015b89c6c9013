//! The state of a run's world and operations, as a fold of its events. The live engine
//! reads it to decide what happens next; a replay rebuilds it with the same `apply`.

pub mod containment;
pub mod handles;
pub mod index;
pub mod pool;
pub mod state;
pub mod truth;

pub use handles::Handles;
pub use state::{AlertRecord, EntityState, FactEntry, QueryResult, RunState, TelemetryEntry};
pub use truth::{GroundTruth, Label};
