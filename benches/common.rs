//! Shared set-up for the benchmarks: the built-in ransomware scenario stretched to a
//! 30-day horizon, so a run has tens of thousands of events.

use std::path::Path;

use mdrsim::scenario::Scenario;
use mdrsim::time::SimDuration;

pub fn long_ransomware() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/friday-night-ransomware.toml");
    let mut s = Scenario::load(&path).expect("built-in scenario loads");
    s.horizon = SimDuration::parse("30d").expect("valid duration");
    s
}
