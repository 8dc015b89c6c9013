//! Containment is not eradication: a campaign that keeps a foothold comes back when an
//! isolation is lifted, and stops for good once its footholds are removed. Hand-made
//! worlds whose times are worked out here, by hand; nothing in them is random.

mod common;

use common::compile;
use mdrsim::event::{Envelope, Payload};
use mdrsim::score::Metrics;
use mdrsim::sim::Simulation;
use mdrsim::strategy;

const HOUR: u64 = 3_600_000;
const MIN: u64 = 60_000;

/// One host. At 1h the attack plants an implant (a persistence foothold) that EDR sees
/// at once (latency pinned to 1 min): the alert is raised at 1h01 and `threshold`
/// (score 1.0, critical: P ≈ 0.94, malicious) decides at once — one analyst, no
/// handling time — asking for isolation (1 min) and a reimage (30 min), with the
/// reimage's `authority` as given. The isolation is reviewed 3 h after it took effect.
/// The objective is due 2 h after the implant, at 3h, and needs the host.
fn world(reimage: &str) -> String {
    format!(
        r#"name = "foothold"
start = "2026-12-01T00:00:00Z"
horizon = "1d"

[[entities]]
id = "host:a"

[[latency]]
source = "edr"
delay = "1m"

[containment]
isolate_host = "1m"
reimage_host = "30m"

[[campaigns]]
name = "intrusion"
start = "1h"
[[campaigns.steps]]
id = "implant"
technique = "T1543.003"
target = "host:a"
foothold = "persistence"
[[campaigns.steps.detect]]
source = "edr"
rule = "Suspicious service installed"
probability = 1.0
severity = "critical"
score = 1.0
[[campaigns.steps]]
id = "encrypt"
technique = "T1486"
target = "host:a"
delay = "2h"
objective = true

[provider]
first_line = "q"
experts = []
ingests = ["*"]
context = []
containment_review = "3h"
authority = {{ isolate_host = "pre_approved", reimage_host = "{reimage}" }}
pools = [{{ name = "q", size = 1, schedule = "24/7" }}]
"#
    )
}

fn run(text: &str) -> (Metrics, Vec<Envelope>) {
    let sc = compile(text);
    let mut d = strategy::builtin("threshold", &sc).unwrap();
    let out = Simulation::new(&sc, 1).run(&mut d);
    let m = Metrics::from_events(&out.header, out.log.events());
    (m, out.log.events().to_vec())
}

/// Times (ms) of events of one type.
fn times(events: &[Envelope], kind: &str) -> Vec<u64> {
    events
        .iter()
        .filter(|e| e.payload.kind() == kind)
        .map(|e| e.at.ms())
        .collect()
}

#[test]
fn an_isolation_lifted_before_eradication_lets_the_campaign_resume() {
    // No authority to reimage: the isolation at 1h02 holds back the objective (due at
    // 3h, it needs the host); the review lifts the isolation at 4h02 and the attacker,
    // still holding its implant, is back 2 h later (a fresh delay from the release):
    // impact at 6h02.
    let (m, events) = run(&world("none"));
    assert_eq!(times(&events, "containment_executed"), vec![HOUR + 2 * MIN]);
    assert_eq!(
        times(&events, "attack_step_prevented"),
        vec![HOUR + 2 * MIN]
    );
    assert_eq!(
        times(&events, "containment_released"),
        vec![4 * HOUR + 2 * MIN]
    );
    assert_eq!(
        times(&events, "attack_step_executed"),
        vec![HOUR, 6 * HOUR + 2 * MIN]
    );
    assert!(times(&events, "campaign_stopped").is_empty());
    assert_eq!((m.contained, m.impacted, m.suppressed), (0, 1, 0));
}

#[test]
fn eradication_stops_the_campaign_for_good() {
    // Pre-approved reimage: asked at 1h01, done at 1h31 (30 min). The isolation (1h02)
    // held the objective back while the implant was live; the reimage removes it and
    // the waiting campaign stops for good at 1h31, credited to the reimage decided on
    // its own alert.
    let (m, events) = run(&world("pre_approved"));
    let executed = times(&events, "containment_executed");
    assert_eq!(executed, vec![HOUR + 2 * MIN, HOUR + 31 * MIN]);
    assert_eq!(times(&events, "campaign_stopped"), vec![HOUR + 31 * MIN]);
    assert_eq!(times(&events, "attack_step_executed"), vec![HOUR]);
    assert_eq!((m.contained, m.impacted, m.suppressed), (1, 0, 0));
    // From the implant (1h) to the eradication that stopped it (1h31).
    assert_eq!(m.time_to_containment_p50_s, Some(31.0 * 60.0));
}

#[test]
fn a_recommended_eradication_pages_the_customer_at_night_and_holds_the_isolation() {
    // Reimage only recommended: a customer task at 1h01, outside the team's office
    // hours (09–17 UTC). The alert is critical, so it pages the on-call, who answers
    // 30 min later (1h31), works 15 min (the default containment time), and the reimage
    // takes 30 min: done at 2h16. The objective, held back since the isolation (1h02),
    // has no foothold left to come back with: stopped at 2h16.
    let (m, events) = run(&world("recommend"));
    let started: Vec<u64> = times(&events, "customer_started");
    assert_eq!(
        started,
        vec![HOUR + 31 * MIN],
        "the on-call answers the page"
    );
    let executed = times(&events, "containment_executed");
    assert_eq!(executed, vec![HOUR + 2 * MIN, 2 * HOUR + 16 * MIN]);
    assert_eq!(
        times(&events, "campaign_stopped"),
        vec![2 * HOUR + 16 * MIN]
    );
    assert_eq!((m.contained, m.impacted), (1, 0));
}

#[test]
fn the_isolation_waits_for_the_eradication_it_needs() {
    // Reimage recommended, nobody on call: the customer's team starts at 09:00 and
    // the reimage is done at 09:45. Meanwhile the objective is held back at 1h02 with the
    // implant still live (suppressed, not stopped); the reimage removes it and stops the
    // campaign at 09:45, credited to the reimage decided on its own alert. The
    // isolation's review at 4h02 finds the reimage pending and looks again every 3 h
    // (7h02, 10h02): lifted at 10h02, after the host is clean.
    let text = world("recommend").replace(
        "[provider]",
        "[customer]\non_call = { size = 0 }\n\n[provider]",
    );
    let (m, events) = run(&text);
    assert_eq!(
        times(&events, "containment_executed"),
        vec![HOUR + 2 * MIN, 9 * HOUR + 45 * MIN]
    );
    assert_eq!(
        times(&events, "containment_released"),
        vec![10 * HOUR + 2 * MIN]
    );
    assert_eq!((m.contained, m.impacted), (1, 0));
    let stop = events
        .iter()
        .find(|e| matches!(e.payload, Payload::CampaignStopped { .. }))
        .map(|e| e.at.ms());
    assert_eq!(stop, Some(9 * HOUR + 45 * MIN));
    assert_eq!(
        m.time_to_containment_p50_s,
        Some((8 * HOUR + 45 * MIN) as f64 / 1000.0)
    );
}
