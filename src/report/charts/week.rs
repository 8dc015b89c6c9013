//! One scenario's week as it happened for one run: alerts arriving per hour, the
//! backlog, who is on shift for the provider and the customer, attack steps and
//! containments, on the scenario's local calendar.

use crate::report::data::{ReportData, Span};
use crate::report::svg::{Axis, Chart, Mark};

const HOUR: f64 = 3_600_000.0;

/// Local-midnight ticks (at the start's UTC offset) labelled with weekday and date.
fn day_ticks(start: &str, horizon_ms: u64) -> Vec<(f64, String)> {
    let Ok(epoch) = crate::time::Epoch::parse(start) else {
        return Vec::new();
    };
    let z0 = epoch.zoned(crate::time::SimTime(0), None);
    let since_midnight =
        (z0.hour() as u64 * 3600 + z0.minute() as u64 * 60 + z0.second() as u64) * 1000;
    let mut t = (86_400_000 - since_midnight) % 86_400_000;
    let mut out = Vec::new();
    let every = if horizon_ms > 8 * 86_400_000 { 2 } else { 1 };
    let mut k = 0;
    while t <= horizon_ms {
        if k % every == 0 {
            let z = epoch.zoned(crate::time::SimTime(t), None);
            out.push((t as f64 / HOUR, z.strftime("%a %-d %b").to_string()));
        }
        t += 86_400_000;
        k += 1;
    }
    out
}

/// Workers on shift over time as step points, summed over the rows given.
fn on_shift(spans: &[&Span]) -> Vec<(f64, f64)> {
    let mut cuts: Vec<u64> = spans
        .iter()
        .flat_map(|s| [s.from_ms, s.to_ms.unwrap_or(s.from_ms)])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    cuts.iter()
        .map(|&t| {
            let n: u64 = spans
                .iter()
                .filter(|s| s.from_ms <= t && s.to_ms.is_some_and(|e| t < e))
                .filter_map(|s| s.value)
                .sum();
            (t as f64 / HOUR, n as f64)
        })
        .collect()
}

/// One scenario's week for one run: alerts arriving per hour, the backlog, who is on
/// shift (provider and customer), attack steps and containments, on the scenario's
/// local calendar.
pub fn week(data: &ReportData, run: u64, title: &str) -> Chart {
    let r = data.runs.iter().find(|r| r.run == run);
    let horizon = r.map_or(0, |r| r.horizon_ms);
    let start = r
        .and_then(|r| data.scenario(&r.scenario))
        .and_then(|s| s["start"].as_str())
        .unwrap_or("")
        .to_string();
    let hours = (horizon as f64 / HOUR).ceil().max(1.0);
    let mut per_hour = vec![0u64; hours as usize];
    for a in data.alerts.get(&run).into_iter().flatten() {
        if let Some(slot) = per_hour.get_mut((a.raised_ms as f64 / HOUR) as usize) {
            *slot += 1;
        }
    }
    let backlog: Vec<(f64, f64)> = data
        .backlog
        .get(&run)
        .into_iter()
        .flatten()
        .map(|&(t, n)| (t as f64 / HOUR, n as f64))
        .collect();
    let spans: Vec<&Span> = data.timeline.get(&run).into_iter().flatten().collect();
    let cap = |party: &str| {
        let rows: Vec<&Span> = spans
            .iter()
            .copied()
            .filter(|s| s.kind == "capacity" && s.party.as_deref() == Some(party))
            .collect();
        on_shift(&rows)
    };
    let (provider, customer) = (cap("provider"), cap("customer"));
    // Alerts on the left axis, people on the right: a rota of one to four analysts
    // stays readable beside a backlog in the hundreds.
    let top = per_hour
        .iter()
        .map(|&n| n as f64)
        .chain(backlog.iter().map(|p| p.1))
        .fold(4.0, f64::max)
        * 1.12;
    let team = customer.iter().map(|p| p.1).fold(4.0, f64::max);
    let most = provider.iter().map(|p| p.1).fold(0.0, f64::max);
    // An "instant" profile's thousand workers would flatten the people's scale: such a
    // line runs along the top edge and its legend says how many.
    let off_scale = most > 50.0 && most > 10.0 * team;
    let people_top = if off_scale { team } else { team.max(most) } * 1.15;
    let mut chart = Chart::new(
        title,
        860.0,
        300.0,
        Axis {
            min: 0.0,
            max: hours,
            log: false,
            shift: 0.0,
            label: format!("local time at the scenario's start offset (starts {start})"),
            ticks: day_ticks(&start, horizon),
        },
        Axis::linear(0.0, top, "alerts per hour / alerts waiting", &|v| {
            format!("{v:.0}")
        }),
    );
    chart.right = Some(Axis::linear(0.0, people_top, "people on shift", &|v| {
        format!("{v:.0}")
    }));
    chart.marks.push(Mark::Bars {
        bars: per_hour
            .iter()
            .enumerate()
            .map(|(h, &n)| (h as f64, h as f64 + 1.0, n as f64))
            .collect(),
        colour: "#56B4E9".into(),
    });
    chart
        .legend
        .push(("#56B4E9".into(), "alerts raised per hour".into(), false));
    chart
        .legend
        .push(("#E69F00".into(), "alerts waiting (backlog)".into(), false));
    chart.marks.push(Mark::Line {
        points: backlog,
        colour: "#E69F00".into(),
        step: true,
        dashed: false,
    });
    let people = [
        (
            provider,
            "#009E73",
            if off_scale {
                format!("provider on shift ({most:.0}, above the right scale)")
            } else {
                "provider on shift (right axis)".into()
            },
            false,
        ),
        (
            customer,
            "#CC79A7",
            "customer on shift (right axis)".to_string(),
            true,
        ),
    ];
    for (points, c, label, dashed) in people {
        chart.legend.push((c.into(), label, dashed));
        chart.marks.push(Mark::RightLine {
            points,
            colour: c.into(),
            step: true,
            dashed,
        });
    }
    chart
        .legend
        .push(("#D55E00".into(), "attack step (▲)".into(), false));
    chart.legend.push((
        "#0072B2".into(),
        "containment (foot; purple: by the customer)".into(),
        false,
    ));
    for s in spans.iter().filter(|s| s.kind == "containment") {
        let to = s.to_ms.unwrap_or(horizon);
        chart.marks.push(Mark::Span {
            rect: (s.from_ms as f64 / HOUR, to as f64 / HOUR, 0.0, top * 0.035),
            colour: if s.party.as_deref() == Some("customer") {
                "#CC79A7".into()
            } else {
                "#0072B2".into()
            },
            title: format!(
                "{} {} by the {} (alert {})",
                s.detail.as_deref().unwrap_or(""),
                s.name,
                s.party.as_deref().unwrap_or("?"),
                s.value.map_or("?".into(), |v| v.to_string())
            ),
        });
    }
    for s in spans.iter().filter(|s| s.kind == "attack_step") {
        chart.marks.push(Mark::Point {
            at: (s.from_ms as f64 / HOUR, top * 0.94),
            x_range: None,
            y_range: None,
            colour: "#D55E00".into(),
            label: format!("{} ({})", s.name, s.detail.as_deref().unwrap_or("")),
            triangle: true,
            label_dy: 0.0,
        });
    }
    chart
}
