//! External strategies over the protocol (docs/strategy-protocol.md). Broken agents
//! (plain `sh`, so these run everywhere): every run completes, each failed decision is
//! a strategy error and an escalation, and no process outlives its run. The Python
//! example agents need python3 and run with `cargo test --release --test external --
//! --ignored` (in `.ci/run`); they fail, not skip, when python3 is missing.

mod common;

use std::path::Path;

use common::{mdrsim, repo};

/// A strategy file on the threshold profile whose policy runs `script` under sh, with a
/// marker argument to find its processes by.
fn agent(dir: &Path, name: &str, script: &str, timeout: &str) -> String {
    let marker = format!("mdrsim-test-agent-{name}-{}", std::process::id());
    let text = format!(
        "name = \"{name}\"\nextends = \"threshold\"\npolicy = {{ exec = [\"sh\", \"-c\", {script:?}, \"{marker}\"], timeout = \"{timeout}\" }}\n"
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// Processes whose command line holds `needle`.
fn processes_with(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmd) = std::fs::read(e.path().join("cmdline"))
            && String::from_utf8_lossy(&cmd).contains(needle)
        {
            found.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    found
}

fn run_metrics(strategy: &str) -> serde_json::Value {
    let o = mdrsim(&[
        "run",
        "--scenario",
        repo("scenarios/identity-takeover.toml").to_str().unwrap(),
        "--strategy",
        strategy,
        "--seed",
        "1",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["metrics"].clone()
}

const READY: &str = "read l; echo '{\"type\":\"ready\",\"protocol\":1}'";

#[test]
fn broken_agents_fail_their_decisions_and_the_run_completes() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("crash_at_start", "exit 3".to_string(), "1s"),
        (
            "wrong_version",
            "read l; echo '{\"type\":\"ready\",\"protocol\":99}'; cat >/dev/null".into(),
            "1s",
        ),
        (
            "garbage",
            format!("{READY}; while read l; do echo 'not json'; done"),
            "1s",
        ),
        (
            "unknown_action",
            format!("{READY}; while read l; do echo '{{\"action\":\"launch_missiles\"}}'; done"),
            "1s",
        ),
        (
            "crash_mid_run",
            format!(
                "{READY}; n=0; while read l; do n=$((n+1)); [ $n -gt 5 ] && exit 1; echo '{{\"action\":\"escalate\",\"reason\":\"x\"}}'; done"
            ),
            "1s",
        ),
        ("hang", format!("{READY}; read l; exec sleep 1000"), "200ms"),
        // A program that started a child of its own: the whole group is stopped.
        (
            "hang_with_child",
            // (its output detached, so a leftover fails the scan below instead of
            // holding mdrsim's stderr open)
            format!(
                "{READY}; read l; sh -c 'sleep 1000; :' \"$0-child\" </dev/null >/dev/null 2>&1"
            ),
            "200ms",
        ),
        (
            "huge_line",
            format!("{READY}; read l; head -c 104857600 /dev/zero | tr '\\0' a; echo"),
            "5s",
        ),
    ];
    for (name, script, timeout) in cases {
        let file = agent(dir.path(), name, &script, timeout);
        let m = run_metrics(&file);
        let (alerts, escalated, errors) = (
            m["alerts"].as_u64().unwrap(),
            m["escalated"].as_u64().unwrap(),
            m["strategy_errors"].as_u64().unwrap(),
        );
        assert!(alerts > 20, "{name}: the run has alerts");
        assert!(errors > 0, "{name}: errors are counted");
        // Every alert is escalated: by the agent (crash_mid_run's first five) or
        // because its decision failed.
        assert_eq!(escalated, alerts, "{name}");
        if name != "crash_mid_run" {
            assert_eq!(errors, alerts, "{name}: every decision failed");
        } else {
            assert!(errors < alerts, "{name}: the first decisions were made");
        }
        let marker = format!("mdrsim-test-agent-{name}-{}", std::process::id());
        assert_eq!(
            processes_with(&marker),
            Vec::<String>::new(),
            "{name}: left behind"
        );
    }
}

#[test]
fn a_missing_program_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.toml");
    std::fs::write(
        &path,
        "extends = \"threshold\"\npolicy = { exec = [\"./no-such-agent.py\"] }\n",
    )
    .unwrap();
    let o = mdrsim(&["run", "--strategy", path.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(":2: policy.exec:") && err.contains("not found"),
        "{err}"
    );
}

fn python() {
    let ok = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "python3 is needed for the example agents (see README)");
}

#[test]
#[ignore = "needs python3: cargo test --release --test external -- --ignored"]
fn the_python_threshold_agent_matches_the_built_in_on_every_scenario() {
    python();
    let agent = repo("examples/strategies/threshold-agent.toml");
    for entry in std::fs::read_dir(repo("scenarios")).unwrap() {
        let sc = entry.unwrap().path();
        if sc.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        for seed in ["1", "2", "3"] {
            let metrics = |strategy: &str| {
                let o = mdrsim(&[
                    "run",
                    "--scenario",
                    sc.to_str().unwrap(),
                    "--strategy",
                    strategy,
                    "--seed",
                    seed,
                    "--format",
                    "json",
                ]);
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["metrics"].clone()
            };
            let (mine, theirs) = (metrics(agent.to_str().unwrap()), metrics("threshold"));
            assert_eq!(mine, theirs, "{} seed {seed}", sc.display());
            assert_eq!(mine["strategy_errors"], 0);
        }
    }
}

#[test]
#[ignore = "needs python3: cargo test --release --test external -- --ignored"]
fn an_eval_with_agents_is_byte_identical_for_any_thread_count() {
    python();
    let dir = tempfile::tempdir().unwrap();
    let eval = |threads: &str| {
        let out = dir.path().join(format!("t{threads}"));
        let o = mdrsim(&[
            "eval",
            "--suite",
            repo("scenarios/identity-takeover.toml").to_str().unwrap(),
            "--strategies",
            &format!(
                "threshold,{}",
                repo("examples/strategies/threshold-agent.toml").display()
            ),
            "--seeds",
            "6",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        ["runs", "alerts", "campaigns", "backlog"]
            .map(|t| std::fs::read(out.join(format!("{t}.parquet"))).unwrap())
    };
    assert_eq!(eval("1"), eval("2"));
}

#[test]
#[ignore = "needs python3: cargo test --release --test external -- --ignored"]
fn the_history_agent_learns_from_its_own_past_cases() {
    python();
    let dir = tempfile::tempdir().unwrap();
    for seed in ["1", "2"] {
        let log = dir.path().join(format!("h{seed}.jsonl"));
        let o = mdrsim(&[
            "run",
            "--scenario",
            repo("scenarios/quiet-period.toml").to_str().unwrap(),
            "--strategy",
            repo("examples/strategies/history-agent.toml")
                .to_str()
                .unwrap(),
            "--seed",
            seed,
            "--events",
            log.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let m = &serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["metrics"];
        assert_eq!(m["strategy_errors"], 0, "seed {seed}");
        assert_eq!(
            m["evidence_coverage"], 1.0,
            "cites only records it was given"
        );
        // Two weeks: as its history grows it escalates less (first week vs second).
        let (header, log) = mdrsim::event::read_log(&log).unwrap();
        let half = header.horizon_ms / 2;
        let mut escalated = [0u32; 2];
        for e in log.events() {
            if matches!(e.payload, mdrsim::event::Payload::Escalated { .. }) {
                escalated[usize::from(e.at.0 >= half)] += 1;
            }
        }
        assert!(escalated[0] >= 20, "seed {seed}: {escalated:?}");
        assert!(
            escalated[1] * 4 < escalated[0],
            "seed {seed}: no learning: {escalated:?}"
        );
    }
}

#[test]
#[ignore = "needs python3: cargo test --release --test external -- --ignored"]
fn protocol_2_sends_each_record_of_a_case_once_and_changes_nothing_else() {
    python();
    let dir = tempfile::tempdir().unwrap();
    let agent = repo("tests/agents/case_keeper.py");
    // The same agent speaking each version; it writes the case it holds before every
    // reply (protocol 2: rebuilt from the increments).
    let run = |version: u32| {
        let file = dir.path().join(format!("keeper{version}.toml"));
        std::fs::write(
            &file,
            format!(
                "name = \"keeper\"\nextends = \"ai_mdr\"\n\
                 policy = {{ exec = [\"python3\", {agent:?}] }}\n\
                 [params]\nprotocol = {version}\ntranscript = \"t{version}.jsonl\"\n"
            ),
        )
        .unwrap();
        let log = dir.path().join(format!("log{version}.jsonl"));
        let o = mdrsim(&[
            "run",
            "--scenario",
            repo("scenarios/friday-night-ransomware.toml")
                .to_str()
                .unwrap(),
            "--strategy",
            file.to_str().unwrap(),
            "--seed",
            "1",
            "--events",
            log.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let transcript: Vec<serde_json::Value> =
            std::fs::read_to_string(dir.path().join(format!("t{version}.jsonl")))
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
        let events: Vec<String> = std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .skip(1) // the header names the strategy file's hash
            .map(str::to_string)
            .collect();
        (transcript, events)
    };
    let ((whole, log1), (rebuilt, log2)) = (run(1), run(2));
    assert_eq!(log1, log2, "the run itself does not depend on the version");
    assert_eq!(whole.len(), rebuilt.len());
    let cases = |t: &[serde_json::Value]| t.iter().map(|m| m["case"].clone()).collect::<Vec<_>>();
    assert_eq!(
        cases(&whole),
        cases(&rebuilt),
        "a record missing or sent twice"
    );
    // The check means something only if cases went on after queries and hand-offs.
    let queries = |m: &serde_json::Value| m["case"]["queries"].as_array().unwrap().len();
    assert!(
        whole
            .iter()
            .any(|m| queries(m) == 3 && m["case"]["expert"] == true)
    );
    let bytes =
        |t: &[serde_json::Value]| t.iter().map(|m| m["bytes"].as_u64().unwrap()).sum::<u64>();
    assert!(
        bytes(&rebuilt) * 10 < bytes(&whole) * 9,
        "protocol 2 sent {} bytes, protocol 1 {}",
        bytes(&rebuilt),
        bytes(&whole)
    );
}

#[test]
fn strategy_errors_are_said_on_stderr_and_fail_a_strict_command() {
    let dir = tempfile::tempdir().unwrap();
    // A field-name typo: every reply is refused.
    let typo = agent(
        dir.path(),
        "typo",
        &format!("{READY}; while read l; do echo '{{\"actoin\":\"escalate\"}}'; done"),
        "1s",
    );
    let scenario = repo("scenarios/identity-takeover.toml");
    let run = |strict: bool| {
        let mut args = vec![
            "run",
            "--scenario",
            scenario.to_str().unwrap(),
            "--strategy",
            &typo,
            "--seed",
            "1",
            "--format",
            "json",
        ];
        if strict {
            args.push("--strict");
        }
        mdrsim(&args)
    };
    let o = run(false);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let errors = serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["metrics"]
        ["strategy_errors"]
        .as_u64()
        .unwrap();
    assert!(errors > 20);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "warning: strategy typo: {errors} strategy error(s) in 1 of 1 run(s); first, in run 0 (identity-takeover, seed 1): "
        )) && err.contains("bad triage reply") && err.contains("actoin"),
        "{err}"
    );
    let o = run(true);
    assert_eq!(o.status.code(), Some(1), "a failed check");
    assert!(!o.stdout.is_empty(), "the scores are printed all the same");

    // In an eval: one line for the failing strategy, none for the clean one, and the
    // message is kept in runs.parquet (so `--resume` and `merge` keep it too).
    let out = dir.path().join("r");
    let o = mdrsim(&[
        "eval",
        "--suite",
        scenario.to_str().unwrap(),
        "--strategies",
        &format!("threshold,{typo}"),
        "--seeds",
        "2",
        "--out",
        out.to_str().unwrap(),
        "--strict",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].contains("strategy typo:") && warnings[0].contains("in 2 of 2 run(s)"));
    let runs = mdrsim::harness::tables::read_runs(&out.join("runs.parquet")).unwrap();
    for r in &runs {
        assert_eq!(
            r.first_strategy_error.is_some(),
            r.strategy == "typo",
            "{r:?}"
        );
    }
    let o = mdrsim(&[
        "eval",
        "--suite",
        scenario.to_str().unwrap(),
        "--strategies",
        "threshold",
        "--seeds",
        "2",
        "--out",
        dir.path().join("clean").to_str().unwrap(),
        "--strict",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("warning"));
}

#[test]
fn a_relative_program_runs_from_the_strategy_files_folder() {
    // The test's own working directory is the crate root; the agent lives elsewhere.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("agent.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\n{READY}\nwhile read l; do echo '{{\"action\":\"escalate\",\"reason\":\"always\"}}'; done\n"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let file = dir.path().join("relative.toml");
    std::fs::write(
        &file,
        "extends = \"threshold\"\npolicy = { exec = [\"./agent.sh\"] }\n",
    )
    .unwrap();
    let m = run_metrics(file.to_str().unwrap());
    assert_eq!(m["strategy_errors"], 0, "{m}");
    assert_eq!(m["escalated"], m["alerts"]);
}

#[test]
fn hello_tells_what_a_provider_knows_and_not_the_scenarios_name() {
    let dir = tempfile::tempdir().unwrap();
    // Saves the hello in its working directory (the strategy file's folder).
    let file = agent(
        dir.path(),
        "hello_saver",
        "read l; printf '%s\\n' \"$l\" > hello.json; echo '{\"type\":\"ready\",\"protocol\":1}'; while read l; do echo '{\"action\":\"escalate\"}'; done",
        "1s",
    );
    let m = run_metrics(&file);
    assert_eq!(m["strategy_errors"], 0, "{m}");
    let read_hello = || -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("hello.json")).unwrap())
            .unwrap()
    };
    let hello = read_hello();
    assert_eq!(hello["type"], "hello");
    assert_eq!(
        hello["protocol"], 1,
        "what a program that predates versions expects"
    );
    assert_eq!(hello["protocols"], serde_json::json!([1, 2]));
    assert_eq!(hello["scenario"]["start"], "2026-12-01T09:00:00+01:00");
    assert!(
        !hello.to_string().contains("identity-takeover"),
        "the scenario's name says what happens in it: {hello}"
    );
    // Which run: its id and seed, and an engagement id that is the same for every seed
    // of one scenario and differs between scenarios.
    assert_eq!(
        (hello["run"].clone(), hello["seed"].clone()),
        (0.into(), 1.into())
    );
    let engagement = |scenario: &str, seed: &str| {
        let o = mdrsim(&[
            "run",
            "--scenario",
            repo(scenario).to_str().unwrap(),
            "--strategy",
            &file,
            "--seed",
            seed,
            "--format",
            "json",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let h = read_hello();
        assert_eq!(h["seed"], seed.parse::<u64>().unwrap());
        h["engagement"]
            .as_str()
            .expect("an engagement id")
            .to_string()
    };
    let it = engagement("scenarios/identity-takeover.toml", "7");
    assert_eq!(it, hello["engagement"].as_str().unwrap());
    assert_ne!(it, engagement("scenarios/quiet-period.toml", "7"));
    // A program's parameters are its own: any key may be set, and reaches it as given
    // (a built-in's parameters are checked; threshold has no `temperature`).
    let o = mdrsim(&[
        "run",
        "--scenario",
        repo("scenarios/identity-takeover.toml").to_str().unwrap(),
        "--strategy",
        &file,
        "--set",
        "params.temperature=0.5",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        read_hello()["params"],
        serde_json::json!({ "temperature": 0.5 })
    );
    let o = mdrsim(&[
        "run",
        "--scenario",
        repo("scenarios/identity-takeover.toml").to_str().unwrap(),
        "--strategy",
        "threshold",
        "--set",
        "params.temperature=0.5",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
