//! Numbers in the units people read: times as minutes, hours or days; shares as
//! percentages; hours with an `h`; cost in k and M. Changes carry their sign, and a
//! change of a share is in percentage points.

/// Minutes, hours or days, whichever reads best.
pub fn duration(secs: f64) -> String {
    if !secs.is_finite() {
        return "> horizon".into();
    }
    if secs < 3600.0 {
        format!("{:.0}m", secs / 60.0)
    } else if secs < 10.0 * 3600.0 {
        format!("{:.1}h", secs / 3600.0)
    } else if secs < 48.0 * 3600.0 {
        format!("{:.0}h", secs / 3600.0)
    } else {
        format!("{:.1}d", secs / 86_400.0)
    }
}

/// Whether `metric` is a share in [0, 1] (shown as a percentage).
pub fn is_share(metric: &str) -> bool {
    metric.ends_with("_rate")
        || metric.ends_with("accuracy")
        || [
            "precision",
            "recall",
            "f1",
            "malicious_recall",
            "evidence_coverage",
        ]
        .contains(&metric)
}

fn significant(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn money(x: f64) -> String {
    let a = x.abs();
    if a >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if a >= 1e3 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// `x` of `metric` in its unit.
pub fn value(metric: &str, x: f64) -> String {
    if metric.ends_with("_s") {
        duration(x)
    } else if is_share(metric) {
        format!("{:.2}%", 100.0 * x)
    } else if metric.ends_with("_hours") {
        format!("{}h", significant(x))
    } else if metric == "cost" || metric.starts_with("cost_") {
        money(x)
    } else {
        significant(x)
    }
}

/// A change of `metric` by `d`, signed; shares in percentage points.
pub fn delta(metric: &str, d: f64) -> String {
    let sign = if d > 0.0 {
        "+"
    } else if d < 0.0 {
        "−"
    } else {
        "±"
    };
    let a = d.abs();
    let body = if metric.ends_with("_s") {
        duration(a)
    } else if is_share(metric) {
        format!("{:.2} pp", 100.0 * a)
    } else {
        value(metric, a)
    };
    format!("{sign}{body}")
}

/// `[lo – hi]` of `metric`; an open end (a median beyond the horizon) as `?`.
pub fn interval(
    metric: &str,
    lo: Option<f64>,
    hi: Option<f64>,
    f: fn(&str, f64) -> String,
) -> String {
    match (lo, hi) {
        (None, None) => "—".into(),
        (Some(a), Some(b)) if f(metric, a) == f(metric, b) => f(metric, a),
        _ => format!(
            "{} – {}",
            lo.map_or("?".into(), |x| f(metric, x)),
            hi.map_or("?".into(), |x| f(metric, x))
        ),
    }
}

/// `lo–hi` of `metric`, the unit written once when both ends share it (`92.50–100.00%`,
/// `26–46m`), as the eval table writes its intervals; an open end as `?`.
pub fn range(metric: &str, lo: Option<f64>, hi: Option<f64>) -> String {
    let (a, b) = match (lo, hi) {
        (None, None) => return "—".into(),
        (Some(a), Some(b)) if value(metric, a) == value(metric, b) => return value(metric, a),
        _ => (
            lo.map_or("?".into(), |x| value(metric, x)),
            hi.map_or("?".into(), |x| value(metric, x)),
        ),
    };
    let unit = |s: &str| {
        let n = s.trim_end_matches(|c: char| c.is_alphabetic() || c == '%');
        (n.len() < s.len() && n.parse::<f64>().is_ok()).then(|| s[n.len()..].to_string())
    };
    match (unit(&a), unit(&b)) {
        (Some(u), Some(v)) if u == v => format!("{}–{b}", &a[..a.len() - u.len()]),
        _ => format!("{a}–{b}"),
    }
}

/// Text safe to print to a terminal: control characters other than line breaks and
/// tabs (an escape sequence hidden in an entity's name, say) are shown as `\u{1b}`,
/// never sent.
pub fn printable(text: &str) -> String {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(bad) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if bad(c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_read_right() {
        assert_eq!(value("detect_to_contain_p50_s", 2700.0), "45m");
        assert_eq!(value("escalation_rate", 9.0 / 1086.0), "0.83%");
        assert_eq!(value("disruption_hours", 7.25), "7.25h");
        assert_eq!(value("cost", 917_000.0), "917.0k");
        assert_eq!(delta("containment_rate", -0.125), "−12.50 pp");
        assert_eq!(delta("detect_to_contain_p50_s", 600.0), "+10m");
        assert_eq!(delta("cost", 0.0), "±0");
        assert_eq!(
            range("malicious_recall", Some(0.925), Some(1.0)),
            "92.50–100.00%"
        );
        assert_eq!(
            range("time_to_resolution_p50_s", Some(1560.0), Some(5760.0)),
            "26m–1.6h"
        );
        assert_eq!(
            range("time_to_resolution_p50_s", Some(1560.0), None),
            "26m–?"
        );
        assert_eq!(
            range("customer_work_hours", Some(69.96), Some(136.0)),
            "69.96–136h"
        );
        assert_eq!(range("escalation_rate", Some(0.0), Some(0.0)), "0.00%");
        assert_eq!(printable("host\u{1b}[2Jx\n\r"), "host\\u{1b}[2Jx\n\\u{d}");
    }
}
