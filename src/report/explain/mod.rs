//! The glass-box story of one alert or one campaign, read from a stored event log:
//! raised by which rule, queued, picked up by whom, each query and the records it
//! returned, the verdict with its confidence and the cited records resolved to their
//! content, escalation, the customer's resolution, containment and its release, and
//! the attack steps it prevented. The ground truth is shown too — marked as what the
//! strategy never saw.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::event::{Envelope, EventLog, Payload, RunHeader};
use crate::time::Epoch;

mod reader;
mod records;
use reader::Reader;

/// What to explain.
#[derive(Clone, Copy, Debug)]
pub enum Subject {
    /// An alert by id.
    Alert(u32),
    /// A campaign by index.
    Campaign(u32),
}

/// A telemetry or organizational record, resolved to its content.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    /// Its `seq` in the log.
    pub seq: u64,
    /// When it was recorded (local time).
    pub at: String,
    /// `telemetry` or `fact`.
    pub kind: String,
    /// Telemetry source, or the fact's kind.
    pub source: String,
    /// The entity it is about.
    pub entity: String,
    /// Its fields, verbatim.
    pub fields: BTreeMap<String, String>,
}

/// One step of the story.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// `seq` of the event.
    pub seq: u64,
    /// ms since the start.
    pub at_ms: u64,
    /// Local time at the scenario's start offset.
    pub at: String,
    /// The event's type.
    pub event: &'static str,
    /// What happened, in words.
    pub text: String,
    /// Records it returned or cited.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<Record>,
}

/// The whole story.
#[derive(Clone, Debug, Serialize)]
pub struct Story {
    /// `alert 17` or `campaign ransomware`.
    pub subject: String,
    /// Run id, scenario, strategy and seed of the log.
    pub run: u64,
    /// Scenario.
    pub scenario: String,
    /// Strategy.
    pub strategy: String,
    /// Seed.
    pub seed: u64,
    /// The scenario's start.
    pub start: String,
    /// In log order.
    pub entries: Vec<Entry>,
}

/// The story of `subject` in the log.
pub fn explain(header: &RunHeader, log: &EventLog, subject: Subject) -> Result<Story> {
    let events = log.events();
    let reader = Reader {
        header,
        events,
        epoch: Epoch::parse(&header.start).ok(),
    };
    let (name, wanted): (String, BTreeSet<u64>) = match subject {
        Subject::Alert(id) => {
            let mine = |e: &Envelope| e.payload.alert().is_some_and(|a| a.0 == id);
            if !events
                .iter()
                .any(|e| matches!(&e.payload, Payload::AlertRaised { alert, .. } if alert.0 == id))
            {
                return Err(Error::Usage(format!(
                    "--alert {id}: no such alert in this log (it has {})",
                    events
                        .iter()
                        .filter(|e| matches!(e.payload, Payload::AlertRaised { .. }))
                        .count()
                )));
            }
            let executions: BTreeSet<u64> = events
                .iter()
                .filter(|e| mine(e) && matches!(e.payload, Payload::ContainmentExecuted { .. }))
                .map(|e| e.seq)
                .collect();
            let seqs = events
                .iter()
                .filter(|e| {
                    mine(e)
                        || matches!(&e.payload, Payload::AttackStepPrevented { containment, .. }
                            | Payload::CampaignStopped { containment, .. } if executions.contains(containment))
                })
                .map(|e| e.seq)
                .collect();
            (format!("alert {id}"), seqs)
        }
        Subject::Campaign(c) => {
            let Some(info) = header.campaigns.get(c as usize) else {
                return Err(Error::Usage(format!(
                    "--campaign {c}: no such campaign (this log has {}: {})",
                    header.campaigns.len(),
                    header
                        .campaigns
                        .iter()
                        .enumerate()
                        .map(|(i, x)| format!("{i} {}", x.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            let alerts: BTreeSet<u32> = events
                .iter()
                .filter_map(|e| match &e.payload {
                    Payload::AlertLabeled {
                        alert,
                        campaign: Some(x),
                        ..
                    } if x.0 == c => Some(alert.0),
                    _ => None,
                })
                .collect();
            let seqs = events
                .iter()
                .filter(|e| match &e.payload {
                    Payload::AttackStepExecuted { campaign, .. }
                    | Payload::AttackStepPrevented { campaign, .. }
                    | Payload::CampaignStopped { campaign, .. } => campaign.0 == c,
                    Payload::TelemetryObserved { .. } | Payload::FactRecorded { .. } => false,
                    p => p.alert().is_some_and(|a| alerts.contains(&a.0)),
                })
                .map(|e| e.seq)
                .collect();
            (format!("campaign {c} ({})", info.name), seqs)
        }
    };
    let entries = wanted
        .into_iter()
        .filter_map(|s| reader.at(s))
        .map(|e| {
            let (text, records) = reader.describe(e);
            Entry {
                seq: e.seq,
                at_ms: e.at.ms(),
                at: reader.when(e.at.ms()),
                event: e.payload.kind(),
                text,
                records,
            }
        })
        .collect();
    Ok(Story {
        subject: name,
        run: header.run,
        scenario: header.scenario.clone(),
        strategy: header.strategy.clone(),
        seed: header.seed,
        start: header.start.clone(),
        entries,
    })
}

/// The story as text: one line per event, its records indented below; control
/// characters in names are shown escaped, never sent to the terminal.
pub fn render_text(s: &Story) -> String {
    render_raw(s)
        .lines()
        .map(|l| crate::report::units::printable(l) + "\n")
        .collect()
}

fn render_raw(s: &Story) -> String {
    let mut out = format!(
        "{} — scenario {}, strategy {}, seed {} (run {}), starting {}\n\n",
        s.subject, s.scenario, s.strategy, s.seed, s.run, s.start
    );
    for e in &s.entries {
        let _ = writeln!(out, "{}  {}", e.at, e.text);
        for r in &e.records {
            if r.kind != "telemetry" && r.kind != "fact" {
                let _ = writeln!(out, "    event {} ({}, {})", r.seq, r.kind, r.at);
                continue;
            }
            let fields: Vec<String> = r.fields.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
            let _ = writeln!(
                out,
                "    record {} ({} {} on {}, {}): {}",
                r.seq,
                r.kind,
                r.source,
                r.entity,
                r.at,
                fields.join(" ")
            );
        }
    }
    out
}
