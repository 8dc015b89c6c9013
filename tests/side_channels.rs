//! Honesty tested the way an adversary attacks it. A label-free agent over the real
//! strategy protocol (examples/side_channel_agent.rs) reads only times, handles, counts
//! and order — never a field value, severity, score or entity — and writes what it read
//! into each verdict. Here every built-in scenario is run with it and each feature is
//! asked whether it separates attack alerts from benign ones: it must not do better
//! than chance. And `lint --deep` must pass the suite and catch planted leaks.
//!
//! The comparison is stratified the way `lint --deep` compares: an attack alert is set
//! against benign alerts of the same rule, on the same entities, in the same run,
//! raised within 2 h of that rule's attack alerts there. Whom an attack hits and when is
//! the scenario's story (the plain lint checks that benign activity shares the
//! attack's rules and entities); everything else must be distributed alike.
//!
//! The test per feature is van Elteren's stratified Wilcoxon rank-sum test: within each
//! stratum U = #(attack > benign) + ½·#(ties), summed over strata; under "no better
//! than chance" its mean is Σ n₁n₂/2 and its variance Σ n₁n₂(n₁+n₂+1)/12 (ties only
//! shrink the true variance, so this is conservative). The bound: |z| < 4.0 for every
//! (scenario, feature) — a two-sided 1% family-wise error over the ~100 tests
//! (Bonferroni: 0.01 / 100 → |z| 3.9). The stratified AUC is reported beside it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{mdrsim, repo};
use serde_json::Value;

/// The bound on |z| (see the module docs).
const Z_BOUND: f64 = 4.0;
/// Stretch around a rule's attack alerts, ms.
const STRETCH_MS: i64 = 2 * 3_600_000;

fn agent() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_mdrsim"));
    let dir = bin.parent().expect("target dir");
    let exe = dir.join("examples").join("side_channel_agent");
    assert!(
        exe.exists(),
        "{} is missing: `cargo test` builds the examples",
        exe.display()
    );
    exe
}

fn strategy_file(dir: &Path) -> PathBuf {
    let file = dir.join("side-channel-agent.toml");
    let text = format!(
        "name = \"side_channel_agent\"\nextends = \"ai_mdr\"\npolicy = {{ exec = [{:?}], timeout = \"30s\" }}\n",
        agent().display().to_string()
    );
    std::fs::write(&file, text).unwrap();
    file
}

/// (seed, rule, entities): alerts compared with each other.
type Stratum = (u64, u64, Vec<u64>);

/// One alert the agent decided: its stratum, truth, time and features.
struct Seen {
    stratum: Stratum,
    malicious: bool,
    at: i64,
    features: BTreeMap<String, f64>,
}

fn run(scenario: &Path, strategy: &Path, seed: u64, dir: &Path) -> Vec<Seen> {
    let log = dir.join(format!("log-{seed}.jsonl"));
    let out = mdrsim(&[
        "run",
        "--scenario",
        scenario.to_str().unwrap(),
        "--strategy",
        strategy.to_str().unwrap(),
        "--seed",
        &seed.to_string(),
        "--events",
        log.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&log).unwrap();
    let (mut raised, mut truth, mut rationale) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    for line in text.lines().skip(1) {
        let e: Value = serde_json::from_str(line).unwrap();
        let p = &e["payload"];
        let alert = p["alert"].as_u64();
        match p["type"].as_str() {
            Some("alert_raised") => {
                let ents: Vec<u64> = p["entities"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_u64)
                    .collect();
                raised.insert(
                    alert.unwrap(),
                    (p["rule"].as_u64().unwrap(), ents, e["at"].as_i64().unwrap()),
                );
            }
            Some("alert_labeled") => {
                truth.insert(alert.unwrap(), p["truth"] == "malicious");
            }
            Some("verdict_reached") => {
                let f: Value = serde_json::from_str(p["rationale"].as_str().unwrap()).unwrap();
                rationale.insert(alert.unwrap(), f);
            }
            Some("strategy_failed") => panic!("the agent failed: {p}"),
            _ => {}
        }
    }
    rationale
        .into_iter()
        .map(|(alert, f)| {
            let (rule, ents, at) = raised[&alert].clone();
            Seen {
                stratum: (seed, rule, ents),
                malicious: truth[&alert],
                at,
                features: f
                    .as_object()
                    .unwrap()
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
                    .collect(),
            }
        })
        .collect()
}

/// Per feature: (stratified AUC, z, attack alerts, benign alerts compared).
fn judge(seen: &[Seen]) -> BTreeMap<String, (f64, f64, usize, usize)> {
    let mut strata: BTreeMap<&Stratum, (i64, i64)> = BTreeMap::new();
    for s in seen.iter().filter(|s| s.malicious) {
        let e = strata.entry(&s.stratum).or_insert((s.at, s.at));
        *e = (e.0.min(s.at), e.1.max(s.at));
    }
    let near = |s: &Seen| {
        strata
            .get(&s.stratum)
            .is_some_and(|(lo, hi)| s.at >= lo - STRETCH_MS && s.at <= hi + STRETCH_MS)
    };
    let names: std::collections::BTreeSet<&String> =
        seen.iter().flat_map(|s| s.features.keys()).collect();
    let mut out = BTreeMap::new();
    for name in names {
        let mut by: BTreeMap<&Stratum, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
        for s in seen.iter().filter(|s| near(s)) {
            if let Some(&x) = s.features.get(name) {
                let e = by.entry(&s.stratum).or_default();
                if s.malicious {
                    e.0.push(x)
                } else {
                    e.1.push(x)
                }
            }
        }
        let (mut u, mut mean, mut var, mut pairs, mut n1, mut n2) = (0.0, 0.0, 0.0, 0.0, 0, 0);
        for (a, b) in by.values() {
            if a.is_empty() || b.is_empty() {
                continue;
            }
            let (x, y) = (a.len() as f64, b.len() as f64);
            for p in a {
                for q in b {
                    u += if p > q {
                        1.0
                    } else if p == q {
                        0.5
                    } else {
                        0.0
                    };
                }
            }
            mean += x * y / 2.0;
            var += x * y * (x + y + 1.0) / 12.0;
            pairs += x * y;
            n1 += a.len();
            n2 += b.len();
        }
        if pairs == 0.0 {
            continue;
        }
        out.insert(name.clone(), (u / pairs, (u - mean) / var.sqrt(), n1, n2));
    }
    out
}

fn features_of(
    scenario: &Path,
    seeds: std::ops::RangeInclusive<u64>,
) -> BTreeMap<String, (f64, f64, usize, usize)> {
    let dir = tempfile::tempdir().unwrap();
    let strategy = strategy_file(dir.path());
    let seen: Vec<Seen> = seeds
        .flat_map(|s| run(scenario, &strategy, s, dir.path()))
        .collect();
    judge(&seen)
}

#[test]
fn a_label_free_agent_reading_times_ids_and_counts_does_no_better_than_chance() {
    let mut report = String::new();
    let mut worst: f64 = 0.0;
    for &name in common::ATTACK_SCENARIOS {
        let seeds = if name == "alert-storm" { 1..=4 } else { 1..=12 };
        let judged = features_of(&repo(&format!("scenarios/{name}.toml")), seeds);
        assert!(
            judged.len() >= 10,
            "{name}: only {} features compared",
            judged.len()
        );
        for (feature, (auc, z, n1, n2)) in &judged {
            worst = worst.max(z.abs());
            if z.abs() >= Z_BOUND {
                report += &format!(
                    "{name}: {feature}: AUC {auc:.3}, z {z:.1} (attack {n1}, benign {n2})\n"
                );
            }
        }
    }
    assert!(
        report.is_empty(),
        "side channels (|z| ≥ {Z_BOUND}):\n{report}"
    );
    eprintln!("largest |z| over the suite: {worst:.2}");
}

#[test]
fn the_agent_catches_a_planted_timing_difference() {
    // The same test on a world that leaks through timing alone must fail loudly: the
    // attacker's record lies 30 minutes before its alert, the look-alike's a minute.
    let judged = features_of(&repo("tests/data/leaks/planted-timing.toml"), 1..=8);
    let (auc, z, ..) = judged["nearest_telemetry_before_raised"];
    assert!(
        z.abs() > Z_BOUND && (auc - 0.5).abs() > 0.3,
        "AUC {auc}, z {z}"
    );
}

#[test]
fn lint_deep_passes_the_built_in_suite() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mdrsim"))
        .args(["lint", "--deep", "scenarios/"])
        .current_dir(repo(""))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // The README shows exactly this output.
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let block: String = readme
        .split("  $ mdrsim lint --deep scenarios/\n")
        .nth(1)
        .and_then(|rest| rest.split("  ```").next())
        .expect("the README's lint --deep block")
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    assert_eq!(
        block, text,
        "README's lint --deep block differs from the binary"
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("0 free label(s) and side channel(s)"),
        "{text}"
    );
    // It judged something: every attack scenario compares rules, value pairs and
    // structural tests (a probe that saw nothing would pass vacuously).
    for &name in common::ATTACK_SCENARIOS {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("scenarios/{name}.toml: deep:")))
            .unwrap_or_else(|| panic!("no deep line for {name}: {text}"));
        assert!(
            !line.contains(" 0 rule(s)")
                && !line.contains("; 0 value pair(s)")
                && !line.contains(" and 0 structural"),
            "{line}"
        );
    }
}

#[test]
fn lint_deep_names_a_planted_free_value() {
    let file = repo("tests/data/leaks/planted-value.toml");
    let plain = mdrsim(&["lint", file.to_str().unwrap()]);
    assert_eq!(
        plain.status.code(),
        Some(0),
        "every single value has a benign source"
    );
    let out = mdrsim(&["lint", "--deep", "--seeds", "16", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("side channel: rule \"edr/Suspicious tool\": telemetry process, nearest before the alert ParentProcess=office_app"),
        "{text}"
    );
}

#[test]
fn lint_deep_names_a_planted_timing_difference() {
    let file = repo("tests/data/leaks/planted-timing.toml");
    let out = mdrsim(&["lint", "--deep", "--seeds", "16", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("side channel: rule \"edr/Suspicious tool\": evidence shape latest process record − alert=−10m–1h"),
        "{text}"
    );
}

#[test]
fn lint_deep_refuses_bad_options() {
    let file = repo("tests/data/leaks/planted-value.toml");
    // --seeds 20000000 is refused before anything is allocated or simulated.
    for bad in [
        ["--bound", "1"],
        ["--alpha", "2"],
        ["--seeds", "0"],
        ["--seeds", "20000000"],
        ["--seeds", "257"],
    ] {
        let out = mdrsim(&["lint", "--deep", bad[0], bad[1], file.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{bad:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn lint_json_lists_the_static_findings_and_the_deep_report() {
    // A scenario whose attack rule has no benign twin: a static free label.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("tests/data/leaks/planted-value.toml"))
        .unwrap()
        .replacen(
            "rule = \"Suspicious tool\"\nprobability",
            "rule = \"Only attacks\"\nprobability",
            1,
        );
    let file = dir.path().join("free.toml");
    std::fs::write(&file, text).unwrap();
    let out = mdrsim(&["lint", "--format", "json", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let free = &v["scenarios"][0]["free_labels"];
    assert!(
        free.as_array()
            .unwrap()
            .iter()
            .any(|f| f["finding"] == "rule edr/Only attacks"),
        "{v}"
    );
    assert!(v["scenarios"][0].get("deep").is_none());
    let out = mdrsim(&[
        "lint",
        "--deep",
        "--seeds",
        "4",
        "--format",
        "json",
        file.to_str().unwrap(),
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["scenarios"][0]["deep"]["seeds"], 4, "{v}");
}
