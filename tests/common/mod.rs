//! Shared helpers for the integration tests: the real binary, built-in scenarios, and a
//! generator of random but valid scenario files for property tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mdrsim::scenario::Scenario;
use mdrsim::scenario::load::parse_spec;
use proptest::prelude::*;

/// Every honest built-in (all but the oracle, which reads ground truth).
pub const HONEST: &[&str] = &[
    "ai_mdr",
    "ai_soc",
    "dismiss_all",
    "escalate_all",
    "legacy_mdr",
    "threshold",
];

/// The built-in scenarios with an attack campaign (all but quiet-period).
pub const ATTACK_SCENARIOS: &[&str] = &[
    "alert-storm",
    "friday-night-ransomware",
    "identity-takeover",
    "insider-before-termination",
    "leaked-cloud-key",
];

/// Runs the real `mdrsim` binary.
pub fn mdrsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mdrsim"))
        .args(args)
        .output()
        .expect("the mdrsim binary runs")
}

/// Path of a file in the repository.
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The built-in ransomware scenario.
pub fn ransomware() -> Scenario {
    Scenario::load(&repo("scenarios/friday-night-ransomware.toml"))
        .expect("built-in scenario loads")
}

/// Compiles scenario text.
pub fn compile(text: &str) -> Scenario {
    let spec = parse_spec(text, Path::new("generated.toml")).expect("generated scenario parses");
    Scenario::compile(spec, text, Path::new("generated.toml")).expect("generated scenario is valid")
}

fn duration_dist() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..120).prop_map(|m| format!("\"{m}m\"")),
        (1u32..60).prop_map(|m| format!("{{ dist = \"exponential\", mean = \"{m}m\" }}")),
        (1u32..60, 0.1f64..1.2).prop_map(|(m, s)| format!(
            "{{ dist = \"lognormal\", median = \"{m}m\", sigma = {s} }}"
        )),
    ]
}

fn score_dist() -> impl Strategy<Value = String> {
    prop_oneof![
        (0.0f64..1.0).prop_map(|x| format!("{x}")),
        (0.5f64..8.0, 0.5f64..8.0)
            .prop_map(|(a, b)| format!("{{ dist = \"beta\", alpha = {a}, beta = {b} }}")),
        (0.0f64..0.5, 0.5f64..1.0)
            .prop_map(|(l, h)| format!("{{ dist = \"uniform\", low = {l}, high = {h} }}")),
    ]
}

/// Telemetry, a Sigma rule and its mapping, so every generated world exercises rule
/// detection too.
const SIGMA_PART: &str = r#"
[[telemetry]]
name = "sign-ins"
source = "idp"
per_hour = 3
entities = ["user:alice", "user:bob"]
fields = { EventType = "SignIn", Country = ["US", "US", "DE", "BR"] }
truth = "benign_positive"

[[rules]]
yaml = """
title: Sign-in from Brazil
author: mdrsim tests
logsource:
    product: okta
detection:
    selection:
        EventType: SignIn
        Country: BR
    condition: selection
level: medium
"""

[[sigma.logsources]]
product = "okta"
source = "idp"
"#;

const SEVERITIES: [&str; 4] = ["low", "medium", "high", "critical"];

/// Clues an activity leaves: a process record with weighted values and a change ticket,
/// with probabilities drawn by the generator (`shape` picks the mix).
fn clues(section: &str, shape: u8, p: f64) -> String {
    let parent = ["office_app", "browser", "management_agent"][shape as usize % 3];
    format!(
        "[[{section}.telemetry]]\nsource = \"process\"\nprobability = {p}\nfields = {{ ParentProcess = {{ {parent} = 0.7, explorer = 0.3 }}, Signer = [\"trusted\", \"untrusted\"] }}\n\
         [[{section}.facts]]\nkind = \"change\"\nprobability = {q}\nfields = {{ status = \"approved\" }}\nlead = \"1h\"\nlasts = \"4h\"\n",
        q = 1.0 - p
    )
}

/// The twin of scenario text: every campaign becomes an authorised look-alike
/// (`truth = "benign_positive"` right after its `[[campaigns]]` header, replacing a
/// `truth` it had). Everything observable is the same — names key the random streams —
/// and only the labels differ.
pub fn twin(text: &str) -> String {
    let mut out = String::new();
    let mut in_campaign = false;
    for line in text.lines() {
        if line.starts_with('[') {
            in_campaign = line.trim() == "[[campaigns]]";
        } else if in_campaign && line.starts_with("truth = ") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if line.trim() == "[[campaigns]]" {
            out.push_str("truth = \"benign_positive\"\n");
        }
    }
    out
}

/// Random valid scenario text: a few entities, benign processes, campaigns with
/// branching steps, one pool. Small enough that a run takes milliseconds.
pub fn arb_scenario_text() -> impl Strategy<Value = String> {
    let benign = prop::collection::vec(
        (
            0.0f64..12.0,
            any::<bool>(),
            0usize..4,
            prop::collection::vec(0usize..6, 1..4),
            score_dist(),
        ),
        0..4,
    );
    let step = (
        0usize..6,
        prop::collection::vec(0usize..6, 0..3),
        duration_dist(),
        prop::collection::vec(
            (0.0f64..1.0, 0usize..4, duration_dist(), score_dist()),
            0..3,
        ),
        any::<u8>(),
    );
    let campaigns =
        prop::collection::vec((duration_dist(), prop::collection::vec(step, 1..6)), 0..3);
    (1u32..4, duration_dist(), 1u32..36, benign, campaigns).prop_map(|(size, handling, hours, benign, campaigns)| {
        let entities = ["host:ws-1", "host:srv-1", "user:alice", "user:bob", "cloud:key-1", "domain:bad.example"];
        let mut t = format!("name = \"generated\"\nstart = \"2026-11-27T18:00:00-05:00\"\nhorizon = \"{hours}h\"\n\n");
        for e in entities {
            t += &format!("[[entities]]\nid = \"{e}\"\n\n");
        }
        for (i, (rate, fp, sev, ents, score)) in benign.iter().enumerate() {
            let ents: Vec<String> = ents.iter().map(|&e| format!("\"{}\"", entities[e])).collect();
            t += &format!(
                "[[benign]]\nname = \"b{i}\"\nsource = \"edr\"\nrule = \"rule-{}\"\nper_hour = {rate}\ntruth = \"{}\"\nseverity = \"{}\"\nentities = [{}]\nscore = {score}\n",
                i % 2,
                if *fp { "false_positive" } else { "benign_positive" },
                SEVERITIES[*sev],
                ents.join(", ")
            );
            t += &clues("benign", *sev as u8, 0.8);
            t += "\n";
        }
        // Latency belongs to the detector: one per rule (the first detector's draw).
        let mut latencies = std::collections::BTreeMap::new();
        for (_, steps) in &campaigns {
            for (_, _, _, detect, _) in steps {
                for (di, (_, _, latency, _)) in detect.iter().enumerate() {
                    latencies.entry(1 + di).or_insert_with(|| latency.clone());
                }
            }
        }
        for (rule, latency) in &latencies {
            t += &format!("[[latency]]\nsource = \"edr\"\nrule = \"rule-{rule}\"\ndelay = {latency}\n\n");
        }
        for (ci, (start, steps)) in campaigns.iter().enumerate() {
            t += &format!("[[campaigns]]\nname = \"c{ci}\"\nstart = {start}\n\n");
            for (si, (target, requires, delay, detect, shape)) in steps.iter().enumerate() {
                t += &format!("[[campaigns.steps]]\nid = \"s{si}\"\ntechnique = \"T1000\"\ntarget = \"{}\"\ndelay = {delay}\n", entities[*target]);
                if si > 0 && shape % 3 == 0 {
                    // Branch: follow an earlier step, not necessarily the previous one.
                    t += &format!("after = [\"s{}\"]\n", (*shape as usize) % si);
                }
                if !requires.is_empty() {
                    let r: Vec<String> = requires.iter().map(|&e| format!("\"{}\"", entities[e])).collect();
                    t += &format!("requires = [{}]\n", r.join(", "));
                }
                if si + 1 == steps.len() {
                    t += "objective = true\n";
                }
                if shape % 2 == 1 {
                    t += "[[campaigns.steps.telemetry]]\nsource = \"idp\"\nfields = { EventType = \"SignIn\", Country = \"BR\" }\n";
                }
                t += &clues("campaigns.steps", *shape, 0.5 + (*shape % 5) as f64 / 10.0);
                for (di, (p, sev, _, score)) in detect.iter().enumerate() {
                    t += &format!(
                        "[[campaigns.steps.detect]]\nsource = \"edr\"\nrule = \"rule-{}\"\nprobability = {p}\nseverity = \"{}\"\nscore = {score}\n",
                        1 + di,
                        SEVERITIES[*sev]
                    );
                }
                t += "\n";
            }
        }
        t += &format!(
            "[customer]\nsize = {size}\nschedule = {{ tz = \"America/New_York\", shifts = [{{ days = \"mon-fri\", from = \"09:00\", to = \"17:00\" }}] }}\nhandling = {handling}\n\n"
        );
        t += SIGMA_PART;
        t
    })
}
