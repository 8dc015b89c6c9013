//! Facts explain what they can explain (docs/strategies.md, "The belief model"): a
//! travel booking explains an unfamiliar sign-in of that user, not a beacon from the
//! laptop that user owns, and a fact about somebody else explains nothing. One world
//! (a laptop owned by alice raising beacon alerts, alice raising unfamiliar sign-ins),
//! run by ai_mdr gathering organizational context on every alert, with and without a
//! travel booking; the stated confidence of each verdict is compared alert by alert.

mod common;

use std::collections::BTreeMap;

use common::compile;
use mdrsim::event::{Payload, Verdict};
use mdrsim::sim::Simulation;
use mdrsim::strategy;

const WORLD: &str = r#"name = "facts"
start = "2026-12-01T00:00:00Z"
horizon = "2d"

[environment]
tools = ["edr", "idp"]

[[entities]]
id = "user:alice"
[[entities]]
id = "user:bob"
[[entities]]
id = "host:a"
attributes = { owner = "user:alice" }

[[benign]]
name = "beacons"
source = "edr"
rule = "C2 beacon"
per_hour = 1
truth = "false_positive"
severity = "high"
entities = ["host:a"]
score = { dist = "beta", alpha = 3.0, beta = 3.0 }

[[benign]]
name = "sign-ins"
source = "idp"
rule = "Sign-in from unfamiliar location"
per_hour = 1
truth = "false_positive"
severity = "medium"
entities = ["user:alice"]
score = { dist = "beta", alpha = 3.0, beta = 3.0 }
"#;

fn travel(of: &str) -> String {
    format!(
        "{WORLD}\n[[facts]]\nentity = \"{of}\"\nkind = \"travel\"\nfields = {{ status = \"booked\" }}\n"
    )
}

/// Stated P(malicious) of each verdict, by alert, split by rule: (beacons, sign-ins).
type Beliefs = (BTreeMap<u32, f64>, BTreeMap<u32, f64>);

fn beliefs(text: &str) -> Beliefs {
    let sc = compile(text);
    let mut def = strategy::builtin::definition("ai_mdr").unwrap();
    // Organizational context on every alert, and a bar no belief here reaches first.
    def.set(
        "params.required",
        serde_json::json!(["telemetry", "organizational"]),
    )
    .unwrap();
    let mut d = def.instantiate(&sc).unwrap();
    let out = Simulation::new(&sc, 3).run(&mut d);
    let mut rule_of = BTreeMap::new();
    let (mut beacons, mut sign_ins) = (BTreeMap::new(), BTreeMap::new());
    for e in out.log.events() {
        match &e.payload {
            Payload::AlertRaised { alert, rule, .. } => {
                rule_of.insert(alert.0, rule.0);
            }
            Payload::VerdictReached {
                alert,
                verdict,
                confidence,
                ..
            } => {
                let p = match verdict {
                    Verdict::Malicious => *confidence,
                    Verdict::Benign => 1.0 - confidence,
                };
                let name = &sc.rules[rule_of[&alert.0] as usize].name;
                match name.as_str() {
                    "C2 beacon" => beacons.insert(alert.0, p),
                    _ => sign_ins.insert(alert.0, p),
                };
            }
            _ => {}
        }
    }
    assert!(
        beacons.len() > 10 && sign_ins.len() > 10,
        "verdicts on both rules: {} and {}",
        beacons.len(),
        sign_ins.len()
    );
    (beacons, sign_ins)
}

#[test]
fn a_fact_about_somebody_else_moves_no_belief() {
    assert_eq!(beliefs(&travel("user:bob")), beliefs(WORLD));
}

#[test]
fn travel_explains_the_users_sign_ins_not_the_beacons_of_the_laptop_they_own() {
    let (beacons, sign_ins) = beliefs(WORLD);
    let (beacons_travel, sign_ins_travel) = beliefs(&travel("user:alice"));
    // The booking is about the laptop's owner, so the laptop's case sees it: it must
    // not move the beacons' belief…
    assert_eq!(beacons_travel, beacons);
    // …while every sign-in of alice is explained by it (−1.3 log-odds, the table).
    assert_eq!(
        sign_ins.keys().collect::<Vec<_>>(),
        sign_ins_travel.keys().collect::<Vec<_>>()
    );
    for (alert, p) in &sign_ins {
        let q = sign_ins_travel[alert];
        let logit = |x: f64| (x / (1.0 - x)).ln();
        assert!(
            (logit(*p) - logit(q) - 1.3).abs() < 1e-6,
            "alert {alert}: {p} → {q}"
        );
    }
}
