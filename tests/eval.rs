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
        let run = column::<UInt64Array>(&b, "run");
        let sc = column::<StringArray>(&b, "scenario");
        let st = column::<StringArray>(&b, "strategy");
        let seed = column::<UInt64Array>(&b, "seed");
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
        "timeline.parquet",
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

const FILES: [&str; 6] = [
    "runs.parquet",
    "alerts.parquet",
    "campaigns.parquet",
    "backlog.parquet",
    "timeline.parquet",
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
    let parts = dir.path().join(".resumed.mdrsim-staging/parts");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let done = std::fs::read_dir(&parts)
            .map(|d| {
                d.filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "mdrsim-part"))
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
        !resumed.exists(),
        "an interrupted eval leaves no results folder, only its staging folder"
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
    let mut beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(
        beside,
        [
            ".resumed.mdrsim-lock",
            ".whole.mdrsim-lock",
            "resumed",
            "whole"
        ],
        "no staging folder is left beside the result (only the lock files)"
    );
}

/// Typed access to a column of a result table.
fn column<'a, T: 'static>(b: &'a arrow_array::RecordBatch, name: &str) -> &'a T {
    b.column_by_name(name)
        .unwrap_or_else(|| panic!("column {name}"))
        .as_any()
        .downcast_ref::<T>()
        .unwrap_or_else(|| panic!("column {name} has another type"))
}

fn opt_u64(a: &UInt64Array, i: usize) -> Option<u64> {
    (!a.is_null(i)).then(|| a.value(i))
}

fn opt_verdict(a: &StringArray, i: usize) -> Option<mdrsim::event::Verdict> {
    use mdrsim::event::Verdict;
    (!a.is_null(i)).then(|| match a.value(i) {
        "malicious" => Verdict::Malicious,
        "benign" => Verdict::Benign,
        other => panic!("unknown verdict {other}"),
    })
}

/// Every run's alert and campaign records, read back from the two tables alone.
fn records_from_tables(
    out: &std::path::Path,
) -> std::collections::BTreeMap<u64, mdrsim::score::RunRecords> {
    use arrow_array::{BooleanArray, ListArray};
    use mdrsim::event::Truth;
    use mdrsim::ids::{CampaignId, RuleId};
    use mdrsim::scenario::spec::Severity;
    use mdrsim::score::{AlertRecord, CampaignRecord, RunRecords, TriageOutcome, Wait};
    let read = mdrsim::harness::tables::read_parquet;
    let mut runs: std::collections::BTreeMap<u64, RunRecords> = Default::default();
    let mut campaign_index: std::collections::BTreeMap<(u64, String), u32> = Default::default();
    for b in read(&out.join("campaigns.parquet")).unwrap() {
        let run = column::<UInt64Array>(&b, "run");
        let name = column::<StringArray>(&b, "name");
        let idx = column::<UInt64Array>(&b, "campaign");
        let started = column::<UInt64Array>(&b, "started_at_ms");
        let detected = column::<UInt64Array>(&b, "detected_at_ms");
        let contained = column::<UInt64Array>(&b, "contained_at_ms");
        let censored = column::<BooleanArray>(&b, "censored");
        let impact = column::<BooleanArray>(&b, "impact");
        let radius = column::<UInt64Array>(&b, "blast_radius");
        let incidental = column::<BooleanArray>(&b, "stopped_incidentally");
        let suppressed = column::<BooleanArray>(&b, "suppressed");
        let objective = column::<StringArray>(&b, "objective");
        let worth = column::<arrow_array::Float64Array>(&b, "stated_worth");
        for i in 0..b.num_rows() {
            let rec = runs.entry(run.value(i)).or_insert_with(|| RunRecords {
                horizon_ms: 0,
                alerts: Vec::new(),
                campaigns: Vec::new(),
                staffed_hours: [0.0, 0.0],
                first_strategy_error: None,
            });
            // The table holds attack campaigns only, in index order; an authorised
            // look-alike sequence keeps its index (a placeholder here).
            assert!(
                idx.value(i) >= rec.campaigns.len() as u64,
                "campaigns in order"
            );
            while (rec.campaigns.len() as u64) < idx.value(i) {
                rec.campaigns.push(CampaignRecord {
                    malicious: false,
                    started_at_ms: None,
                    detected_at_ms: None,
                    contained_at_ms: None,
                    stopped_incidentally: false,
                    suppressed: false,
                    impact: false,
                    blast_radius: 0,
                    objective: Default::default(),
                    stated_worth: None,
                });
            }
            assert_eq!(censored.value(i), contained.is_null(i));
            campaign_index.insert(
                (run.value(i), name.value(i).to_string()),
                idx.value(i) as u32,
            );
            rec.campaigns.push(CampaignRecord {
                malicious: true,
                started_at_ms: opt_u64(started, i),
                detected_at_ms: opt_u64(detected, i),
                contained_at_ms: opt_u64(contained, i),
                stopped_incidentally: incidental.value(i),
                suppressed: suppressed.value(i),
                impact: impact.value(i),
                blast_radius: radius.value(i),
                objective: serde_json::from_value(serde_json::json!(objective.value(i)))
                    .expect("a known objective"),
                stated_worth: (!worth.is_null(i)).then(|| worth.value(i)),
            });
        }
    }
    // Every run has a row in runs.parquet, with its horizon (open waits end there).
    for b in read(&out.join("runs.parquet")).unwrap() {
        let run = column::<UInt64Array>(&b, "run");
        let horizon = column::<UInt64Array>(&b, "horizon_ms");
        let analysts = column::<arrow_array::Float64Array>(&b, "staffed_analyst_hours");
        let experts = column::<arrow_array::Float64Array>(&b, "staffed_expert_hours");
        for i in 0..b.num_rows() {
            let rec = runs.entry(run.value(i)).or_insert_with(|| RunRecords {
                horizon_ms: 0,
                alerts: Vec::new(),
                campaigns: Vec::new(),
                staffed_hours: [0.0, 0.0],
                first_strategy_error: None,
            });
            rec.horizon_ms = horizon.value(i);
            // Staffing is the provider's schedule, not an alert's: runs.parquet has it.
            rec.staffed_hours = [analysts.value(i), experts.value(i)];
        }
    }
    for b in read(&out.join("alerts.parquet")).unwrap() {
        let run = column::<UInt64Array>(&b, "run");
        let alert = column::<UInt64Array>(&b, "alert");
        let raised = column::<UInt64Array>(&b, "raised_at_ms");
        let truth = column::<StringArray>(&b, "truth");
        let campaign = column::<StringArray>(&b, "campaign");
        let queued = column::<UInt64Array>(&b, "queued_at_ms");
        let wait = column::<arrow_array::Float64Array>(&b, "queue_wait_s");
        let triage = column::<StringArray>(&b, "triage");
        let escalated = column::<BooleanArray>(&b, "escalated");
        let expired = column::<BooleanArray>(&b, "expired");
        let verdict = column::<StringArray>(&b, "verdict");
        let verdict_at = column::<UInt64Array>(&b, "verdict_at_ms");
        let resolves = column::<BooleanArray>(&b, "evidence_resolves");
        let customer = column::<StringArray>(&b, "customer_verdict");
        let queries = column::<UInt64Array>(&b, "evidence_count");
        let provider = column::<UInt64Array>(&b, "provider_work_ms");
        let customer_ms = column::<UInt64Array>(&b, "customer_work_ms");
        let false_cont = column::<UInt64Array>(&b, "false_containments");
        let disruption = column::<UInt64Array>(&b, "disruption_ms");
        let errors = column::<UInt64Array>(&b, "strategy_errors");
        let tier = |t: &str| column::<UInt64Array>(&b, t);
        let tiers = [
            tier("disruption_low_ms"),
            tier("disruption_medium_ms"),
            tier("disruption_high_ms"),
            tier("disruption_critical_ms"),
        ];
        let erad = [
            tier("credential_resets"),
            tier("host_reimages"),
            tier("grant_revocations"),
        ];
        let callouts = tier("on_call_callouts");
        let automation = tier("automation_actions");
        let confidence = column::<arrow_array::Float64Array>(&b, "confidence");
        let started = column::<ListArray>(&b, "wait_started_ms");
        let ended = column::<ListArray>(&b, "wait_ended_ms");
        for i in 0..b.num_rows() {
            let r = run.value(i);
            let rec = runs.entry(r).or_insert_with(|| RunRecords {
                horizon_ms: 0,
                alerts: Vec::new(),
                campaigns: Vec::new(),
                staffed_hours: [0.0, 0.0],
                first_strategy_error: None,
            });
            assert_eq!(alert.value(i), rec.alerts.len() as u64, "alerts in order");
            let queued_at_ms = opt_u64(queued, i);
            let (from, until) = (started.value(i), ended.value(i));
            let from = from.as_any().downcast_ref::<UInt64Array>().unwrap();
            let until = until.as_any().downcast_ref::<UInt64Array>().unwrap();
            rec.alerts.push(AlertRecord {
                alert: alert.value(i) as u32,
                raised_at_ms: raised.value(i),
                // Rule and severity do not enter any metric.
                rule: RuleId(0),
                severity: Severity::Low,
                truth: (!truth.is_null(i)).then(|| match truth.value(i) {
                    "malicious" => Truth::Malicious,
                    "benign_positive" => Truth::BenignPositive,
                    "false_positive" => Truth::FalsePositive,
                    other => panic!("unknown truth {other}"),
                }),
                campaign: (!campaign.is_null(i))
                    .then(|| CampaignId(campaign_index[&(r, campaign.value(i).to_string())])),
                queued_at_ms,
                // The table keeps the wait in seconds; milliseconds are exact in f64.
                first_pickup_ms: (!wait.is_null(i))
                    .then(|| queued_at_ms.unwrap() + (wait.value(i) * 1000.0).round() as u64),
                triage: (!triage.is_null(i)).then(|| match triage.value(i) {
                    "investigated" => TriageOutcome::Investigated,
                    "escalated" => TriageOutcome::Escalated,
                    "dismissed" => TriageOutcome::Dismissed,
                    other => panic!("unknown triage {other}"),
                }),
                escalated: escalated.value(i),
                expired: expired.value(i),
                verdict: opt_verdict(verdict, i),
                verdict_at_ms: opt_u64(verdict_at, i),
                confidence: (!confidence.is_null(i)).then(|| confidence.value(i)),
                evidence_resolves: !resolves.is_null(i) && resolves.value(i),
                customer_verdict: opt_verdict(customer, i),
                context_queries: queries.value(i),
                provider_work_ms: provider.value(i),
                customer_work_ms: customer_ms.value(i),
                false_containments: false_cont.value(i),
                disruption_ms: disruption.value(i),
                disruption_by_tier_ms: tiers.map(|t| t.value(i)),
                eradications: erad.map(|t| t.value(i)),
                on_call_callouts: callouts.value(i),
                automation_actions: automation.value(i),
                strategy_errors: errors.value(i),
                waits: (0..from.len())
                    .map(|k| Wait {
                        from_ms: from.value(k),
                        until_ms: opt_u64(until, k),
                    })
                    .collect(),
            });
        }
    }
    runs
}

#[test]
fn runs_metrics_recompute_from_the_alert_and_campaign_tables() {
    // The whole built-in suite, every strategy: escalations, expert hand-offs, expiry
    // under overload, customer work, false containments and censored campaigns all
    // occur somewhere.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let suite = repo("scenarios");
    let o = mdrsim(&[
        "eval",
        "--suite",
        suite.to_str().unwrap(),
        "--seeds",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let runs = mdrsim::harness::tables::read_runs(&out.join("runs.parquet")).unwrap();
    let records = records_from_tables(&out);
    let ids: BTreeSet<u64> = runs.iter().map(|r| r.run).collect();
    assert!(
        records.keys().all(|r| ids.contains(r)),
        "rows of unknown runs"
    );
    let nothing = mdrsim::score::RunRecords {
        horizon_ms: 0,
        alerts: Vec::new(),
        campaigns: Vec::new(),
        staffed_hours: [0.0, 0.0],
        first_strategy_error: None,
    };
    for r in &runs {
        let recomputed =
            mdrsim::score::Metrics::from_records(records.get(&r.run).unwrap_or(&nothing));
        assert_eq!(
            recomputed, r.metrics,
            "run {} ({}, {})",
            r.run, r.scenario, r.strategy
        );
    }
    let somewhere =
        |f: &dyn Fn(&mdrsim::score::Metrics) -> bool| runs.iter().any(|r| f(&r.metrics));
    assert!(somewhere(&|m| m.peak_backlog > 1));
    assert!(somewhere(&|m| m.false_containments > 0));
    assert!(somewhere(&|m| m.customer_work_hours > 0.0));
    assert!(somewhere(&|m| m.missed > 0));
    assert!(somewhere(&|m| m.contained > 0));
    assert!(somewhere(&|m| m.censored > 0));
    assert!(somewhere(&|m| m.evidence_coverage.is_some_and(|c| c > 0.0)));
    assert!(somewhere(&|m| m.disruption_hours > 0.0));
    assert!(somewhere(&|m| m.stopped_incidentally > 0));
    assert!(somewhere(&|m| m.unhandled > 0));
    assert!(somewhere(&|m| m.brier.is_some()));
    assert!(somewhere(&|m| m.detect_to_contain_p50_s.is_some()));
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

#[test]
fn resuming_parts_of_a_different_eval_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let parts = dir.path().join(".r.mdrsim-staging/parts");
    std::fs::create_dir_all(&parts).unwrap();
    std::fs::write(parts.join("manifest.json"), "{\"seeds\": [99]}\n").unwrap();
    let suite = repo("scenarios/identity-takeover.toml");
    let o = mdrsim(&[
        "eval",
        "--suite",
        suite.to_str().unwrap(),
        "--seeds",
        "2",
        "--resume",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("different eval"), "{err}");
    assert!(
        parts.join("manifest.json").exists(),
        "the other eval's parts are kept"
    );
}
