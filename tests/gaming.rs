//! The gaming suite: degenerate strategies — dismiss everything, escalate everything,
//! contain everything (at once, and released after a 10-minute review), dismiss with
//! extreme confidence, see less to look faster — run on the built-in suite, and each
//! must rank below the best honest built-in on the primary objective (cost), by a
//! paired bootstrap interval over matched (scenario, seed) that lies wholly above zero.
//! The README shows the same table (`README.md`, "Gaming"), checked here too.

mod common;

use std::process::Output;

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

const HONEST: [&str; 4] = ["ai_mdr", "ai_soc", "legacy_mdr", "threshold"];
const GAMING: [&str; 6] = [
    "dismiss_all",
    "escalate_all",
    "examples/gaming/contain-everything.toml",
    "examples/gaming/contain-everything-10m-review.toml",
    "examples/gaming/confident-dismiss.toml",
    "examples/gaming/see-less.toml",
];

/// The command the README shows (seeds kept small enough for CI).
fn eval_args(out: &str) -> Vec<String> {
    let mut strategies: Vec<&str> = HONEST.to_vec();
    strategies.extend(GAMING);
    [
        "eval",
        "--seeds",
        "8",
        "--strategies",
        &strategies.join(","),
        "--baseline",
        "ai_mdr",
        "--metrics",
        "cost,time_to_resolution_p50_s,containment_rate,auc,brier,disruption_hours",
        "--out",
        out,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn name_of(entry: &str) -> String {
    entry
        .rsplit('/')
        .next()
        .unwrap_or(entry)
        .trim_end_matches(".toml")
        .to_string()
}

#[test]
fn every_degenerate_strategy_loses_on_the_primary_objective() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    let args = eval_args(out.to_str().unwrap());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = mdrsim(&args);
    assert_eq!(code(&o), 0, "{}", text(&o).1);
    let o = mdrsim(&[
        "summary",
        out.to_str().unwrap(),
        "--format",
        "json",
        "--baseline",
        "ai_mdr",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o).1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cost = |name: &str| -> f64 {
        v["overall"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["strategy"] == name)
            .unwrap_or_else(|| panic!("{name} in the overall rows"))["metrics"]["cost"]["mean"]
            .as_f64()
            .unwrap()
    };
    // The premise: ai_mdr is the best honest built-in on cost (else compare with the
    // one that is).
    for h in &HONEST[1..] {
        assert!(
            cost("ai_mdr") < cost(h),
            "ai_mdr {} vs {h} {}",
            cost("ai_mdr"),
            cost(h)
        );
    }
    let paired = v["baseline"][1].as_array().unwrap();
    for g in GAMING.map(name_of) {
        let row = paired
            .iter()
            .find(|r| r["strategy"] == g.as_str())
            .unwrap_or_else(|| panic!("{g} compared with ai_mdr"));
        let d = &row["metrics"]["cost"];
        assert_eq!(d["method"], "paired bootstrap");
        assert_eq!(d["n"], 48, "6 scenarios × 8 seeds matched");
        let low = d["ci_low"].as_f64().unwrap();
        assert!(
            low > 0.0,
            "{g} does not lose to ai_mdr on cost beyond noise: paired difference {} [{low}, {}]",
            d["mean"],
            d["ci_high"]
        );
    }
    // What each one games it does win, so the test above is not vacuous: dismissing
    // disrupts nothing, and a confident constant has a small Brier score (which is why
    // Brier is not a headline metric) but the AUC of a coin.
    let metric = |name: &str, m: &str| -> Option<f64> {
        v["overall"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["strategy"] == name)?["metrics"][m]["mean"]
            .as_f64()
    };
    assert_eq!(metric("dismiss_all", "disruption_hours"), Some(0.0));
    assert_eq!(
        metric("confident-dismiss", "auc"),
        Some(0.5),
        "a constant's AUC"
    );
    assert!(metric("confident-dismiss", "brier").unwrap() < 0.05);
    // The README shows this table, from this command.
    let shown = readme_block();
    let o = mdrsim(&[
        "summary",
        out.to_str().unwrap(),
        "--metrics",
        "cost,time_to_resolution_p50_s,containment_rate,auc,brier,disruption_hours",
        "--baseline",
        "ai_mdr",
    ]);
    let printed = text(&o).0;
    let overall = &printed[printed.find("overall, all scenarios").unwrap()..];
    assert_eq!(
        overall, shown,
        "README's gaming table differs from the binary: rerun the command it shows"
    );
}

/// The fenced block after the README's gaming command.
fn readme_block() -> String {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let marker = "<!-- gaming table -->\n```text\n";
    let start = readme
        .find(marker)
        .expect("the README shows the gaming table")
        + marker.len();
    readme[start..start + readme[start..].find("```").unwrap()].to_string()
}
