//! `mdrsim claims` and `mdrsim check` through the real binary: verdicts that can go
//! either way, exit codes, refusals that name the difference, and the CI workflow's own
//! commands. Independent recomputation of the estimates from the Parquet tables lives in
//! tests/interop/check_claims.py (pyarrow).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use common::{mdrsim, repo};

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn eval(out: &Path, extra: &[&str]) {
    let o = mdrsim(
        &[
            &["eval", "--out", out.to_str().unwrap(), "--format", "json"][..],
            extra,
        ]
        .concat(),
    );
    assert_eq!(code(&o), 0, "{}", text(&o).1);
}

/// One baseline shared by the check tests: threshold and ai_mdr, the suite, seeds 1..8.
fn baseline() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static B: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    B.get_or_init(|| {
        let dir = temp();
        let results = dir.path().join("base");
        eval(
            &results,
            &["--strategies", "threshold,ai_mdr", "--seeds", "8"],
        );
        let file = dir.path().join("baseline.json");
        let o = mdrsim(&[
            "check",
            "--baseline",
            file.to_str().unwrap(),
            "--results",
            results.to_str().unwrap(),
            "--update",
        ]);
        assert_eq!(code(&o), 0, "{}", text(&o).1);
        (dir, results, file)
    })
}

fn check(results: &Path, extra: &[&str]) -> Output {
    let (_, _, file) = baseline();
    mdrsim(
        &[
            &[
                "check",
                "--baseline",
                file.to_str().unwrap(),
                "--results",
                results.to_str().unwrap(),
            ][..],
            extra,
        ]
        .concat(),
    )
}

fn comparisons(o: &Output) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("check JSON");
    v["comparisons"].as_array().expect("comparisons").clone()
}

#[test]
fn a_baseline_checked_against_the_run_it_came_from_passes() {
    let (_, results, _) = baseline();
    let o = check(results, &["--format", "json"]);
    assert_eq!(code(&o), 0, "{}", text(&o).1);
    let rows = comparisons(&o);
    // 2 strategies × 9 rules of the default policy, overall only.
    assert_eq!(rows.len(), 18);
    for r in &rows {
        assert_eq!(r["verdict"], "ok", "{r}");
        assert!(r["change"].is_null() || r["change"] == 0.0, "{r}");
        assert_eq!(r["pairs"], 48, "6 scenarios × 8 seeds matched: {r}");
    }
}

#[test]
fn fewer_analysts_fail_naming_the_metric() {
    let dir = temp();
    let degraded = dir.path().join("degraded");
    eval(
        &degraded,
        &[
            "--strategies",
            "threshold,ai_mdr",
            "--seeds",
            "8",
            "--set",
            "provider.pools.analysts.size=1",
        ],
    );
    let o = check(&degraded, &[]);
    let (out, err) = text(&o);
    assert_eq!(code(&o), 1, "{out}{err}");
    let regressed: Vec<&str> = out.lines().filter(|l| l.contains("REGRESSED")).collect();
    assert!(
        regressed
            .iter()
            .any(|l| l.starts_with("threshold") && l.contains(" cost ")),
        "{out}"
    );
    // ai_mdr has no pool called analysts: nothing of it may regress.
    assert!(
        regressed.iter().all(|l| l.starts_with("threshold")),
        "{out}"
    );
    assert!(
        out.contains("strategy threshold: definition changed"),
        "{out}"
    );
    assert!(
        !out.contains("strategy ai_mdr: definition changed"),
        "{out}"
    );
}

#[test]
fn a_stricter_containment_threshold_fails_on_paired_seeds() {
    // Agents that contain only at P ≥ 0.95 (not 0.05) end fewer attacks: the primary
    // objective and the time to resolution regress, on paired seeds, beyond the
    // policy's allowance.
    let dir = temp();
    let (base, file) = (dir.path().join("base"), dir.path().join("b.json"));
    eval(&base, &["--strategies", "ai_mdr", "--seeds", "16"]);
    let (b, f) = (base.to_str().unwrap(), file.to_str().unwrap());
    let o = mdrsim(&["check", "--baseline", f, "--results", b, "--update"]);
    assert_eq!(code(&o), 0);
    let worse = dir.path().join("worse");
    eval(
        &worse,
        &[
            "--strategies",
            "ai_mdr",
            "--seeds",
            "16",
            "--set",
            "params.contain_at=0.95",
        ],
    );
    let w = worse.to_str().unwrap();
    let o = mdrsim(&["check", "--baseline", f, "--results", w, "--format", "json"]);
    assert_eq!(code(&o), 1);
    let regressed: Vec<String> = comparisons(&o)
        .iter()
        .filter(|r| r["verdict"] == "regressed")
        .map(|r| r["metric"].as_str().unwrap().to_string())
        .collect();
    for m in ["cost", "time_to_resolution_p50_s"] {
        assert!(regressed.contains(&m.to_string()), "{m}: {regressed:?}");
    }
    // Each regressed metric's paired interval lies wholly on the worse side.
    for r in comparisons(&o)
        .iter()
        .filter(|r| r["verdict"] == "regressed")
    {
        let (lo, hi) = (r["diff_low"].as_f64(), r["diff_high"].as_f64());
        if r["rule"]["higher_is_worse"] == true {
            assert!(lo.unwrap() > 0.0, "{r}");
        } else {
            assert!(hi.unwrap() < 0.0, "{r}");
        }
    }
}

#[test]
fn incomparable_results_are_refused_naming_the_difference() {
    let dir = temp();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--strategies", "threshold,ai_mdr", "--seeds", "4"],
            "seeds differ (1..8 vs 1..4)",
        ),
        (
            vec!["--strategies", "threshold", "--seeds", "8"],
            "strategy ai_mdr is missing from the results",
        ),
        (
            vec!["--strategies", "threshold,ai_mdr,oracle", "--seeds", "8"],
            "strategy oracle is not in the baseline",
        ),
    ];
    for (i, (args, needle)) in cases.iter().enumerate() {
        let out = dir.path().join(format!("r{i}"));
        eval(&out, args);
        let o = check(&out, &[]);
        let (stdout, err) = text(&o);
        assert_eq!(code(&o), 2, "{err}");
        assert!(err.contains(needle), "{needle:?} not in {err}");
        assert!(stdout.is_empty(), "nothing compared: {stdout}");
    }
    // A suite with one scenario changed (a day shorter).
    let suite = dir.path().join("suite");
    std::fs::create_dir(&suite).unwrap();
    for entry in std::fs::read_dir(repo("scenarios")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "toml") {
            let mut t = std::fs::read_to_string(&p).unwrap();
            if p.ends_with("quiet-period.toml") {
                let edited = t.replacen("horizon = \"14d\"", "horizon = \"13d\"", 1);
                assert_ne!(edited, t);
                t = edited;
            }
            std::fs::write(suite.join(p.file_name().unwrap()), t).unwrap();
        }
    }
    std::os::unix::fs::symlink(repo("scenarios/rules"), suite.join("rules")).unwrap();
    let out = dir.path().join("edited");
    eval(
        &out,
        &[
            "--suite",
            suite.to_str().unwrap(),
            "--strategies",
            "threshold,ai_mdr",
            "--seeds",
            "8",
        ],
    );
    let o = check(&out, &[]);
    assert_eq!(code(&o), 2);
    assert!(
        text(&o)
            .1
            .contains("scenario quiet-period has different content"),
        "{}",
        text(&o).1
    );
}

#[test]
fn a_damaged_or_missing_baseline_is_refused() {
    let (_, results, file) = baseline();
    let dir = temp();
    let copy = dir.path().join("b.json");
    let t = std::fs::read_to_string(file).unwrap();
    // Change one stored score, keep the JSON valid.
    let edited = t.replacen("\"escalated\":", "\"escalated\":1", 1);
    assert_ne!(edited, t);
    std::fs::write(&copy, edited).unwrap();
    let r = results.to_str().unwrap();
    let c = copy.to_str().unwrap();
    let o = mdrsim(&["check", "--baseline", c, "--results", r]);
    assert_eq!(code(&o), 2);
    assert!(text(&o).1.contains("checksum mismatch"), "{}", text(&o).1);
    std::fs::write(&copy, &t[..t.len() / 2]).unwrap();
    let o = mdrsim(&["check", "--baseline", c, "--results", r]);
    assert_eq!(code(&o), 2);
    assert!(text(&o).1.contains("not a baseline"), "{}", text(&o).1);
    let missing = dir.path().join("none.json");
    let o = mdrsim(&[
        "check",
        "--baseline",
        missing.to_str().unwrap(),
        "--results",
        r,
    ]);
    assert_eq!(code(&o), 2);
    assert!(text(&o).1.contains("--update"), "{}", text(&o).1);
}

fn claims_file(dir: &Path, seeds: u64, claims: &str) -> PathBuf {
    let p = dir.join(format!("claims-{seeds}.toml"));
    let suite = repo("scenarios");
    std::fs::write(
        &p,
        format!(
            "suite = [{:?}]\nstrategy = \"threshold\"\nseeds = {seeds}\n{claims}",
            suite.to_str().unwrap()
        ),
    )
    .unwrap();
    p
}

fn claims_json(o: &Output) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("claims JSON");
    v["outcomes"].as_array().unwrap().clone()
}

#[test]
fn claims_pass_fail_or_stay_inconclusive() {
    let dir = temp();
    let body = "[[claims]]\nclaim = \"escalation_rate <= 0.05\"\n\
                [[claims]]\nclaim = \"containment_rate >= 0.9\"\n\
                [[claims]]\nclaim = \"malicious_recall >= 0.25\"\n";
    let f = claims_file(dir.path(), 4, body);
    let o = mdrsim(&["claims", f.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code(&o), 1, "a failed claim fails: {}", text(&o).1);
    let out = claims_json(&o);
    let verdicts: Vec<&str> = out.iter().map(|c| c["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["pass", "fail", "inconclusive"]);
    // The verdicts follow from the printed intervals.
    assert!(out[0]["ci_high"].as_f64().unwrap() <= 0.05);
    assert!(out[1]["ci_high"].as_f64().unwrap() < 0.9);
    let (lo, hi) = (
        out[2]["ci_low"].as_f64().unwrap(),
        out[2]["ci_high"].as_f64().unwrap(),
    );
    assert!(lo < 0.25 && 0.25 <= hi, "{lo}–{hi}");
    // No seed count is promised: an extrapolation from one interval was wrong in
    // 3 of 3 follow-ups (issue 22), so the row says n and nothing more.
    assert!(out[2].get("seeds_to_settle").is_none());
    assert!(out[2]["n"].as_u64().unwrap() > 0);
    // Inconclusive alone: exit 1 by default, 0 with --inconclusive pass.
    let body = "[[claims]]\nclaim = \"malicious_recall >= 0.25\"\n\
                [[claims]]\nclaim = \"escalation_rate <= 0.05\"\n";
    let f = claims_file(dir.path(), 4, body);
    let o = mdrsim(&["claims", f.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    assert!(text(&o).0.contains("inconclusive"), "{}", text(&o).0);
    let o = mdrsim(&[
        "claims",
        f.to_str().unwrap(),
        "--inconclusive",
        "pass",
        "--no-gaming-check",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o).0);
    // With the gaming check, this set fails anyway: containing everything passes both
    // claims (every malicious alert called malicious, nothing escalated).
    let o = mdrsim(&["claims", f.to_str().unwrap(), "--inconclusive", "pass"]);
    assert_eq!(code(&o), 1);
    assert!(
        text(&o)
            .0
            .contains("NOT DISCRIMINATING: this claim set is also satisfied by contain_all"),
        "{}",
        text(&o).0
    );
}

#[test]
fn claims_read_only_results_of_what_they_claim() {
    let dir = temp();
    let body = "[[claims]]\nclaim = \"escalation_rate <= 0.05\"\n\
                [[claims]]\nclaim = 'detect_to_contain.p50 <= \"2h\"'\nscenario = \"friday-night-ransomware\"\n";
    let f = claims_file(dir.path(), 4, body);
    let f = f.to_str().unwrap();
    let kept = dir.path().join("kept");
    let ran = mdrsim(&["claims", f, "--out", kept.to_str().unwrap()]);
    // Reading the kept results gives the very same report.
    let read = mdrsim(&["claims", f, "--results", kept.to_str().unwrap()]);
    assert_eq!(text(&ran).0, text(&read).0);
    assert_eq!(code(&ran), code(&read));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--strategies", "threshold", "--seeds", "5"],
            "seeds differ",
        ),
        (
            vec!["--strategies", "ai_mdr", "--seeds", "4"],
            "strategy threshold is not in the results",
        ),
        (
            vec![
                "--strategies",
                "threshold",
                "--seeds",
                "4",
                "--set",
                "params.malicious_at=0.7",
            ],
            "strategy threshold is defined differently",
        ),
    ];
    for (i, (args, needle)) in cases.iter().enumerate() {
        let out = dir.path().join(format!("r{i}"));
        eval(&out, args);
        let o = mdrsim(&["claims", f, "--results", out.to_str().unwrap()]);
        assert_eq!(code(&o), 2);
        assert!(text(&o).1.contains(needle), "{needle:?}: {}", text(&o).1);
    }
}

/// `error: FILE:LINE: FIELD: …`, one line, exit 2.
fn refused(o: &Output, file: &Path, line: usize, field: &str) {
    let (out, err) = text(o);
    assert_eq!(code(o), 2, "{out}{err}");
    let prefix = format!("error: {}:{line}: {field}:", file.display());
    assert!(err.starts_with(&prefix), "expected {prefix:?}, got {err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn malformed_claims_files_name_file_line_and_field() {
    let dir = temp();
    let good = "[[claims]]\nclaim = \"escalation_rate <= 0.05\"\nscenario = \"quiet-period\"\n";
    // (replace this, with this, line, field); the header takes lines 1–3.
    let cases = [
        (
            "escalation_rate <= 0.05",
            "escalation_rate =< 0.05",
            5,
            "claims[0].claim",
        ),
        (
            "escalation_rate <= 0.05",
            "escalations <= 0.05",
            5,
            "claims[0].claim",
        ),
        (
            "escalation_rate <= 0.05",
            "escalation_rate <= 15m",
            5,
            "claims[0].claim",
        ),
        ("\"quiet-period\"", "\"../../etc\"", 6, "claims[0].scenario"),
        ("scenario =", "scenari =", 6, "claims[0].scenari"),
    ];
    for (from, to, line, field) in cases {
        let f = claims_file(dir.path(), 4, &good.replace(from, to));
        refused(&mdrsim(&["claims", f.to_str().unwrap()]), &f, line, field);
    }
    let f = claims_file(dir.path(), 4, good);
    let t = std::fs::read_to_string(&f).unwrap();
    let header_cases = [
        ("seeds = 4", "seeds = \"four\"", 3, "seeds"),
        (
            "strategy = \"threshold\"",
            "strategy = \"nope\"",
            2,
            "strategy",
        ),
        (
            "seeds = 4",
            "seeds = 4\n[set]\n\"params.nope\" = 1",
            4,
            "set.\"params.nope\"",
        ),
        (
            "seeds = 4",
            "seeds = 4\n[set]\n\"params.malicious_at\" = 0.6",
            4,
            "set.\"params.malicious_at\"",
        ),
    ];
    for (from, to, line, field) in header_cases {
        std::fs::write(&f, t.replacen(from, to, 1)).unwrap();
        refused(&mdrsim(&["claims", f.to_str().unwrap()]), &f, line, field);
    }
}

#[test]
fn malformed_policy_files_name_file_line_and_field() {
    let (_, results, _) = baseline();
    let dir = temp();
    let good = std::fs::read_to_string(repo("examples/ci/regression-policy.toml")).unwrap();
    let line_of = |needle: &str| good.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let cases = [
        (
            "worse = \"lower\"",
            "worse = \"down\"",
            "metrics.containment_rate.worse",
        ),
        (
            "allow = \"10m\"",
            "allow = \"10x\"",
            "metrics.time_to_resolution.p50.allow",
        ),
        ("allow = \"10%\"", "allow = \"-10%\"", "metrics.cost.allow"),
        (
            "[metrics.escalation_rate]",
            "[metrics.escalations]",
            "metrics.escalations",
        ),
    ];
    for (from, to, field) in cases {
        let f = dir.path().join("policy.toml");
        std::fs::write(&f, good.replacen(from, to, 1)).unwrap();
        let o = check(results, &["--policy", f.to_str().unwrap()]);
        refused(&o, &f, line_of(from), field);
    }
}

#[test]
fn the_ci_workflow_commands_run_and_pass() {
    // Every `run:` line of the example workflow that calls mdrsim, as GitHub's bash runs
    // it, with the binary on PATH and the runner's folders in a temp dir.
    let workflow = std::fs::read_to_string(repo("examples/ci/mdrsim-check.yml")).unwrap();
    let runs: Vec<&str> = workflow
        .lines()
        .filter_map(|l| l.trim().strip_prefix("run: "))
        .filter(|l| l.starts_with("mdrsim "))
        .collect();
    assert_eq!(runs.len(), 3, "eval, check and claims: {runs:?}");
    let dir = temp();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_mdrsim"), bin.join("mdrsim")).unwrap();
    let summary = dir.path().join("summary.md");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for run in runs {
        let o = std::process::Command::new("bash")
            .args(["-eo", "pipefail", "-c", run])
            .current_dir(repo(""))
            .env("PATH", &path)
            .env("RUNNER_TEMP", dir.path())
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap();
        assert_eq!(code(&o), 0, "{run}: {}{}", text(&o).0, text(&o).1);
    }
    let report = std::fs::read_to_string(dir.path().join("check.md")).unwrap();
    assert!(report.contains("0 regressed"), "{report}");
    assert!(report.contains("0 fail, 0 inconclusive"), "{report}");
    assert!(
        std::fs::read_to_string(summary)
            .unwrap()
            .contains("| strategy")
    );
}

#[test]
fn claims_and_check_tables_for_fixed_seeds() {
    let dir = temp();
    let body = "[[claims]]\nsays = \"Under 5% escalated\"\nclaim = \"escalation_rate <= 0.05\"\n\
                [[claims]]\nclaim = \"containment_rate >= 0.9\"\n\
                [[claims]]\nclaim = \"malicious_recall >= 0.25\"\n\
                [[claims]]\nclaim = 'detect_to_contain.p50 <= \"30m\"'\nscenario = \"friday-night-ransomware\"\n";
    let f = claims_file(dir.path(), 4, body);
    let o = mdrsim(&["claims", f.to_str().unwrap(), "--format", "md"]);
    let claims = text(&o).0.replace(f.to_str().unwrap(), "CLAIMS.toml");
    let degraded = dir.path().join("degraded");
    eval(
        &degraded,
        &[
            "--strategies",
            "threshold,ai_mdr",
            "--seeds",
            "8",
            "--set",
            "provider.pools.analysts.size=1",
        ],
    );
    let check = text(&check(&degraded, &[])).0;
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("claims_threshold_seeds_1_4", claims);
        insta::assert_snapshot!("check_threshold_one_analyst_seeds_1_8", check);
    });
}

#[test]
fn the_readme_claims_example_is_what_the_binary_prints() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let marker = "$ mdrsim claims examples/claims/ai-mdr.toml\n";
    let start = readme.find(marker).expect("the README shows a claims run") + marker.len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_mdrsim"))
        .args(["claims", "examples/claims/ai-mdr.toml"])
        .current_dir(repo(""))
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "two of its claims fail");
    assert_eq!(text(&o).0, shown);
}

/// A rate with no events is not proven to be zero: dismiss_all escalates nothing, and
/// "escalates under 0.001% of alerts" must not pass on ~22,000 alerts (the Wilson upper
/// end of 0 of n is 3.84/(n + 3.84), about 0.017%); it passed with a 0–0 interval.
#[test]
fn a_claim_on_a_rate_with_no_events_is_not_proven_by_zero() {
    let dir = temp();
    let p = dir.path().join("zero.toml");
    std::fs::write(
        &p,
        format!(
            "suite = [{:?}]\nstrategy = \"dismiss_all\"\nseeds = 4\n\
             [[claims]]\nclaim = \"escalation_rate <= 0.00001\"\n\
             [[claims]]\nclaim = \"escalation_rate <= 0.01\"\n",
            repo("scenarios").to_str().unwrap()
        ),
    )
    .unwrap();
    let o = mdrsim(&["claims", p.to_str().unwrap(), "--format", "json"]);
    let out = claims_json(&o);
    assert_eq!(out[0]["estimate"], 0.0);
    let (n, hi) = (
        out[0]["n"].as_f64().unwrap(),
        out[0]["ci_high"].as_f64().unwrap(),
    );
    assert!(
        (hi - 3.8415 / (n + 3.8415)).abs() < 1e-6,
        "{hi} for n = {n}"
    );
    assert_eq!(out[0]["verdict"], "inconclusive", "{}", text(&o).0);
    // A bound the data can support still passes.
    assert_eq!(out[1]["verdict"], "pass", "{}", text(&o).0);
}
