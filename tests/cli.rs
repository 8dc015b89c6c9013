//! The real binary: run and replay agree, bad input exits 2 with one line that names the
//! file, line and field, and nothing panics.

mod common;

use common::{mdrsim, repo};

const SCENARIO: &str = "scenarios/friday-night-ransomware.toml";

fn scenario() -> String {
    repo(SCENARIO).to_string_lossy().into_owned()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts exit code 2 and a single `error: …` line containing every `needle`.
fn assert_bad_input(o: &std::process::Output, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "one line expected, got: {err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    for n in needles {
        assert!(err.contains(n), "{err:?} should mention {n:?}");
    }
}

fn write_variant(dir: &tempfile::TempDir, name: &str, from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(repo(SCENARIO)).unwrap();
    assert!(text.contains(from), "fixture text {from:?} not found");
    let path = dir.path().join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn replay_prints_exactly_what_the_run_printed() {
    let dir = tempfile::tempdir().unwrap();
    for (file, format) in [
        ("log.parquet", "json"),
        ("log.jsonl", "json"),
        ("log.parquet", "table"),
        ("log.jsonl", "table"),
    ] {
        let log = dir.path().join(file).to_string_lossy().into_owned();
        let run = mdrsim(&[
            "run",
            "--scenario",
            &scenario(),
            "--strategy",
            "threshold",
            "--seed",
            "11",
            "--events",
            &log,
            "--format",
            format,
        ]);
        assert!(run.status.success(), "{}", stderr(&run));
        let replay = mdrsim(&["replay", &log, "--format", format]);
        assert!(replay.status.success(), "{}", stderr(&replay));
        assert_eq!(stdout(&run), stdout(&replay), "{file} {format}");
    }
}

#[test]
fn json_output_has_the_documented_shape() {
    let o = mdrsim(&[
        "run",
        "--scenario",
        &scenario(),
        "--strategy",
        "oracle",
        "--seed",
        "5",
        "--format",
        "json",
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["scenario"], "friday-night-ransomware");
    assert_eq!(v["strategy"], "oracle");
    assert_eq!(v["seed"], 5);
    for key in [
        "alerts",
        "escalated",
        "escalation_rate",
        "verdicts",
        "tp",
        "fp",
        "tn",
        "fn",
        "verdict_accuracy",
        "campaigns",
        "contained",
        "containment_rate",
        "censored",
        "time_to_containment_p50_s",
        "queue_wait_mean_s",
    ] {
        assert!(v["metrics"].get(key).is_some(), "metrics.{key} missing");
    }
    assert_eq!(v["metrics"]["verdict_accuracy"], 1.0);
}

#[test]
fn the_same_seed_prints_the_same_bytes() {
    let a = mdrsim(&[
        "run",
        "--scenario",
        &scenario(),
        "--strategy",
        "threshold",
        "--seed",
        "3",
    ]);
    let b = mdrsim(&[
        "run",
        "--scenario",
        &scenario(),
        "--strategy",
        "threshold",
        "--seed",
        "3",
    ]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn unknown_field_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_variant(
        &dir,
        "unknown.toml",
        "horizon = \"3d\"",
        "horizon = \"3d\"\nhorizn = \"4d\"",
    );
    let o = mdrsim(&["run", "--scenario", &p, "--strategy", "oracle"]);
    assert_bad_input(&o, &["unknown.toml:", "horizn", "unknown field"]);
}

#[test]
fn wrong_type_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_variant(&dir, "type.toml", "size = 2", "size = \"two\"");
    let o = mdrsim(&["run", "--scenario", &p, "--strategy", "oracle"]);
    assert_bad_input(&o, &["type.toml:", "customer.size", "invalid type"]);
}

#[test]
fn bad_duration_names_the_field_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_variant(
        &dir,
        "duration.toml",
        "median = \"15m\"",
        "median = \"15 minutes\"",
    );
    let o = mdrsim(&["run", "--scenario", &p, "--strategy", "oracle"]);
    assert_bad_input(
        &o,
        &[
            "duration.toml:",
            "campaigns[0].steps[2].delay",
            "invalid duration",
        ],
    );
    let line: usize = stderr(&o)
        .split(':')
        .nth(2)
        .unwrap()
        .trim()
        .parse()
        .expect("a line number");
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(
        text.lines().nth(line - 1).unwrap().contains("15 minutes"),
        "line {line} is the bad one"
    );
}

#[test]
fn negative_rate_and_unknown_entity_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_variant(&dir, "rate.toml", "per_hour = 1.5", "per_hour = -1.5");
    assert_bad_input(
        &mdrsim(&["run", "--scenario", &p, "--strategy", "oracle"]),
        &["rate.toml:", "benign[0].per_hour"],
    );
    let p = write_variant(
        &dir,
        "entity.toml",
        "target = \"host:srv-file01\"",
        "target = \"host:srv-file99\"",
    );
    assert_bad_input(
        &mdrsim(&["run", "--scenario", &p, "--strategy", "oracle"]),
        &["entity.toml:", "target", "host:srv-file99"],
    );
}

#[test]
fn missing_file_is_bad_input() {
    let o = mdrsim(&[
        "run",
        "--scenario",
        "no/such/scenario.toml",
        "--strategy",
        "oracle",
    ]);
    assert_bad_input(&o, &["no/such/scenario.toml"]);
    let o = mdrsim(&["replay", "no/such/log.parquet"]);
    assert_bad_input(&o, &["no/such/log.parquet"]);
}

#[test]
fn unknown_strategy_is_bad_input() {
    let o = mdrsim(&["run", "--scenario", &scenario(), "--strategy", "magic"]);
    assert_bad_input(&o, &["magic", "escalate_all"]);
}

#[test]
fn truncated_logs_say_so() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["log.parquet", "log.jsonl"] {
        let log = dir.path().join(file);
        let o = mdrsim(&[
            "run",
            "--scenario",
            &scenario(),
            "--strategy",
            "oracle",
            "--events",
            log.to_str().unwrap(),
        ]);
        assert!(o.status.success());
        let bytes = std::fs::read(&log).unwrap();
        for cut in [bytes.len() / 3, bytes.len() - 10] {
            let t = dir.path().join(format!("cut-{cut}-{file}"));
            std::fs::write(&t, &bytes[..cut]).unwrap();
            let o = mdrsim(&["replay", t.to_str().unwrap()]);
            assert_bad_input(&o, &[t.file_name().unwrap().to_str().unwrap(), "truncated"]);
        }
    }
}

#[test]
fn a_foreign_parquet_file_is_not_a_log() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.parquet");
    std::fs::write(&p, b"PAR1 this is not parquet PAR1").unwrap();
    assert_bad_input(&mdrsim(&["replay", p.to_str().unwrap()]), &["x.parquet"]);
}

#[test]
fn usage_errors_exit_2_and_help_explains() {
    let o = mdrsim(&["run", "--strategy"]);
    assert_eq!(o.status.code(), Some(2));
    let o = mdrsim(&["run", "--seed", "minus-one"]);
    assert_eq!(o.status.code(), Some(2));
    let o = mdrsim(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = mdrsim(&["--help"]);
    assert!(o.status.success());
    let help = stdout(&o);
    assert!(help.contains("run") && help.contains("replay") && help.contains("Exit codes"));
}

#[test]
fn an_unknown_pool_in_a_pinned_provider_names_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("scenarios/validation/mmc.toml"))
        .unwrap()
        .replace("first_line = \"analysts\"", "first_line = \"tier1\"");
    let p = dir.path().join("pool.toml");
    std::fs::write(&p, text).unwrap();
    let o = mdrsim(&[
        "run",
        "--scenario",
        p.to_str().unwrap(),
        "--strategy",
        "ai_mdr",
    ]);
    assert_bad_input(
        &o,
        &["pool.toml", "provider.first_line", "unknown pool \"tier1\""],
    );
}

#[test]
fn a_sigma_rule_that_does_not_parse_names_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("scenarios/identity-takeover.toml"))
        .unwrap()
        .replace(
            "path = \"rules/mdrsim/idp_new_mfa_method.yml\"",
            "yaml = \"title: broken\\ndetection: [not, a, map\"",
        )
        .replace(
            "path = \"rules/",
            &format!("path = \"{}/", repo("scenarios/rules").display()),
        );
    let p = dir.path().join("sigma.toml");
    std::fs::write(&p, text).unwrap();
    let o = mdrsim(&["run", "--scenario", p.to_str().unwrap()]);
    assert_bad_input(
        &o,
        &["sigma.toml", "rules[2].yaml", "Sigma rule does not parse"],
    );
}

#[test]
fn a_step_requiring_an_unknown_entity_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_variant(
        &dir,
        "requires.toml",
        "requires = [\"host:ws-017\", \"user:svc-backup\", \"host:srv-file01\"]",
        "requires = [\"host:ws-017\", \"user:nobody\"]",
    );
    let o = mdrsim(&["run", "--scenario", &p]);
    assert_bad_input(
        &o,
        &[
            "requires.toml:",
            "campaigns[0].steps[3].requires[1]",
            "user:nobody",
        ],
    );
}

#[test]
fn every_builtin_scenario_runs_from_the_command_line() {
    for entry in std::fs::read_dir(repo("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let o = mdrsim(&[
                "run",
                "--scenario",
                path.to_str().unwrap(),
                "--strategy",
                "ai_mdr",
                "--format",
                "json",
            ]);
            assert!(o.status.success(), "{}: {}", path.display(), stderr(&o));
        }
    }
}

#[test]
fn schema_describes_every_key_the_builtin_scenarios_use() {
    let o = mdrsim(&["schema"]);
    assert!(o.status.success());
    let schema: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let props = schema["properties"]
        .as_object()
        .expect("top-level properties");
    for key in [
        "name",
        "start",
        "horizon",
        "entities",
        "benign",
        "telemetry",
        "rules",
        "sigma",
        "campaigns",
        "environment",
        "facts",
        "lint",
        "containment",
        "customer",
        "provider",
    ] {
        assert!(props.contains_key(key), "schema lacks {key}");
    }
    for entry in std::fs::read_dir(repo("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
            for key in table.keys() {
                assert!(
                    props.contains_key(key),
                    "{}: {key} not in the schema",
                    path.display()
                );
            }
        }
    }
    assert_eq!(
        schema["additionalProperties"], false,
        "unknown fields are rejected"
    );
}

#[test]
fn set_overrides_strategy_parameters_and_rejects_typos() {
    let base = mdrsim(&[
        "run",
        "--strategy",
        "threshold",
        "--scenario",
        &scenario(),
        "--format",
        "json",
    ]);
    let strict = mdrsim(&[
        "run",
        "--strategy",
        "threshold",
        "--scenario",
        &scenario(),
        "--format",
        "json",
        "--set",
        "params.malicious_at=0.99",
        "--set",
        "params.benign_below=0.01",
    ]);
    assert!(base.status.success() && strict.status.success());
    let esc = |o: &std::process::Output| {
        serde_json::from_str::<serde_json::Value>(&stdout(o)).unwrap()["metrics"]["escalated"]
            .as_u64()
            .unwrap()
    };
    assert!(
        esc(&strict) > esc(&base),
        "a wider escalation band escalates more"
    );
    assert_bad_input(
        &mdrsim(&[
            "run",
            "--strategy",
            "threshold",
            "--scenario",
            &scenario(),
            "--set",
            "params.malicous_at=0.9",
        ]),
        &["malicous_at"],
    );
    assert_bad_input(
        &mdrsim(&[
            "run",
            "--strategy",
            "threshold",
            "--scenario",
            &scenario(),
            "--set",
            "provider.pools.analysts.size=zero",
        ]),
        &["size"],
    );
}

#[test]
fn a_belief_weight_is_set_by_its_path() {
    let scenario = repo("scenarios/friday-night-ransomware.toml");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "--scenario",
            scenario.to_str().unwrap(),
            "--strategy",
            "ai_mdr",
            "--seed",
            "3",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        mdrsim(&args)
    };
    let base = run(&[]);
    let changed = run(&["--set", "params.belief.telemetry.Signer.untrusted=4.0"]);
    assert!(changed.status.success(), "{}", stderr(&changed));
    assert_ne!(stdout(&base), stdout(&changed), "the weight had no effect");
    let typo = run(&["--set", "params.belief.telemetry=nope"]);
    assert_eq!(typo.status.code(), Some(2));
}

#[test]
fn repeated_grid_cells_are_refused() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let quiet = repo("scenarios/quiet-period.toml");
    let q = quiet.to_str().unwrap();
    for (args, needle) in [
        (
            vec!["--strategies", "ai_mdr,ai_mdr"],
            "strategy \"ai_mdr\" appears twice",
        ),
        (vec!["--suite", q, q], "both named \"quiet-period\""),
        (
            vec![
                "--strategies",
                "ai_mdr",
                "--sweep",
                "params.autonomy=0.9,0.9",
            ],
            "value \"0.9\" appears twice",
        ),
        (
            vec![
                "--strategies",
                "ai_mdr",
                "--sweep",
                "params.autonomy=0.9",
                "--sweep",
                "params.autonomy=0.8",
            ],
            "key \"params.autonomy\" appears twice",
        ),
    ] {
        let mut all = vec!["eval", "--seeds", "1", "--out", o];
        all.extend(args);
        let r = mdrsim(&all);
        assert_eq!(r.status.code(), Some(2), "{all:?}");
        assert!(stderr(&r).contains(needle), "{}", stderr(&r));
    }
}

#[test]
fn a_perfect_record_gets_a_wilson_interval_not_plus_minus_zero() {
    let out = tempfile::tempdir().unwrap();
    let scenario = repo("scenarios/friday-night-ransomware.toml");
    let r = mdrsim(&[
        "eval",
        "--suite",
        scenario.to_str().unwrap(),
        "--strategies",
        "oracle",
        "--seeds",
        "16",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    let table = stdout(&r);
    // 16 of 16 contained: Wilson's 95% interval is 80.6%–100%.
    assert!(table.contains("100% [81–100]"), "{table}");
    assert!(!table.contains("±0.000"), "{table}");
}

#[test]
fn summary_reprints_what_eval_printed_from_the_results_folder() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let scenario = repo("scenarios/leaked-cloud-key.toml");
    let s = scenario.to_str().unwrap();
    for format in ["json", "md", "csv"] {
        let eval = mdrsim(&[
            "eval",
            "--suite",
            s,
            "--seeds",
            "3",
            "--out",
            o,
            "--format",
            format,
            "--strategies",
            "ai_mdr,legacy_mdr",
            "--baseline",
            "legacy_mdr",
        ]);
        assert!(eval.status.success(), "{}", stderr(&eval));
        let again = mdrsim(&["summary", o, "--format", format, "--baseline", "legacy_mdr"]);
        assert!(again.status.success(), "{}", stderr(&again));
        assert_eq!(stdout(&eval), stdout(&again), "{format}");
    }
    let csv = stdout(&mdrsim(&[
        "summary",
        o,
        "--format",
        "csv",
        "--metrics",
        "containment_rate,mcc",
    ]));
    assert!(csv.starts_with(
        "scope,scenario,strategy,params,runs,metric,estimate,ci_low,ci_high,n,method,censored\n"
    ));
    assert!(
        csv.lines()
            .any(|l| l.contains(",containment_rate,") && l.ends_with(",wilson,")),
        "{csv}"
    );
    let bad = mdrsim(&["summary", o, "--metrics", "nope"]);
    assert_eq!(bad.status.code(), Some(2));
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        mdrsim(&["summary", empty.path().to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
}

/// The README's JSON example, verbatim from the binary: same keys, same values.
#[test]
fn the_readme_json_example_is_what_the_binary_prints() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let marker = "`run --format json`";
    let after = &readme[readme.find(marker).expect("README shows run --format json")..];
    let start = after.find("```json\n").expect("a json block") + "```json\n".len();
    let block = &after[start..start + after[start..].find("```").unwrap()];
    let documented: serde_json::Value =
        serde_json::from_str(block).expect("the README example is valid JSON");
    let o = mdrsim(&[
        "run",
        "--strategy",
        "threshold",
        "--seed",
        "1",
        "--format",
        "json",
    ]);
    assert!(o.status.success());
    let actual: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v["metrics"].as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(
        keys(&documented),
        keys(&actual),
        "README metric keys differ from the binary's"
    );
    assert_eq!(
        documented, actual,
        "README values differ: rerun the command and paste its output"
    );
}

#[test]
fn the_eval_table_fits_120_columns() {
    let out = tempfile::tempdir().unwrap();
    let suite = repo("scenarios");
    let r = mdrsim(&[
        "eval",
        "--suite",
        suite.to_str().unwrap(),
        "--seeds",
        "3",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    let table = stdout(&r);
    let widest = table.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 120, "{widest} columns:\n{table}");
    assert!(table.contains("cost") && table.contains("resolved") && table.contains("runs per row"));
}

#[test]
fn a_cost_table_is_applied_recorded_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let costs = dir.path().join("costs.toml");
    std::fs::write(
        &costs,
        "currency = \"EUR\"\nimpact = 0\nattacker_dwell_hour = 0\ndisruption_hour = 0\n\
         eradication = 0\nanalyst_hour = 0\nexpert_hour = 0\nautomation_action = 0\n\
         on_call_callout = 0\ncustomer_hour = 1\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let scenario = repo("scenarios/leaked-cloud-key.toml");
    let r = mdrsim(&[
        "eval",
        "--suite",
        scenario.to_str().unwrap(),
        "--strategies",
        "escalate_all",
        "--seeds",
        "2",
        "--costs",
        costs.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    let v: serde_json::Value = serde_json::from_str(&stdout(&r)).unwrap();
    let m = &v["groups"][0]["metrics"];
    // With only customer hours weighted at 1, the cost is the customer's hours.
    assert_eq!(m["cost"]["mean"], m["customer_work_hours"]["mean"]);
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"currency\": \"EUR\""), "{manifest}");
    std::fs::write(&costs, "impact = 1\nimpakt = 2\n").unwrap();
    let bad = mdrsim(&[
        "eval",
        "--suite",
        scenario.to_str().unwrap(),
        "--costs",
        costs.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("costs.toml:2") && stderr(&bad).contains("impakt"),
        "{}",
        stderr(&bad)
    );
}
