//! The evaluation harness through the real binary: output independent of the thread
//! count, shards that partition the grid, and result files a Parquet reader can read.

mod common;

use std::collections::BTreeSet;
use std::fs::File;

use arrow_array::{Array, StringArray, UInt64Array};
use common::{mdrsim, repo};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn eval(out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let suite = repo("scenarios/friday-night-ransomware.toml");
    let identity = repo("scenarios/identity-takeover.toml");
    let mut args = vec![
        "eval",
        "--suite",
        suite.to_str().unwrap(),
        identity.to_str().unwrap(),
        "--seeds",
        "4",
        "--strategies",
        "ai_mdr,legacy_mdr,escalate_all",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = mdrsim(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// (run, scenario, strategy, seed) of every row of runs.parquet.
fn rows(path: &std::path::Path) -> BTreeSet<(u64, String, String, u64)> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let mut out = BTreeSet::new();
    for batch in reader {
        let b = batch.unwrap();
        let run = b
            .column_by_name("run")
            .unwrap()
            .as_any()
            .downcast_ref::<UInt64Array>()
            .unwrap()
            .clone();
        let sc = b
            .column_by_name("scenario")
            .unwrap()
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .clone();
        let st = b
            .column_by_name("strategy")
            .unwrap()
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .clone();
        let seed = b
            .column_by_name("seed")
            .unwrap()
            .as_any()
            .downcast_ref::<UInt64Array>()
            .unwrap()
            .clone();
        for i in 0..b.num_rows() {
            assert!(!run.is_null(i));
            out.insert((
                run.value(i),
                sc.value(i).to_string(),
                st.value(i).to_string(),
                seed.value(i),
            ));
        }
    }
    out
}

#[test]
fn output_is_byte_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("t1"), dir.path().join("t2"));
    let o1 = eval(&a, &["--threads", "1", "--format", "json"]);
    let o2 = eval(&b, &["--threads", "2", "--format", "json"]);
    assert_eq!(o1.stdout, o2.stdout);
    for f in ["runs.parquet", "manifest.json"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    assert_eq!(rows(&a.join("runs.parquet")).len(), 2 * 3 * 4);
}

#[test]
fn shards_partition_the_grid() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    eval(&whole, &[]);
    let mut union = BTreeSet::new();
    for k in 1..=3 {
        let part = dir.path().join(format!("shard{k}"));
        eval(&part, &["--shard", &format!("{k}/3")]);
        let r = rows(&part.join("runs.parquet"));
        assert!(union.is_disjoint(&r), "shards overlap");
        union.extend(r);
    }
    assert_eq!(union, rows(&whole.join("runs.parquet")));
}

#[test]
fn sweeps_and_baselines_show_up_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let o = eval(
        &dir.path().join("s"),
        &[
            "--sweep",
            "params.autonomy=0.9,0.99",
            "--baseline",
            "legacy_mdr",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let groups = v["groups"].as_array().unwrap();
    // ai_mdr gets two parameter rows; the others have no `params.autonomy` and fail.
    assert!(groups.iter().any(|g| g["params"] == "params.autonomy=0.9"));
    assert_eq!(v["baseline"][0], "legacy_mdr");
    let ci = &groups[0]["metrics"]["escalation_rate"];
    assert!(ci["ci_low"].as_f64().unwrap() <= ci["mean"].as_f64().unwrap());
}

#[test]
fn bad_eval_arguments_exit_2() {
    for args in [
        vec!["eval", "--seeds", "0"],
        vec!["eval", "--shard", "4/3"],
        vec!["eval", "--strategies", "nope"],
        vec!["eval", "--set", "params.nope=1"],
    ] {
        let o = mdrsim(&args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
