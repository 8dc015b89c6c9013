//! Time-to-event data with censoring: the Kaplan–Meier product-limit estimate. An
//! alert still waiting at the horizon, or a campaign never contained, is not a zero and
//! not a missing value: it is known to take *at least* that long, and the estimate uses
//! exactly that.

/// One observation: a time, and whether the event was seen (`false`: censored then).
pub type Observation = (f64, bool);

/// The Kaplan–Meier survival curve: `(t, S(t))` just after each event time.
pub fn kaplan_meier(obs: &[Observation]) -> Vec<(f64, f64)> {
    let mut sorted: Vec<Observation> = obs.iter().copied().filter(|(t, _)| t.is_finite()).collect();
    // At a tie, events come before censorings (the usual convention).
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut at_risk = sorted.len() as f64;
    let mut s = 1.0;
    let mut curve = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let t = sorted[i].0;
        let (mut events, mut leaving) = (0.0, 0.0);
        while i < sorted.len() && sorted[i].0 == t {
            events += f64::from(u8::from(sorted[i].1));
            leaving += 1.0;
            i += 1;
        }
        if events > 0.0 {
            s *= 1.0 - events / at_risk;
            curve.push((t, s));
        }
        at_risk -= leaving;
    }
    curve
}

/// The `q`-quantile of the event time (the first time S(t) ≤ 1 − q); `None` when the
/// curve never gets there (too much censoring to say).
pub fn km_quantile(obs: &[Observation], q: f64) -> Option<f64> {
    kaplan_meier(obs)
        .into_iter()
        .find(|&(_, s)| s <= 1.0 - q + 1e-12)
        .map(|(t, _)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_censoring_the_median_is_the_sample_median() {
        let obs: Vec<Observation> = [3.0, 1.0, 2.0, 5.0, 4.0]
            .iter()
            .map(|&t| (t, true))
            .collect();
        assert_eq!(km_quantile(&obs, 0.5), Some(3.0));
    }

    #[test]
    fn censoring_matches_a_hand_worked_curve() {
        // Times 1, 2+, 3, 4+, 5 (+ = censored). At 1: 5 at risk, S = 4/5 = 0.8.
        // 2+ leaves. At 3: 3 at risk, S = 0.8 · 2/3 = 0.5333. 4+ leaves. At 5: 1 at risk,
        // S = 0. Median: first S ≤ 0.5 → t = 5 (S(3) = 0.533 > 0.5).
        let obs = [
            (1.0, true),
            (2.0, false),
            (3.0, true),
            (4.0, false),
            (5.0, true),
        ];
        let curve = kaplan_meier(&obs);
        assert_eq!(curve.len(), 3);
        assert!((curve[1].1 - 0.8 * 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(km_quantile(&obs, 0.5), Some(5.0));
        // Dropping the censored ones would have said 3.
    }

    #[test]
    fn mostly_censored_data_has_no_median() {
        let obs = [(1.0, true), (9.0, false), (9.0, false), (9.0, false)];
        assert_eq!(km_quantile(&obs, 0.5), None);
        assert_eq!(km_quantile(&obs, 0.2), Some(1.0));
    }
}
