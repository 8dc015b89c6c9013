//! Aggregates over seeds that fit the data (DESIGN §5): a proportion of campaigns gets a
//! Wilson interval on the pooled counts; an alert-level ratio gets a percentile
//! bootstrap that resamples whole runs (alerts in one run are not independent); a
//! time-to-event metric gets the Kaplan–Meier median of all campaigns pooled over seeds,
//! censored ones included, with a run-resampling bootstrap interval. Everything else keeps
//! the mean with Student's t. Resampling draws from a fixed, named stream: the same runs
//! always give the same interval.

use rand::RngExt;

use super::stats::Summary;
use crate::random::{Purpose, SeedTree, fnv1a};
use crate::score::interval::wilson;
use crate::score::survival::{Observation, km_quantile};

/// Resamples per bootstrap interval.
pub const RESAMPLES: usize = 1000;

fn percentile(mut xs: Vec<f64>, q: f64) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let i = ((xs.len() - 1) as f64 * q).round() as usize;
    Some(xs[i])
}

fn stream(key: &str) -> crate::random::Stream {
    SeedTree::new(0, fnv1a(b"bootstrap")).stream(Purpose::Strategy, &[fnv1a(key.as_bytes())])
}

/// `k` of `n` campaigns: the pooled share with its Wilson interval.
pub fn proportion(k: u64, n: u64) -> Summary {
    if n == 0 {
        return Summary::empty("wilson");
    }
    let (lo, hi) = wilson(k, n);
    Summary {
        n,
        mean: Some(k as f64 / n as f64),
        sd: None,
        ci_low: Some(lo),
        ci_high: Some(hi),
        method: "wilson".into(),
        censored: None,
    }
}

/// The mean of a count that is the same in every run (all 0, typically): Student's t
/// would give a zero-width interval — "proven exactly 0" from a handful of runs. The
/// total over `n` runs is treated as Poisson and gets the exact (Garwood) interval,
/// divided by `n`: for 0 in 16 runs, 0 to χ²(0.975; 2)/32 ≈ 0.23 per run.
pub fn constant_count(value: f64, n: u64) -> Summary {
    use statrs::distribution::{ChiSquared, ContinuousCDF};
    let total = (value * n as f64).round();
    let chi = |p: f64, dof: f64| {
        ChiSquared::new(dof)
            .map(|d| d.inverse_cdf(p))
            .unwrap_or(f64::NAN)
    };
    let lo = if total == 0.0 {
        0.0
    } else {
        chi(0.025, 2.0 * total) / 2.0
    };
    let hi = chi(0.975, 2.0 * total + 2.0) / 2.0;
    Summary {
        n,
        mean: Some(value),
        sd: Some(0.0),
        ci_low: Some(lo / n as f64),
        ci_high: Some(hi / n as f64),
        method: "poisson".into(),
        censored: None,
    }
}

/// Σ numerators / Σ denominators over runs, with a run-resampling percentile interval;
/// `n` is the pooled denominator. `key` names the resampling stream.
pub fn ratio(per_run: &[(f64, f64)], key: &str) -> Summary {
    let den: f64 = per_run.iter().map(|r| r.1).sum();
    if den <= 0.0 {
        return Summary::empty("run bootstrap");
    }
    let num: f64 = per_run.iter().map(|r| r.0).sum();
    let mut rng = stream(key);
    let k = per_run.len();
    let boots: Vec<f64> = (0..RESAMPLES)
        .filter_map(|_| {
            let (mut a, mut b) = (0.0, 0.0);
            for _ in 0..k {
                let r = per_run[rng.random_range(0..k)];
                a += r.0;
                b += r.1;
            }
            (b > 0.0).then(|| a / b)
        })
        .collect();
    let (mut lo, mut hi) = (percentile(boots.clone(), 0.025), percentile(boots, 0.975));
    // With no events (or nothing but events) every resample agrees and the interval has
    // no width, as if the data had proven the rate exactly 0 (or 1). There, widen it to
    // at least the Wilson interval of the pooled count.
    if num == 0.0 || num == den {
        let (w_lo, w_hi) = wilson(num.round() as u64, den.round() as u64);
        lo = lo.map(|l| l.min(w_lo));
        hi = hi.map(|h| h.max(w_hi));
    }
    Summary {
        n: den.round() as u64,
        mean: Some(num / den),
        sd: None,
        ci_low: lo,
        ci_high: hi,
        method: "run bootstrap".into(),
        censored: None,
    }
}

/// The Kaplan–Meier median over every observation of every run, with the censored
/// count and a run-resampling percentile interval (an end is `None` when too many
/// resamples have no median).
pub fn km_median(per_run: &[Vec<Observation>], key: &str) -> Summary {
    let all: Vec<Observation> = per_run.iter().flatten().copied().collect();
    if all.is_empty() {
        return Summary::empty("kaplan-meier");
    }
    let censored = all.iter().filter(|o| !o.1).count() as u64;
    let mut rng = stream(key);
    let k = per_run.len();
    let boots: Vec<Option<f64>> = (0..RESAMPLES)
        .map(|_| {
            let sample: Vec<Observation> = (0..k)
                .flat_map(|_| per_run[rng.random_range(0..k)].iter().copied())
                .collect();
            km_quantile(&sample, 0.5)
        })
        .collect();
    // A resample without a median sorts above every finite one.
    let mut sorted: Vec<f64> = boots.iter().map(|b| b.unwrap_or(f64::INFINITY)).collect();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let x = sorted[((sorted.len() - 1) as f64 * q).round() as usize];
        x.is_finite().then_some(x)
    };
    Summary {
        n: all.len() as u64,
        mean: km_quantile(&all, 0.5),
        sd: None,
        ci_low: at(0.025),
        ci_high: at(0.975),
        method: "kaplan-meier".into(),
        censored: Some(censored),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_of_sixteen_is_not_plus_minus_zero() {
        let s = proportion(16, 16);
        assert_eq!(s.mean, Some(1.0));
        assert!((s.ci_low.unwrap() - 0.8064).abs() < 1e-4);
        assert_eq!(s.ci_high, Some(1.0));
    }

    #[test]
    fn a_rate_with_no_events_keeps_a_width() {
        // 0 of 300 alerts: the Wilson upper end z²/(n + z²) = 3.8415/303.8415 = 0.012643,
        // worked by hand; the bootstrap alone gives 0–0.
        let s = ratio(&[(0.0, 100.0), (0.0, 200.0)], "t");
        assert_eq!((s.mean, s.ci_low), (Some(0.0), Some(0.0)));
        assert!(
            (s.ci_high.unwrap() - 0.012643).abs() < 1e-6,
            "{:?}",
            s.ci_high
        );
        // All events: the mirror image.
        let s = ratio(&[(100.0, 100.0), (200.0, 200.0)], "t");
        assert!(
            (s.ci_low.unwrap() - (1.0 - 0.012643)).abs() < 1e-6,
            "{:?}",
            s.ci_low
        );
        assert_eq!(s.ci_high, Some(1.0));
    }

    #[test]
    fn a_ratio_pools_runs_and_its_interval_stays_in_range() {
        // 1/100, 0/100, 3/100 → 4/300.
        let s = ratio(&[(1.0, 100.0), (0.0, 100.0), (3.0, 100.0)], "t");
        assert!((s.mean.unwrap() - 4.0 / 300.0).abs() < 1e-12);
        assert_eq!(s.n, 300);
        let (lo, hi) = (s.ci_low.unwrap(), s.ci_high.unwrap());
        assert!(
            (0.0..=s.mean.unwrap()).contains(&lo) && hi <= 0.03 + 1e-12 && hi >= s.mean.unwrap()
        );
        assert_eq!(
            s,
            ratio(&[(1.0, 100.0), (0.0, 100.0), (3.0, 100.0)], "t"),
            "deterministic"
        );
    }

    #[test]
    fn the_pooled_median_counts_censored_campaigns() {
        // Seeds: contained after 10, 20, 30 min; two never contained within 60 min.
        // Pooled KM: S drops 1/5 at 10, 1/4 at 20 (0.6), 1/3 at 30 → 0.4 ≤ 0.5: median 30.
        // A mean of the contained ones alone would have said 20.
        let runs = vec![
            vec![(600.0, true)],
            vec![(1200.0, true)],
            vec![(1800.0, true)],
            vec![(3600.0, false)],
            vec![(3600.0, false)],
        ];
        let s = km_median(&runs, "k");
        assert_eq!(s.mean, Some(1800.0));
        assert_eq!((s.n, s.censored), (5, Some(2)));
    }
}

#[cfg(test)]
mod constant_count_tests {
    use super::*;

    /// Hand-worked: 0 events in 16 runs → upper end −ln(0.025)/16 = 3.6889/16 (the
    /// χ²(0.975; 2)/2 of a Poisson total of 0); 2 per run in 4 runs (total 8) →
    /// Garwood 3.4538–15.7632, per run 0.8635–3.9408.
    #[test]
    fn a_constant_count_keeps_an_exact_poisson_interval() {
        let s = constant_count(0.0, 16);
        assert_eq!(s.ci_low, Some(0.0));
        assert!((s.ci_high.unwrap() - 3.688879 / 16.0).abs() < 1e-5, "{s:?}");
        let s = constant_count(2.0, 4);
        assert!((s.ci_low.unwrap() - 3.453832 / 4.0).abs() < 1e-5, "{s:?}");
        assert!((s.ci_high.unwrap() - 15.763189 / 4.0).abs() < 1e-5, "{s:?}");
    }
}
