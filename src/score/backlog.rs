//! The provider's backlog over a run, from its alert records' waits.

use super::record::{RunRecords, Wait};

impl RunRecords {
    /// The most cases waiting for a provider worker at the end of any instant.
    pub fn peak_backlog(&self) -> u64 {
        // +1 at each wait's start, −1 at its end; at equal times ends first, so the
        // count after the last start of an instant is the backlog at its end.
        let mut steps: Vec<(u64, i64)> = Vec::new();
        for w in self.alerts.iter().flat_map(|a| &a.waits) {
            steps.push((w.from_ms, 1));
            if let Some(u) = w.until_ms {
                steps.push((u, -1));
            }
        }
        steps.sort_unstable();
        let (mut now, mut peak) = (0i64, 0i64);
        for (_, d) in steps {
            now += d;
            peak = peak.max(now);
        }
        peak as u64
    }

    /// The backlog at `0, interval, 2·interval, … ≤ horizon_ms`.
    pub fn backlog_samples(&self, horizon_ms: u64, interval_ms: u64) -> Vec<(u64, u64)> {
        let waits: Vec<Wait> = self
            .alerts
            .iter()
            .flat_map(|a| a.waits.iter().copied())
            .collect();
        let mut starts: Vec<u64> = waits.iter().map(|w| w.from_ms).collect();
        let mut ends: Vec<u64> = waits.iter().filter_map(|w| w.until_ms).collect();
        starts.sort_unstable();
        ends.sort_unstable();
        let (mut s, mut e) = (0usize, 0usize);
        let mut out = Vec::new();
        let mut at = 0u64;
        while at <= horizon_ms {
            while s < starts.len() && starts[s] <= at {
                s += 1;
            }
            while e < ends.len() && ends[e] <= at {
                e += 1;
            }
            out.push((at, (s - e) as u64));
            at += interval_ms.max(1);
        }
        out
    }
}
