//! Claims and regression gates: a yes or no, with the evidence. A claims file states
//! what a strategy achieves on a suite (`escalation_rate <= 0.02`); each claim passes,
//! fails or is inconclusive by its whole 95% interval. A baseline stores a set of
//! results; `check` compares new results with it under a policy and names every metric
//! that got worse beyond its allowance (and beyond noise, on paired seeds).
//! Formats and semantics: docs/claims.md.

pub mod assess;
pub mod baseline;
pub mod expr;
pub mod file;
pub mod gaming;
pub mod identity;
pub mod normalise;
pub mod paired;
pub mod policy;
pub mod regression;
