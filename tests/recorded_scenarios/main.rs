//! Recorded scenarios (`datasets/scenarios/`): real telemetry run through the same
//! detection, investigation and scoring as a synthetic world. Expected values come from
//! the datasets themselves (the raw files' timestamps, the hand-derived LSASS table),
//! not from the code under test; directional checks say what the world implies for
//! each kind of provider.

#[path = "../common/mod.rs"]
mod common;
mod files;
mod runs;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{HONEST, mdrsim, repo};
use mdrsim::event::{Envelope, Payload, Truth};
use mdrsim::scenario::Scenario;
use mdrsim::scenario::load::parse_spec;
use mdrsim::score::Metrics;
use mdrsim::sim::{RunOutput, Simulation};
use mdrsim::strategy::{self, BUILTIN};

const RECORDED: &[&str] = &[
    "datasets/scenarios/golden-saml.toml",
    "datasets/scenarios/lsass-comsvcs.toml",
    "datasets/scenarios/s3-exfiltration-overlay.toml",
];

fn load(rel: &str) -> Scenario {
    Scenario::load(&repo(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A variant of a scenario in `datasets/scenarios/`, compiled from edited text with its
/// relative paths made absolute (so it can live in a temporary folder).
fn variant(rel: &str, edit: impl Fn(String) -> String) -> Scenario {
    let text = std::fs::read_to_string(repo(rel)).unwrap();
    let base = repo("datasets/scenarios");
    let text = edit(text).replace("\"../", &format!("\"{}/../", base.display()));
    let path = Path::new("variant.toml");
    let spec = parse_spec(&text, path).expect("parses");
    Scenario::compile(spec, &text, path).expect("compiles")
}

fn run(sc: &Scenario, strategy_name: &str, seed: u64) -> RunOutput {
    let mut d = strategy::builtin(strategy_name, sc).unwrap();
    Simulation::new(sc, seed).run(&mut d)
}

fn metrics(out: &RunOutput) -> Metrics {
    Metrics::from_events(&out.header, out.log.events())
}

fn field<'a>(e: &'a Envelope, name: &str) -> Option<&'a str> {
    match &e.payload {
        Payload::TelemetryObserved { fields, .. } => fields.get(name).map(|v| &**v),
        _ => None,
    }
}

/// Malicious alerts raised in a run (whether or not the provider saw them).
fn malicious_raised(out: &RunOutput) -> usize {
    out.log
        .events()
        .iter()
        .filter(|e| {
            matches!(
                e.payload,
                Payload::AlertLabeled {
                    truth: Truth::Malicious,
                    ..
                }
            )
        })
        .count()
}
