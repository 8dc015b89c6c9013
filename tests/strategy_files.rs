//! Strategy files: a file that only restates a built-in runs exactly like it; a file
//! that changes the provider runs beside the built-ins with paired differences and is
//! recorded in the manifest; bad files and overrides that change nothing are refused
//! with the file, line and field or the reason.

mod common;

use std::path::Path;

use common::{mdrsim, repo};
use mdrsim::scenario::Scenario;
use mdrsim::score::Metrics;
use mdrsim::sim::Simulation;
use mdrsim::strategy;

fn metrics(def: &strategy::StrategyDef, scenario: &Scenario, seed: u64) -> Metrics {
    let mut d = def.instantiate(scenario).unwrap();
    let out = Simulation::new(scenario, seed).run(&mut d);
    Metrics::from_events(&out.header, out.log.events())
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_file_restating_a_built_in_runs_exactly_like_it() {
    let dir = tempfile::tempdir().unwrap();
    // The threshold built-in, written out in full (no `extends`).
    let profile = std::fs::read_to_string(repo("src/strategy/profiles/threshold.toml")).unwrap();
    let params =
        serde_json::to_string(&strategy::builtin::definition("threshold").unwrap().params).unwrap();
    let params: toml::Table = serde_json::from_str(&params).unwrap();
    let text = format!(
        "name = \"my_threshold\"\npolicy = \"threshold\"\n\n[params]\n{}\n[provider]\n{}",
        toml::to_string(&params)
            .unwrap()
            .replace("[belief", "[params.belief"),
        profile.replace("[[pools]]", "[[provider.pools]]"),
    );
    let file = strategy::file::load(Path::new(&write(dir.path(), "t.toml", &text))).unwrap();
    let built_in = strategy::builtin::definition("threshold").unwrap();
    assert_eq!(file.policy, "threshold");
    assert_eq!(file.provider, built_in.provider);
    assert_eq!(file.params, built_in.params);
    let scenario = common::ransomware();
    for seed in 1..=3 {
        let (a, b) = (
            metrics(&file, &scenario, seed),
            metrics(&built_in, &scenario, seed),
        );
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap(),
            "seed {seed}"
        );
    }
}

#[test]
fn a_file_extending_a_built_in_changes_only_what_it_says() {
    let def = strategy::file::load(&repo("examples/strategies/legacy-24x7.toml")).unwrap();
    let base = strategy::builtin::definition("legacy_mdr").unwrap();
    assert_eq!(def.name, "legacy_24x7");
    assert_eq!(def.params, base.params, "parameters are the built-in's");
    assert_eq!(def.provider.context, base.provider.context);
    assert_ne!(def.provider.pools, base.provider.pools);
    assert_ne!(def.provider.authority, base.provider.authority);
    // Staffed 24/7, it handles the weekend's alerts the built-in's rota leaves
    // unhandled (seed by seed, the same benign alerts arrive: the world does not depend
    // on the strategy; the attack's may differ, since containment changes its course).
    let scenario = common::ransomware();
    for seed in 1..=3 {
        let (mine, theirs) = (
            metrics(&def, &scenario, seed),
            metrics(&base, &scenario, seed),
        );
        assert_eq!(
            mine.alerts - mine.malicious_alerts,
            theirs.alerts - theirs.malicious_alerts
        );
        assert!(
            theirs.unhandled > 50,
            "the built-in leaves a backlog: {}",
            theirs.unhandled
        );
        assert_eq!(mine.unhandled, 0, "seed {seed}");
    }
}

#[test]
fn eval_runs_a_file_beside_built_ins_and_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let file = repo("examples/strategies/legacy-24x7.toml");
    let o = mdrsim(&[
        "eval",
        "--suite",
        repo("scenarios/friday-night-ransomware.toml")
            .to_str()
            .unwrap(),
        "--strategies",
        &format!("legacy_mdr,{}", file.display()),
        "--baseline",
        "legacy_mdr",
        "--seeds",
        "4",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = summary.to_string();
    assert!(text.contains("legacy_24x7"), "{text}");
    // Paired differences of the file's strategy against the built-in, matched by seed.
    assert_eq!(summary["baseline"][0], "legacy_mdr");
    let paired = summary["baseline"][1]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["strategy"] == "legacy_24x7")
        .expect("a paired row for the file's strategy");
    assert_eq!(paired["runs"], 4);
    assert_eq!(paired["metrics"]["unhandled"]["method"], "paired bootstrap");
    assert!(
        paired["metrics"]["unhandled"]["mean"].as_f64().unwrap() < 0.0,
        "{paired}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let entry = manifest["strategies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "legacy_24x7")
        .unwrap();
    assert_eq!(entry["source"]["path"], file.display().to_string());
    assert_eq!(entry["source"]["content_hash"].as_str().unwrap().len(), 16);
    assert_eq!(entry["provider"]["pools"][0]["schedule"], "24/7");
}

#[test]
fn bad_files_are_refused_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "extends = \"legacy_mdr\"\ncolour = \"red\"\n",
            ":2:",
            "colour",
        ),
        (
            "name = \"../x\"\nextends = \"legacy_mdr\"\n",
            ":1: name:",
            "letter or digit",
        ),
        (
            "extends = \"legacy_mdrr\"\n",
            ":1: extends:",
            "unknown strategy",
        ),
        (
            "extends = \"ai_mdr\"\n[params]\nautonomy = 1.5\n",
            ":3: params.autonomy:",
            "[0, 1]",
        ),
        (
            "extends = \"ai_mdr\"\n[params]\nautonomi = 0.5\n",
            ":2: params:",
            "autonomi",
        ),
        (
            "extends = \"threshold\"\n[provider]\npools = [{ name = \"analysts\", size = 0, schedule = \"24/7\" }]\n",
            ":3: provider.pools[0].size:",
            "workers",
        ),
        (
            "policy = \"threshold\"\n",
            ": provider:",
            "provider profile",
        ),
        (
            "extends = \"dismiss_all\"\n[params]\nx = 1\n",
            ":2: params:",
            "no parameters",
        ),
    ];
    for (i, (text, at, what)) in cases.iter().enumerate() {
        let path = write(dir.path(), &format!("bad{i}.toml"), text);
        let o = mdrsim(&["strategies", "show", &path]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{text}: {err}");
        assert!(
            err.contains(&format!("{path}{at}")),
            "{text}: expected {path}{at} in {err}"
        );
        assert!(err.contains(what), "{text}: expected {what:?} in {err}");
    }
}

#[test]
fn overrides_that_change_nothing_are_refused_with_the_reason() {
    let ransomware = repo("scenarios/friday-night-ransomware.toml");
    let s = ransomware.to_str().unwrap();
    let o = mdrsim(&[
        "run",
        "--scenario",
        s,
        "--strategy",
        "legacy_mdr",
        "--set",
        "provider.pools.analysts.size=6",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("names its workers"), "{err}");
    // A value already in effect.
    let o = mdrsim(&[
        "run",
        "--scenario",
        s,
        "--strategy",
        "ai_mdr",
        "--set",
        "params.autonomy=0.95",
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("changes nothing"));
    // A real change is accepted.
    let o = mdrsim(&[
        "run",
        "--scenario",
        s,
        "--strategy",
        "ai_mdr",
        "--set",
        "params.autonomy=0.8",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A key the scenario pins.
    let mmc = repo("scenarios/validation/mmc.toml");
    let o = mdrsim(&[
        "run",
        "--scenario",
        mmc.to_str().unwrap(),
        "--strategy",
        "threshold",
        "--set",
        "provider.context=[\"telemetry\"]",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("pins provider.context"), "{err}");
    // A sweep whose values run the same strategy.
    let dir = tempfile::tempdir().unwrap();
    let o = mdrsim(&[
        "eval",
        "--suite",
        s,
        "--strategies",
        "legacy_mdr",
        "--seeds",
        "1",
        "--sweep",
        "provider.pools.analysts.size=5,6",
        "--out",
        dir.path().join("r").to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--sweep provider.pools.analysts.size: the values 5 and 6"),
        "{err}"
    );
}

#[test]
fn show_prints_the_definition_after_set_and_pins() {
    let mmc = repo("scenarios/validation/mmc.toml");
    let o = mdrsim(&[
        "strategies",
        "show",
        "ai_mdr",
        "--set",
        "params.autonomy=0.8",
        "--scenario",
        mmc.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let def: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(def["params"]["autonomy"], 0.8);
    // The scenario pins the provider's first line and pools.
    assert_eq!(def["provider"]["first_line"], "analysts");
    assert_eq!(def["provider"]["pools"][0]["name"], "analysts");
    let o = mdrsim(&["strategies"]);
    let list = String::from_utf8_lossy(&o.stdout);
    for name in strategy::BUILTIN {
        assert!(list.contains(name), "{list}");
    }
}
