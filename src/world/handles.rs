//! Handles: the numbers a strategy sees for the alerts, records and queries shown to
//! it. The log's `seq` counts every event, hidden ones too (labels, attack steps,
//! prevented steps, alerts of tools the provider does not ingest), so a gap in it would
//! say that something hidden happened. A handle is given the first time something is
//! shown to the strategy, densely from 0 in the order it was shown — so handles carry
//! nothing the strategy did not see itself. Handles are a fold of the log (shown =
//! queued, or returned by a query), so a replay gives the same ones.

use std::collections::{BTreeMap, VecDeque};

/// The handle of each event shown to the strategy, and back. Both directions are
/// windows, like the engine's log (see [`crate::event::window`]): what the run has
/// forgotten loses its handle too, so memory follows the window, not the run.
#[derive(Clone, Debug, Default)]
pub struct Handles {
    /// By `seq − base`: its handle, or `NONE` (dense: `seq`s are dense, and a lookup
    /// per record shown must be cheap).
    of_seq: VecDeque<u64>,
    base: u64,
    /// Handles of events before `base` that the run still holds (long-lived ones).
    old: BTreeMap<u64, u64>,
    /// By `handle − first`: the event it stands for.
    seqs: VecDeque<u64>,
    first: u64,
}

const NONE: u64 = u64::MAX;

impl Handles {
    /// The handle of event `seq`, given now if it has none.
    pub fn give(&mut self, seq: u64) -> u64 {
        let next = self.first + self.seqs.len() as u64;
        let slot = match seq.checked_sub(self.base).map(usize::try_from) {
            Some(Ok(i)) => {
                if self.of_seq.len() <= i {
                    self.of_seq.resize(i + 1, NONE);
                }
                &mut self.of_seq[i]
            }
            Some(Err(_)) => return NONE,
            None => self.old.entry(seq).or_insert(NONE),
        };
        if *slot == NONE {
            *slot = next;
            self.seqs.push_back(seq);
        }
        *slot
    }

    /// The handle of event `seq`, if it was shown.
    pub fn of(&self, seq: u64) -> Option<u64> {
        let h = match seq.checked_sub(self.base) {
            Some(i) => *self.of_seq.get(usize::try_from(i).ok()?)?,
            None => *self.old.get(&seq)?,
        };
        (h != NONE).then_some(h)
    }

    /// The event a handle stands for.
    pub fn seq(&self, handle: u64) -> Option<u64> {
        let i = usize::try_from(handle.checked_sub(self.first)?).ok()?;
        self.seqs.get(i).copied()
    }

    /// Handles given so far.
    pub fn len(&self) -> usize {
        (self.first as usize) + self.seqs.len()
    }

    /// Whether none was given.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets the handles of events before `base` that the run no longer `holds`.
    pub fn forget_before(&mut self, base: u64, holds: impl Fn(u64) -> bool) {
        while self.base < base {
            let Some(h) = self.of_seq.pop_front() else {
                self.base = base;
                break;
            };
            if h != NONE && holds(self.base) {
                self.old.insert(self.base, h);
            }
            self.base += 1;
        }
        self.old.retain(|&seq, _| holds(seq));
        while self
            .seqs
            .front()
            .is_some_and(|&s| s < self.base && !self.old.contains_key(&s))
        {
            self.seqs.pop_front();
            self.first += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Handles;

    #[test]
    fn handles_are_dense_in_the_order_shown_whatever_the_seqs() {
        let mut h = Handles::default();
        assert_eq!(h.give(907), 0);
        assert_eq!(h.give(12), 1);
        assert_eq!(h.give(907), 0, "shown again: the same handle");
        assert_eq!(h.give(5_000_000), 2);
        assert_eq!(h.seq(1), Some(12));
        assert_eq!(h.of(5_000_000), Some(2));
        assert_eq!(h.of(13), None);
        assert_eq!(h.seq(3), None);
    }

    #[test]
    fn forgetting_keeps_the_handles_of_what_is_still_held() {
        let mut h = Handles::default();
        for seq in [3, 7, 9, 12] {
            h.give(seq);
        }
        // Events before 10 are forgotten except 7 (long-lived, still held).
        h.forget_before(10, |s| s == 7 || s >= 10);
        assert_eq!(
            (h.of(3), h.of(7), h.of(9), h.of(12)),
            (None, Some(1), None, Some(3))
        );
        // Handle 0 (seq 3) is gone; handle 1 (seq 7) blocks the window of handles.
        assert_eq!(
            (h.seq(0), h.seq(1), h.seq(2), h.seq(3)),
            (None, Some(7), Some(9), Some(12))
        );
        // New handles continue the count; an old held event keeps its handle.
        assert_eq!(h.give(20), 4);
        assert_eq!(h.give(7), 1);
        assert_eq!(h.len(), 5);
    }
}
