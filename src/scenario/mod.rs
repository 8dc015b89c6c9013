//! Scenarios: the customer's world as a TOML spec, validated into a [`Scenario`] that the
//! engine turns, with a seed, into world events.

pub mod clues;
mod compile;
pub mod dist;
pub mod entity;
pub mod lint;
pub mod load;
pub mod locate;
pub mod model;
pub mod recorded;
pub mod spec;

pub use clues::{
    Clues, FactTemplate, FieldTemplate, FieldTemplates, Fields, Trace, WorldFact, field_templates,
};
pub use model::{
    BenignProcess, Campaign, Customer, Detection, Entity, EntityKind, Rule, Scenario, SigmaRule,
    Step, TelemetryProcess,
};
pub use spec::{BenignTruth, CampaignTruth, Condition, ScenarioSpec, Severity};
