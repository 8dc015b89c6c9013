//! `mdrsim lint` finds free labels — what only attacks produce — and the built-in suite
//! has none.

mod common;

use common::{mdrsim, repo};

/// A small world whose attack is given away twice: a rule and a telemetry value no
/// benign activity produces. `extra` is appended (e.g. a `[lint]` table).
fn world(extra: &str) -> String {
    format!(
        r#"name = "giveaway"
start = "2026-11-27T18:00:00Z"
horizon = "1d"

[[entities]]
id = "host:a"

[[benign]]
name = "noise"
source = "edr"
rule = "Suspicious script"
per_hour = 1
truth = "false_positive"
severity = "medium"
entities = ["host:a"]
score = 0.3
[[benign.telemetry]]
source = "process"
fields = {{ Signer = "trusted" }}

[[campaigns]]
name = "attack"
start = "1h"
[[campaigns.steps]]
id = "only-step"
technique = "T1486"
target = "host:a"
[[campaigns.steps.detect]]
source = "edr"
rule = "Ransom note written"
probability = 1.0
severity = "medium"
score = 0.9
[[campaigns.steps.telemetry]]
source = "process"
fields = {{ Signer = {{ trusted = 0.5, untrusted = 0.5 }} }}
{extra}"#
    )
}

fn lint(text: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("giveaway.toml");
    std::fs::write(&file, text).unwrap();
    mdrsim(&["lint", file.to_str().unwrap()])
}

#[test]
fn a_free_label_exits_1_and_is_named() {
    let o = lint(&world(""));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("free label: rule edr/Ransom note written"),
        "{out}"
    );
    assert!(
        out.contains("free label: telemetry process.Signer=untrusted"),
        "{out}"
    );
    // What benign activity also produces is not a finding.
    assert!(!out.contains("severity medium"), "{out}");
    assert!(!out.contains("Signer=trusted"), "{out}");
    assert!(out.contains("2 free label(s)"), "{out}");
}

#[test]
fn a_kept_finding_needs_a_reason() {
    let kept = world(
        r#"
[[lint.allow]]
finding = "rule edr/Ransom note written"
why = "a ransom note is never benign"

[[lint.allow]]
finding = "telemetry process.Signer=untrusted"
why = "test"
"#,
    );
    let o = lint(&kept);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("kept: rule edr/Ransom note written — a ransom note is never benign"));

    let no_reason = world("\n[[lint.allow]]\nfinding = \"severity medium\"\nwhy = \" \"\n");
    let o = lint(&no_reason);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("lint.allow[0].why"));
}

#[test]
fn the_built_in_suite_lints_clean() {
    let o = mdrsim(&["lint", repo("scenarios").to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("6 scenario(s), 0 free label(s)"), "{out}");
}
