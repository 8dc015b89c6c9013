//! Simulation throughput: events produced per second by one run on one core.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdrsim::sim::Simulation;
use mdrsim::strategy;

#[path = "common.rs"]
mod common;

/// The allocator the `mdrsim` binary uses, so the figures match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn simulate(c: &mut Criterion) {
    let scenario = common::long_ransomware();
    let mut group = c.benchmark_group("simulate");
    for name in ["ai_mdr", "legacy_mdr"] {
        let events = Simulation::new(&scenario, 1)
            .run(&mut strategy::builtin(name, &scenario).unwrap())
            .log
            .len();
        group.throughput(Throughput::Elements(events as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut d = strategy::builtin(name, &scenario).unwrap();
                Simulation::new(&scenario, 1).run(&mut d).log.len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, simulate);
criterion_main!(benches);
