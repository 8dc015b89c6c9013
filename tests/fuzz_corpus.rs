//! Replays the fuzz corpus on the stable toolchain: every seed input and every input a
//! fuzzer once crashed on (`fuzz/regressions/`) goes through the same entry point the
//! cargo-fuzz target calls, and must not panic. How to fuzz: docs/fuzzing.md.

mod common;

use common::repo;

fn replay(target: &str, run: fn(&[u8])) {
    let mut n = 0;
    for dir in ["fuzz/corpus", "fuzz/regressions"] {
        let Ok(entries) = std::fs::read_dir(repo(dir).join(target)) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let r = std::panic::catch_unwind(|| run(&data));
            assert!(r.is_ok(), "{target}: {} panics", path.display());
            n += 1;
        }
    }
    assert!(n > 0, "{target}: the seed corpus is missing");
}

#[test]
fn scenario_corpus() {
    replay("scenario", mdrsim::fuzzing::scenario);
}

#[test]
fn jsonl_log_corpus() {
    replay("jsonl_log", mdrsim::fuzzing::jsonl_log);
}

#[test]
fn parquet_log_corpus() {
    replay("parquet_log", mdrsim::fuzzing::parquet_log);
}

#[test]
fn part_corpus() {
    replay("part", mdrsim::fuzzing::part);
}

#[test]
fn strategy_file_corpus() {
    replay("strategy_file", mdrsim::fuzzing::strategy_file);
}

#[test]
fn gates_corpus() {
    replay("gates", mdrsim::fuzzing::gates);
}

#[test]
fn import_corpus() {
    replay("import", mdrsim::fuzzing::import);
}
