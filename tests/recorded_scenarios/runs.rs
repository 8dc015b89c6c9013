//! What running a recorded scenario shows: who sees the attack, when records arrive,
//! what containment stops, and that labels never reach honest strategies.

use super::*;

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
        // These never contain, so every recorded call happens and raises its alert.
        for name in ["escalate_all", "dismiss_all"] {
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
        // ai_mdr runs the rules too but contains at a low belief: a containment decided
        // on an earlier benign alert can keep the attack's calls from happening at all.
        let m = metrics(&run(&sc, "ai_mdr", 1));
        assert!(
            m.malicious_alerts <= n,
            "{rel}: ai_mdr saw {}",
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

/// The oracle disables the account that ran the LSASS dump (the recorded attack's own
/// user) and isolates the host: neither is an innocent entity, so no disruption — the
/// old scoring charged 8 hours for it. The containments must really happen for this to
/// say anything.
#[test]
fn containing_the_lsass_attackers_own_account_is_not_disruption() {
    let sc = load("datasets/scenarios/lsass-comsvcs.toml");
    for seed in 1..=4 {
        let out = run(&sc, "oracle", seed);
        let executed = out
            .log
            .events()
            .iter()
            .filter(|e| matches!(e.payload, Payload::ContainmentExecuted { .. }))
            .count();
        assert!(executed >= 2, "seed {seed}: only {executed} containments");
        let m = metrics(&out);
        assert_eq!(m.false_containments, 0, "seed {seed}");
        assert_eq!(m.disruption_hours, 0.0, "seed {seed}");
    }
}
