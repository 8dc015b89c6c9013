//! Scenarios: the customer's world as a TOML spec, validated into a [`Scenario`] that the
//! engine turns, with a seed, into world events.

pub mod dist;
pub mod load;
pub mod model;
pub mod spec;

pub use model::{
    BenignProcess, Campaign, Detection, Entity, EntityKind, Pool, Rule, Scenario, Step,
};
pub use spec::{BenignTruth, ScenarioSpec, Severity};
