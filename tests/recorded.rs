//! Real recordings (datasets/): every sample imports, values stay verbatim, Sigma hits
//! on real data equal the independent expectations (the hand-derived LSASS table,
//! SigmaHQ's regression `match_count`, a count written from the rule's own logic), and
//! bad input is refused with file and line while nothing is written.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{mdrsim, repo};

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn files(dir: &str, ext: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(repo(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == ext)
                && !p.file_name().unwrap().to_string_lossy().starts_with('_')
        })
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn import(format: &str, inputs: &[String], out: &Path) -> String {
    let mut args = vec!["import", format];
    args.extend(inputs.iter().map(String::as_str));
    args.extend(["--out", out.to_str().unwrap()]);
    ok(&mdrsim(&args))
}

fn hits(recording: &Path, rules: &[PathBuf]) -> Vec<serde_json::Value> {
    let mut args = vec![
        "detect".to_string(),
        recording.display().to_string(),
        "--rules".into(),
    ];
    args.extend(rules.iter().map(|p| p.display().to_string()));
    args.extend(["--format".into(), "json".into()]);
    let out = ok(&mdrsim(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    ));
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn records(recording: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(recording).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    lines[1..lines.len() - 1]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const LSASS: &str = "datasets/otrf/atomic/windows/credential_access/psh_lsass_memory_dump_comsvcs";
const SAML: &str = "datasets/otrf/compound/GoldenSAMLADFSMailAccess";
const AWS: &str = "datasets/otrf/atomic/aws/collection/ec2_proxy_s3_exfiltration";

#[test]
fn lsass_hits_equal_the_independent_table() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("lsass.jsonl");
    let out = import("otrf", &files(LSASS, "json"), &rec);
    assert!(out.contains("184 records (184 windows)"), "{out}");
    let got: Vec<(u64, String)> = hits(&rec, &[repo("datasets/sigmahq/rules")])
        .iter()
        .map(|h| {
            (
                h["line"].as_u64().unwrap(),
                h["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // derived/lsass_comsvcs_expected_sigma_hits.tsv: made by a hand-written Python check
    // of each rule's selection, not by mdrsim.
    let tsv = std::fs::read_to_string(repo(
        "datasets/derived/lsass_comsvcs_expected_sigma_hits.tsv",
    ))
    .unwrap();
    let mut want: Vec<(u64, String)> = tsv
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c[0].parse().unwrap(), c[4].to_string())
        })
        .collect();
    let mut got_sorted = got.clone();
    got_sorted.sort();
    want.sort();
    assert_eq!(got_sorted, want);
    // Each match names the rule's author (Detection Rule License).
    for h in hits(&rec, &[repo("datasets/sigmahq/rules")]) {
        assert!(!h["author"].as_str().unwrap().is_empty());
    }
    // The Security 4688 row has only a 12-hour, AM/PM-less TimeCreated (07:50:05.910);
    // the file's Sysmon rows show UtcTime − TimeCreated = 16 h, so it is 23:50:05.910Z,
    // the same instant as Sysmon's process creation (line 107).
    let rs = records(&rec);
    let at = |line: u64| {
        rs.iter().find(|r| r["line"] == line).unwrap()["time_ms"]
            .as_i64()
            .unwrap()
    };
    let expected = "2020-10-18T23:50:05.910Z"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_millisecond();
    assert_eq!((at(17), at(107)), (expected, expected));
}

#[test]
fn regression_samples_match_their_count() {
    let dir = tempfile::tempdir().unwrap();
    let root = repo("datasets/sigmahq/regression_data/rules/windows");
    let mut samples = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() == "info.yml" {
                samples.push(p.parent().unwrap().to_path_buf());
            }
        }
    }
    samples.sort();
    assert_eq!(samples.len(), 3);
    for s in samples {
        let info = std::fs::read_to_string(s.join("info.yml")).unwrap();
        let id = info
            .lines()
            .find_map(|l| l.trim().strip_prefix("- id: "))
            .unwrap()
            .to_string();
        // A positive detection test without match_count expects one match.
        let count: usize = info
            .lines()
            .find_map(|l| l.trim().strip_prefix("match_count: "))
            .map_or(1, |n| n.parse().unwrap());
        let json = s.join(format!("{id}.json"));
        let rec = dir.path().join(format!("{id}.jsonl"));
        import("evtx-json", &[json.display().to_string()], &rec);
        let matched = hits(&rec, &[repo("datasets/sigmahq/rules")])
            .iter()
            .filter(|h| h["rule_id"] == id.as_str())
            .count();
        assert_eq!(matched, count, "{}", s.display());
    }
}

#[test]
fn golden_saml_keeps_the_real_operation_name() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("saml.jsonl");
    let inputs: Vec<String> = files(SAML, "json");
    let out = import("otrf", &inputs, &rec);
    assert!(
        out.contains(
            "52 records (4 azure_ad_audit, 9 m365_defender, 1 office_activity, 38 windows)"
        ),
        "{out}"
    );
    let rs = records(&rec);
    let names: Vec<&str> = rs
        .iter()
        .filter(|r| r["kind"] == "azure_ad_audit")
        .map(|r| r["fields"]["OperationName"].as_str().unwrap())
        .collect();
    // The en dash and the trailing space are the recording's, byte for byte.
    assert!(names.contains(&"Update application \u{2013} Certificates and secrets management "));
    // SigmaHQ's rule spells it without the trailing space: on the real value it does not
    // fire; on the transcription the identity-takeover scenario used, it does.
    let rule = repo("datasets/sigmahq/rules/cloud/azure/audit_logs/azure_app_credential_added.yml");
    assert_eq!(hits(&rec, std::slice::from_ref(&rule)).len(), 0);
    let aad = std::fs::read_to_string(Path::new(&inputs[0])).unwrap();
    assert!(inputs[0].ends_with("AADAuditEvents.json"));
    let transcribed = dir.path().join("AADAuditEvents.json");
    std::fs::write(&transcribed, aad.replace("management \"", "management\"")).unwrap();
    let rec2 = dir.path().join("transcribed.jsonl");
    import("otrf", &[transcribed.display().to_string()], &rec2);
    assert_eq!(hits(&rec2, &[rule]).len(), 2);
    // The delegated-permission rule fires on the real grant.
    let grant = repo(
        "datasets/sigmahq/rules/cloud/azure/audit_logs/azure_app_delegated_permissions_all_users.yml",
    );
    assert_eq!(hits(&rec, &[grant]).len(), 1);
}

#[test]
fn cloudtrail_hits_follow_the_rules_own_logic() {
    let dir = tempfile::tempdir().unwrap();
    let input = files(AWS, "json");
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    assert!(import("otrf", &input, &a).contains("103 records (103 cloudtrail)"));
    assert!(import("cloudtrail", &input, &b).contains("103 records (103 cloudtrail)"));
    // Counted from the raw rows with the rules' selections written out by hand.
    let raw: Vec<serde_json::Value> = std::fs::read_to_string(&input[0])
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let assume = raw
        .iter()
        .filter(|r| {
            r["userIdentity"]["type"] == "AssumedRole"
                && r["userIdentity"]["sessionContext"]["sessionIssuer"]["type"] == "Role"
        })
        .count();
    let list_buckets = raw
        .iter()
        .filter(|r| {
            r["eventSource"] == "s3.amazonaws.com"
                && r["eventName"] == "ListBuckets"
                && r["userIdentity"]["type"] != "AssumedRole"
        })
        .count();
    let rules = repo("datasets/sigmahq/rules/cloud/aws/cloudtrail");
    let found = hits(&b, &[rules]);
    let by = |id: &str| found.iter().filter(|h| h["rule_id"] == id).count();
    assert_eq!(by("905d389b-b853-46d0-9d3d-dea0d3a3cd49"), assume);
    assert!(assume > 0);
    // Both ListBuckets calls come from the stolen role: the rule filters them out.
    assert_eq!(list_buckets, 0);
    assert_eq!(by("f305fd62-beca-47da-ad95-7690a0620084"), list_buckets);
}

/// `error: FILE: line N: …`, exit 2, and the output not written.
fn refused(args: &[&str], out: &Path, needle: &str) {
    let o = mdrsim(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "{needle:?} not in {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!out.exists(), "nothing half-imported is written");
}

#[test]
fn bad_recordings_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let o = out.to_str().unwrap();
    let d = dir.path();
    let lsass = std::fs::read_to_string(&files(LSASS, "json")[0]).unwrap();
    // Truncated in the middle of line 3.
    let cut: String = lsass.lines().take(3).collect::<Vec<_>>().join("\n");
    let truncated = d.join("truncated.json");
    std::fs::write(&truncated, &cut[..cut.len() - 40]).unwrap();
    refused(
        &["import", "otrf", truncated.to_str().unwrap(), "--out", o],
        &out,
        "line 3: truncated or invalid JSON",
    );
    // A CloudTrail file given to the EVTX importer: an unknown layout.
    let aws = files(AWS, "json");
    refused(
        &["import", "evtx-json", &aws[0], "--out", o],
        &out,
        "line 1: unknown layout",
    );
    // Azure AD rows without their timestamps.
    let aad = std::fs::read_to_string(repo(&format!("{SAML}/AADAuditEvents.json"))).unwrap();
    let no_time = d.join("no-time.json");
    let stripped: Vec<String> = aad
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            let m = v.as_object_mut().unwrap();
            m.remove("TimeGenerated");
            m.remove("ActivityDateTime");
            v.to_string()
        })
        .collect();
    std::fs::write(&no_time, stripped.join("\n")).unwrap();
    refused(
        &["import", "otrf", no_time.to_str().unwrap(), "--out", o],
        &out,
        "line 1: no timestamp",
    );
    // Security rows alone: their AM/PM-less local time cannot be corrected.
    let security_only: Vec<&str> = lsass
        .lines()
        .filter(|l| l.contains("\"Channel\":\"Security\""))
        .collect();
    let sec = d.join("security.json");
    std::fs::write(&sec, security_only.join("\n")).unwrap();
    refused(
        &["import", "otrf", sec.to_str().unwrap(), "--out", o],
        &out,
        "12-hour clock without AM/PM",
    );
    // A file of the wrong kind: the EVTX binary itself.
    let evtx = std::fs::read_dir(repo("datasets/sigmahq/regression_data/rules/windows/process_access/proc_access_win_susp_dbgcore_dbghelp_load"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "evtx"))
        .unwrap();
    refused(
        &["import", "evtx-json", evtx.to_str().unwrap(), "--out", o],
        &out,
        "an EVTX binary",
    );
    // An existing recording is left as it was when an import fails.
    import("otrf", &files(LSASS, "json"), &out);
    let before = std::fs::read(&out).unwrap();
    let o2 = mdrsim(&["import", "otrf", truncated.to_str().unwrap(), "--out", o]);
    assert_eq!(o2.status.code(), Some(2));
    assert_eq!(std::fs::read(&out).unwrap(), before);
    // A damaged recording is refused when read.
    let mut damaged = before.clone();
    let i = damaged.len() / 2;
    damaged[i] = if damaged[i] == b'a' { b'b' } else { b'a' };
    let bad = d.join("damaged.jsonl");
    std::fs::write(&bad, damaged).unwrap();
    let o3 = mdrsim(&[
        "detect",
        bad.to_str().unwrap(),
        "--rules",
        repo("datasets/sigmahq/rules").to_str().unwrap(),
    ]);
    assert_eq!(o3.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o3.stderr).contains("checksum mismatch"));
}

/// The attributes a class may carry and those it must: its own, its parents' (through
/// `extends`), and the profiles it `$include`s that the schema sample holds.
fn ocsf_class(file: &str) -> (Vec<String>, Vec<String>) {
    let root = repo("datasets/ocsf-schema");
    let mut allowed = Vec::new();
    let mut required: Vec<(String, bool)> = Vec::new();
    let mut chain = vec![root.join(file)];
    let mut seen = Vec::new();
    while let Some(path) = chain.pop() {
        let d: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let attrs = d["attributes"].as_object().unwrap();
        for (k, v) in attrs {
            if k == "$include" {
                for inc in v.as_array().into_iter().flatten() {
                    let p = root.join(inc.as_str().unwrap());
                    if p.exists() {
                        chain.push(p);
                    }
                }
                continue;
            }
            if !allowed.contains(k) {
                allowed.push(k.clone());
            }
            // The most derived class that states a requirement decides it.
            if let Some(req) = v["requirement"].as_str()
                && !required.iter().any(|(n, _)| n == k)
            {
                required.push((k.clone(), req == "required"));
            }
        }
        seen.push(path.clone());
        match d["extends"].as_str() {
            Some("base_event") => chain.push(root.join("events/base_event.json")),
            Some(parent) => chain.push(path.parent().unwrap().join(format!("{parent}.json"))),
            None => {}
        }
    }
    let required = required.into_iter().filter(|r| r.1).map(|r| r.0).collect();
    (allowed, required)
}

#[test]
fn ocsf_findings_carry_every_required_field() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.jsonl");
    ok(&mdrsim(&[
        "run",
        "--strategy",
        "legacy_mdr",
        "--seed",
        "1",
        "--events",
        log.to_str().unwrap(),
    ]));
    let out = dir.path().join("findings.jsonl");
    ok(&mdrsim(&[
        "ocsf",
        log.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    let found: Vec<serde_json::Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The log, read independently: alerts, verdicts and escalations.
    let events: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.get("payload").is_some())
        .collect();
    let count = |t: &str| events.iter().filter(|e| e["payload"]["type"] == t).count();
    let classes = std::fs::read_to_string(repo("datasets/ocsf-schema/classes.tsv")).unwrap();
    for (uid, file, n) in [
        (
            2004,
            "events/findings/detection_finding.json",
            count("alert_raised"),
        ),
        (
            2005,
            "events/findings/incident_finding.json",
            count("escalated"),
        ),
    ] {
        assert!(classes.lines().any(|l| l.starts_with(&format!("{uid}\t"))));
        let (allowed, required) = ocsf_class(file);
        let mine: Vec<&serde_json::Value> =
            found.iter().filter(|f| f["class_uid"] == uid).collect();
        assert_eq!(mine.len(), n, "class {uid}");
        assert!(n > 0);
        for f in mine {
            let obj = f.as_object().unwrap();
            for k in obj.keys() {
                assert!(
                    allowed.contains(k),
                    "{k} is not an attribute of class {uid}"
                );
            }
            for k in &required {
                assert!(obj.contains_key(k), "required {k} missing from class {uid}");
            }
            assert_eq!(
                f["type_uid"],
                uid * 100 + f["activity_id"].as_i64().unwrap()
            );
        }
    }
    // verdict_id 2 exactly for the alerts the provider called malicious.
    let malicious = events
        .iter()
        .filter(|e| {
            e["payload"]["type"] == "verdict_reached" && e["payload"]["verdict"] == "malicious"
        })
        .count();
    let tp = found
        .iter()
        .filter(|f| f["class_uid"] == 2004 && f["verdict_id"] == 2)
        .count();
    assert_eq!(tp, malicious);
    // And OCSF comes back in through the OCSF importer.
    let rec = dir.path().join("rec.jsonl");
    let said = import("ocsf", &[out.display().to_string()], &rec);
    assert!(
        said.contains(&format!("{} records ({} ocsf)", found.len(), found.len())),
        "{said}"
    );
}

#[test]
fn a_rules_folder_linking_to_itself_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let rule =
        "datasets/sigmahq/rules/windows/process_access/proc_access_win_lsass_dump_comsvcs_dll.yml";
    std::fs::copy(repo(rule), rules.join("r.yml")).unwrap();
    std::os::unix::fs::symlink(&rules, rules.join("loop")).unwrap();
    let rec = dir.path().join("lsass.jsonl");
    import("otrf", &files(LSASS, "json"), &rec);
    let out = ok(&mdrsim(&[
        "detect",
        rec.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]));
    assert!(
        out.starts_with("1 rule(s) over 184 record(s): 2 match(es)"),
        "{out}"
    );
}
