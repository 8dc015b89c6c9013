//! Recorded scenarios as files: identity, refusals, verbatim values, lint and the
//! README's figures.

use super::*;

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
