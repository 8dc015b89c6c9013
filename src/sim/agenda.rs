//! The next-event agenda: jobs ordered by `(time, insertion order)`, so jobs due at the
//! same instant run first-in, first-out and a run never depends on heap internals.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::time::SimTime;

struct Entry<J> {
    at: SimTime,
    order: u64,
    job: J,
}

impl<J> PartialEq for Entry<J> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.order) == (other.at, other.order)
    }
}
impl<J> Eq for Entry<J> {}
impl<J> PartialOrd for Entry<J> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<J> Ord for Entry<J> {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the earliest (then first-inserted) pops.
        (other.at, other.order).cmp(&(self.at, self.order))
    }
}

/// A priority queue of jobs by due time with FIFO ties.
pub struct Agenda<J> {
    heap: BinaryHeap<Entry<J>>,
    next_order: u64,
}

impl<J> Default for Agenda<J> {
    fn default() -> Self {
        Agenda {
            heap: BinaryHeap::new(),
            next_order: 0,
        }
    }
}

impl<J> Agenda<J> {
    /// Schedules `job` at `at`.
    pub fn schedule(&mut self, at: SimTime, job: J) {
        self.heap.push(Entry {
            at,
            order: self.next_order,
            job,
        });
        self.next_order += 1;
    }

    /// Time of the next job.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.at)
    }

    /// Removes and returns the next job.
    pub fn pop(&mut self) -> Option<(SimTime, J)> {
        self.heap.pop().map(|e| (e.at, e.job))
    }

    /// Number of scheduled jobs.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is scheduled.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_pop_in_insertion_order() {
        let mut a = Agenda::default();
        a.schedule(SimTime(5), "b1");
        a.schedule(SimTime(1), "a");
        a.schedule(SimTime(5), "b2");
        a.schedule(SimTime(5), "b3");
        let order: Vec<_> = std::iter::from_fn(|| a.pop().map(|(_, j)| j)).collect();
        assert_eq!(order, ["a", "b1", "b2", "b3"]);
    }
}
