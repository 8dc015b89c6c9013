//! The whole eval path of the README's main command (`mdrsim eval`: the built-in
//! suite × every built-in strategy × 16 seeds, per-run rows, part files and the final
//! Parquet tables) with one and with two threads: runs/s and the parallel speed-up.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdrsim::harness::EvalConfig;
use mdrsim::scenario::Scenario;
use mdrsim::strategy::BUILTIN;
use mdrsim::strategy::builtin::definition;

/// The allocator the `mdrsim` binary uses, so the figures match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn config(threads: usize) -> EvalConfig {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    EvalConfig {
        scenarios: Scenario::load_suite(&[root.join("scenarios")]).expect("built-in suite"),
        strategies: BUILTIN
            .iter()
            .map(|n| definition(n).expect("built-in"))
            .collect(),
        sweeps: Vec::new(),
        seeds: (1..=16).collect(),
        shard: None,
        threads,
        events_dir: None,
        costs: Default::default(),
        budget: mdrsim::budget::Budget::DEFAULT,
    }
}

fn eval(c: &mut Criterion) {
    let mut group = c.benchmark_group("eval");
    group.sample_size(10);
    for threads in [1, 2] {
        let cfg = config(threads);
        group.throughput(Throughput::Elements(cfg.cells().len() as u64));
        group.bench_function(format!("default_suite/threads_{threads}"), |b| {
            b.iter(|| {
                let dir = tempfile::tempdir().expect("temp dir");
                cfg.evaluate(dir.path(), false, &|_| {}).expect("eval");
            })
        });
    }
    group.finish();
}

criterion_group!(benches, eval);
criterion_main!(benches);
