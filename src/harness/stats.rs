//! Statistics over seeds: mean, sample standard deviation and a 95% confidence interval
//! from Student's t (statrs).

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// An estimate of one metric over seeds with its 95% interval and how it was made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// What the estimate rests on: runs with a value (`t`, `paired t`), pooled trials
    /// (`wilson`: campaigns; `run bootstrap`: the ratio's pooled denominator), or pooled
    /// observations (`kaplan-meier`: campaigns, censored ones included).
    pub n: u64,
    /// The estimate: a mean, a pooled proportion, or a Kaplan–Meier median.
    pub mean: Option<f64>,
    /// Sample standard deviation over runs (t methods only).
    pub sd: Option<f64>,
    /// Lower end of the 95% interval.
    pub ci_low: Option<f64>,
    /// Upper end of the 95% interval.
    pub ci_high: Option<f64>,
    /// `t`, `paired t`, `wilson`, `run bootstrap` or `kaplan-meier`.
    pub method: String,
    /// Censored observations (Kaplan–Meier only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub censored: Option<u64>,
}

impl Summary {
    /// No data.
    pub fn empty(method: &str) -> Summary {
        Summary {
            n: 0,
            mean: None,
            sd: None,
            ci_low: None,
            ci_high: None,
            method: method.into(),
            censored: None,
        }
    }
}

/// Summarises the non-null values.
pub fn summarize(values: &[Option<f64>]) -> Summary {
    let xs: Vec<f64> = values.iter().flatten().copied().collect();
    let n = xs.len();
    if n == 0 {
        return Summary::empty("t");
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Summary {
            n: 1,
            mean: Some(mean),
            ..Summary::empty("t")
        };
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .map(|d| d.inverse_cdf(0.975))
        .unwrap_or(f64::NAN);
    let half = t * sd / (n as f64).sqrt();
    Summary {
        n: n as u64,
        mean: Some(mean),
        sd: Some(sd),
        ci_low: Some(mean - half),
        ci_high: Some(mean + half),
        method: "t".into(),
        censored: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_matches_a_hand_computed_t_interval() {
        let s = summarize(&[Some(1.0), Some(2.0), Some(3.0), Some(4.0), None]);
        assert_eq!(s.n, 4);
        assert_eq!(s.mean, Some(2.5));
        let sd = (5.0f64 / 3.0).sqrt();
        assert!((s.sd.unwrap() - sd).abs() < 1e-12);
        // t(0.975, 3) = 3.182446305
        assert!((s.ci_high.unwrap() - (2.5 + 3.182446305 * sd / 2.0)).abs() < 1e-6);
        assert_eq!(summarize(&[None]).mean, None);
    }
}
