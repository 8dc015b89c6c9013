//! mdrsim simulates Managed Detection and Response operations and scores triage and
//! investigation strategies against ground truth.
//!
//! A [`scenario::Scenario`] is the customer's world; a [`strategy::Strategy`] decides
//! cases from what it may see; the [`sim::Simulation`] runs both on one agenda and
//! records everything as [`event::Envelope`]s; [`score::Metrics`] folds the log into
//! escalation rate, verdict accuracy, time to containment and the rest (see DESIGN §5).
//!
//! ```no_run
//! use mdrsim::{scenario::Scenario, sim::Simulation, score::Metrics, strategy};
//! let scenario = Scenario::load("scenarios/friday-night-ransomware.toml".as_ref())?;
//! let mut decider = strategy::builtin("ai_mdr", &scenario)?;
//! let out = Simulation::new(&scenario, 7).run(&mut decider);
//! let metrics = Metrics::from_events(&out.header, out.log.events());
//! println!("escalation rate {:?}", metrics.escalation_rate);
//! # Ok::<(), mdrsim::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod atomic;
pub mod budget;
pub mod calendar;
pub mod claims;
pub mod error;
pub mod event;
#[doc(hidden)]
pub mod fuzzing;
pub mod harness;
pub mod ids;
pub mod integrity;
pub mod leak;
pub mod names;
pub mod params;
pub mod random;
pub mod recording;
pub mod report;
pub mod scenario;
pub mod score;
pub mod sim;
pub mod strategy;
pub mod time;
pub mod world;

pub use error::{Error, Result};
