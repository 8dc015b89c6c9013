//! Where a run's events go as they happen. The engine keeps only what it may still
//! need (see [`super::window`]); everything else is handed to a sink once: a fold that
//! scores, a writer that streams the log to disk, or a whole log kept in memory for
//! those who want one. A run's memory then follows its live state, not its length.

use super::{Envelope, EventLog};

/// Receives every event of a run, once, in `seq` order.
pub trait EventSink {
    /// Takes one event. A sink that can fail (a writer) keeps its first error and
    /// reports it when finished, so the engine never stops mid-run for it.
    fn accept(&mut self, e: &Envelope);
}

/// Keeps the whole log in memory (for tests, `explain` and small runs).
impl EventSink for EventLog {
    fn accept(&mut self, e: &Envelope) {
        // The engine hands events over dense and in time order: a refusal here would be
        // an engine bug, and is caught by the log checks of the tests.
        let _ = self.try_push(e.clone());
    }
}

/// Discards every event (a run whose scores come from another sink).
#[derive(Clone, Copy, Debug, Default)]
pub struct Discard;

impl EventSink for Discard {
    fn accept(&mut self, _: &Envelope) {}
}

/// Hands every event to each of several sinks, in order.
pub struct Tee<'a>(pub Vec<&'a mut dyn EventSink>);

impl EventSink for Tee<'_> {
    fn accept(&mut self, e: &Envelope) {
        for s in &mut self.0 {
            s.accept(e);
        }
    }
}

impl<S: EventSink + ?Sized> EventSink for &mut S {
    fn accept(&mut self, e: &Envelope) {
        (**self).accept(e);
    }
}
