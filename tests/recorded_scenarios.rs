//! Recorded scenarios (`datasets/scenarios/`): real telemetry run through the same
//! detection, investigation and scoring as a synthetic world. Expected values come from
//! the datasets themselves (the raw files' timestamps, the hand-derived LSASS table),
//! not from the code under test; directional checks say what the world implies for
//! each kind of provider.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{HONEST, mdrsim, repo};
use mdrsim::event::{Envelope, Payload, Truth};
use mdrsim::scenario::Scenario;
use mdrsim::scenario::load::parse_spec;
use mdrsim::score::Metrics;
use mdrsim::sim::{RunOutput, Simulation};
use mdrsim::strategy::{self, BUILTIN};

const RECORDED: &[&str] = &[
    "datasets/scenarios/golden-saml.toml",
    "datasets/scenarios/lsass-comsvcs.toml",
    "datasets/scenarios/s3-exfiltration-overlay.toml",
];

fn load(rel: &str) -> Scenario {
    Scenario::load(&repo(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A variant of a scenario in `datasets/scenarios/`, compiled from edited text with its
/// relative paths made absolute (so it can live in a temporary folder).
fn variant(rel: &str, edit: impl Fn(String) -> String) -> Scenario {
    let text = std::fs::read_to_string(repo(rel)).unwrap();
    let base = repo("datasets/scenarios");
    let text = edit(text).replace("\"../", &format!("\"{}/../", base.display()));
    let path = Path::new("variant.toml");
    let spec = parse_spec(&text, path).expect("parses");
    Scenario::compile(spec, &text, path).expect("compiles")
}

fn run(sc: &Scenario, strategy_name: &str, seed: u64) -> RunOutput {
    let mut d = strategy::builtin(strategy_name, sc).unwrap();
    Simulation::new(sc, seed).run(&mut d)
}

fn metrics(out: &RunOutput) -> Metrics {
    Metrics::from_events(&out.header, out.log.events())
}

fn field<'a>(e: &'a Envelope, name: &str) -> Option<&'a str> {
    match &e.payload {
        Payload::TelemetryObserved { fields, .. } => fields.get(name).map(|v| &**v),
        _ => None,
    }
}

/// Malicious alerts raised in a run (whether or not the provider saw them).
fn malicious_raised(out: &RunOutput) -> usize {
    out.log
        .events()
        .iter()
        .filter(|e| {
            matches!(
                e.payload,
                Payload::AlertLabeled {
                    truth: Truth::Malicious,
                    ..
                }
            )
        })
        .count()
}

#[test]
fn every_builtin_runs_on_each_recorded_scenario_and_the_overlay() {
    for rel in RECORDED {
        let sc = load(rel);
        for name in BUILTIN {
            for seed in 1..=2 {
                let out = run(&sc, name, seed);
                let m = metrics(&out);
                assert_eq!(m.campaigns, 1, "{rel} {name}: one recorded campaign");
                let telemetry = out
                    .log
                    .events()
                    .iter()
                    .filter(|e| matches!(e.payload, Payload::TelemetryObserved { .. }))
                    .count();
                assert!(
                    telemetry > 0,
                    "{rel} {name}: the recording's records arrive"
                );
            }
        }
    }
}

/// Rule engines see the recorded attacks; providers that run no rules over these logs
/// (legacy_mdr, threshold, ai_soc: no EDR alert is in any recording) get no alert of it.
#[test]
fn only_providers_running_rules_over_the_logs_see_the_recorded_attacks() {
    // Malicious alerts each recording's rules raise: LSASS's four rows (the derived
    // table), Golden SAML's one grant, the eleven calls through the stolen role.
    let expected = [
        ("datasets/scenarios/golden-saml.toml", 1),
        ("datasets/scenarios/lsass-comsvcs.toml", 4),
        ("datasets/scenarios/s3-exfiltration-overlay.toml", 11),
    ];
    for (rel, n) in expected {
        let sc = load(rel);
        for name in ["ai_mdr", "escalate_all", "dismiss_all"] {
            let m = metrics(&run(&sc, name, 1));
            assert_eq!(
                m.malicious_alerts, n,
                "{rel}: {name} runs rules over every source"
            );
        }
        // The oracle contains at the first alert, so later attack records (and their
        // alerts) may never happen.
        let m = metrics(&run(&sc, "oracle", 1));
        assert!(
            (1..=n).contains(&m.malicious_alerts),
            "{rel}: oracle saw {}",
            m.malicious_alerts
        );
        for name in ["legacy_mdr", "threshold", "ai_soc"] {
            let m = metrics(&run(&sc, name, 1));
            assert_eq!(m.malicious_alerts, 0, "{rel}: {name} runs no rules");
            assert_eq!(m.contained, 0, "{rel}: {name} never learns of it");
        }
    }
}

/// The simulation's LSASS alerts are exactly the hand-derived table's rows: rule id and
/// title, the record's event id and its time field.
#[test]
fn lsass_alerts_are_the_derived_tables_rows() {
    let table = std::fs::read_to_string(repo(
        "datasets/derived/lsass_comsvcs_expected_sigma_hits.tsv",
    ))
    .unwrap();
    let mut expected: Vec<(String, String, String)> = table
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c[5].to_string(), c[1].to_string(), c[3].to_string())
        })
        .collect();
    expected.sort();
    let sc = load("datasets/scenarios/lsass-comsvcs.toml");
    let out = run(&sc, "ai_mdr", 1);
    let events = out.log.events();
    let mut got: Vec<(String, String, String)> = events
        .iter()
        .filter_map(|e| match &e.payload {
            Payload::AlertRaised {
                rule, telemetry, ..
            } => {
                let record = events.iter().find(|r| Some(r.seq) == *telemetry)?;
                let time = field(record, "UtcTime").or(field(record, "TimeCreated"))?;
                Some((
                    out.header.rules[rule.index()].name.clone(),
                    field(record, "EventID")?.to_string(),
                    time.to_string(),
                ))
            }
            _ => None,
        })
        .collect();
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(
        malicious_raised(&out),
        4,
        "the table's rows are the attack's"
    );
}

/// Records arrive at `at` + (their recorded time − the first record's) × `scale`, with
/// times read here from the raw CloudTrail file, independently of the importer.
#[test]
fn records_arrive_at_their_recorded_offsets_kept_or_rescaled() {
    let raw: serde_json::Value = {
        let p = repo(
            "datasets/otrf/atomic/aws/collection/ec2_proxy_s3_exfiltration/ec2_proxy_s3_exfiltration_2020-09-14011940.json",
        );
        let text = std::fs::read_to_string(p).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        serde_json::Value::Array(lines)
    };
    let ms = |t: &str| t.parse::<jiff::Timestamp>().unwrap().as_millisecond();
    let times: Vec<(String, i64)> = raw
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["eventID"].as_str().unwrap().to_string(),
                // OTRF's copy keeps the time as `@timestamp` (raw CloudTrail: eventTime).
                ms(r.get("eventTime")
                    .unwrap_or(&r["@timestamp"])
                    .as_str()
                    .unwrap()),
            )
        })
        .collect();
    let t0 = times.iter().map(|t| t.1).min().unwrap();
    // Saturday 22:00 Pacific is 8 h after the scenario's start.
    let at = 8 * 3_600_000i64;
    for scale in [1.0f64, 30.0] {
        let sc = variant("datasets/scenarios/s3-exfiltration-overlay.toml", |t| {
            t.replace("scale = 1.0", &format!("scale = {scale:?}"))
        });
        let out = run(&sc, "dismiss_all", 1);
        let mut seen = 0;
        for e in out.log.events() {
            if let Some(id) = field(e, "eventID") {
                let (_, t) = times.iter().find(|(x, _)| x == id).unwrap();
                let want = at + ((t - t0) as f64 * scale).round() as i64;
                assert_eq!(e.at.ms() as i64, want, "scale {scale}: record {id}");
                seen += 1;
            }
        }
        assert_eq!(seen, times.len(), "every record arrives (nobody contains)");
    }
}

/// Containment stops later attack records: the oracle disables what the first alerts
/// name, so the mailbox is never read in Golden SAML, and a slower attacker (timing
/// rescaled) leaves fewer records before containment than the recorded tempo does.
#[test]
fn containment_suppresses_later_recorded_attack_records() {
    let sc = load("datasets/scenarios/golden-saml.toml");
    let reads = |out: &RunOutput| {
        out.log
            .events()
            .iter()
            .filter(|e| {
                field(e, "ActionType") == Some("MailItemsAccessed")
                    || field(e, "Operation") == Some("MailItemsAccessed")
            })
            .count()
    };
    let free = run(&sc, "dismiss_all", 1);
    assert_eq!(reads(&free), 2, "both sources record the mail access");
    assert_eq!(metrics(&free).impacted, 1);
    let contained = run(&sc, "oracle", 1);
    assert_eq!(reads(&contained), 0, "the oracle contains before the read");
    assert_eq!(metrics(&contained).contained, 1);

    let attack_records = |scale: f64| {
        let sc = variant("datasets/scenarios/s3-exfiltration-overlay.toml", |t| {
            t.replace("scale = 1.0", &format!("scale = {scale:?}"))
        });
        let out = run(&sc, "oracle", 1);
        out.log
            .events()
            .iter()
            .filter(|e| field(e, "userIdentity.type") == Some("AssumedRole"))
            .filter(|e| field(e, "sourceIPAddress") == Some("1.2.3.4"))
            .count()
    };
    let (kept, slow) = (attack_records(1.0), attack_records(30.0));
    assert!(
        slow < kept && kept < 11,
        "records before containment: recorded tempo {kept}, 30× slower {slow}"
    );
}

/// LSASS: the dump is one step of 84 ms; even the oracle, which knows at once, cannot
/// stop what is already done — the recall is perfect, the containment rate zero.
#[test]
fn an_atomic_dump_is_over_before_anyone_can_act() {
    let sc = load("datasets/scenarios/lsass-comsvcs.toml");
    let m = metrics(&run(&sc, "oracle", 1));
    assert_eq!(m.malicious_recall, Some(1.0));
    assert_eq!((m.contained, m.impacted), (0, 1));
}

/// Twin worlds: the recorded attack relabelled as an authorised exercise. Every honest
/// strategy must decide alike (the oracle, which reads truth, must not).
#[test]
fn recorded_labels_never_reach_honest_strategies() {
    let observable = |out: &RunOutput| -> Vec<Envelope> {
        out.log
            .events()
            .iter()
            .filter(|e| !matches!(e.payload, Payload::AlertLabeled { .. }))
            .take_while(|e| !matches!(e.payload, Payload::CustomerResolved { .. }))
            .cloned()
            .collect()
    };
    for rel in RECORDED {
        let real = load(rel);
        let twin = variant(rel, |t| {
            t.replace(
                "[[recordings]]\n",
                "[[recordings]]\ntruth = \"benign_positive\"\n",
            )
        });
        for name in HONEST {
            let (a, b) = (
                observable(&run(&real, name, 3)),
                observable(&run(&twin, name, 3)),
            );
            if let Some(i) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
                let show =
                    |e: Option<&Envelope>| format!("{e:?}").chars().take(300).collect::<String>();
                panic!(
                    "{rel}: {name} saw the label — the twins differ at event {i}:\n  {}\n  {}",
                    show(a.get(i)),
                    show(b.get(i))
                );
            }
        }
        let (a, b) = (run(&real, "oracle", 3), run(&twin, "oracle", 3));
        assert_ne!(
            observable(&a),
            observable(&b),
            "{rel}: positive control — the oracle reads truth"
        );
    }
}

/// The scenario's identity covers the recorded data: one changed byte in a record is a
/// different world; a comment is not.
#[test]
fn the_content_hash_follows_the_recorded_data() {
    let dir = tempfile::tempdir().unwrap();
    let src = repo("datasets/otrf/atomic/aws/collection/ec2_proxy_s3_exfiltration");
    let name = "ec2_proxy_s3_exfiltration_2020-09-14011940.json";
    let data = std::fs::read_to_string(src.join(name)).unwrap();
    let scenario_text =
        std::fs::read_to_string(repo("datasets/scenarios/s3-exfiltration-overlay.toml"))
            .unwrap()
            .replace(
                "\"../otrf/atomic/aws/collection/ec2_proxy_s3_exfiltration/",
                "\"",
            )
            .replace(
                "\"../",
                &format!("\"{}/../", repo("datasets/scenarios").display()),
            );
    let hash = |data: &str, text: &str| {
        std::fs::write(dir.path().join(name), data).unwrap();
        let path: PathBuf = dir.path().join("s.toml");
        std::fs::write(&path, text).unwrap();
        Scenario::load(&path).unwrap().content_hash
    };
    let original = hash(&data, &scenario_text);
    assert_eq!(
        original,
        hash(&data, &format!("# a comment\n{scenario_text}"))
    );
    let edited = data.replacen("1.2.3.4", "1.2.3.5", 1);
    assert_ne!(edited, data);
    assert_ne!(original, hash(&edited, &scenario_text));
}

/// Mistakes in a `[[recordings]]` entry are refused with the file, the field and what
/// is wrong, exit 2.
#[test]
fn bad_recording_entries_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        (
            "records = [\"17\", \"74\", \"76\", \"107\"]",
            "records = [\"17\", \"999\"]",
            "recordings[0].steps[0].records[1]: selects no record",
        ),
        (
            "at = \"2020-10-18T19:49:39.776-04:00\"",
            "at = \"2020-10-21T19:49:39.776-04:00\"",
            "recordings[0].at: must fall within the run",
        ),
        (
            "importer = \"otrf\"",
            "importer = \"cloudtrail\"",
            "recordings[0].files: cannot import",
        ),
        (
            "at = \"2020-10-18T19:49:39.776-04:00\"",
            "at = \"2020-10-18T19:49:39.776-04:00\"\nscale = 0.0",
            "recordings[0].scale: must be > 0",
        ),
    ];
    let base = std::fs::read_to_string(repo("datasets/scenarios/lsass-comsvcs.toml"))
        .unwrap()
        .replace(
            "\"../",
            &format!("\"{}/../", repo("datasets/scenarios").display()),
        );
    for (from, to, message) in cases {
        assert!(base.contains(from), "{from}");
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, base.replace(from, to)).unwrap();
        let out = mdrsim(&["run", "--scenario", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{to}: {err}");
        assert!(err.contains(message), "{to}: expected {message:?} in {err}");
        assert!(err.contains("bad.toml"), "names the file: {err}");
    }
    // A line that is in more than one input file must say which.
    let saml = std::fs::read_to_string(repo("datasets/scenarios/golden-saml.toml"))
        .unwrap()
        .replace(
            "\"../",
            &format!("\"{}/../", repo("datasets/scenarios").display()),
        )
        .replace("\"Microsoft365DefenderEvents.json:8\"", "\"8\"");
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, saml).unwrap();
    let out = mdrsim(&["run", "--scenario", path.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("write FILE:LINE"), "{err}");
}

/// The real values travel verbatim: the Golden SAML audit row keeps its trailing space
/// in what a telemetry query returns, so the SigmaHQ rule written without it is silent.
#[test]
fn recorded_values_stay_verbatim_in_the_world() {
    let sc = load("datasets/scenarios/golden-saml.toml");
    let out = run(&sc, "dismiss_all", 1);
    let names: BTreeSet<&str> = out
        .log
        .events()
        .iter()
        .filter_map(|e| field(e, "OperationName"))
        .collect();
    assert!(
        names.contains("Update application – Certificates and secrets management "),
        "{names:?}"
    );
    let rules: BTreeSet<&str> = out
        .log
        .events()
        .iter()
        .filter_map(|e| match &e.payload {
            Payload::AlertRaised { rule, .. } => Some(out.header.rules[rule.index()].name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        rules,
        BTreeSet::from(["Delegated Permissions Granted For All Users"])
    );
}

/// `lint` sees what recorded records can raise: in a pure recording only the attack
/// raises alerts (kept, with the reason, in the file), and in the overlay the real
/// attack's rule, severity and entities all have benign look-alikes.
#[test]
fn lint_weighs_recorded_alerts_by_their_labels() {
    use mdrsim::scenario::lint::lint;
    let (findings, _) = lint(&load("datasets/scenarios/lsass-comsvcs.toml"));
    let names: Vec<&str> = findings.iter().map(|f| f.finding.as_str()).collect();
    assert!(
        names.contains(&"rule sigma/Lsass Memory Dump via Comsvcs DLL"),
        "{names:?}"
    );
    assert!(findings.iter().all(|f| f.allowed.is_some()), "{findings:?}");
    let (findings, _) = lint(&load("datasets/scenarios/s3-exfiltration-overlay.toml"));
    assert_eq!(findings, vec![]);
    // Without the CI role's sessionIssuer field, the AssumeRole rule fires on the
    // attack alone: a free label the lint must report.
    let bare = variant("datasets/scenarios/s3-exfiltration-overlay.toml", |t| {
        t.replace(
            "\"userIdentity.sessionContext.sessionIssuer.type\" = \"Role\", ",
            "",
        )
    });
    let (findings, _) = lint(&bare);
    assert!(
        findings
            .iter()
            .any(|f| f.finding == "rule sigma/AWS STS AssumeRole Misuse"),
        "{findings:?}"
    );
}

/// The README's table for the overlay is what the binary prints.
#[test]
fn the_readme_overlay_table_is_what_the_binary_prints() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let start = readme
        .find("$ mdrsim eval --suite datasets/scenarios --seeds 16\n")
        .expect("the README shows the recorded suite's eval");
    let block: Vec<&str> = readme[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("```"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let out = mdrsim(&[
        "eval",
        "--suite",
        repo("datasets/scenarios").to_str().unwrap(),
        "--seeds",
        "16",
        "--out",
        dir.path().join("r").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let printed = String::from_utf8_lossy(&out.stdout);
    let at = printed
        .find(block[0])
        .expect("the overlay's table is printed");
    let lines: Vec<&str> = printed[at..].lines().take(block.len()).collect();
    assert_eq!(lines, block);
}
