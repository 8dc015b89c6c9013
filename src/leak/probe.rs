//! The probe: a strategy that sees exactly what every strategy sees (the alert as
//! raised, then every query it may make) and writes down everything observable about
//! each alert — the values of the records shown (as (where, field, value) pairs) and
//! structural features (time offsets, handle gaps, order, counts, fact windows). It
//! dismisses every alert, so the world it watches is never contained.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use crate::event::{ContextKind, Verdict};
use crate::strategy::{CaseView, Decision, Observation, Strategy};

/// The structural features, by name (the order of [`Observed::numbers`]).
pub const STRUCTURAL: &[&str] = &[
    "alert raised − matched record's time (ms)",
    "matched record's handle − alert's handle",
    "records at the matched record's time",
    "matched record's place among records at its time",
    "telemetry records returned",
    "telemetry records at the alert's time",
    "earliest telemetry record − alert (ms)",
    "latest telemetry record − alert (ms)",
    "facts returned",
    "earliest fact window start − alert (ms)",
    "latest fact window end − alert (ms)",
    "open-ended facts",
    "past cases returned",
    "queued − raised (ms)",
];

/// What the probe saw of one alert.
#[derive(Clone, Debug)]
pub struct Observed {
    /// The alert's `seq` in the log (to join its label after the run; never used to
    /// decide).
    pub alert_seq: u64,
    /// When it was raised (ms since the start): the stretch of the run it belongs to.
    pub raised_ms: u64,
    /// `detector/rule`.
    pub rule: String,
    /// (where, field, value) of every record shown, once each.
    pub values: BTreeSet<(String, String, String)>,
    /// One entry per [`STRUCTURAL`] feature; `None` where it does not apply.
    pub numbers: Vec<Option<f64>>,
}

/// The probe strategy; what it saw goes to a shared list.
pub struct Probe {
    seen: Arc<Mutex<Vec<Observed>>>,
}

impl Probe {
    /// A probe writing to `seen`.
    pub fn new(seen: Arc<Mutex<Vec<Observed>>>) -> Self {
        Probe { seen }
    }
}

const KINDS: [ContextKind; 3] = [
    ContextKind::Telemetry,
    ContextKind::Organizational,
    ContextKind::Historic,
];

impl Strategy for Probe {
    fn name(&self) -> &str {
        "leak-probe"
    }

    fn decide(&mut self, case: &CaseView<'_>) -> Decision {
        if let Some(kind) = KINDS.into_iter().find(|&k| case.can_query(k)) {
            return Decision::Query(kind);
        }
        let observed = observe(case);
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(observed);
        }
        Decision::Verdict {
            verdict: Verdict::Benign,
            confidence: 0.5,
            evidence: Vec::new(),
            rationale: "leak probe".into(),
            contain: Vec::new(),
        }
    }
}

fn ms(t: crate::time::SimTime) -> f64 {
    t.ms() as f64
}

/// Everything observable about the case, as values and numbers.
pub fn observe(case: &CaseView<'_>) -> Observed {
    let a = &case.alert;
    let raised = ms(a.raised_at);
    let mut values = BTreeSet::new();
    let put = |values: &mut BTreeSet<_>, place: String, fields: &crate::scenario::Fields| {
        for (k, v) in fields {
            values.insert((place.clone(), k.to_string(), v.to_string()));
        }
    };
    let mut numbers = vec![None; STRUCTURAL.len()];
    let matched = case.matched_record();
    let telemetry: Vec<Observation<'_>> = case.records(ContextKind::Telemetry).collect();
    if let Some(Observation::Telemetry {
        handle, at, fields, ..
    }) = matched
    {
        put(&mut values, "matched record".into(), fields);
        numbers[0] = Some(raised - ms(at));
        numbers[1] = Some(handle as f64 - a.handle as f64);
        let mut same: Vec<u64> = telemetry
            .iter()
            .filter_map(|o| match o {
                Observation::Telemetry { handle, at: t, .. } if *t == at => Some(*handle),
                _ => None,
            })
            .collect();
        same.sort_unstable();
        numbers[2] = Some(same.len() as f64);
        numbers[3] = same.iter().position(|&h| h == handle).map(|p| p as f64);
    }
    let (mut first, mut last, mut at_alert) = (None::<f64>, None::<f64>, 0u32);
    for o in &telemetry {
        if let Observation::Telemetry {
            at, source, fields, ..
        } = o
        {
            put(&mut values, format!("telemetry {source}"), fields);
            let d = ms(*at) - raised;
            first = Some(first.map_or(d, |f| f.min(d)));
            last = Some(last.map_or(d, |l| l.max(d)));
            at_alert += u32::from(*at == a.raised_at);
        }
    }
    if case.queried(ContextKind::Telemetry) {
        numbers[4] = Some(telemetry.len() as f64);
        numbers[5] = Some(f64::from(at_alert));
        numbers[6] = first;
        numbers[7] = last;
    }
    let (mut from, mut until, mut open, mut facts) = (None::<f64>, None::<f64>, 0u32, 0u32);
    for o in case.records(ContextKind::Organizational) {
        if let Observation::Fact {
            kind,
            fields,
            from: f,
            until: u,
            ..
        } = o
        {
            facts += 1;
            put(&mut values, format!("fact {kind}"), fields);
            values.insert((format!("fact {kind}"), "(present)".into(), String::new()));
            let d = ms(f) - raised;
            from = Some(from.map_or(d, |x| x.min(d)));
            match u {
                Some(u) => {
                    let d = ms(u) - raised;
                    until = Some(until.map_or(d, |x| x.max(d)));
                }
                None => open += 1,
            }
        }
    }
    if case.queried(ContextKind::Organizational) {
        numbers[8] = Some(f64::from(facts));
        numbers[9] = from;
        numbers[10] = until;
        numbers[11] = Some(f64::from(open));
    }
    if case.queried(ContextKind::Historic) {
        numbers[12] = Some(case.records(ContextKind::Historic).count() as f64);
    }
    numbers[13] = Some(ms(a.queued_at) - raised);
    Observed {
        alert_seq: a.raised_seq,
        raised_ms: a.raised_at.ms(),
        rule: format!("{}/{}", a.rule.source, a.rule.name),
        values,
        numbers,
    }
}
