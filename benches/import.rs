//! Import speed: the real samples in datasets/ (OTRF LSASS, Golden SAML's four sources,
//! the CloudTrail exfiltration: 339 records) read, mapped and sorted; Sigma over the
//! LSASS recording; a recorded scenario read (import, mapping, rule matches) and run;
//! and a synthetic scenario exported as a recording and read back.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdrsim::recording::detect::{hits, load_rules};
use mdrsim::recording::export::export;
use mdrsim::recording::import::{Format, import};
use mdrsim::scenario::Scenario;
use mdrsim::sim::Simulation;
use mdrsim::strategy;

/// The allocator the `mdrsim` binary uses, so the figures match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn files(dir: &str) -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut v: Vec<_> = std::fs::read_dir(root)
        .expect("dataset folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('_'))
        })
        .collect();
    v.sort();
    v
}

fn bench(c: &mut Criterion) {
    let otrf: Vec<_> = [
        "datasets/otrf/atomic/windows/credential_access/psh_lsass_memory_dump_comsvcs",
        "datasets/otrf/compound/GoldenSAMLADFSMailAccess",
        "datasets/otrf/atomic/aws/collection/ec2_proxy_s3_exfiltration",
    ]
    .iter()
    .flat_map(|d| files(d))
    .collect();
    let n = import(Format::Otrf, &otrf).expect("import").records.len();
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("otrf_samples", |b| {
        b.iter(|| import(Format::Otrf, &otrf).expect("import"))
    });
    let lsass = import(
        Format::Otrf,
        &files("datasets/otrf/atomic/windows/credential_access/psh_lsass_memory_dump_comsvcs"),
    )
    .expect("lsass");
    let rules = load_rules(&[
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/sigmahq/rules")
    ])
    .expect("rules");
    group.throughput(Throughput::Elements(lsass.records.len() as u64));
    group.bench_function("sigma_over_lsass", |b| b.iter(|| hits(&rules, &lsass)));
    group.finish();

    let overlay = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("datasets/scenarios/s3-exfiltration-overlay.toml");
    let mut group = c.benchmark_group("recorded_scenario");
    group.bench_function("load_s3_overlay", |b| {
        b.iter(|| Scenario::load(&overlay).expect("loads"))
    });
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/friday-night-ransomware.toml");
    let dir = tempfile::tempdir().expect("temp dir");
    let world = dir.path().join("world.jsonl");
    group.bench_function("export_friday_night", |b| {
        b.iter(|| export(&spec, 1, &world).expect("exports"))
    });
    group.bench_function("load_friday_night_export", |b| {
        b.iter(|| Scenario::load(&world).expect("loads"))
    });
    let sc = Scenario::load(&overlay).expect("loads");
    group.bench_function("run_s3_overlay_ai_mdr", |b| {
        b.iter(|| {
            let mut d = strategy::builtin("ai_mdr", &sc).expect("built-in");
            Simulation::new(&sc, 1).run(&mut d)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
