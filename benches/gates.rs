//! The regression gate and the claims verdicts on stored results: `check` on the CI
//! example (192 runs, the CI policy: 8 rules, overall and per scenario, each with a
//! 1,000-resample paired bootstrap), and reading the baseline back (checksum included).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdrsim::claims::baseline::Baseline;
use mdrsim::claims::policy::Policy;
use mdrsim::claims::regression::check;

/// The allocator the `mdrsim` binary uses, so the figures match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn gates(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("examples/ci/baseline.json");
    let baseline = Baseline::read(&path).expect("the CI example's baseline");
    let policy =
        Policy::load(&root.join("examples/ci/regression-policy.toml")).expect("the CI policy");
    let mut group = c.benchmark_group("gates");
    group.sample_size(10);
    let report = check(&baseline, &baseline.grid, &baseline.runs, &policy);
    group.throughput(Throughput::Elements(report.comparisons.len() as u64));
    group.bench_function("check_ci_example", |b| {
        b.iter(|| check(&baseline, &baseline.grid, &baseline.runs, &policy))
    });
    group.throughput(Throughput::Elements(baseline.runs.len() as u64));
    group.bench_function("read_baseline", |b| {
        b.iter(|| Baseline::read(&path).expect("read"))
    });
    group.finish();
}

criterion_group!(benches, gates);
criterion_main!(benches);
