//! The append-only event log of one run.

use super::{Envelope, Payload};
use crate::time::SimTime;

/// The order a log's events come in: one run, `seq` 0, 1, 2 …, time never going back.
pub(crate) struct Order {
    pub(crate) run: u64,
    pub(crate) next: u64,
    pub(crate) last_at: u64,
}

impl Order {
    /// Checks that `e` is the next event, and moves on past it.
    pub(crate) fn admit(&mut self, e: &Envelope) -> Result<(), AppendError> {
        if e.run != self.run {
            return Err(AppendError::WrongRun {
                seq: e.seq,
                expected: self.run,
                found: e.run,
            });
        }
        if e.seq != self.next {
            return Err(AppendError::WrongSeq {
                expected: self.next,
                found: e.seq,
            });
        }
        if e.at.0 < self.last_at {
            return Err(AppendError::TimeWentBack {
                seq: e.seq,
                at: e.at.0,
                last: self.last_at,
            });
        }
        self.next += 1;
        self.last_at = e.at.0;
        Ok(())
    }
}

/// Why an envelope cannot be appended: it would break density or time order.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AppendError {
    /// The envelope's `seq` is not the next one.
    #[error("expected seq {expected}, found {found}")]
    WrongSeq {
        /// The next `seq` of the log.
        expected: u64,
        /// The envelope's `seq`.
        found: u64,
    },
    /// The envelope is earlier than the last one.
    #[error("event {seq} at {at} ms is earlier than the previous event at {last} ms")]
    TimeWentBack {
        /// The envelope's `seq`.
        seq: u64,
        /// Its time.
        at: u64,
        /// The previous event's time.
        last: u64,
    },
    /// The envelope belongs to another run.
    #[error("event {seq} belongs to run {found}, not run {expected}")]
    WrongRun {
        /// The envelope's `seq`.
        seq: u64,
        /// The log's run.
        expected: u64,
        /// The envelope's run.
        found: u64,
    },
}

/// An append-only, time-ordered sequence of envelopes with dense `seq`s.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventLog {
    run: u64,
    events: Vec<Envelope>,
}

impl EventLog {
    /// An empty log for run `run`.
    pub fn new(run: u64) -> Self {
        EventLog {
            run,
            events: Vec::new(),
        }
    }

    /// An empty log with room for `n` events.
    pub fn with_capacity(run: u64, n: usize) -> Self {
        EventLog {
            run,
            events: Vec::with_capacity(n),
        }
    }

    /// The run id.
    pub fn run(&self) -> u64 {
        self.run
    }

    /// Appends an event at `at` and returns its `seq`. Time never goes back: an
    /// earlier `at` is raised to the last event's time (the engine never asks for that).
    pub fn append(&mut self, at: SimTime, payload: Payload) -> u64 {
        let seq = self.events.len() as u64;
        let at = self.events.last().map_or(at, |l| l.at.max(at));
        self.events.push(Envelope {
            run: self.run,
            seq,
            at,
            payload,
        });
        seq
    }

    /// Appends a stored envelope, checking that it is the next one in time order.
    pub fn try_push(&mut self, e: Envelope) -> Result<(), AppendError> {
        Order {
            run: self.run,
            next: self.events.len() as u64,
            last_at: self.events.last().map_or(0, |l| l.at.0),
        }
        .admit(&e)?;
        self.events.push(e);
        Ok(())
    }

    /// All events in order.
    pub fn events(&self) -> &[Envelope] {
        &self.events
    }

    /// The event with `seq`, if present.
    pub fn get(&self, seq: u64) -> Option<&Envelope> {
        self.events.get(seq as usize)
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when no event was appended.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The time of the last event.
    pub fn last_time(&self) -> SimTime {
        self.events.last().map_or(SimTime::ZERO, |e| e.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AlertId;

    #[test]
    fn try_push_rejects_gaps_and_time_travel() {
        let mut log = EventLog::new(0);
        let q = |seq, at| Envelope {
            run: 0,
            seq,
            at: SimTime(at),
            payload: Payload::AlertQueued {
                alert: AlertId(0),
                pool: 0,
            },
        };
        log.try_push(q(0, 10)).unwrap();
        assert!(matches!(
            log.try_push(q(2, 10)),
            Err(AppendError::WrongSeq { .. })
        ));
        assert!(matches!(
            log.try_push(q(1, 5)),
            Err(AppendError::TimeWentBack { .. })
        ));
        log.try_push(q(1, 10)).unwrap();
        assert_eq!(log.len(), 2);
    }
}
