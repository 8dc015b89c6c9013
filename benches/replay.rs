//! Replay throughput: scoring a log already in memory (the fold), and reading a stored
//! log back from Parquet and JSON Lines (checksums and reference checks included) and
//! scoring it; and re-simulating the same run, which a replay saves.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mdrsim::event;
use mdrsim::score::Metrics;
use mdrsim::sim::Simulation;
use mdrsim::strategy;

#[path = "common.rs"]
mod common;

/// The allocator the `mdrsim` binary uses, so the figures match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn replay(c: &mut Criterion) {
    let scenario = common::long_ransomware();
    let out =
        Simulation::new(&scenario, 1).run(&mut strategy::builtin("ai_mdr", &scenario).unwrap());
    let dir = tempfile::tempdir().expect("temp dir");
    let pq = dir.path().join("log.parquet");
    let js = dir.path().join("log.jsonl");
    event::write_log(&pq, &out.header, &out.log).expect("write parquet");
    event::write_log(&js, &out.header, &out.log).expect("write jsonl");

    let mut group = c.benchmark_group("replay");
    group.throughput(Throughput::Elements(out.log.len() as u64));
    group.bench_function("score_in_memory", |b| {
        b.iter(|| Metrics::from_events(&out.header, out.log.events()))
    });
    // What `replay` adds before scoring: every id and seq an event names resolves.
    group.bench_function("check_references", |b| {
        b.iter(|| event::check::check_references(&out.header, out.log.events()).expect("clean"))
    });
    group.bench_function("parquet_read_and_score", |b| {
        b.iter(|| {
            let (h, log) = event::read_log(&pq).expect("read");
            Metrics::from_events(&h, log.events())
        })
    });
    group.bench_function("jsonl_read_and_score", |b| {
        b.iter(|| {
            let (h, log) = event::read_log(&js).expect("read");
            Metrics::from_events(&h, log.events())
        })
    });
    // What a replay saves: running the same run again, scored as it happens (the
    // README's "replay vs re-simulate" ratio is parquet_read_and_score over this).
    group.bench_function("resimulate_and_score", |b| {
        b.iter(|| {
            let sim = Simulation::new(&scenario, 1);
            let mut decider = strategy::builtin("ai_mdr", &scenario).unwrap();
            let header = sim.header(&decider);
            let mut fold = mdrsim::score::record::RecordsFold::new(&header);
            sim.run_into(&mut decider, &mut fold);
            Metrics::from_records(&fold.finish())
        })
    });
    group.bench_function("parquet_write", |b| {
        b.iter(|| event::write_log(&pq, &out.header, &out.log).expect("write"))
    });
    group.finish();
}

criterion_group!(benches, replay);
criterion_main!(benches);
