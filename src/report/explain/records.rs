//! The records an event names, resolved to their content: telemetry and facts as
//! stored, and a past case (what a historic query returns) as its alert's rule and
//! entities with the recorded outcome.

use std::collections::BTreeMap;

use super::Record;
use super::reader::{Reader, verdict};
use crate::event::{Envelope, Payload, Verdict};

impl Reader<'_> {
    pub(super) fn record(&self, seq: u64) -> Option<Record> {
        let e = self.at(seq)?;
        let (kind, source, entity, fields) = match &e.payload {
            Payload::TelemetryObserved {
                source,
                entity,
                fields,
            } => (
                "telemetry",
                self.header
                    .sources
                    .get(*source as usize)
                    .cloned()
                    .unwrap_or_default(),
                entity.0,
                fields,
            ),
            Payload::FactRecorded {
                entity,
                kind,
                fields,
                ..
            } => ("fact", kind.to_string(), entity.0, fields),
            // A past case, as the historic query returns it: the recorded outcome.
            Payload::VerdictReached {
                alert,
                verdict: v,
                confidence,
                ..
            } => return Some(self.past_case(seq, e, alert.0, *v, Some(*confidence))),
            Payload::CustomerResolved {
                alert, verdict: v, ..
            } => return Some(self.past_case(seq, e, alert.0, *v, None)),
            // A cited event that is not a record (the alert itself, say): named by type.
            other => {
                return Some(Record {
                    seq,
                    at: self.when(e.at.ms()),
                    kind: other.kind().into(),
                    source: String::new(),
                    entity: String::new(),
                    fields: BTreeMap::new(),
                });
            }
        };
        Some(Record {
            seq,
            at: self.when(e.at.ms()),
            kind: kind.into(),
            source,
            entity: self.entity(entity),
            fields: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        })
    }

    /// A past case's outcome as a record: the alert's rule and entities, the verdict,
    /// who reached it (the provider states a confidence; the customer does not).
    fn past_case(
        &self,
        seq: u64,
        e: &Envelope,
        alert: u32,
        v: Verdict,
        confidence: Option<f64>,
    ) -> Record {
        let raised = self.events.iter().find_map(|x| match &x.payload {
            Payload::AlertRaised {
                alert: a,
                rule,
                entities,
                ..
            } if a.0 == alert => Some((rule, entities)),
            _ => None,
        });
        let rule = raised.and_then(|(r, _)| self.header.rules.get(r.0 as usize));
        let mut fields = BTreeMap::new();
        fields.insert("alert".to_string(), alert.to_string());
        if let Some(r) = rule {
            fields.insert("rule".to_string(), r.name.to_string());
        }
        fields.insert("outcome".to_string(), verdict(v).to_string());
        let by = if confidence.is_some() {
            "provider"
        } else {
            "customer"
        };
        fields.insert("decided_by".to_string(), by.to_string());
        if let Some(c) = confidence {
            fields.insert("confidence".to_string(), format!("{c:.2}"));
        }
        Record {
            seq,
            at: self.when(e.at.ms()),
            kind: "past case".into(),
            source: rule.map_or(String::new(), |r| r.source.to_string()),
            entity: raised.map_or(String::new(), |(_, es)| {
                es.iter()
                    .map(|x| self.entity(x.0))
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
            fields,
        }
    }
}
