//! The whole eval path (grid, parallel runs, per-run rows, Parquet part files and the
//! final tables) on a small grid, with one and with two threads: runs/s and the
//! parallel speed-up.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdrsim::harness::EvalConfig;
use mdrsim::scenario::Scenario;
use mdrsim::strategy::builtin::definition;

fn config(threads: usize) -> EvalConfig {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenarios = ["friday-night-ransomware", "identity-takeover"]
        .iter()
        .map(|n| Scenario::load(&root.join(format!("scenarios/{n}.toml"))).expect("scenario loads"))
        .collect();
    EvalConfig {
        scenarios,
        strategies: ["ai_mdr", "legacy_mdr"]
            .iter()
            .map(|n| definition(n).expect("built-in"))
            .collect(),
        sweeps: Vec::new(),
        seeds: (1..=8).collect(),
        shard: None,
        threads,
        events_dir: None,
    }
}

fn eval(c: &mut Criterion) {
    let mut group = c.benchmark_group("eval");
    group.sample_size(10);
    for threads in [1, 2] {
        let cfg = config(threads);
        group.throughput(Throughput::Elements(cfg.cells().len() as u64));
        group.bench_function(format!("threads_{threads}"), |b| {
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
