//! Queueing theory used to validate the engine: an M/M/c queue's mean wait (Erlang C).

/// Probability that an arrival waits in an M/M/c queue with offered load `a = λ/μ`
/// (Erlang's C formula); `None` when the queue is unstable (`a ≥ c`).
pub fn erlang_c(c: u32, a: f64) -> Option<f64> {
    if c == 0 || a >= c as f64 || a < 0.0 {
        return None;
    }
    let mut term = 1.0; // a^k / k!
    let mut sum = 0.0;
    for k in 0..c {
        sum += term;
        term *= a / (k + 1) as f64;
    }
    let top = term * c as f64 / (c as f64 - a);
    Some(top / (sum + top))
}

/// Mean wait in queue (same unit as `1/λ`) of an M/M/c queue with arrival rate
/// `lambda` and service rate `mu` per server.
pub fn mmc_mean_wait(c: u32, lambda: f64, mu: f64) -> Option<f64> {
    let p = erlang_c(c, lambda / mu)?;
    Some(p / (c as f64 * mu - lambda))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_validation_scenario_expects_about_1264_seconds() {
        let wq_hours = mmc_mean_wait(3, 10.0, 4.0).unwrap();
        assert!(
            (wq_hours * 3600.0 - 1264.0).abs() < 1.0,
            "{}",
            wq_hours * 3600.0
        );
        assert!((erlang_c(3, 2.5).unwrap() - 0.7022).abs() < 1e-3);
    }

    #[test]
    fn mm1_reduces_to_rho_over_mu_minus_lambda() {
        // M/M/1: Wq = ρ / (μ − λ).
        let wq = mmc_mean_wait(1, 3.0, 4.0).unwrap();
        assert!((wq - 0.75 / 1.0).abs() < 1e-12);
        assert_eq!(erlang_c(2, 2.0), None);
    }
}
