//! One claim, `METRIC OP BOUND` (`escalation_rate <= 0.02`, `detect_to_contain.p50 <=
//! "15m"`), and its verdict from a 95% interval: **pass** when the whole interval
//! satisfies the bound, **fail** when the whole interval violates it, **inconclusive**
//! when it straddles the bound.

use std::fmt;

use serde::{Deserialize, Serialize};

pub use super::normalise::Per;

use crate::harness::output::metric_columns;
use crate::harness::stats::Summary;
use crate::time::SimDuration;

/// The comparison a claim makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// `<`
    #[serde(rename = "<")]
    Below,
    /// `<=`
    #[serde(rename = "<=")]
    AtMost,
    /// `>`
    #[serde(rename = ">")]
    Above,
    /// `>=`
    #[serde(rename = ">=")]
    AtLeast,
}

impl Op {
    fn holds(self, x: f64, bound: f64) -> bool {
        match self {
            Op::Below => x < bound,
            Op::AtMost => x <= bound,
            Op::Above => x > bound,
            Op::AtLeast => x >= bound,
        }
    }

    /// Whether larger values are the bad side of the bound.
    fn upper(self) -> bool {
        matches!(self, Op::Below | Op::AtMost)
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Op::Below => "<",
            Op::AtMost => "<=",
            Op::Above => ">",
            Op::AtLeast => ">=",
        })
    }
}

/// A parsed claim.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The metric column it is about (aliases resolved: `detect_to_contain.p50` →
    /// `detect_to_contain_p50_s`).
    pub metric: String,
    /// What the metric is divided by (`escalated per week`), if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<Per>,
    /// The comparison.
    pub op: Op,
    /// The bound in the metric's unit (seconds for times).
    pub bound: f64,
    /// The bound as written.
    pub bound_text: String,
}

/// `detect_to_contain.p50` → `detect_to_contain_p50_s`; a column name stays itself.
fn resolve_metric(name: &str) -> Result<String, String> {
    let known: Vec<String> = metric_columns().into_iter().map(|(k, _)| k).collect();
    let candidates = [
        name.to_string(),
        format!("{}_s", name.replace('.', "_")),
        name.replace('.', "_"),
    ];
    candidates
        .into_iter()
        .find(|c| known.contains(c))
        .ok_or_else(|| {
            format!(
                "unknown metric {name:?}; metrics are {} (times also as e.g. \
                 detect_to_contain.p50)",
                known.join(", ")
            )
        })
}

/// Parses `METRIC OP BOUND`. A time metric (`…_s`) takes a duration (`"15m"`, `90s`,
/// or seconds); a rate may be written as a percentage (`2%`).
pub fn parse(text: &str) -> Result<Claim, String> {
    let ops = [
        ("<=", Op::AtMost),
        (">=", Op::AtLeast),
        ("<", Op::Below),
        (">", Op::Above),
    ];
    let (at, sym, op) = ops
        .iter()
        .filter_map(|(s, op)| text.find(s).map(|i| (i, *s, *op)))
        .min_by_key(|(i, s, _)| (*i, std::cmp::Reverse(s.len())))
        .ok_or_else(|| {
            format!(
                "{text:?}: expected METRIC OP BOUND with OP one of <=, <, >=, >, e.g. \
                 \"escalation_rate <= 0.02\""
            )
        })?;
    let subject = text[..at].trim();
    let (name, per) = match subject.split_once(" per ") {
        Some((m, unit)) => {
            let per = Per::parse(unit).ok_or_else(|| {
                format!(
                    "{subject:?}: normalise by \"per week\", \"per 1000 endpoints\" or \
                     \"per 1000 users\""
                )
            })?;
            (m.trim(), Some(per))
        }
        None => (subject, None),
    };
    let metric = resolve_metric(name)?;
    if per.is_some()
        && (metric.ends_with("_s")
            || crate::report::units::is_share(&metric)
            || !crate::harness::summary::is_mean(&metric)
            || ["auc", "brier", "mcc", "f1"].contains(&metric.as_str()))
    {
        return Err(format!(
            "{metric}: only counts, hours and costs can be normalised (a rate, a time or a \
             score already is)"
        ));
    }
    let raw = text[at + sym.len()..].trim();
    let bound_text = raw
        .trim_matches(|c| c == '"' || c == '\'')
        .trim()
        .to_string();
    if bound_text.is_empty() {
        return Err(format!("{text:?}: the bound is missing"));
    }
    let bound = if metric.ends_with("_s") {
        match bound_text.parse::<f64>() {
            Ok(secs) => secs,
            Err(_) => SimDuration::parse(&bound_text)
                .map_err(|_| {
                    format!(
                        "{metric}: {bound_text:?} is not a duration (e.g. \"15m\", \"2h\", \
                         \"90s\") or a number of seconds"
                    )
                })?
                .secs_f64(),
        }
    } else if let Some(pct) = bound_text.strip_suffix('%') {
        pct.trim()
            .parse::<f64>()
            .map(|p| p / 100.0)
            .map_err(|_| format!("{metric}: {bound_text:?} is not a percentage"))?
    } else {
        bound_text.parse::<f64>().map_err(|_| {
            format!("{metric}: {bound_text:?} is not a number (durations only for times)")
        })?
    };
    if !bound.is_finite() {
        return Err(format!("{metric}: the bound must be a finite number"));
    }
    Ok(Claim {
        metric,
        per,
        op,
        bound,
        bound_text,
    })
}

/// Parses a claim of one or more parts joined by `and`
/// (`escalation_rate <= 2% and containment_rate >= 0.5`): it holds when every part does.
pub fn parse_all(text: &str) -> Result<Vec<Claim>, String> {
    text.split(" and ").map(|part| parse(part.trim())).collect()
}

/// The verdict of a conjunction: pass when every part passes, fail when any part
/// fails, else inconclusive.
pub fn all_of(parts: impl IntoIterator<Item = Verdict>) -> Verdict {
    let v: Vec<Verdict> = parts.into_iter().collect();
    if v.contains(&Verdict::Fail) {
        Verdict::Fail
    } else if v.iter().all(|x| *x == Verdict::Pass) {
        Verdict::Pass
    } else {
        Verdict::Inconclusive
    }
}

/// A claim's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The whole interval satisfies the claim.
    Pass,
    /// The whole interval violates it.
    Fail,
    /// The interval straddles the bound, or there is no interval.
    Inconclusive,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Inconclusive => "inconclusive",
        })
    }
}

/// The interval's ends as numbers: a Kaplan–Meier end that is missing lies beyond the
/// horizon (+∞); for any other method a missing end means there is no interval.
fn ends(s: &Summary) -> Option<(f64, f64)> {
    if s.method == "kaplan-meier" && s.n > 0 {
        let inf = f64::INFINITY;
        return Some((s.ci_low.unwrap_or(inf), s.ci_high.unwrap_or(inf)));
    }
    Some((s.ci_low?, s.ci_high?))
}

/// The estimate as a number, +∞ for a Kaplan–Meier median never reached.
pub fn estimate_value(s: &Summary) -> Option<f64> {
    match s.mean {
        Some(m) => Some(m),
        None if s.method == "kaplan-meier" && s.n > 0 => Some(f64::INFINITY),
        None => None,
    }
}

/// The verdict for `claim` from `s`.
pub fn verdict(claim: &Claim, s: &Summary) -> Verdict {
    let Some((lo, hi)) = ends(s) else {
        return Verdict::Inconclusive;
    };
    let (lo_ok, hi_ok) = (
        claim.op.holds(lo, claim.bound),
        claim.op.holds(hi, claim.bound),
    );
    match (lo_ok, hi_ok) {
        (true, true) => Verdict::Pass,
        (false, false) => Verdict::Fail,
        _ => Verdict::Inconclusive,
    }
}

/// Whether the bound is an upper one (`<`, `<=`).
pub fn is_upper(claim: &Claim) -> bool {
    claim.op.upper()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(mean: f64, lo: f64, hi: f64, method: &str) -> Summary {
        Summary {
            n: 100,
            mean: Some(mean),
            sd: None,
            ci_low: Some(lo),
            ci_high: Some(hi),
            method: method.into(),
            censored: None,
        }
    }

    #[test]
    fn claims_parse_with_units_and_aliases() {
        let c = parse("detect_to_contain.p50 <= \"15m\"").unwrap();
        assert_eq!(
            (c.metric.as_str(), c.op, c.bound),
            ("detect_to_contain_p50_s", Op::AtMost, 900.0)
        );
        let c = parse("escalation_rate<2%").unwrap();
        assert_eq!((c.op, c.bound), (Op::Below, 0.02));
        let c = parse("malicious_recall >= 0.95").unwrap();
        assert_eq!((c.op, c.bound), (Op::AtLeast, 0.95));
        assert!(
            parse("escalation_rate <= 15m").is_err(),
            "a duration for a rate"
        );
        assert!(
            parse("escalations <= 0.1")
                .unwrap_err()
                .contains("unknown metric")
        );
        assert!(parse("escalation_rate 0.1").is_err());
        assert!(parse("escalation_rate <= ").is_err());
        assert!(parse("cost <= inf").is_err());
    }

    #[test]
    fn claims_normalise_and_combine() {
        let c = parse("escalated per week <= 50").unwrap();
        assert_eq!((c.metric.as_str(), c.per), ("escalated", Some(Per::Week)));
        let c = parse("false_containments per 1,000 endpoints < 5").unwrap();
        assert_eq!(c.per, Some(Per::ThousandEndpoints));
        assert_eq!(
            parse("cost per 1000 users <= 1e6").unwrap().per,
            Some(Per::ThousandUsers)
        );
        // A rate or a time is already normalised.
        assert!(
            parse("escalation_rate per week <= 0.1")
                .unwrap_err()
                .contains("only counts")
        );
        assert!(parse("time_to_resolution.p50 per week <= 1h").is_err());
        assert!(
            parse("escalated per fortnight <= 5")
                .unwrap_err()
                .contains("per week")
        );
        let parts = parse_all("escalation_rate <= 2% and containment_rate >= 0.5").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1].metric, "containment_rate");
        assert!(parse_all("escalation_rate <= 2% and nonsense").is_err());
        use Verdict::*;
        assert_eq!(all_of([Pass, Pass]), Pass);
        assert_eq!(all_of([Pass, Inconclusive]), Inconclusive);
        assert_eq!(all_of([Inconclusive, Fail]), Fail);
    }

    #[test]
    fn the_whole_interval_decides() {
        let at_most = parse("escalation_rate <= 0.02").unwrap();
        // ai_mdr's hand-checked 9/1086 with interval 0.38–1.30%: passes.
        let s = summary(9.0 / 1086.0, 0.0038, 0.0130, "run bootstrap");
        assert_eq!(verdict(&at_most, &s), Verdict::Pass);
        assert_eq!(
            verdict(&at_most, &summary(0.03, 0.021, 0.04, "t")),
            Verdict::Fail
        );
        assert_eq!(
            verdict(&at_most, &summary(0.019, 0.015, 0.025, "t")),
            Verdict::Inconclusive
        );
        // An end exactly on a `<=` bound satisfies it; on a `<` bound it does not.
        let below = parse("escalation_rate < 0.02").unwrap();
        assert_eq!(
            verdict(&at_most, &summary(0.01, 0.0, 0.02, "t")),
            Verdict::Pass
        );
        assert_eq!(
            verdict(&below, &summary(0.01, 0.0, 0.02, "t")),
            Verdict::Inconclusive
        );
        assert_eq!(
            verdict(&at_most, &Summary::empty("t")),
            Verdict::Inconclusive
        );
    }

    #[test]
    fn a_median_beyond_the_horizon_fails_an_upper_bound() {
        let c = parse("detect_to_contain.p50 <= 15m").unwrap();
        let never = Summary {
            n: 16,
            mean: None,
            censored: Some(16),
            ..Summary::empty("kaplan-meier")
        };
        assert_eq!(verdict(&c, &never), Verdict::Fail);
        // Estimate 45 min, interval 7 min to unbounded: straddles.
        let open = Summary {
            ci_high: None,
            ..summary(2700.0, 420.0, 0.0, "kaplan-meier")
        };
        assert_eq!(verdict(&c, &open), Verdict::Inconclusive);
    }
}
