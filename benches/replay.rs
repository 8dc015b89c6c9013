//! Replay throughput: scoring a log already in memory (the fold), and streaming a stored
//! log from Parquet and JSON Lines (checksums and reference checks included) into the
//! scoring fold, as `replay` does; and re-simulating the same run, which a replay saves.

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
    // As `replay` does it: the log streamed into the scoring fold, never held whole.
    let stream_and_score = |path: &std::path::Path| {
        let header = event::read_log_header(path).expect("header");
        let mut fold = mdrsim::score::record::RecordsFold::new(&header);
        event::stream_log(path, &header, |e| fold.push(e)).expect("read");
        Metrics::from_records(&fold.finish())
    };
    group.bench_function("parquet_read_and_score", |b| {
        b.iter(|| stream_and_score(&pq))
    });
    group.bench_function("jsonl_read_and_score", |b| b.iter(|| stream_and_score(&js)));
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
