//! The engine writes one occurrence the same way whoever produced it: its telemetry
//! records, then its organizational facts, and its alerts only after each rule's
//! latency — for a benign process, an attack step and a rule match alike. These tests
//! break if one path writes in another order, skips the latency, or draws it from
//! another distribution.

mod common;

use common::compile;
use mdrsim::event::Payload;
use mdrsim::sim::Simulation;
use mdrsim::strategy;

/// A benign process and an attack step declared alike: the same traces (a process
/// record a Sigma rule matches, a network record), the same fact, the same tool rule.
const TWINS: &str = r#"
name = "twins"
start = "2026-12-07T08:00:00+00:00"
horizon = "3d"

[environment]
tools = ["edr"]

[[latency]]
source = "edr"
delay = "3m"

[[latency]]
source = "sigma"
rule = "Tool X started"
delay = "7m"

[[entities]]
id = "host:ws-1"

[[rules]]
yaml = """
title: Tool X started
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image: toolx.exe
    condition: selection
level: high
"""

[[sigma.logsources]]
product = "windows"
category = "process_creation"
source = "process"

[[benign]]
name = "admin"
source = "edr"
rule = "Tool X behaviour"
per_hour = 0.5
truth = "benign_positive"
severity = "high"
entities = ["host:ws-1"]
score = 0.5
[[benign.telemetry]]
source = "process"
fields = { Image = "toolx.exe" }
[[benign.telemetry]]
source = "network"
fields = { Destination = "rare" }
[[benign.facts]]
kind = "change"
fields = { status = "approved" }
lead = "1h"
lasts = "2h"

[[campaigns]]
name = "intrusion"
start = "20h"

[[campaigns.steps]]
id = "act"
technique = "T1059"
target = "host:ws-1"
[[campaigns.steps.detect]]
source = "edr"
rule = "Tool X behaviour"
probability = 1.0
severity = "high"
score = 0.5
[[campaigns.steps.telemetry]]
source = "process"
fields = { Image = "toolx.exe" }
[[campaigns.steps.telemetry]]
source = "network"
fields = { Destination = "rare" }
[[campaigns.steps.facts]]
kind = "change"
fields = { status = "approved" }
lead = "1h"
lasts = "2h"
"#;

/// What a strategy could see of one occurrence at time `t`: the kinds of the visible
/// events written at `t` (hidden ones — labels, attack steps — left out), in order.
fn visible_at(events: &[mdrsim::event::Envelope], t: u64) -> Vec<&'static str> {
    events
        .iter()
        .filter(|e| e.at.ms() == t)
        .filter_map(|e| match &e.payload {
            Payload::TelemetryObserved { fields, .. } => Some(if fields.contains_key("Image") {
                "process record"
            } else {
                "network record"
            }),
            Payload::FactRecorded { .. } => Some("fact"),
            Payload::AlertRaised { .. } => Some("alert"),
            _ => None,
        })
        .collect()
}

#[test]
fn an_attack_step_and_its_benign_twin_are_written_alike() {
    let sc = compile(TWINS);
    let mut d = strategy::builtin("dismiss_all", &sc).unwrap();
    let out = Simulation::new(&sc, 3).run(&mut d);
    let events = out.log.events();
    let step_at = events
        .iter()
        .find(|e| matches!(e.payload, Payload::AttackStepExecuted { .. }))
        .expect("the step executes")
        .at
        .ms();
    // Each benign occurrence: the first record of a benign activity is its start.
    let benign_starts: Vec<u64> = events
        .iter()
        .filter(|e| e.at.ms() != step_at)
        .filter(|e| matches!(&e.payload, Payload::TelemetryObserved { fields, .. } if fields.contains_key("Image")))
        .map(|e| e.at.ms())
        .collect();
    assert!(
        benign_starts.len() > 10,
        "{} benign occurrences",
        benign_starts.len()
    );
    // Records (in the scenario's canonical trace order: by content, here the network
    // record first), then the fact; no alert at the occurrence's own instant.
    let expected = vec!["network record", "process record", "fact"];
    assert_eq!(visible_at(events, step_at), expected, "the attack step");
    for &t in &benign_starts {
        assert_eq!(
            visible_at(events, t),
            expected,
            "the benign occurrence at {t} ms"
        );
    }
    // Alerts come after each rule's latency, from the occurrence: the tool's 3 min, the
    // Sigma rule's 7 min — for the attack and for every benign occurrence.
    for &t in benign_starts.iter().chain([step_at].iter()) {
        for (delay, rule) in [(180_000, "Tool X behaviour"), (420_000, "Tool X started")] {
            if t + delay >= sc.horizon.0 {
                continue; // due after the run ends
            }
            let raised = events.iter().any(|e| {
                e.at.ms() == t + delay
                    && matches!(&e.payload, Payload::AlertRaised { rule: r, .. }
                        if sc.rules[r.index()].name == rule)
            });
            assert!(
                raised,
                "no {rule:?} alert {delay} ms after the occurrence at {t}"
            );
        }
        assert!(
            !events
                .iter()
                .any(|e| e.at.ms() == t && matches!(e.payload, Payload::AlertRaised { .. })),
            "an alert at the occurrence's own instant ({t})"
        );
    }
}

#[test]
fn fact_windows_sit_alike_around_their_alerts() {
    // The fact's window is [occurrence − lead, occurrence + lasts] for both; with the
    // same latency the alert sees it at the same offsets (−1 h − 3 min, +2 h − 3 min).
    let sc = compile(TWINS);
    let mut d = strategy::builtin("dismiss_all", &sc).unwrap();
    let out = Simulation::new(&sc, 5).run(&mut d);
    let events = out.log.events();
    let mut offsets = std::collections::BTreeSet::new();
    for e in events {
        if let Payload::FactRecorded {
            from_ms, until_ms, ..
        } = &e.payload
            && *from_ms > 0
        {
            let alert = e.at.ms() + 180_000;
            // (a window reaching back before the start is cut at the start: skipped)
            offsets.insert((
                *from_ms as i64 - alert as i64,
                until_ms.map(|u| u as i64 - alert as i64),
            ));
        }
    }
    assert_eq!(
        offsets.into_iter().collect::<Vec<_>>(),
        vec![(-3_780_000, Some(7_020_000))],
        "every fact, attack or benign, at the same offsets from its alert"
    );
}

#[test]
fn latency_is_drawn_from_the_rules_distribution_for_both() {
    // With a spread latency, the attack's alert delay is one draw from the same
    // distribution as the benign ones: within the range the rule states.
    let text = TWINS.replace(
        "[[latency]]\nsource = \"edr\"\ndelay = \"3m\"",
        "[[latency]]\nsource = \"edr\"\ndelay = { dist = \"uniform\", low = \"1m\", high = \"5m\" }",
    );
    assert_ne!(text, TWINS);
    let sc = compile(&text);
    let tool = sc
        .rules
        .iter()
        .position(|r| r.name == "Tool X behaviour")
        .unwrap();
    for seed in 1..=8 {
        let mut d = strategy::builtin("dismiss_all", &sc).unwrap();
        let out = Simulation::new(&sc, seed).run(&mut d);
        let events = out.log.events();
        let starts: Vec<u64> = events
            .iter()
            .filter(|e| matches!(&e.payload, Payload::TelemetryObserved { fields, .. } if fields.contains_key("Image")))
            .map(|e| e.at.ms())
            .collect();
        let mut judged = 0;
        for e in events {
            if let Payload::AlertRaised { rule, .. } = &e.payload
                && rule.index() == tool
            {
                // The occurrence it is about, when only one lies in the 5 minutes before.
                let t = e.at.ms();
                let before: Vec<u64> = starts
                    .iter()
                    .copied()
                    .filter(|&s| s <= t && t - s <= 300_000)
                    .collect();
                assert!(
                    !before.is_empty(),
                    "an alert with no occurrence 5 min before it"
                );
                if let [start] = before[..] {
                    assert!(t - start >= 60_000, "delay {} ms", t - start);
                    judged += 1;
                }
            }
        }
        assert!(judged > 5, "{judged} alerts judged");
    }
}
