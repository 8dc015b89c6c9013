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
    for f in [
        "runs.parquet",
        "alerts.parquet",
        "campaigns.parquet",
        "backlog.parquet",
        "manifest.json",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    assert_eq!(rows(&a.join("runs.parquet")).len(), 2 * 3 * 4);
}

const FILES: [&str; 5] = [
    "runs.parquet",
    "alerts.parquet",
    "campaigns.parquet",
    "backlog.parquet",
    "manifest.json",
];

fn same_files(a: &std::path::Path, b: &std::path::Path) {
    for f in FILES {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn merged_shards_equal_the_unsharded_output() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    eval(&whole, &[]);
    let mut parts = Vec::new();
    for k in 1..=2 {
        let part = dir.path().join(format!("shard{k}"));
        eval(&part, &["--shard", &format!("{k}/2")]);
        parts.push(part.to_string_lossy().into_owned());
    }
    let merged = dir.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    args.extend(["--out", merged.to_str().unwrap()]);
    let o = mdrsim(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    same_files(&whole, &merged);
    // A missing shard is refused.
    let o = mdrsim(&[
        "merge",
        &parts[0],
        "--out",
        dir.path().join("bad").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_killed_then_resumed_eval_equals_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let suite = repo("scenarios");
    let args = |out: &std::path::Path| {
        vec![
            "eval".to_string(),
            "--suite".into(),
            suite.to_string_lossy().into_owned(),
            "--seeds".into(),
            "24".into(),
            "--threads".into(),
            "1".into(),
            "--out".into(),
            out.to_string_lossy().into_owned(),
        ]
    };
    let o = mdrsim(&args(&whole).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success());
    let resumed = dir.path().join("resumed");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mdrsim"))
        .args(args(&resumed))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let parts = resumed.join("parts");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let done = std::fs::read_dir(&parts)
            .map(|d| {
                d.filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "done"))
                })
                .count()
            })
            .unwrap_or(0);
        if done >= 2 || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !resumed.join("runs.parquet").exists(),
        "an interrupted eval leaves no final file"
    );
    // Resumed with another thread count: parts, not threads, decide the output.
    let mut a = args(&resumed);
    let threads = a.iter().position(|x| x == "--threads").unwrap() + 1;
    a[threads] = "2".into();
    a.push("--resume".into());
    let o = mdrsim(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    same_files(&whole, &resumed);
    let mut left: Vec<String> = std::fs::read_dir(&resumed)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let mut want = FILES.to_vec();
    want.sort();
    assert_eq!(
        left, want,
        "no part files or temporaries of the killed run are left behind"
    );
}

#[test]
fn runs_metrics_recompute_from_the_alert_and_campaign_tables() {
    use arrow_array::{BooleanArray, Float64Array};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    eval(&out, &[]);
    let runs = mdrsim::harness::tables::read_runs(&out.join("runs.parquet")).unwrap();
    let alerts = mdrsim::harness::tables::read_parquet(&out.join("alerts.parquet")).unwrap();
    let campaigns = mdrsim::harness::tables::read_parquet(&out.join("campaigns.parquet")).unwrap();
    let col = |b: &arrow_array::RecordBatch, n: &str| b.column_by_name(n).unwrap().clone();
    for r in &runs {
        let (mut queued, mut escalated, mut verdicts, mut correct, mut waits, mut missed) =
            (0u64, 0u64, 0u64, 0u64, Vec::new(), 0u64);
        for b in &alerts {
            let run = col(b, "run");
            let run = run.as_any().downcast_ref::<UInt64Array>().unwrap();
            let (q, esc, exp, v, t, w) = (
                col(b, "queued_at_ms"),
                col(b, "escalated"),
                col(b, "expired"),
                col(b, "verdict"),
                col(b, "truth"),
                col(b, "queue_wait_s"),
            );
            let esc = esc.as_any().downcast_ref::<BooleanArray>().unwrap();
            let exp = exp.as_any().downcast_ref::<BooleanArray>().unwrap();
            let v = v.as_any().downcast_ref::<StringArray>().unwrap();
            let t = t.as_any().downcast_ref::<StringArray>().unwrap();
            let w = w.as_any().downcast_ref::<Float64Array>().unwrap();
            for i in (0..b.num_rows()).filter(|&i| run.value(i) == r.run) {
                let malicious = t.value(i) == "malicious";
                queued += u64::from(!q.is_null(i));
                escalated += u64::from(esc.value(i));
                if !w.is_null(i) {
                    waits.push(w.value(i));
                }
                if !v.is_null(i) {
                    verdicts += 1;
                    correct += u64::from((v.value(i) == "malicious") == malicious);
                    missed += u64::from(malicious && v.value(i) == "benign");
                }
                missed += u64::from(malicious && exp.value(i));
            }
        }
        let m = &r.metrics;
        assert_eq!(
            (queued, escalated, verdicts, missed),
            (m.alerts, m.escalated, m.verdicts, m.missed),
            "run {}",
            r.run
        );
        assert_eq!(
            m.verdict_accuracy,
            (verdicts > 0).then(|| correct as f64 / verdicts as f64)
        );
        let mean = (!waits.is_empty()).then(|| waits.iter().sum::<f64>() / waits.len() as f64);
        assert_eq!(
            m.queue_wait_mean_s.map(|x| (x * 1e6).round()),
            mean.map(|x| (x * 1e6).round())
        );
        let (mut contained, mut impacted, mut n) = (0u64, 0u64, 0u64);
        for b in &campaigns {
            let run = col(b, "run");
            let run = run.as_any().downcast_ref::<UInt64Array>().unwrap();
            let (c, imp) = (col(b, "contained_at_ms"), col(b, "impact"));
            let imp = imp.as_any().downcast_ref::<BooleanArray>().unwrap();
            for i in (0..b.num_rows()).filter(|&i| run.value(i) == r.run) {
                n += 1;
                contained += u64::from(!c.is_null(i));
                impacted += u64::from(imp.value(i));
            }
        }
        assert_eq!(
            (n, contained, impacted),
            (m.campaigns, m.contained, m.impacted),
            "run {}",
            r.run
        );
    }
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
