//! The probe: a strategy that sees exactly what every strategy sees (the alert as
//! raised, then every query it may make) and writes down everything observable about
//! each alert — the values of the records shown (as (where, field, value) pairs) and
//! structural features (time offsets, handle gaps, order, counts, fact windows). It
//! dismisses every alert, so the world it watches is never contained.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use crate::event::{ContextKind, Verdict};
use crate::strategy::{CaseView, Decision, Observation, Strategy};

/// The structural features judged by a two-sample test, by name (the order of
/// [`Observed::numbers`]): the engine's own channels — detection latency, handle gaps,
/// the order of records written at one instant, time in the queue. Whatever produced
/// an activity, each must be distributed the same way.
pub const STRUCTURAL: &[&str] = &[
    "alert raised − matched record's time (ms)",
    "matched record's handle − alert's handle",
    "records at the matched record's time",
    "matched record's place among records at its time",
    "telemetry records at the alert's time",
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
    /// The entities it names, sorted.
    pub entities: Vec<String>,
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

/// A count as a category: exact to 5, then in widening bins.
pub fn count_bin(n: usize) -> String {
    match n {
        0..=5 => n.to_string(),
        6..=10 => "6–10".into(),
        11..=20 => "11–20".into(),
        21..=50 => "21–50".into(),
        _ => "over 50".into(),
    }
}

/// A time offset as a category: its sign and a logarithmic bin of its size.
pub fn offset_bin(ms: i64) -> String {
    const EDGES: [(i64, &str); 8] = [
        (0, "0"),
        (1_000, "≤ 1s"),
        (10_000, "1–10s"),
        (60_000, "10s–1m"),
        (600_000, "1–10m"),
        (3_600_000, "10m–1h"),
        (21_600_000, "1–6h"),
        (86_400_000, "6h–1d"),
    ];
    let size = ms.unsigned_abs() as i64;
    let bin = EDGES
        .iter()
        .find(|(edge, _)| size <= *edge)
        .map_or("over 1d", |(_, name)| name);
    match ms.signum() {
        0 => "0".into(),
        -1 => format!("−{bin}"),
        _ => format!("+{bin}"),
    }
}

/// Everything observable about the case: the records' values, the evidence's volume
/// and windows as categories (judged like values), and the engine's channels as
/// numbers.
pub fn observe(case: &CaseView<'_>) -> Observed {
    let a = &case.alert;
    let raised = a.raised_at.ms() as i64;
    let mut values = BTreeSet::new();
    let put = |values: &mut BTreeSet<_>, place: String, fields: &crate::scenario::Fields| {
        for (k, v) in fields {
            values.insert((place.clone(), k.to_string(), v.to_string()));
        }
    };
    let shape =
        |field: &str, value: String| ("evidence shape".to_string(), field.to_string(), value);
    let mut numbers = vec![None; STRUCTURAL.len()];
    let telemetry: Vec<Observation<'_>> = case.records(ContextKind::Telemetry).collect();
    if let Some(Observation::Telemetry {
        handle, at, fields, ..
    }) = case.matched_record()
    {
        put(&mut values, "matched record".into(), fields);
        numbers[0] = Some((raised - at.ms() as i64) as f64);
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
    let mut at_alert = 0u32;
    let mut by_source: std::collections::BTreeMap<&str, (usize, i64, i64)> = Default::default();
    for o in &telemetry {
        if let Observation::Telemetry {
            at, source, fields, ..
        } = o
        {
            put(&mut values, format!("telemetry {source}"), fields);
            let d = at.ms() as i64 - raised;
            let e = by_source.entry(source).or_insert((0, d, d));
            *e = (e.0 + 1, e.1.min(d), e.2.max(d));
            at_alert += u32::from(*at == a.raised_at);
        }
    }
    // The record of each source nearest before the alert: most likely the activity's
    // own trace, which the context around it could otherwise drown.
    let mut nearest: std::collections::BTreeMap<&str, (i64, u64, &crate::scenario::Fields)> =
        Default::default();
    for o in &telemetry {
        if let Observation::Telemetry {
            at,
            source,
            fields,
            handle,
            ..
        } = o
        {
            let t = at.ms() as i64;
            let later = |(bt, bh, _): &(i64, u64, _)| (t, *handle) > (*bt, *bh);
            if t <= raised && nearest.get(source).is_none_or(later) {
                nearest.insert(source, (t, *handle, fields));
            }
        }
    }
    for (source, (_, _, fields)) in nearest {
        let place = format!("telemetry {source}, nearest before the alert");
        put(&mut values, place, fields);
    }
    if case.queried(ContextKind::Telemetry) {
        values.insert(shape(
            "telemetry records returned",
            count_bin(telemetry.len()),
        ));
        for (source, (n, first, last)) in by_source {
            values.insert(shape(&format!("{source} records returned"), count_bin(n)));
            values.insert(shape(
                &format!("earliest {source} record − alert"),
                offset_bin(first),
            ));
            values.insert(shape(
                &format!("latest {source} record − alert"),
                offset_bin(last),
            ));
        }
        numbers[4] = Some(f64::from(at_alert));
    }
    let mut facts = 0usize;
    for o in case.records(ContextKind::Organizational) {
        if let Observation::Fact {
            kind,
            fields,
            from,
            until,
            ..
        } = o
        {
            facts += 1;
            put(&mut values, format!("fact {kind}"), fields);
            values.insert((format!("fact {kind}"), "(present)".into(), String::new()));
            let start = offset_bin(from.ms() as i64 - raised);
            values.insert(shape(&format!("{kind} window start − alert"), start));
            let end = until.map_or("open".into(), |u| offset_bin(u.ms() as i64 - raised));
            values.insert(shape(&format!("{kind} window end − alert"), end));
        }
    }
    if case.queried(ContextKind::Organizational) {
        values.insert(shape("facts returned", count_bin(facts)));
    }
    if case.queried(ContextKind::Historic) {
        let n = case.records(ContextKind::Historic).count();
        values.insert(shape("past cases returned", count_bin(n)));
    }
    numbers[5] = Some((a.queued_at.ms() as i64 - raised) as f64);
    Observed {
        alert_seq: a.raised_seq,
        raised_ms: a.raised_at.ms(),
        rule: format!("{}/{}", a.rule.source, a.rule.name),
        entities: {
            let mut e: Vec<String> = a
                .entities
                .iter()
                .map(|&id| case.entity_name(id).to_string())
                .collect();
            e.sort();
            e
        },
        values,
        numbers,
    }
}

#[cfg(test)]
mod tests {
    use super::{count_bin, offset_bin};

    #[test]
    fn bins_by_hand() {
        assert_eq!(count_bin(0), "0");
        assert_eq!(count_bin(5), "5");
        assert_eq!(count_bin(6), "6–10");
        assert_eq!(count_bin(51), "over 50");
        assert_eq!(offset_bin(0), "0");
        assert_eq!(offset_bin(-1), "−≤ 1s");
        assert_eq!(offset_bin(90_000), "+1–10m");
        assert_eq!(offset_bin(-4 * 3_600_000), "−1–6h");
        assert_eq!(offset_bin(2 * 86_400_000), "+over 1d");
    }
}
