//! `mdrsim scenario export`: a synthetic scenario materialised as a recording runs with
//! exactly the spec's results — every event of every built-in strategy's run, on every
//! scenario of the suite — because the recording keeps where each record came from and
//! the stream keys of its alerts, and its steps stay steps that containment prevents.

mod common;

use std::path::Path;

use common::{mdrsim, repo};
use mdrsim::event::Envelope;
use mdrsim::recording::Recording;
use mdrsim::recording::export::export;
use mdrsim::scenario::Scenario;
use mdrsim::score::Metrics;
use mdrsim::sim::{RunOutput, Simulation};
use mdrsim::strategy::{self, BUILTIN};

fn run(sc: &Scenario, name: &str, seed: u64) -> RunOutput {
    let mut d = strategy::builtin(name, sc).unwrap();
    Simulation::new(sc, seed).run(&mut d)
}

/// The first event at which two logs differ, shown briefly.
fn first_difference(a: &[Envelope], b: &[Envelope]) -> Option<String> {
    let i = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))?;
    let show = |e: Option<&Envelope>| format!("{e:?}").chars().take(400).collect::<String>();
    Some(format!(
        "event {i} of {}/{}:\n  spec:      {}\n  recording: {}",
        a.len(),
        b.len(),
        show(a.get(i)),
        show(b.get(i))
    ))
}

fn suite() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(repo("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.push(repo("scenarios/validation/mmc.toml"));
    files.sort();
    files
}

#[test]
fn every_scenario_round_trips_exactly_for_every_builtin() {
    let dir = tempfile::tempdir().unwrap();
    for path in suite() {
        let spec = Scenario::load(&path).unwrap();
        for seed in [1u64, 5] {
            let out = dir.path().join(format!("{}-{seed}.jsonl", spec.name));
            export(&path, seed, &out).unwrap();
            let recorded = Scenario::load(&out).unwrap();
            assert!(
                recorded.benign.iter().all(|b| b.per_hour == 0.0)
                    && recorded.telemetry.iter().all(|t| t.per_hour == 0.0),
                "the recording carries all the activity"
            );
            for name in BUILTIN {
                let (a, b) = (run(&spec, name, seed), run(&recorded, name, seed));
                if let Some(d) = first_difference(a.log.events(), b.log.events()) {
                    panic!("{} seed {seed} {name}: {d}", spec.name);
                }
                let mut header = b.header.clone();
                header.scenario_hash = a.header.scenario_hash.clone();
                assert_eq!(
                    a.header, header,
                    "{} {name}: the tables are the spec's",
                    spec.name
                );
                assert_eq!(
                    Metrics::from_events(&a.header, a.log.events()),
                    Metrics::from_events(&b.header, b.log.events())
                );
            }
        }
    }
}

/// The round trip is not equal by construction: the world of another seed is another
/// world, and running it with the spec's seed differs.
#[test]
fn another_seeds_world_is_another_world() {
    let dir = tempfile::tempdir().unwrap();
    let path = repo("scenarios/friday-night-ransomware.toml");
    let out = dir.path().join("seed2.jsonl");
    export(&path, 2, &out).unwrap();
    let spec = Scenario::load(&path).unwrap();
    let recorded = Scenario::load(&out).unwrap();
    let (a, b) = (run(&spec, "ai_mdr", 1), run(&recorded, "ai_mdr", 1));
    assert!(first_difference(a.log.events(), b.log.events()).is_some());
}

/// The file is a checked recording: it names its importer, seed and scenario; the
/// records say what they are; it runs under any name; a damaged copy is refused.
#[test]
fn the_export_is_a_checked_recording() {
    let dir = tempfile::tempdir().unwrap();
    let path = repo("scenarios/identity-takeover.toml");
    let out = dir.path().join("world.jsonl");
    let text = String::from_utf8(
        mdrsim(&[
            "scenario",
            "export",
            path.to_str().unwrap(),
            "--seed",
            "3",
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout,
    )
    .unwrap();
    assert!(text.contains("records on"), "{text}");
    let rec = Recording::read(&out).unwrap();
    assert_eq!(rec.importer, "mdrsim-export");
    let (toml, seed) = rec.scenario.clone().unwrap();
    assert_eq!(seed, 3);
    assert!(toml.contains("name = \"identity-takeover\""));
    let kinds: std::collections::BTreeSet<&str> =
        rec.records.iter().map(|r| r.kind.as_str()).collect();
    assert!(
        kinds.is_subset(&["alert", "fact", "telemetry"].into()),
        "{kinds:?}"
    );
    assert!(rec.records.windows(2).all(|w| w[0].time_ms <= w[1].time_ms));
    // The CLI runs it like any scenario, with the spec's scores.
    let scores = |scenario: &Path| {
        let out = mdrsim(&[
            "run",
            "--scenario",
            scenario.to_str().unwrap(),
            "--strategy",
            "legacy_mdr",
            "--seed",
            "3",
            "--format",
            "json",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["metrics"].clone()
    };
    assert_eq!(scores(&path), scores(&out));
    // A renamed copy in another folder is the same world: it replays its own records.
    let moved = dir.path().join("elsewhere");
    std::fs::create_dir(&moved).unwrap();
    let moved = moved.join("renamed.jsonl");
    std::fs::copy(&out, &moved).unwrap();
    assert_eq!(scores(&path), scores(&moved));
    // One changed byte is refused, exit 2.
    let text = std::fs::read_to_string(&out).unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, text.replacen("\"telemetry\"", "\"telemetrx\"", 1)).unwrap();
    let out = mdrsim(&["run", "--scenario", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("checksum"));
}

/// A recorded scenario is already a recording: exporting one is refused, exit 2.
#[test]
fn exporting_a_recorded_scenario_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = mdrsim(&[
        "scenario",
        "export",
        repo("datasets/scenarios/lsass-comsvcs.toml")
            .to_str()
            .unwrap(),
        "--out",
        dir.path().join("x.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("replays recordings"));
    assert!(!dir.path().join("x.jsonl").exists());
}
