//! What a results folder guarantees: replaced whole or not at all, one writer at a
//! time, tables checked against the manifest, and merges that refuse duplicate,
//! foreign or missing shards without touching a good result.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{mdrsim, repo};

fn eval(out: &Path, extra: &[&str]) -> std::process::Output {
    let suite = repo("scenarios/identity-takeover.toml");
    let mut args = vec![
        "eval",
        "--suite",
        suite.to_str().unwrap(),
        "--strategies",
        "threshold,ai_soc",
        "--seeds",
        "4",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    mdrsim(&args)
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

fn fails_with(o: &std::process::Output, code: i32, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
}

#[test]
fn a_second_writer_is_refused_while_the_lock_is_held() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let lock = std::fs::File::create(dir.path().join(".r.mdrsim-lock")).unwrap();
    lock.try_lock().unwrap();
    fails_with(&eval(&out, &[]), 2, "another mdrsim is writing");
    assert!(!out.exists());
    lock.unlock().unwrap();
    assert!(eval(&out, &[]).status.success());
}

#[test]
fn a_failed_eval_leaves_the_previous_result_intact_and_stale_logs_never_survive() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    assert!(eval(&out, &["--events"]).status.success());
    assert!(out.join("events").is_dir());
    let before = snapshot(&out);
    // A refused eval, and an eval killed mid-run, leave the old result as it was.
    let o = eval(&out, &["--sweep", "params.auto_close_at=0.5,7"]);
    fails_with(&o, 2, "--sweep params.auto_close_at");
    let suite = repo("scenarios");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mdrsim"))
        .args([
            "eval",
            "--suite",
            suite.to_str().unwrap(),
            "--seeds",
            "64",
            "--threads",
            "1",
        ])
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let parts = dir.path().join(".r.mdrsim-staging/parts");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while std::fs::read_dir(&parts).map_or(0, |d| d.count()) < 3
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(snapshot(&out), before, "the old result is untouched");
    // A new eval without --events replaces the folder whole: no old event logs.
    assert!(eval(&out, &[]).status.success());
    assert!(!out.join("events").exists(), "stale event logs were left");
    assert!(!dir.path().join(".r.mdrsim-staging").exists());
    assert!(!dir.path().join(".r.mdrsim-old").exists());
}

#[test]
fn eval_refuses_to_replace_a_folder_that_is_not_a_result() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("home");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("thesis.tex"), "precious").unwrap();
    fails_with(&eval(&out, &[]), 2, "not an mdrsim results folder");
    assert_eq!(std::fs::read(out.join("thesis.tex")).unwrap(), b"precious");
}

#[test]
fn summary_refuses_a_table_that_does_not_match_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(eval(&a, &[]).status.success());
    assert!(eval(&b, &["--shard", "1/2"]).status.success());
    std::fs::copy(b.join("runs.parquet"), a.join("runs.parquet")).unwrap();
    fails_with(
        &mdrsim(&["summary", a.to_str().unwrap()]),
        2,
        "does not match manifest.json",
    );
}

fn shards(dir: &Path) -> (PathBuf, PathBuf) {
    let (s1, s2) = (dir.join("s1"), dir.join("s2"));
    assert!(eval(&s1, &["--shard", "1/2"]).status.success());
    assert!(eval(&s2, &["--shard", "2/2"]).status.success());
    (s1, s2)
}

#[test]
fn merge_refuses_duplicate_foreign_and_missing_shards_and_keeps_a_good_result() {
    let dir = tempfile::tempdir().unwrap();
    let (s1, s2) = shards(dir.path());
    let (p1, p2) = (s1.to_str().unwrap(), s2.to_str().unwrap());
    let out = dir.path().join("merged");
    let o = out.to_str().unwrap();
    assert!(mdrsim(&["merge", p1, p2, "--out", o]).status.success());
    let whole = dir.path().join("whole");
    assert!(eval(&whole, &[]).status.success());
    assert_eq!(snapshot(&out), snapshot(&whole), "merge = unsharded eval");
    let good = snapshot(&out);

    fails_with(&mdrsim(&["merge", p1, p1, "--out", o]), 2, "both shard 1/2");
    fails_with(
        &mdrsim(&["merge", p1, "--out", o]),
        2,
        "shard 2/2 is missing",
    );
    assert_eq!(
        snapshot(&out),
        good,
        "a failed merge leaves the old result intact"
    );

    // A shard carrying the other shard's alerts table.
    let foreign = dir.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    for (name, bytes) in snapshot(&s1) {
        std::fs::write(foreign.join(name), bytes).unwrap();
    }
    std::fs::copy(s2.join("alerts.parquet"), foreign.join("alerts.parquet")).unwrap();
    fails_with(
        &mdrsim(&["merge", foreign.to_str().unwrap(), p2, "--out", o]),
        2,
        "does not match manifest.json",
    );
    // The same, with the manifest's checksum forged to match: the rows themselves
    // belong to the other shard.
    let m = std::fs::read_to_string(foreign.join("manifest.json")).unwrap();
    let mut manifest: serde_json::Value = serde_json::from_str(&m).unwrap();
    let crc =
        mdrsim::integrity::checksum_text(&std::fs::read(foreign.join("alerts.parquet")).unwrap());
    manifest["tables"]["alerts.parquet"]["crc32"] = crc.into();
    std::fs::write(foreign.join("manifest.json"), manifest.to_string()).unwrap();
    fails_with(
        &mdrsim(&["merge", foreign.to_str().unwrap(), p2, "--out", o]),
        2,
        "belongs to another shard",
    );
    assert_eq!(snapshot(&out), good);
}

#[test]
fn damaged_parts_are_run_again_so_a_resumed_eval_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let out = dir.path().join("r");
    let suite = repo("scenarios/identity-takeover.toml");
    let args = |out: &Path| {
        vec![
            "eval".to_string(),
            "--suite".into(),
            suite.to_string_lossy().into_owned(),
            "--seeds".into(),
            "120".into(),
            "--strategies".into(),
            "threshold".into(),
            "--threads".into(),
            "1".into(),
            "--events".into(),
            "--out".into(),
            out.to_string_lossy().into_owned(),
        ]
    };
    let run = |a: Vec<String>| mdrsim(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(run(args(&whole)).status.success());
    // Kill an eval once it has written a few parts, damage two of them, resume.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mdrsim"))
        .args(args(&out))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let parts = dir.path().join(".r.mdrsim-staging/parts");
    let count = || {
        std::fs::read_dir(&parts).map_or(0, |d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "mdrsim-part"))
            })
            .count()
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while count() < 3 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!out.exists(), "the eval finished before it was killed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&parts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "mdrsim-part"))
        .collect();
    files.sort();
    assert!(files.len() >= 2);
    // One part with a bit flipped in its tables, one cut short.
    let mut b = std::fs::read(&files[0]).unwrap();
    let at = b.len() / 2;
    b[at] ^= 0x10;
    std::fs::write(&files[0], b).unwrap();
    let b = std::fs::read(&files[1]).unwrap();
    std::fs::write(&files[1], &b[..b.len() - 3]).unwrap();
    // What kill -9 leaves when it lands mid-write of an event log.
    let events = dir
        .path()
        .join(".r.mdrsim-staging/events/scenario=identity-takeover");
    std::fs::create_dir_all(&events).unwrap();
    std::fs::write(events.join(".mdrsim-killed.partial"), b"half a log").unwrap();
    let mut a = args(&out);
    a.push("--resume".into());
    let o = run(a);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Byte-identical tables and logs; no temporary of the killed writer survives.
    assert_eq!(snapshot(&out), snapshot(&whole), "damaged parts were used");
}
