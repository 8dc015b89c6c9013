//! Calibration: does a strategy's stated confidence mean what it says? Each verdict
//! states a probability that the alert is malicious (its confidence for a malicious
//! verdict, one minus it for a benign one); grouped into bins, the observed share of
//! malicious alerts in each bin should match the stated probability.

use crate::event::{Envelope, Payload, Truth, Verdict};
use crate::ids::AlertId;

pub use super::interval::wilson;

/// Each verdict's stated probability that its alert is malicious, and the truth.
pub fn stated_beliefs(events: &[Envelope]) -> Vec<(f64, bool)> {
    let mut truth: Vec<Option<bool>> = Vec::new();
    let mut stated: Vec<(AlertId, f64)> = Vec::new();
    for e in events {
        match &e.payload {
            Payload::AlertLabeled {
                alert, truth: t, ..
            } => {
                let i = alert.index();
                if truth.len() <= i {
                    truth.resize(i + 1, None);
                }
                truth[i] = Some(*t == Truth::Malicious);
            }
            Payload::VerdictReached {
                alert,
                verdict,
                confidence,
                ..
            } => {
                let p = match verdict {
                    Verdict::Malicious => *confidence,
                    Verdict::Benign => 1.0 - confidence,
                };
                stated.push((*alert, p));
            }
            _ => {}
        }
    }
    stated
        .into_iter()
        .filter_map(|(a, p)| Some((p, truth.get(a.index()).copied().flatten()?)))
        .collect()
}

/// One bin of a reliability table.
#[derive(Clone, Debug, PartialEq)]
pub struct Bin {
    /// Lower edge of stated probability (inclusive).
    pub lo: f64,
    /// Upper edge (exclusive, except 1.0 in the last bin).
    pub hi: f64,
    /// Verdicts in the bin.
    pub n: u64,
    /// Malicious alerts among them.
    pub malicious: u64,
    /// Mean stated probability in the bin.
    pub stated: f64,
    /// 95% Wilson interval of the observed malicious share.
    pub interval: (f64, f64),
}

impl Bin {
    /// Observed share of malicious alerts.
    pub fn observed(&self) -> f64 {
        self.malicious as f64 / self.n as f64
    }
}

/// The reliability table over `bins` equal-width bins (empty bins left out).
pub fn reliability(points: &[(f64, bool)], bins: usize) -> Vec<Bin> {
    let bins = bins.max(1);
    let mut acc = vec![(0u64, 0u64, 0.0f64); bins];
    for &(p, m) in points {
        let i = ((p.clamp(0.0, 1.0) * bins as f64) as usize).min(bins - 1);
        acc[i].0 += 1;
        acc[i].1 += u64::from(m);
        acc[i].2 += p;
    }
    acc.iter()
        .enumerate()
        .filter(|(_, (n, ..))| *n > 0)
        .map(|(i, &(n, k, sum))| Bin {
            lo: i as f64 / bins as f64,
            hi: (i + 1) as f64 / bins as f64,
            n,
            malicious: k,
            stated: sum / n as f64,
            interval: wilson(k, n),
        })
        .collect()
}

/// Expected calibration error: the verdict-weighted mean |stated − observed|.
pub fn expected_calibration_error(table: &[Bin]) -> Option<f64> {
    let n: u64 = table.iter().map(|b| b.n).sum();
    (n > 0).then(|| {
        table
            .iter()
            .map(|b| b.n as f64 * (b.stated - b.observed()).abs())
            .sum::<f64>()
            / n as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_hand_worked_values() {
        // 16/16: p = 1, z² = 3.8415; centre = (1 + 0.12005)/1.24009 = 0.90320,
        // half = 1.96 · sqrt(0 + 3.8415/1024)/1.24009 = 0.09680 → (0.8064, 1.0).
        let (lo, hi) = wilson(16, 16);
        assert!((lo - 0.8064).abs() < 1e-4, "{lo}");
        assert_eq!(hi, 1.0);
        // 1/10: centre = (0.1 + 0.19207)/1.38415 = 0.21101,
        // half = 1.96 · sqrt(0.009 + 0.009604)/1.38415 = 0.19316 → (0.0179, 0.4042).
        let (lo, hi) = wilson(1, 10);
        assert!(
            (lo - 0.0179).abs() < 1e-3 && (hi - 0.4042).abs() < 1e-3,
            "{lo} {hi}"
        );
    }

    #[test]
    fn bins_group_by_stated_probability() {
        let pts = [
            (0.05, false),
            (0.08, true),
            (0.95, true),
            (1.0, true),
            (0.5, false),
        ];
        let t = reliability(&pts, 10);
        assert_eq!(t.len(), 3);
        assert_eq!((t[0].n, t[0].malicious), (2, 1));
        assert_eq!((t[1].lo, t[1].n), (0.5, 1));
        assert_eq!((t[2].lo, t[2].n, t[2].malicious), (0.9, 2, 2));
        assert!((t[2].stated - 0.975).abs() < 1e-12);
    }
}
