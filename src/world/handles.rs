//! Handles: the numbers a strategy sees for the alerts, records and queries shown to
//! it. The log's `seq` counts every event, hidden ones too (labels, attack steps,
//! prevented steps, alerts of tools the provider does not ingest), so a gap in it would
//! say that something hidden happened. A handle is given the first time something is
//! shown to the strategy, densely from 0 in the order it was shown — so handles carry
//! nothing the strategy did not see itself. Handles are a fold of the log (shown =
//! queued, or returned by a query), so a replay gives the same ones.

/// The handle of each event shown to the strategy, and back.
#[derive(Clone, Debug, Default)]
pub struct Handles {
    /// By `seq`: its handle, or `NONE` (a dense table: `seq`s are dense, and a lookup
    /// per record shown must be cheap).
    of_seq: Vec<u64>,
    seqs: Vec<u64>,
}

const NONE: u64 = u64::MAX;

impl Handles {
    /// The handle of event `seq`, given now if it has none.
    pub fn give(&mut self, seq: u64) -> u64 {
        let Ok(i) = usize::try_from(seq) else {
            return NONE;
        };
        if self.of_seq.len() <= i {
            self.of_seq.resize(i + 1, NONE);
        }
        if self.of_seq[i] == NONE {
            self.of_seq[i] = self.seqs.len() as u64;
            self.seqs.push(seq);
        }
        self.of_seq[i]
    }

    /// The handle of event `seq`, if it was shown.
    pub fn of(&self, seq: u64) -> Option<u64> {
        let h = *self.of_seq.get(usize::try_from(seq).ok()?)?;
        (h != NONE).then_some(h)
    }

    /// The event a handle stands for.
    pub fn seq(&self, handle: u64) -> Option<u64> {
        self.seqs.get(usize::try_from(handle).ok()?).copied()
    }

    /// Handles given so far.
    pub fn len(&self) -> usize {
        self.seqs.len()
    }

    /// Whether none was given.
    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
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
}
