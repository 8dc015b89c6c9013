//! The two tests of the leak probe. A value pair is judged by its likelihood ratio
//! between attack and benign alerts of one rule (add-½ smoothed, so a pair seen on one
//! side only still has a finite ratio); a structural feature by the two-sample
//! Kolmogorov–Smirnov test, with Holm's step-down correction over every test of a
//! scenario (the family-wise error rate stays at α however many features are tested).

/// The smoothed likelihood ratio P(pair | attack) / P(pair | benign): `a` of `n_a`
/// attack alerts and `b` of `n_b` benign alerts carry the pair.
pub fn likelihood_ratio(a: u64, n_a: u64, b: u64, n_b: u64) -> f64 {
    ((a as f64 + 0.5) / (n_a as f64 + 1.0)) / ((b as f64 + 0.5) / (n_b as f64 + 1.0))
}

/// The two-sample Kolmogorov–Smirnov statistic D = sup |F_x − F_y| (ties handled: the
/// empirical distributions are compared after every distinct value).
pub fn ks_statistic(x: &[f64], y: &[f64]) -> f64 {
    let mut x: Vec<f64> = x.to_vec();
    let mut y: Vec<f64> = y.to_vec();
    x.sort_by(f64::total_cmp);
    y.sort_by(f64::total_cmp);
    let (n, m) = (x.len() as f64, y.len() as f64);
    let (mut i, mut j, mut d) = (0usize, 0usize, 0f64);
    while i < x.len() && j < y.len() {
        let v = if x[i] <= y[j] { x[i] } else { y[j] };
        while i < x.len() && x[i] <= v {
            i += 1;
        }
        while j < y.len() && y[j] <= v {
            j += 1;
        }
        d = d.max((i as f64 / n - j as f64 / m).abs());
    }
    d
}

/// The asymptotic p-value of D for samples of `n` and `m`, with Stephens' small-sample
/// correction: Q_KS((√nₑ + 0.12 + 0.11/√nₑ)·D), nₑ = nm/(n+m), where
/// Q_KS(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²). Conservative with ties (discrete features).
pub fn ks_p_value(d: f64, n: usize, m: usize) -> f64 {
    if n == 0 || m == 0 {
        return 1.0;
    }
    let ne = (n * m) as f64 / (n + m) as f64;
    let lambda = (ne.sqrt() + 0.12 + 0.11 / ne.sqrt()) * d;
    if lambda < 1e-3 {
        return 1.0;
    }
    let mut sum = 0.0;
    for k in 1..=100 {
        let k = f64::from(k);
        let term = 2.0 * (-2.0 * k * k * lambda * lambda).exp();
        sum += if k as u32 % 2 == 1 { term } else { -term };
        if term < 1e-16 {
            break;
        }
    }
    sum.clamp(0.0, 1.0)
}

/// Holm's step-down adjusted p-values (same order as `p`): the k-th smallest is
/// multiplied by (m − k + 1), kept monotone, capped at 1.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut adjusted = vec![1.0; m];
    let mut running: f64 = 0.0;
    for (k, &i) in order.iter().enumerate() {
        running = running.max((p[i] * (m - k) as f64).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn likelihood_ratio_by_hand() {
        // The LSASS example: 3 of 8 attack alerts, 0 of 27 benign ones.
        let lr = likelihood_ratio(3, 8, 0, 27);
        assert!((lr - (3.5 / 9.0) / (0.5 / 28.0)).abs() < 1e-12);
        assert!(lr > 20.0);
        assert!((likelihood_ratio(5, 10, 50, 100) - (5.5 / 11.0) / (50.5 / 101.0)).abs() < 1e-12);
    }

    #[test]
    fn ks_statistic_by_hand() {
        // F_x jumps at 1,2,3; F_y at 2.5,3.5: after 2 F_x = 2/3, F_y = 0.
        assert!((ks_statistic(&[1.0, 2.0, 3.0], &[2.5, 3.5]) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(ks_statistic(&[1.0, 1.0, 2.0], &[1.0, 2.0, 1.0]), 0.0);
        assert_eq!(ks_statistic(&[0.0; 4], &[1.0; 3]), 1.0);
    }

    #[test]
    fn ks_p_value_matches_the_kolmogorov_distribution() {
        // Q_KS(1.36) ≈ 0.0494 and Q_KS(1.63) ≈ 0.0098 (tables of the Kolmogorov
        // distribution); with n = m = 10⁶ the correction is negligible.
        let n = 1_000_000;
        let d = |lambda: f64| lambda / ((n as f64 / 2.0).sqrt() + 0.12);
        assert!((ks_p_value(d(1.36), n, n) - 0.0494).abs() < 5e-4);
        assert!((ks_p_value(d(1.63), n, n) - 0.0098).abs() < 3e-4);
        assert_eq!(ks_p_value(0.0, 10, 10), 1.0);
    }

    #[test]
    fn holm_by_hand() {
        // m = 3: 0.01·3 = 0.03, 0.02·2 = 0.04, 0.04·1 = 0.04.
        let adj = holm(&[0.04, 0.01, 0.02]);
        assert_eq!(adj.len(), 3);
        assert!((adj[1] - 0.03).abs() < 1e-12);
        assert!((adj[2] - 0.04).abs() < 1e-12);
        assert!((adj[0] - 0.04).abs() < 1e-12);
        // Monotone: a smaller p never gets a larger adjusted value than a larger p.
        let adj = holm(&[0.001, 0.0011, 0.5]);
        assert!(adj[0] <= adj[1] && adj[1] <= adj[2]);
    }
}
