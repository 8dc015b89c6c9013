//! The queue discipline as documented (docs/scenario-format.md, "Provider"), checked from
//! the event log over random providers — shift rotas, severity or FIFO order, overload
//! rules, patience, expert hand-offs:
//!
//! - no worker on shift is idle while an alert it may pick waits in its pool ("pools take
//!   only `review`-or-higher alerts while more than N wait");
//! - "an alert below `review` that has waited `expire_after` is dropped whenever more than
//!   N wait": none is left waiting past that age while the backlog is above N;
//! - "an alert not picked up within its patience expires": none waits longer.
//!
//! The checker keeps its own account of who waits and who works, from the events alone;
//! shifts come from the provider's compiled capacity.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::compile;
use mdrsim::event::{Party, Payload};
use mdrsim::ids::AlertId;
use mdrsim::scenario::Severity;
use mdrsim::sim::Simulation;
use mdrsim::strategy;
use mdrsim::time::{SimDuration, SimTime};
use proptest::prelude::*;

const SEVERITIES: [&str; 4] = ["low", "medium", "high", "critical"];

/// A random provider discipline and load, as scenario text with a pinned provider.
#[derive(Clone, Debug)]
struct Case {
    rates: [f64; 2],
    severities: [usize; 2],
    analysts: u32,
    rota: bool,
    severity_order: bool,
    overload: Option<(u32, usize, u32)>,
    patience_min: Option<u32>,
    escalate_on_expiry: bool,
    strategy: &'static str,
}

fn arb_case() -> impl Strategy<Value = Case> {
    (
        (0.5f64..30.0, 0.5f64..30.0),
        (0usize..4, 0usize..4),
        1u32..4,
        any::<bool>(),
        any::<bool>(),
        prop::option::of((1u32..8, 1usize..4, 5u32..240)),
        prop::option::of(5u32..180),
        any::<bool>(),
        prop::sample::select(vec!["legacy_mdr", "threshold", "ai_mdr", "escalate_all"]),
    )
        .prop_map(
            |(r, s, analysts, rota, order, overload, patience, esc, strategy)| Case {
                rates: [r.0, r.1],
                severities: [s.0, s.1],
                analysts,
                rota,
                severity_order: order,
                overload,
                patience_min: patience,
                escalate_on_expiry: esc,
                strategy,
            },
        )
}

fn text(c: &Case) -> String {
    let mut t = String::from(
        "name = \"discipline\"\nstart = \"2026-11-27T06:00:00Z\"\nhorizon = \"3d\"\n\
         [[entities]]\nid = \"host:a\"\n[[entities]]\nid = \"user:b\"\n",
    );
    for (i, (rate, sev)) in c.rates.iter().zip(c.severities).enumerate() {
        t += &format!(
            "[[benign]]\nname = \"b{i}\"\nsource = \"edr\"\nrule = \"r{i}\"\nper_hour = {rate}\n\
             truth = \"false_positive\"\nseverity = \"{}\"\nentities = [\"host:a\", \"user:b\"]\n\
             score = {{ dist = \"beta\", alpha = 2, beta = 5 }}\n",
            SEVERITIES[sev]
        );
    }
    let schedule = if c.rota {
        "{ tz = \"UTC\", shifts = [{ days = \"mon-fri\", from = \"08:00\", to = \"18:00\" }, \
         { days = \"daily\", from = \"18:00\", to = \"08:00\", workers = 1 }] }"
            .to_string()
    } else {
        "\"24/7\"".into()
    };
    let mut triage = format!(
        "order = \"{}\"",
        if c.severity_order { "severity" } else { "fifo" }
    );
    if let Some((above, review, after)) = c.overload {
        triage += &format!(
            ", overload = {{ backlog_above = {above}, review = \"{}\", expire_after = \"{after}m\" }}",
            SEVERITIES[review]
        );
    }
    if let Some(p) = c.patience_min {
        let on = if c.escalate_on_expiry {
            "escalate"
        } else {
            "drop"
        };
        triage += &format!(", patience = {{ default = \"{p}m\", on_expiry = \"{on}\" }}");
    }
    t += &format!(
        "[provider]\nfirst_line = \"analysts\"\nexperts = [\"experts\"]\ningests = [\"*\"]\n\
         context = [\"telemetry\", \"historic\"]\ntriage = {{ {triage} }}\npools = [\n\
         {{ name = \"analysts\", size = {}, schedule = {schedule}, handling = {{ triage = {{ dist = \"exponential\", mean = \"12m\" }}, telemetry = \"3m\", verdict = \"2m\" }} }},\n\
         {{ name = \"experts\", size = 1, schedule = \"24/7\", handling = {{ triage = \"20m\" }} }},\n]\n",
        c.analysts
    );
    t
}

/// Checks the three rules at every instant the state can change; returns the first
/// violation.
fn check(c: &Case, seed: u64) -> Result<usize, String> {
    let sc = compile(&text(c));
    let mut d = strategy::builtin(c.strategy, &sc).map_err(|e| e.to_string())?;
    let out = Simulation::new(&sc, seed).run(&mut d);
    let pools = &d.provider.pools;
    let overload = c
        .overload
        .map(|(above, review, after)| (above as usize, review, u64::from(after) * 60_000));
    let patience_ms = c.patience_min.map(|p| u64::from(p) * 60_000);
    let mut severity: BTreeMap<AlertId, usize> = BTreeMap::new();
    // Waiting alerts: pool, severity, since (ms).
    let mut waiting: BTreeMap<AlertId, (usize, usize, u64)> = BTreeMap::new();
    let mut busy: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); pools.len()];
    let mut instants: BTreeSet<u64> = pools
        .iter()
        .flat_map(|p| p.capacity.changes().map(|(t, _)| t.ms()))
        .collect();
    let events = out.log.events();
    instants.extend(events.iter().map(|e| e.at.ms()));
    // The run ends at its horizon: nothing is due there or after.
    let horizon = sc.horizon.ms();
    instants.retain(|&t| t < horizon);
    let mut next = 0;
    let sev_index = |s: Severity| match s {
        Severity::Low => 0,
        Severity::Medium => 1,
        Severity::High => 2,
        Severity::Critical => 3,
    };
    for &t in &instants {
        while next < events.len() && events[next].at.ms() <= t {
            let e = &events[next];
            next += 1;
            match &e.payload {
                Payload::AlertRaised {
                    alert, severity: s, ..
                } => {
                    severity.insert(*alert, sev_index(*s));
                }
                Payload::AlertQueued { alert, pool }
                | Payload::CaseHandedOff { alert, pool, .. } => {
                    waiting.insert(*alert, (*pool as usize, severity[alert], e.at.ms()));
                }
                Payload::TriageStarted {
                    alert,
                    pool,
                    worker,
                } => {
                    waiting.remove(alert);
                    busy[*pool as usize].insert(*worker);
                }
                Payload::WorkCompleted {
                    party: Party::Provider,
                    pool,
                    worker,
                    releases_worker: true,
                    ..
                } => {
                    busy[*pool as usize].remove(worker);
                }
                Payload::AlertExpired { alert }
                | Payload::VerdictReached { alert, .. }
                | Payload::Escalated { alert, .. } => {
                    waiting.remove(alert);
                }
                _ => {}
            }
        }
        let backlog = waiting.len();
        let lowest = match overload {
            Some((above, review, _)) if backlog > above => review,
            _ => 0,
        };
        for (p, pool) in pools.iter().enumerate() {
            let on_shift = pool.capacity.at(SimTime::ZERO.after(SimDuration(t)));
            let idle = (0..on_shift).filter(|w| !busy[p].contains(w)).count();
            let pickable = waiting
                .values()
                .filter(|(q, s, _)| *q == p && *s >= lowest)
                .count();
            if idle > 0 && pickable > 0 {
                return Err(format!(
                    "at {t} ms: {idle} idle on-shift worker(s) of {} beside {pickable} pickable alert(s)",
                    pool.name
                ));
            }
        }
        if let Some((above, review, after)) = overload
            && backlog > above
            && let Some((a, _)) = waiting
                .iter()
                .find(|(_, (_, s, since))| *s < review && t - since >= after)
        {
            return Err(format!(
                "at {t} ms: alert {a:?} below review waited past expire_after while {backlog} wait"
            ));
        }
        if let Some(p) = patience_ms
            && let Some((a, _)) = waiting.iter().find(|(_, (_, _, since))| t - since > p)
        {
            return Err(format!("at {t} ms: alert {a:?} waited past its patience"));
        }
    }
    Ok(events.len())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Which bugs this catches: an expiry that does not wake idle workers, an overload
    /// expiry checked only once, a shift start that does not dispatch, a patience that
    /// does not expire.
    #[test]
    fn the_queue_discipline_holds_at_every_instant(c in arb_case(), seed in 1u64..1000) {
        let r = check(&c, seed);
        prop_assert!(r.is_ok(), "{}\n{}", r.unwrap_err(), text(&c));
    }
}
