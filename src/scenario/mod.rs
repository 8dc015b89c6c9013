//! Scenarios: the customer's world as a TOML spec, validated into a [`Scenario`] that the
//! engine turns, with a seed, into world events.

mod compile;
pub mod dist;
pub mod load;
pub mod model;
pub mod spec;

pub use model::{
    BenignProcess, Campaign, Customer, Detection, Entity, EntityKind, FieldTemplate,
    FieldTemplates, Rule, Scenario, Separations, SigmaRule, Step, StepTelemetry, TelemetryProcess,
    field_templates,
};
pub use spec::{BenignTruth, Condition, ScenarioSpec, Severity};
