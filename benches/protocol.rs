//! Throughput of the external strategy protocol, in alerts decided per second: the Python threshold agent
//! (examples/strategies/threshold_agent.py) against the built-in it re-implements, on
//! the same run. Needs python3. The share of time spent outside mdrsim (in the agent
//! and the pipes) is 1 − built-in time / agent time.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdrsim::scenario::Scenario;
use mdrsim::score::Metrics;
use mdrsim::sim::Simulation;
use mdrsim::strategy;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn protocol(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario =
        Scenario::load(&root.join("scenarios/friday-night-ransomware.toml")).expect("scenario");
    let agent = strategy::file::load(&root.join("examples/strategies/threshold-agent.toml"))
        .expect("agent file (needs python3 on PATH)");
    let built_in = strategy::builtin::definition("threshold").expect("built-in");
    // Per alert the agent answers a triage message and at least one decide message.
    let run = |def: &strategy::StrategyDef| {
        let mut d = def.instantiate(&scenario).expect("instantiate");
        let out = Simulation::new(&scenario, 1).run(&mut d);
        Metrics::from_events(&out.header, out.log.events())
    };
    let m = run(&agent);
    assert_eq!(m.strategy_errors, 0, "the agent runs cleanly");
    let mut group = c.benchmark_group("protocol");
    group.throughput(Throughput::Elements(m.alerts));
    group.sample_size(10);
    group.bench_function("python_threshold_agent", |b| b.iter(|| run(&agent)));
    group.bench_function("built_in_threshold", |b| b.iter(|| run(&built_in)));
    group.finish();
}

criterion_group!(benches, protocol);
criterion_main!(benches);
