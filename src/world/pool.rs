//! One provider pool's queue and workers.

use std::collections::VecDeque;

use crate::ids::AlertId;

/// One provider pool's queue (by severity, FIFO within; entries carry the queueing
/// `seq` so FIFO across severities is exact) and its workers.
#[derive(Clone, Debug, Default)]
pub struct PoolState {
    /// Waiting cases per severity (low, medium, high, critical).
    pub queues: [VecDeque<(u64, AlertId)>; 4],
    /// What each worker holds.
    pub workers: Vec<Option<AlertId>>,
}

impl PoolState {
    /// Waiting cases.
    pub fn backlog(&self) -> usize {
        self.queues.iter().map(VecDeque::len).sum()
    }

    pub(super) fn remove(&mut self, alert: AlertId) {
        for q in &mut self.queues {
            if let Some(pos) = q.iter().position(|(_, a)| *a == alert) {
                q.remove(pos);
                return;
            }
        }
    }
}
