//! The next-event agenda: jobs ordered by `(time, insertion order)`, so jobs due at the
//! same instant run first-in, first-out and a run never depends on heap internals. Jobs
//! live in a slab; the heap only moves small `(time, order, slot)` keys, which the
//! profile showed matters once jobs carry strings.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::time::SimTime;

#[derive(PartialEq, Eq)]
struct Entry {
    at: SimTime,
    order: u64,
    slot: u32,
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the earliest (then first-inserted) pops.
        (other.at, other.order).cmp(&(self.at, self.order))
    }
}

/// A priority queue of jobs by due time with FIFO ties.
pub struct Agenda<J> {
    heap: BinaryHeap<Entry>,
    slots: Vec<Option<J>>,
    free: Vec<u32>,
    next_order: u64,
}

impl<J> Default for Agenda<J> {
    fn default() -> Self {
        Agenda {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            next_order: 0,
        }
    }
}

impl<J> Agenda<J> {
    /// Schedules `job` at `at`.
    pub fn schedule(&mut self, at: SimTime, job: J) {
        let slot = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(job);
                i
            }
            None => {
                self.slots.push(Some(job));
                (self.slots.len() - 1) as u32
            }
        };
        self.heap.push(Entry {
            at,
            order: self.next_order,
            slot,
        });
        self.next_order += 1;
    }

    /// Time of the next job.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.at)
    }

    /// Removes and returns the next job.
    pub fn pop(&mut self) -> Option<(SimTime, J)> {
        let e = self.heap.pop()?;
        self.free.push(e.slot);
        self.slots[e.slot as usize].take().map(|job| (e.at, job))
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

    #[test]
    fn slots_are_reused_without_disturbing_order() {
        let mut a = Agenda::default();
        for i in 0..100u64 {
            a.schedule(SimTime(i % 7), i);
            if i % 3 == 0 {
                a.pop();
            }
        }
        let mut last: Option<(SimTime, u64)> = None;
        while let Some((t, j)) = a.pop() {
            if let Some((lt, lj)) = last {
                assert!(
                    t > lt || (t == lt && j > lj),
                    "({t:?}, {j}) after ({lt:?}, {lj})"
                );
            }
            last = Some((t, j));
        }
        assert!(last.is_some(), "jobs were left to pop");
        assert!(a.is_empty());
    }
}
