//! Context is gated: organizational facts reach a strategy only through an organizational
//! query, only when the provider integrates it; and a verdict's cited evidence is
//! checked against what that investigation was actually given.

mod common;

use std::sync::{Arc, Mutex};

use common::repo;
use mdrsim::event::{ContextKind, Payload, Verdict};
use mdrsim::scenario::Scenario;
use mdrsim::score::Metrics;
use mdrsim::sim::Simulation;
use mdrsim::strategy::{self, CaseView, Decision, Observation, Policy, Strategy};

/// What a case looked like at one decision.
#[derive(Clone, Debug)]
struct Seen {
    org_queried: bool,
    facts: Vec<String>,
}

/// Queries telemetry, then organizational context, then closes as benign citing
/// `cite(case)`; writes down the facts it could see at every decision.
struct Prober {
    seen: Arc<Mutex<Vec<Seen>>>,
    cite: fn(&CaseView<'_>) -> Vec<u64>,
}

impl Strategy for Prober {
    fn name(&self) -> &str {
        "prober"
    }
    fn decide(&mut self, case: &CaseView<'_>) -> Decision {
        let facts = [
            ContextKind::Telemetry,
            ContextKind::Organizational,
            ContextKind::Historic,
        ]
        .into_iter()
        .flat_map(|k| case.records(k))
        .filter_map(|r| match r {
            Observation::Fact { kind, fields, .. } => Some(format!("{kind} {fields:?}")),
            _ => None,
        })
        .collect();
        let org_queried = case.queried(ContextKind::Organizational);
        self.seen.lock().unwrap().push(Seen { org_queried, facts });
        if case.queries().next().is_none() {
            return Decision::Query(ContextKind::Telemetry);
        }
        if !org_queried && case.queries().count() == 1 {
            return Decision::Query(ContextKind::Organizational);
        }
        Decision::Verdict {
            verdict: Verdict::Benign,
            confidence: 0.5,
            evidence: (self.cite)(case),
            rationale: "probe".into(),
            contain: Vec::new(),
        }
    }
}

fn insider() -> Scenario {
    Scenario::load(&repo("scenarios/insider-before-termination.toml")).unwrap()
}

fn probe(
    profile: &str,
    cite: fn(&CaseView<'_>) -> Vec<u64>,
) -> (Vec<Seen>, mdrsim::sim::RunOutput) {
    let sc = insider();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut d = strategy::builtin(profile, &sc).unwrap();
    d.policy = Policy::Honest(Box::new(Prober {
        seen: seen.clone(),
        cite,
    }));
    let out = Simulation::new(&sc, 4).run(&mut d);
    let seen = seen.lock().unwrap().clone();
    (seen, out)
}

fn cite_everything_received(case: &CaseView<'_>) -> Vec<u64> {
    [
        ContextKind::Telemetry,
        ContextKind::Organizational,
        ContextKind::Historic,
    ]
    .into_iter()
    .flat_map(|k| case.records(k).map(|r| r.handle()).collect::<Vec<_>>())
    .collect()
}

#[test]
fn facts_only_through_an_organizational_query() {
    // ai_soc's profile integrates telemetry and organizational context.
    let (seen, _) = probe("ai_soc", cite_everything_received);
    assert!(seen.len() > 100);
    for s in seen.iter().filter(|s| !s.org_queried) {
        assert!(
            s.facts.is_empty(),
            "facts seen before any organizational query: {s:?}"
        );
    }
    let after: Vec<&Seen> = seen.iter().filter(|s| s.org_queried).collect();
    assert!(
        after
            .iter()
            .any(|s| s.facts.iter().any(|f| f.contains("\"resigned\""))),
        "HR's record of a resignation is found by an organizational query"
    );
}

#[test]
fn no_facts_without_the_integration() {
    // legacy_mdr's profile integrates telemetry only: the organizational query fails.
    let (seen, out) = probe("legacy_mdr", cite_everything_received);
    assert!(!seen.is_empty());
    assert!(
        seen.iter().all(|s| s.facts.is_empty()),
        "a fact reached a provider without HR integration"
    );
    let failures = out
        .log
        .events()
        .iter()
        .filter(|e| matches!(&e.payload, Payload::StrategyFailed { message, .. } if message.contains("Organizational")))
        .count();
    assert!(failures > 0, "the refused query is on record");
    let queried_org = out.log.events().iter().any(|e| {
        matches!(
            e.payload,
            Payload::ContextQueried {
                kind: ContextKind::Organizational,
                ..
            }
        )
    });
    assert!(!queried_org);
}

#[test]
fn evidence_coverage_checks_what_was_cited() {
    let coverage = |cite: fn(&CaseView<'_>) -> Vec<u64>| {
        let (_, out) = probe("ai_soc", cite);
        Metrics::from_events(&out.header, out.log.events())
            .evidence_coverage
            .unwrap()
    };
    assert_eq!(coverage(cite_everything_received), 1.0);
    // Citing a handle never given is caught.
    let stray = coverage(|case| vec![case.alert.handle + 1_000_000]);
    assert!(
        stray < 0.5,
        "coverage {stray} for citations nobody returned"
    );
    // So is citing a record shown to another investigation (handle 0: the first
    // alert this provider ever saw) but not to this one.
    let other = coverage(|case| {
        if case.alert.handle == 0 {
            Vec::new()
        } else {
            vec![0]
        }
    });
    assert!(other < 0.5, "coverage {other} for another case's record");
}
