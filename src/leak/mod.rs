//! The leak probe behind `mdrsim lint --deep`: simulates a scenario over several seeds
//! with a [`probe::Probe`] that sees what every strategy sees, and compares, rule by
//! rule, the attack alerts with the benign ones on everything observable — value pairs
//! by likelihood ratio, structural features (times, handle gaps, order, counts, fact
//! windows) by a two-sample test with Holm's correction. A finding is a side channel: a
//! strategy could learn the label from it without investigating. Method and limits:
//! docs/honesty.md.

pub mod probe;
pub mod stats;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::event::{Payload, Truth};
use crate::scenario::Scenario;
use crate::sim::Simulation;
use crate::strategy::{Policy, builtin};
use probe::{Observed, Probe, STRUCTURAL};

/// At most this many seeds per scenario.
pub const MAX_SEEDS: u64 = 256;

/// How the probe judges.
#[derive(Clone, Debug)]
pub struct Options {
    /// Seeds simulated (their alerts pooled).
    pub seeds: Vec<u64>,
    /// A value pair whose likelihood ratio (either way) exceeds this is a leak.
    pub lr_bound: f64,
    /// Fewest alerts on the heavier side of a value pair, and on each side of a
    /// structural test, for it to be judged.
    pub min_count: u64,
    /// Family-wise error rate of the structural tests of one scenario.
    pub alpha: f64,
    /// A rule's attack alerts are compared with its benign alerts on the same
    /// entities in the same seed, raised from this long before the first such attack
    /// alert to this long after the last: whom an attack hits and when (how much
    /// history exists by then, how long the directory has been in force) is the
    /// scenario's story — the plain lint checks that benign activity shares the
    /// attack's rules and entities — not a side channel.
    pub stretch_ms: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seeds: (1..=32).collect(),
            lr_bound: 20.0,
            min_count: 5,
            alpha: 0.01,
            stretch_ms: 2 * 3_600_000,
        }
    }
}

/// A (rule, where, field, value) pair far more common on one side.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ValueLeak {
    /// `detector/rule`.
    pub rule: String,
    /// Where the value was seen (`matched record`, `telemetry process`, `fact hr`).
    pub place: String,
    /// Field (`(present)` for "a fact of this kind was returned").
    pub field: String,
    /// Value.
    pub value: String,
    /// Attack alerts carrying it, of attack alerts of the rule.
    pub attack: (u64, u64),
    /// Benign alerts carrying it, of benign alerts of the rule.
    pub benign: (u64, u64),
    /// Smoothed likelihood ratio P(pair | attack) / P(pair | benign).
    pub likelihood_ratio: f64,
}

/// A structural feature distributed differently for attack and benign alerts.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StructureLeak {
    /// `detector/rule`.
    pub rule: String,
    /// The feature ([`probe::STRUCTURAL`]).
    pub feature: String,
    /// Attack alerts with the feature, and their median.
    pub attack: (usize, f64),
    /// Benign alerts with the feature, and their median.
    pub benign: (usize, f64),
    /// Kolmogorov–Smirnov D.
    pub d: f64,
    /// Holm-adjusted p-value.
    pub p_adjusted: f64,
}

/// What the probe found in one scenario.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Report {
    /// The scenario's name.
    pub scenario: String,
    /// Seeds simulated.
    pub seeds: usize,
    /// Alerts the probe saw, and how many were malicious.
    pub alerts: (u64, u64),
    /// Benign alerts of the rules that also have attack alerts.
    pub compared_benign: u64,
    /// Of those, the ones on an attack alert's entities near its time (what facts and
    /// the evidence's shape are compared over).
    pub near_benign: u64,
    /// Rules with both attack and benign alerts (the ones compared).
    pub rules_compared: usize,
    /// The stretch around attack alerts, hours.
    pub stretch_h: f64,
    /// Value pairs judged and structural tests made.
    pub judged: (usize, usize),
    /// Value leaks, strongest first.
    pub values: Vec<ValueLeak>,
    /// Structural leaks, strongest first.
    pub structure: Vec<StructureLeak>,
}

/// The attack/benign alerts of one rule.
#[derive(Default)]
struct RuleSides {
    /// Alerts, attack and benign: all of them, and those near an attack alert.
    n: [u64; 2],
    n_near: [u64; 2],
    values: BTreeMap<(String, String, String), [u64; 2]>,
    numbers: Vec<[Vec<f64>; 2]>,
}

/// Whether a value is the activity's own (a record's fields: compared over all of a
/// rule's alerts) or context that depends on whom and when (facts, the evidence's
/// shape: compared near the attack, on its entities).
fn activity_value(place: &str) -> bool {
    place == "matched record" || place.starts_with("telemetry ")
}

/// One seed's alerts as the probe saw them, each with whether it was malicious.
fn run_seed(sc: &Scenario, seed: u64) -> Result<Vec<(bool, Observed)>> {
    let mut def = builtin::definition("dismiss_all")?;
    def.set(
        "provider.context",
        serde_json::json!(["telemetry", "organizational", "historic"]),
    )?;
    let mut decider = def.instantiate(sc)?;
    let seen = Arc::new(Mutex::new(Vec::new()));
    decider.policy = Policy::Honest(Box::new(Probe::new(Arc::clone(&seen))));
    let out = Simulation::new(sc, seed).run(&mut decider);
    let mut alert_of_seq = BTreeMap::new();
    let mut malicious = BTreeMap::new();
    for e in out.log.events() {
        match &e.payload {
            Payload::AlertRaised { alert, .. } => {
                alert_of_seq.insert(e.seq, *alert);
            }
            Payload::AlertLabeled { alert, truth, .. } => {
                malicious.insert(*alert, *truth == Truth::Malicious);
            }
            _ => {}
        }
    }
    drop(decider);
    let seen = std::mem::take(&mut *seen.lock().map_err(|_| Error::Usage("probe".into()))?);
    Ok(seen
        .into_iter()
        .filter_map(|o| {
            let alert = alert_of_seq.get(&o.alert_seq)?;
            Some((*malicious.get(alert)?, o))
        })
        .collect())
}

/// Probes `sc` over `opts.seeds`; `tick` is called after each seed.
pub fn probe(sc: &Scenario, opts: &Options, tick: &(dyn Fn() + Sync)) -> Result<Report> {
    if opts.seeds.is_empty() || opts.seeds.len() as u64 > MAX_SEEDS {
        return Err(Error::Usage(format!(
            "--seeds: between 1 and {MAX_SEEDS} seeds"
        )));
    }
    let runs: Vec<Vec<(bool, Observed)>> = opts
        .seeds
        .par_iter()
        .map(|&seed| {
            let r = run_seed(sc, seed);
            tick();
            r
        })
        .collect::<Result<_>>()?;
    let mut rules: BTreeMap<String, RuleSides> = BTreeMap::new();
    let mut alerts = (0u64, 0u64);
    for run in runs {
        let stretch = attack_stretch(&run, opts.stretch_ms);
        for (malicious, o) in run {
            let side = usize::from(!malicious);
            alerts.0 += 1;
            alerts.1 += u64::from(malicious);
            let near = stretch
                .get(&(o.rule.clone(), o.entities.clone()))
                .is_some_and(|(lo, hi)| (*lo..=*hi).contains(&o.raised_ms));
            let r = rules.entry(o.rule).or_default();
            r.n[side] += 1;
            r.n_near[side] += u64::from(near);
            for v in o.values {
                if near || activity_value(&v.0) {
                    r.values.entry(v).or_default()[side] += 1;
                }
            }
            if r.numbers.is_empty() {
                r.numbers = vec![[Vec::new(), Vec::new()]; STRUCTURAL.len()];
            }
            for (f, x) in o.numbers.into_iter().enumerate() {
                if let Some(x) = x {
                    r.numbers[f][side].push(x);
                }
            }
        }
    }
    Ok(judge(sc, opts, rules, alerts))
}

type Stretches = BTreeMap<(String, Vec<String>), (u64, u64)>;

/// Per rule and entities, the stretch of one run around its attack alerts.
fn attack_stretch(run: &[(bool, Observed)], margin: u64) -> Stretches {
    let mut out = Stretches::new();
    for (_, o) in run.iter().filter(|(m, _)| *m) {
        let key = (o.rule.clone(), o.entities.clone());
        let e = out.entry(key).or_insert((o.raised_ms, o.raised_ms));
        e.0 = e.0.min(o.raised_ms);
        e.1 = e.1.max(o.raised_ms);
    }
    for v in out.values_mut() {
        *v = (v.0.saturating_sub(margin), v.1.saturating_add(margin));
    }
    out
}

fn median(x: &[f64]) -> f64 {
    let mut x = x.to_vec();
    x.sort_by(f64::total_cmp);
    match x.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => x[n / 2],
        n => (x[n / 2 - 1] + x[n / 2]) / 2.0,
    }
}

fn judge(
    sc: &Scenario,
    opts: &Options,
    rules: BTreeMap<String, RuleSides>,
    alerts: (u64, u64),
) -> Report {
    let mut values = Vec::new();
    let mut tests = Vec::new();
    let (mut pairs, mut compared) = (0usize, 0usize);
    for (rule, r) in &rules {
        let [n_a, n_b] = r.n;
        if n_a == 0 || n_b == 0 {
            continue;
        }
        compared += 1;
        for ((place, field, value), [a, b]) in &r.values {
            let [n_a, n_b] = if activity_value(place) { r.n } else { r.n_near };
            if *a.max(b) < opts.min_count {
                continue;
            }
            pairs += 1;
            let lr = stats::likelihood_ratio(*a, n_a, *b, n_b);
            let strong = (lr > opts.lr_bound && *a >= opts.min_count)
                || (1.0 / lr > opts.lr_bound && *b >= opts.min_count);
            if strong {
                values.push(ValueLeak {
                    rule: rule.clone(),
                    place: place.clone(),
                    field: field.clone(),
                    value: value.clone(),
                    attack: (*a, n_a),
                    benign: (*b, n_b),
                    likelihood_ratio: lr,
                });
            }
        }
        for (f, [x, y]) in r.numbers.iter().enumerate() {
            let min = opts.min_count as usize;
            if x.len() < min || y.len() < min {
                continue;
            }
            let d = stats::ks_statistic(x, y);
            let p = stats::ks_p_value(d, x.len(), y.len());
            tests.push((
                rule.clone(),
                f,
                d,
                p,
                (x.len(), median(x)),
                (y.len(), median(y)),
            ));
        }
    }
    let adjusted = stats::holm(&tests.iter().map(|t| t.3).collect::<Vec<_>>());
    let mut structure: Vec<StructureLeak> = tests
        .iter()
        .zip(&adjusted)
        .filter(|(_, p)| **p < opts.alpha)
        .map(|((rule, f, d, _, attack, benign), p)| StructureLeak {
            rule: rule.clone(),
            feature: STRUCTURAL[*f].to_string(),
            attack: *attack,
            benign: *benign,
            d: *d,
            p_adjusted: *p,
        })
        .collect();
    values.sort_by(|a, b| {
        let strength = |v: &ValueLeak| v.likelihood_ratio.max(1.0 / v.likelihood_ratio);
        strength(b).total_cmp(&strength(a))
    });
    structure.sort_by(|a, b| a.p_adjusted.total_cmp(&b.p_adjusted));
    Report {
        scenario: sc.name.clone(),
        seeds: opts.seeds.len(),
        alerts,
        rules_compared: compared,
        compared_benign: rules.values().filter(|r| r.n[0] > 0).map(|r| r.n[1]).sum(),
        near_benign: rules
            .values()
            .filter(|r| r.n[0] > 0)
            .map(|r| r.n_near[1])
            .sum(),
        stretch_h: opts.stretch_ms as f64 / 3_600_000.0,
        judged: (pairs, tests.len()),
        values,
        structure,
    }
}
