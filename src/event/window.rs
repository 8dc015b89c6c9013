//! The engine's own memory of its log. A run hands every event to its sink (see
//! [`super::sink`]) and keeps only what a later step may still read: the events of the
//! last retention window of simulated time (telemetry an investigation may query, past
//! cases a historic query may return), plus the few kinds a later event may refer to
//! however old — escalations, containment requests and executions (a customer task or a
//! containment in force) and organizational facts still in force within the window.
//! Memory then follows the window and the live cases, not the length of the run.

use std::collections::{BTreeMap, VecDeque};

use super::{Envelope, EventLog, Payload};
use crate::time::{SimDuration, SimTime};

/// How far back (simulated time) investigations can look: telemetry, past cases and
/// facts that ended earlier than this before now are forgotten. Longer than every
/// scenario of the default suite, so none of their results depends on it; like a
/// SIEM's searchable ("hot") retention. Documented in `docs/event-log.md`.
pub const RETENTION: SimDuration = SimDuration::from_days(30);

/// Reads an event by `seq`: a whole log, or the window a running engine keeps.
pub trait EventLookup {
    /// The event with `seq`, if it is (still) held.
    fn event(&self, seq: u64) -> Option<&Envelope>;
}

impl EventLookup for EventLog {
    fn event(&self, seq: u64) -> Option<&Envelope> {
        self.get(seq)
    }
}

/// An append-only log that forgets what no later step can need.
#[derive(Debug)]
pub struct RetainedLog {
    run: u64,
    /// `seq` of `window[0]`.
    base: u64,
    window: VecDeque<Envelope>,
    /// Events before `base` that are still referable (see [`long_lived`]).
    kept: BTreeMap<u64, Envelope>,
    last_at: SimTime,
}

impl RetainedLog {
    /// An empty log for run `run`.
    pub fn new(run: u64) -> Self {
        RetainedLog {
            run,
            base: 0,
            window: VecDeque::with_capacity(4096),
            kept: BTreeMap::new(),
            last_at: SimTime::ZERO,
        }
    }

    /// Appends an event at `at` (raised to the last event's time if earlier, as
    /// [`EventLog::append`] does) and returns it.
    pub fn append(&mut self, at: SimTime, payload: Payload) -> &Envelope {
        let at = self.last_at.max(at);
        self.last_at = at;
        let seq = self.len();
        self.window.push_back(Envelope {
            run: self.run,
            seq,
            at,
            payload,
        });
        self.window.back().expect("just pushed")
    }

    /// The next `seq` (events appended so far).
    pub fn len(&self) -> u64 {
        self.base + self.window.len() as u64
    }

    /// True when nothing was appended.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first `seq` still held in the window (earlier ones only if long-lived).
    pub fn base(&self) -> u64 {
        self.base
    }

    /// Events held in memory.
    pub fn held(&self) -> usize {
        self.window.len() + self.kept.len()
    }

    /// Whether event `seq` is still held.
    pub fn holds(&self, seq: u64) -> bool {
        self.event(seq).is_some()
    }

    /// Forgets the events before `cutoff`, keeping the long-lived ones; returns the
    /// new window base.
    pub fn forget_before(&mut self, cutoff: SimTime) -> u64 {
        while self.window.front().is_some_and(|e| e.at < cutoff) {
            let Some(e) = self.window.pop_front() else {
                break;
            };
            if long_lived(&e.payload, cutoff) {
                self.kept.insert(e.seq, e);
            }
            self.base += 1;
        }
        self.kept.retain(|_, e| long_lived(&e.payload, cutoff));
        self.base
    }
}

impl EventLookup for RetainedLog {
    fn event(&self, seq: u64) -> Option<&Envelope> {
        match seq.checked_sub(self.base) {
            Some(i) => self.window.get(usize::try_from(i).ok()?),
            None => self.kept.get(&seq),
        }
    }
}

/// Whether an event older than the window may still be read: a customer task's
/// escalation or request, a containment execution (released or reviewed later), a
/// fact still in force at `cutoff` or open-ended. These are few: one per escalation,
/// containment or fact, never one per alert or record.
fn long_lived(p: &Payload, cutoff: SimTime) -> bool {
    match p {
        Payload::Escalated { .. }
        | Payload::ContainmentRequested { .. }
        | Payload::ContainmentExecuted { .. } => true,
        Payload::FactRecorded { until_ms, .. } => until_ms.is_none_or(|u| u >= cutoff.ms()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AlertId, EntityId};

    fn queued(alert: u32) -> Payload {
        Payload::AlertQueued {
            alert: AlertId(alert),
            pool: 0,
        }
    }

    #[test]
    fn forgets_old_events_but_keeps_long_lived_ones() {
        let mut log = RetainedLog::new(3);
        log.append(SimTime(10), queued(0));
        log.append(
            SimTime(20),
            Payload::Escalated {
                alert: AlertId(0),
                reason: "r".into(),
                customer_ms: 0,
            },
        );
        let fact = |until| Payload::FactRecorded {
            entity: EntityId(0),
            kind: "k".into(),
            fields: Default::default(),
            from_ms: 0,
            until_ms: until,
        };
        log.append(SimTime(30), fact(Some(35)));
        log.append(SimTime(40), fact(None));
        log.append(SimTime(50), queued(1));
        assert_eq!(log.forget_before(SimTime(45)), 4);
        // The queue event and the fact that ended before the cutoff are gone; the
        // escalation, the open-ended fact and the window remain.
        assert!(log.event(0).is_none());
        assert!(matches!(
            log.event(1).map(|e| &e.payload),
            Some(Payload::Escalated { .. })
        ));
        assert!(log.event(2).is_none());
        assert_eq!(log.event(3).map(|e| e.seq), Some(3));
        assert_eq!(log.event(4).map(|e| e.at), Some(SimTime(50)));
        assert_eq!((log.len(), log.held()), (5, 3));
        // Time never goes back, as in the whole log.
        assert_eq!(log.append(SimTime(1), queued(2)).at, SimTime(50));
    }
}
