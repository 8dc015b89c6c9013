//! The rows of `timeline.parquet`: what a run's week looked like beyond its alerts —
//! who was on shift (each provider pool and the customer's team, as capacity
//! intervals), when each attack step happened, and each containment from execution to
//! release — so anyone can draw the week without re-deriving schedules from a profile.

use arrow_array::ArrayRef;
use arrow_schema::{DataType, Field};

use super::rows::{opt_u64s, strs, u64s};
use super::run::RunResult;
use crate::calendar::Capacity;
use crate::event::{Envelope, EventSink, Payload, RunHeader};

/// One interval or instant of a run's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineRow {
    /// `capacity`, `attack_step` or `containment`.
    pub kind: &'static str,
    /// `provider` or `customer` (capacity; who carried out a containment).
    pub party: Option<&'static str>,
    /// Pool name (`customer` for the customer's team), `campaign/step`, or the
    /// contained entity.
    pub name: String,
    /// The step's ATT&CK technique, or the containment action.
    pub detail: Option<String>,
    /// Start (ms since the scenario's start).
    pub from_ms: u64,
    /// End: the next capacity change or the horizon; a containment's release (none if
    /// it lasted past the horizon); none for an instant.
    pub to_ms: Option<u64>,
    /// Workers on shift (capacity), or the alert a containment was decided on.
    pub value: Option<u64>,
}

/// Capacity as intervals of constant headcount within `[0, horizon)`.
fn shifts(out: &mut Vec<TimelineRow>, who: &'static str, name: &str, c: &Capacity, horizon: u64) {
    let mut points: Vec<(u64, u32)> = vec![(0, c.at(crate::time::SimTime(0)))];
    for (t, n) in c.changes() {
        if t.ms() > 0 && t.ms() < horizon {
            points.push((t.ms(), n));
        }
    }
    points.dedup_by(|b, a| a.1 == b.1);
    for (i, &(from, n)) in points.iter().enumerate() {
        let to = points.get(i + 1).map_or(horizon, |p| p.0);
        out.push(TimelineRow {
            kind: "capacity",
            party: Some(who),
            name: name.to_string(),
            detail: None,
            from_ms: from,
            to_ms: Some(to),
            value: Some(n as u64),
        });
    }
}

/// A run's timeline, folded as its events happen: capacity per pool and for the
/// customer, then attack steps of real campaigns and containments, in time order within
/// each kind.
pub struct TimelineFold<'h> {
    header: &'h RunHeader,
    out: Vec<TimelineRow>,
    /// Containment rows still open: execution seq → row. A release comes after its
    /// execution, so it closes the row the execution opened.
    open: std::collections::BTreeMap<u64, usize>,
}

impl<'h> TimelineFold<'h> {
    /// Starts with the capacity rows of `pools` and the customer's team.
    pub fn new(header: &'h RunHeader, pools: &[(String, Capacity)], customer: &Capacity) -> Self {
        let horizon = header.horizon_ms;
        let mut out = Vec::new();
        for (name, c) in pools {
            shifts(&mut out, "provider", name, c, horizon);
        }
        shifts(&mut out, "customer", "customer", customer, horizon);
        TimelineFold {
            header,
            out,
            open: Default::default(),
        }
    }

    /// Takes the next event of the run.
    pub fn push(&mut self, e: &Envelope) {
        match &e.payload {
            Payload::ContainmentReleased { execution, .. } => {
                if let Some(row) = self
                    .open
                    .remove(execution)
                    .and_then(|i| self.out.get_mut(i))
                {
                    row.to_ms = Some(e.at.ms());
                }
            }
            Payload::AttackStepExecuted { campaign, step, .. } => {
                let Some(c) = self.header.campaigns.get(campaign.0 as usize) else {
                    return;
                };
                if !c.malicious {
                    return;
                }
                let s = c.steps.get(step.0 as usize);
                self.out.push(TimelineRow {
                    kind: "attack_step",
                    party: None,
                    name: format!("{}/{}", c.name, s.map_or("?", |s| s.id.as_str())),
                    detail: s.map(|s| s.technique.clone()),
                    from_ms: e.at.ms(),
                    to_ms: None,
                    value: None,
                });
            }
            Payload::ContainmentExecuted {
                alert,
                action: a,
                target,
                by,
                ..
            } => {
                self.open.insert(e.seq, self.out.len());
                self.out.push(TimelineRow {
                    kind: "containment",
                    party: Some(by.as_str()),
                    name: self
                        .header
                        .entities
                        .get(target.0 as usize)
                        .cloned()
                        .unwrap_or_default(),
                    detail: Some(a.as_str().to_string()),
                    from_ms: e.at.ms(),
                    to_ms: None,
                    value: Some(alert.0 as u64),
                });
            }
            _ => {}
        }
    }

    /// The rows, once every event was pushed.
    pub fn finish(self) -> Vec<TimelineRow> {
        self.out
    }
}

/// A run's timeline from its whole log (see [`TimelineFold`]).
pub fn timeline(
    header: &RunHeader,
    events: &[Envelope],
    pools: &[(String, Capacity)],
    customer: &Capacity,
) -> Vec<TimelineRow> {
    let mut fold = TimelineFold::new(header, pools, customer);
    for e in events {
        fold.push(e);
    }
    fold.finish()
}

/// Columns of `timeline.parquet` after `run`.
pub fn timeline_fields() -> Vec<Field> {
    vec![
        Field::new("kind", DataType::Utf8, false),
        Field::new("party", DataType::Utf8, true),
        Field::new("name", DataType::Utf8, false),
        Field::new("detail", DataType::Utf8, true),
        Field::new("from_ms", DataType::UInt64, false),
        Field::new("to_ms", DataType::UInt64, true),
        Field::new("value", DataType::UInt64, true),
    ]
}

/// The timeline columns of `results`, `run` first.
pub fn timeline_columns(results: &[RunResult]) -> Vec<ArrayRef> {
    let rows: Vec<(u64, &TimelineRow)> = results
        .iter()
        .flat_map(|r| r.timeline.iter().map(move |t| (r.cell.index, t)))
        .collect();
    vec![
        u64s(rows.iter().map(|r| r.0)),
        strs(rows.iter().map(|r| Some(r.1.kind))),
        strs(rows.iter().map(|r| r.1.party)),
        strs(rows.iter().map(|r| Some(r.1.name.as_str()))),
        strs(rows.iter().map(|r| r.1.detail.as_deref())),
        u64s(rows.iter().map(|r| r.1.from_ms)),
        opt_u64s(rows.iter().map(|r| r.1.to_ms)),
        opt_u64s(rows.iter().map(|r| r.1.value)),
    ]
}

impl EventSink for TimelineFold<'_> {
    fn accept(&mut self, e: &Envelope) {
        self.push(e);
    }
}
