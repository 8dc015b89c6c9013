//! Reports, the timeline table and `explain` through the real binary: capacity on
//! shift as the rota says (worked by hand), every chart present, hostile names drawn as
//! text, the Markdown report and glass-box stories for fixed seeds (snapshots), and the
//! cited records of every verdict resolved exactly. Rendering in a real browser:
//! tests/interop/check_report.py (headless Chromium).

mod common;

use std::path::Path;
use std::process::Output;

use common::{mdrsim, repo};

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn eval(out: &Path, extra: &[&str]) {
    ok(&mdrsim(
        &[
            &["eval", "--out", out.to_str().unwrap(), "--format", "json"][..],
            extra,
        ]
        .concat(),
    ));
}

/// A timeline row: kind, party, name, from (hours), to (hours), value.
type Row = (String, String, String, f64, Option<f64>, Option<u64>);

/// The rows of `run` in timeline.parquet.
fn timeline(dir: &Path, run: u64) -> Vec<Row> {
    use arrow_array::{Array, StringArray, UInt64Array};
    let file = std::fs::File::open(dir.join("timeline.parquet")).unwrap();
    let reader =
        parquet::arrow::arrow_reader::ParquetRecordBatchReader::try_new(file, 1024).unwrap();
    let mut out = Vec::new();
    for b in reader {
        let b = b.unwrap();
        let s = |n: &str| {
            b.column_by_name(n)
                .unwrap()
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap()
                .clone()
        };
        let u = |n: &str| {
            b.column_by_name(n)
                .unwrap()
                .as_any()
                .downcast_ref::<UInt64Array>()
                .unwrap()
                .clone()
        };
        let (r, kind, party, name, from, to, value) = (
            u("run"),
            s("kind"),
            s("party"),
            s("name"),
            u("from_ms"),
            u("to_ms"),
            u("value"),
        );
        for i in 0..b.num_rows() {
            if r.value(i) != run {
                continue;
            }
            out.push((
                kind.value(i).to_string(),
                if party.is_null(i) {
                    String::new()
                } else {
                    party.value(i).to_string()
                },
                name.value(i).to_string(),
                from.value(i) as f64 / 3.6e6,
                (!to.is_null(i)).then(|| to.value(i) as f64 / 3.6e6),
                (!value.is_null(i)).then(|| value.value(i)),
            ));
        }
    }
    out
}

#[test]
fn capacity_on_shift_follows_the_rota() {
    // friday-night-ransomware starts Friday 27 Nov 18:00 New York (UTC−5, after DST)
    // and lasts 72 h. legacy_mdr's analysts: 4 on weekdays 08–20, 1 otherwise →
    // Fri 18–20 four, then one until Monday 08:00 (62 h), then four until the end.
    // The customer: 2 people Mon–Fri 09–17 → none until Monday 09:00 (63 h), two until
    // 17:00 (71 h), none after.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    eval(
        &out,
        &[
            "--suite",
            repo("scenarios/friday-night-ransomware.toml")
                .to_str()
                .unwrap(),
            "--strategies",
            "legacy_mdr",
            "--seeds",
            "1",
        ],
    );
    let rows = timeline(&out, 0);
    let cap = |party: &str| -> Vec<(f64, Option<f64>, Option<u64>)> {
        rows.iter()
            .filter(|r| r.0 == "capacity" && r.1 == party)
            .map(|r| (r.3, r.4, r.5))
            .collect()
    };
    assert_eq!(
        cap("provider"),
        vec![
            (0.0, Some(2.0), Some(4)),
            (2.0, Some(62.0), Some(1)),
            (62.0, Some(72.0), Some(4))
        ]
    );
    assert_eq!(
        cap("customer"),
        vec![
            (0.0, Some(63.0), Some(0)),
            (63.0, Some(71.0), Some(2)),
            (71.0, Some(72.0), Some(0))
        ]
    );
    // Attack steps are named campaign/step and come in time order.
    let steps: Vec<&Row> = rows.iter().filter(|r| r.0 == "attack_step").collect();
    assert!(!steps.is_empty());
    assert!(steps.iter().all(|s| s.2.starts_with("ransomware/")));
    assert!(steps.windows(2).all(|w| w[0].3 <= w[1].3));
    // The manifest and runs carry the start, so offsets become dates.
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"start\": \"2026-11-27T18:00:00-05:00\""));
}

fn report(dir: &Path) -> (String, String) {
    ok(&mdrsim(&["report", dir.to_str().unwrap()]));
    (
        std::fs::read_to_string(dir.join("report.html")).unwrap(),
        std::fs::read_to_string(dir.join("report.md")).unwrap(),
    )
}

#[test]
fn the_report_has_every_chart_and_the_markdown_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    eval(
        &out,
        &[
            "--suite",
            repo("scenarios/friday-night-ransomware.toml")
                .to_str()
                .unwrap(),
            repo("scenarios/quiet-period.toml").to_str().unwrap(),
            "--strategies",
            "ai_mdr,legacy_mdr",
            "--seeds",
            "2",
        ],
    );
    let (html, md) = report(&out);
    for id in [
        "km-detect",
        "km-start",
        "tradeoff",
        "cost-impact",
        "cost-operating",
        "learning",
    ] {
        assert!(html.contains(&format!("<figure id=\"fig-{id}\">")), "{id}");
    }
    // A week per scenario and strategy.
    assert_eq!(html.matches("<figure id=\"fig-week-").count(), 4);
    assert_eq!(html.matches("<svg ").count(), 10);
    // Self-contained: no script, nothing fetched.
    assert!(!html.contains("<script"));
    for fetch in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(fetch), "{fetch}");
    }
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("report_two_scenarios_seeds_1_2", md);
    });
}

#[test]
fn hostile_names_render_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let s = std::fs::read_to_string(repo("scenarios/friday-night-ransomware.toml")).unwrap();
    let hostile = format!("# <img src=x onerror=alert(1)> \"story\" </p><script>alert(2)</script>\n{s}")
        .replace(
            "description = \"Phishing to ransomware over a weekend: does containment come before encryption?\"",
            "description = \"<script>alert(\\\"d\\\")</script> & 'quotes' <b>bold</b>\"",
        )
        .replace("host:ws-017", "host:<script>ws</script>\\\"\\u001b[31m017")
        .replacen("name = \"ransomware\"", "name = \"ransom<svg onload=alert(3)>\"", 1);
    let file = dir.path().join("hostile.toml");
    std::fs::write(&file, &hostile).unwrap();
    std::os::unix::fs::symlink(repo("scenarios/rules"), dir.path().join("rules")).unwrap();
    let out = dir.path().join("r");
    ok(&mdrsim(&[
        "eval",
        "--suite",
        file.to_str().unwrap(),
        "--strategies",
        "ai_mdr",
        "--seeds",
        "1",
        "--out",
        out.to_str().unwrap(),
        "--report",
        "--events",
    ]));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for markup in ["<script", "<img", "<svg onload", "<b>"] {
        assert!(!html.contains(markup), "{markup} in the HTML");
        assert!(!md.contains(markup), "{markup} in the Markdown");
    }
    // The names are there, as text.
    assert!(html.contains("ransom&lt;svg onload=alert(3)&gt;/phish"));
    // An escape sequence in a name reaches neither the page nor a terminal.
    assert!(html.contains("host:&lt;script&gt;ws&lt;/script&gt;&quot; [31m017"));
    assert!(!html.contains('\u{1b}') && !md.contains('\u{1b}'));
    let log =
        out.join("events/scenario=friday-night-ransomware/strategy=ai_mdr/seed=1/log.parquet");
    let story = ok(&mdrsim(&[
        "explain",
        log.to_str().unwrap(),
        "--campaign",
        "0",
    ]));
    assert!(!story.contains('\u{1b}'), "{story}");
    assert!(
        story.contains("host:<script>ws</script>\"\\u{1b}[31m017"),
        "{story}"
    );
    assert!(
        html.contains("&lt;script&gt;alert(&quot;d&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;")
    );
    assert!(md.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

fn run_log(dir: &Path) -> std::path::PathBuf {
    let log = dir.join("log.jsonl");
    ok(&mdrsim(&[
        "run",
        "--strategy",
        "ai_mdr",
        "--seed",
        "1",
        "--events",
        log.to_str().unwrap(),
    ]));
    log
}

#[test]
fn explain_tells_an_alert_and_a_campaign_for_fixed_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let log = run_log(dir.path());
    let l = log.to_str().unwrap();
    let campaign = ok(&mdrsim(&["explain", l, "--campaign", "0"]));
    let alert = ok(&mdrsim(&["explain", l, "--alert", "37"]));
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("explain_ransomware_ai_mdr_seed_1_campaign_0", campaign);
        insta::assert_snapshot!("explain_ransomware_ai_mdr_seed_1_alert_37", alert);
    });
    let o = mdrsim(&["explain", l, "--alert", "100000"]);
    assert_eq!(o.status.code(), Some(2));
    let o = mdrsim(&["explain", l, "--campaign", "9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("0 ransomware"));
}

#[test]
fn every_verdict_s_cited_records_are_resolved_exactly() {
    // Independently of explain: read the JSON Lines log, and for each alert's verdict
    // compare its evidence and its queries' records with what explain resolved.
    let dir = tempfile::tempdir().unwrap();
    let log = run_log(dir.path());
    let text = std::fs::read_to_string(&log).unwrap();
    let events: Vec<serde_json::Value> = text
        .lines()
        .skip(1)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.get("payload").is_some())
        .collect();
    let verdicts: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["payload"]["type"] == "verdict_reached")
        .take(25)
        .collect();
    assert!(verdicts.len() >= 10);
    for v in verdicts {
        let alert = v["payload"]["alert"].as_u64().unwrap().to_string();
        let story: serde_json::Value = serde_json::from_str(&ok(&mdrsim(&[
            "explain",
            log.to_str().unwrap(),
            "--alert",
            &alert,
            "--format",
            "json",
        ])))
        .unwrap();
        let entry = story["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["seq"] == v["seq"])
            .expect("the verdict is in the story");
        let cited: Vec<u64> = entry["records"]
            .as_array()
            .map(|r| r.iter().map(|x| x["seq"].as_u64().unwrap()).collect())
            .unwrap_or_default();
        let evidence: Vec<u64> = v["payload"]["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        assert_eq!(cited, evidence, "alert {alert}");
        // Each cited telemetry record shows exactly the fields the log stored.
        for r in entry["records"].as_array().into_iter().flatten() {
            let seq = r["seq"].as_u64().unwrap();
            let stored = events.iter().find(|e| e["seq"] == seq).unwrap();
            if stored["payload"]["type"] == "telemetry_observed" {
                assert_eq!(r["fields"], stored["payload"]["fields"], "record {seq}");
            }
        }
    }
}

/// `explain` shows a past case the historic query returned as what it is: the alert's
/// rule and entities and the recorded outcome (it showed empty fields).
#[test]
fn explain_shows_historic_records_with_their_content() {
    let dir = tempfile::tempdir().unwrap();
    let strategy = dir.path().join("historian.toml");
    std::fs::write(
        &strategy,
        "name = \"historian\"\nextends = \"ai_mdr\"\n[params]\nrequired = [\"telemetry\", \"historic\"]\n",
    )
    .unwrap();
    let log = dir.path().join("log.jsonl");
    ok(&mdrsim(&[
        "run",
        "--strategy",
        strategy.to_str().unwrap(),
        "--seed",
        "1",
        "--events",
        log.to_str().unwrap(),
    ]));
    let text = std::fs::read_to_string(&log).unwrap();
    let queried = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| {
            e["payload"]["type"] == "context_queried"
                && e["payload"]["kind"] == "historic"
                && e["payload"]["records"]
                    .as_array()
                    .is_some_and(|r| !r.is_empty())
        })
        .expect("a historic query with past cases");
    let alert = queried["payload"]["alert"].as_u64().unwrap().to_string();
    let story: serde_json::Value = serde_json::from_str(&ok(&mdrsim(&[
        "explain",
        log.to_str().unwrap(),
        "--alert",
        &alert,
        "--format",
        "json",
    ])))
    .unwrap();
    let entry = story["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["seq"] == queried["seq"])
        .expect("the query is in the story");
    for r in entry["records"].as_array().unwrap() {
        assert_eq!(r["kind"], "past case", "{r}");
        let outcome = r["fields"]["outcome"].as_str().unwrap_or_default();
        assert!(outcome == "malicious" || outcome == "benign", "{r}");
        assert!(
            !r["fields"]["rule"].as_str().unwrap_or_default().is_empty(),
            "{r}"
        );
        assert!(!r["entity"].as_str().unwrap_or_default().is_empty(), "{r}");
    }
}
