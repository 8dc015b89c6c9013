//! Invariants over random scenarios and seeds: stored logs replay to bit-identical
//! scores, the same seed gives byte-identical logs, metrics stay in range, and every
//! verdict's evidence points back into the same log.

mod common;

use common::{arb_scenario_text, compile};
use mdrsim::event::{self, Payload};
use mdrsim::score::Metrics;
use mdrsim::sim::Simulation;
use mdrsim::strategy::{self, BUILTIN};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 40,
        ..ProptestConfig::default()
    }
}

fn strategy_name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(BUILTIN)
}

/// Bit-for-bit comparison of metrics, so 0.1 + 0.2 vs 0.3 style drift cannot hide.
fn bits(m: &Metrics) -> String {
    let v = serde_json::to_value(m).unwrap();
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| match v.as_f64() {
            Some(f) if v.is_f64() => format!("{k}={:016x}", f.to_bits()),
            _ => format!("{k}={v}"),
        })
        .collect::<Vec<_>>()
        .join(",")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn replaying_a_stored_log_reproduces_the_live_scores(text in arb_scenario_text(), seed in any::<u64>(), name in strategy_name()) {
        let scenario = compile(&text);
        let mut decider = strategy::builtin(name, &scenario).unwrap();
        let out = Simulation::new(&scenario, seed).run(&mut decider);
        let live = Metrics::from_events(&out.header, out.log.events());
        let dir = tempfile::tempdir().unwrap();
        for file in ["log.parquet", "log.jsonl"] {
            let path = dir.path().join(file);
            event::write_log(&path, &out.header, &out.log).unwrap();
            let (header, log) = event::read_log(&path).unwrap();
            prop_assert_eq!(&header, &out.header);
            prop_assert_eq!(&log, &out.log);
            prop_assert_eq!(bits(&Metrics::from_events(&header, log.events())), bits(&live));
        }
    }

    #[test]
    fn the_same_seed_gives_byte_identical_logs(text in arb_scenario_text(), seed in any::<u64>(), name in strategy_name()) {
        let scenario = compile(&text);
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = Vec::new();
        for i in 0..2 {
            let mut decider = strategy::builtin(name, &scenario).unwrap();
            let out = Simulation::new(&scenario, seed).run(&mut decider);
            let (pq, js) = (dir.path().join(format!("{i}.parquet")), dir.path().join(format!("{i}.jsonl")));
            event::write_log(&pq, &out.header, &out.log).unwrap();
            event::write_log(&js, &out.header, &out.log).unwrap();
            bytes.push((std::fs::read(pq).unwrap(), std::fs::read(js).unwrap()));
        }
        prop_assert!(bytes[0] == bytes[1]);
    }

    #[test]
    fn metrics_stay_in_range_and_counts_add_up(text in arb_scenario_text(), seed in any::<u64>(), name in strategy_name()) {
        let scenario = compile(&text);
        let mut decider = strategy::builtin(name, &scenario).unwrap();
        let out = Simulation::new(&scenario, seed).run(&mut decider);
        let m = Metrics::from_events(&out.header, out.log.events());
        prop_assert_eq!(m.tp + m.fp + m.tn + m.fn_, m.verdicts);
        prop_assert!(m.verdicts + m.escalated <= m.alerts);
        prop_assert_eq!(m.contained + m.censored, m.campaigns);
        prop_assert_eq!(m.campaigns as usize, scenario.campaigns.len());
        for r in [m.escalation_rate, m.verdict_accuracy, m.containment_rate].into_iter().flatten() {
            prop_assert!((0.0..=1.0).contains(&r), "rate {} out of range", r);
        }
        for d in [m.time_to_containment_p50_s, m.queue_wait_mean_s].into_iter().flatten() {
            prop_assert!(d >= 0.0 && d <= scenario.horizon.secs_f64());
        }
        for r in [m.autonomous_rate, m.precision, m.recall, m.f1, m.final_accuracy, m.evidence_coverage].into_iter().flatten() {
            prop_assert!((0.0..=1.0).contains(&r), "rate {} out of range", r);
        }
        prop_assert!(m.impacted + m.contained <= m.campaigns);
        prop_assert!(m.missed <= m.alerts);
        prop_assert!(m.peak_backlog <= m.alerts);
        prop_assert!(m.provider_work_hours >= 0.0 && m.customer_work_hours >= 0.0);
        prop_assert_eq!(m.evidence_coverage, m.verdict_accuracy.map(|_| 1.0), "every verdict's chain resolves");
        prop_assert_eq!(m.alerts == 0, m.escalation_rate.is_none());
        prop_assert_eq!(m.verdicts == 0, m.verdict_accuracy.is_none());
    }

    #[test]
    fn built_ins_cite_only_what_their_investigation_was_given(text in arb_scenario_text(), seed in any::<u64>(), name in strategy_name()) {
        let scenario = compile(&text);
        let mut decider = strategy::builtin(name, &scenario).unwrap();
        let out = Simulation::new(&scenario, seed).run(&mut decider);
        // What each alert's investigation was given: its own alert event, the record its
        // rule matched, and the records its context queries returned.
        let mut given: std::collections::BTreeMap<u32, Vec<u64>> = Default::default();
        for e in out.log.events() {
            match &e.payload {
                Payload::AlertRaised { alert, telemetry, .. } => {
                    given.entry(alert.0).or_default().extend(std::iter::once(e.seq).chain(*telemetry));
                }
                Payload::ContextQueried { alert, records, .. } => {
                    prop_assert!(records.iter().all(|&r| r < e.seq), "a query returned a record from the future");
                    given.entry(alert.0).or_default().extend(records);
                }
                Payload::VerdictReached { alert, evidence, .. } => {
                    prop_assert!(!evidence.is_empty());
                    prop_assert_eq!(evidence[0], given[&alert.0][0], "a verdict rests on its alert first");
                    for s in evidence {
                        prop_assert!(given[&alert.0].contains(s), "cited {} which alert {} was never given", s, alert.0);
                    }
                }
                _ => {}
            }
        }
    }

    /// Per-alert records (and so the alerts table) hold one queueing, one verdict, one
    /// escalation and one customer resolution per alert: the engine never emits two.
    /// The backlog they imply matches a count kept event by event.
    #[test]
    fn each_alert_is_decided_once_and_the_backlog_recounts(text in arb_scenario_text(), seed in any::<u64>(), name in strategy_name()) {
        use std::collections::BTreeMap;
        let scenario = compile(&text);
        let mut decider = strategy::builtin(name, &scenario).unwrap();
        let out = Simulation::new(&scenario, seed).run(&mut decider);
        let mut seen: BTreeMap<(&str, u32), u32> = BTreeMap::new();
        let (mut waiting, mut backlog, mut peak) = (BTreeMap::new(), 0i64, 0i64);
        let mut last_at = None;
        for e in out.log.events() {
            if last_at != Some(e.at) {
                peak = peak.max(backlog);
                last_at = Some(e.at);
            }
            let Some(a) = e.payload.alert() else { continue };
            let kind = e.payload.kind();
            if matches!(kind, "alert_queued" | "verdict_reached" | "escalated" | "customer_resolved") {
                *seen.entry((kind, a.0)).or_default() += 1;
            }
            match kind {
                "alert_queued" | "case_handed_off" => {
                    prop_assert!(!waiting.get(&a.0).copied().unwrap_or(false), "waits overlap");
                    waiting.insert(a.0, true);
                    backlog += 1;
                }
                "triage_started" | "alert_expired" | "escalated" | "verdict_reached"
                    if waiting.insert(a.0, false).unwrap_or(false) =>
                {
                    backlog -= 1;
                }
                _ => {}
            }
        }
        peak = peak.max(backlog);
        prop_assert!(seen.values().all(|&n| n == 1), "{:?}", seen.iter().find(|(_, n)| **n > 1));
        let m = Metrics::from_events(&out.header, out.log.events());
        prop_assert_eq!(m.peak_backlog, peak as u64);
    }

    #[test]
    fn time_never_goes_back_and_seqs_are_dense(text in arb_scenario_text(), seed in any::<u64>()) {
        let scenario = compile(&text);
        let mut decider = strategy::builtin("ai_mdr", &scenario).unwrap();
        let out = Simulation::new(&scenario, seed).run(&mut decider);
        for (i, w) in out.log.events().windows(2).enumerate() {
            prop_assert!(w[0].at <= w[1].at);
            prop_assert_eq!(w[0].seq, i as u64);
        }
        prop_assert!(out.log.last_time().ms() <= scenario.horizon.ms());
    }
}
