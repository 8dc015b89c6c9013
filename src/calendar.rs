//! Calendars and schedules: who is on shift when. A schedule is "24/7" or a list of
//! shifts (days, local start and end, headcount, time zone); several shifts in different
//! zones make follow-the-sun. A schedule is compiled once per run into a capacity
//! timeline — the number of workers on shift as a step function of [`SimTime`] — so the
//! engine only does a binary search, and daylight-saving changes are handled by jiff.

use std::fmt;

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::time::{Epoch, SimDuration, SimTime};

/// A schedule as written in a file.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ScheduleSpec {
    /// `"24/7"`: the whole pool, always.
    Always(String),
    /// Shifts.
    Shifts(ShiftsSpec),
}

/// A list of shifts with a default time zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftsSpec {
    /// IANA time zone of the shifts (`America/New_York`); a shift may override it.
    pub tz: String,
    /// The shifts; headcounts of overlapping shifts add up (capped at the pool size).
    pub shifts: Vec<ShiftSpec>,
}

/// One recurring shift.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftSpec {
    /// `"mon-fri"`, `"sat,sun"`, `"daily"`: the days the shift starts on.
    pub days: String,
    /// Local start, `"HH:MM"`.
    #[serde(default = "midnight")]
    pub from: String,
    /// Local end, `"HH:MM"`; at or before `from` means the next day (`"24:00"` allowed).
    #[serde(default = "midnight")]
    pub to: String,
    /// Workers on this shift; absent: the whole pool.
    #[serde(default)]
    pub workers: Option<u32>,
    /// Time zone of this shift, for follow-the-sun; absent: the schedule's.
    #[serde(default)]
    pub tz: Option<String>,
}

fn midnight() -> String {
    "00:00".into()
}

impl Default for ScheduleSpec {
    fn default() -> Self {
        ScheduleSpec::Always("24/7".into())
    }
}

impl<'de> Deserialize<'de> for ScheduleSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ScheduleSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"24/7\" or a table { tz = \"…\", shifts = [ … ] }")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ScheduleSpec, E> {
                if s == "24/7" {
                    Ok(ScheduleSpec::Always(s.into()))
                } else {
                    Err(E::custom(format!(
                        "unknown schedule {s:?}: expected \"24/7\" or a table of shifts"
                    )))
                }
            }
            fn visit_map<M: MapAccess<'de>>(self, m: M) -> Result<ScheduleSpec, M::Error> {
                ShiftsSpec::deserialize(de::value::MapAccessDeserializer::new(m))
                    .map(ScheduleSpec::Shifts)
            }
        }
        d.deserialize_any(V)
    }
}

impl ScheduleSpec {
    /// Monday to Friday, `from`–`to` in `tz`: a customer's business hours.
    pub fn business_hours(tz: &str, from: &str, to: &str) -> Self {
        ScheduleSpec::Shifts(ShiftsSpec {
            tz: tz.into(),
            shifts: vec![ShiftSpec {
                days: "mon-fri".into(),
                from: from.into(),
                to: to.into(),
                workers: None,
                tz: None,
            }],
        })
    }
}

/// Workers on shift over a run: change points `(time, capacity)`, the first at 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capacity {
    points: Vec<(SimTime, u32)>,
}

impl Capacity {
    /// Always `size`.
    pub fn constant(size: u32) -> Self {
        Capacity {
            points: vec![(SimTime::ZERO, size)],
        }
    }

    /// Workers on shift at `t`.
    pub fn at(&self, t: SimTime) -> u32 {
        let i = self.points.partition_point(|(p, _)| *p <= t);
        self.points[i.saturating_sub(1)].1
    }

    /// The first moment at or after `t` with someone on shift (`None`: never again).
    pub fn next_on_shift(&self, t: SimTime) -> Option<SimTime> {
        if self.at(t) > 0 {
            return Some(t);
        }
        self.changes()
            .find(|(p, n)| *p > t && *n > 0)
            .map(|(p, _)| p)
    }

    /// The change points after time 0.
    pub fn changes(&self) -> impl Iterator<Item = (SimTime, u32)> + '_ {
        self.points.iter().copied().skip(1)
    }

    /// Fraction of `[0, horizon)` with at least one worker on shift.
    pub fn coverage(&self, horizon: SimDuration) -> f64 {
        let end = horizon.0;
        let mut covered = 0u64;
        for (i, &(t, c)) in self.points.iter().enumerate() {
            let next = self.points.get(i + 1).map_or(end, |p| p.0.0.min(end));
            if c > 0 && t.0 < end {
                covered += next.saturating_sub(t.0);
            }
        }
        covered as f64 / end.max(1) as f64
    }
}

/// A schedule that cannot be compiled: the message says which part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ScheduleError(pub String);

impl ScheduleSpec {
    /// Whether every shift names its workers (so the pool size only caps the sum).
    pub fn names_every_shifts_workers(&self) -> bool {
        match self {
            ScheduleSpec::Always(_) => false,
            ScheduleSpec::Shifts(s) => s.shifts.iter().all(|x| x.workers.is_some()),
        }
    }

    /// The capacity timeline of a pool of `size` workers over `[0, horizon]`.
    pub fn compile(
        &self,
        size: u32,
        epoch: &Epoch,
        horizon: SimDuration,
    ) -> Result<Capacity, ScheduleError> {
        let shifts = match self {
            ScheduleSpec::Always(_) => return Ok(Capacity::constant(size)),
            ScheduleSpec::Shifts(s) => s,
        };
        if shifts.shifts.is_empty() {
            return Err(ScheduleError(
                "shifts: name at least one shift (a schedule without shifts never works)".into(),
            ));
        }
        let mut deltas: Vec<(i64, i64)> = Vec::new();
        for (i, shift) in shifts.shifts.iter().enumerate() {
            let err = |m: String| ScheduleError(format!("shifts[{i}]: {m}"));
            if let Some(w) = shift.workers
                && !(1..=crate::budget::MAX_WORKERS).contains(&w)
            {
                return Err(ScheduleError(format!(
                    "shifts[{i}].workers: must be between 1 and {}, got {w}",
                    crate::budget::MAX_WORKERS
                )));
            }
            let tz_name = shift.tz.as_deref().unwrap_or(&shifts.tz);
            let tz = TimeZone::get(tz_name)
                .map_err(|_| err(format!("unknown time zone {tz_name:?}")))?;
            let days = parse_days(&shift.days).map_err(err)?;
            let from = parse_clock(&shift.from).map_err(err)?;
            let to = parse_clock(&shift.to).map_err(err)?;
            let workers = shift.workers.unwrap_or(size) as i64;
            let first = epoch
                .zoned(SimTime::ZERO, Some(&tz))
                .date()
                .yesterday()
                .map_err(|e| err(e.to_string()))?;
            let last_ms = horizon.0 as i64;
            let mut day = first;
            loop {
                let start = local_ms(epoch, &tz, day, from).map_err(&err)?;
                if start > last_ms {
                    break;
                }
                if days.contains(&day.weekday()) {
                    let end_day = if to <= from {
                        day.tomorrow().map_err(|e| err(e.to_string()))?
                    } else {
                        day
                    };
                    let end = local_ms(epoch, &tz, end_day, to).map_err(&err)?;
                    deltas.push((start, workers));
                    deltas.push((end, -workers));
                }
                day = day.tomorrow().map_err(|e| err(e.to_string()))?;
            }
        }
        deltas.sort();
        let mut points = vec![(SimTime::ZERO, 0u32)];
        let mut running = 0i64;
        let mut i = 0;
        while i < deltas.len() {
            let t = deltas[i].0;
            while i < deltas.len() && deltas[i].0 == t {
                running += deltas[i].1;
                i += 1;
            }
            let cap = running.clamp(0, size as i64) as u32;
            let at = SimTime(t.max(0) as u64);
            match points.last_mut() {
                Some(last) if last.0 == at => last.1 = cap,
                Some(last) if last.1 == cap => {}
                _ => points.push((at, cap)),
            }
        }
        Ok(Capacity { points })
    }
}

/// Milliseconds from the epoch to local `time` on `day` in `tz` (negative if before).
fn local_ms(epoch: &Epoch, tz: &TimeZone, day: Date, time: Time) -> Result<i64, String> {
    let zoned = day
        .to_datetime(time)
        .to_zoned(tz.clone())
        .map_err(|e| e.to_string())?;
    let origin = epoch.timestamp(SimTime::ZERO);
    Ok(zoned.timestamp().as_millisecond() - origin.as_millisecond())
}

fn parse_clock(s: &str) -> Result<Time, String> {
    if s == "24:00" {
        return Ok(Time::MAX);
    }
    let (h, m) = s
        .split_once(':')
        .ok_or_else(|| format!("invalid time {s:?}: expected HH:MM"))?;
    let h: i8 = h
        .parse()
        .map_err(|_| format!("invalid time {s:?}: expected HH:MM"))?;
    let m: i8 = m
        .parse()
        .map_err(|_| format!("invalid time {s:?}: expected HH:MM"))?;
    Time::new(h, m, 0, 0).map_err(|_| format!("invalid time {s:?}: expected HH:MM"))
}

fn parse_days(s: &str) -> Result<Vec<Weekday>, String> {
    const NAMES: [(&str, Weekday); 7] = [
        ("mon", Weekday::Monday),
        ("tue", Weekday::Tuesday),
        ("wed", Weekday::Wednesday),
        ("thu", Weekday::Thursday),
        ("fri", Weekday::Friday),
        ("sat", Weekday::Saturday),
        ("sun", Weekday::Sunday),
    ];
    let day = |n: &str| {
        NAMES.iter().position(|(k, _)| *k == n.trim()).ok_or_else(|| format!("unknown day {n:?} in {s:?}: use mon … sun, ranges (mon-fri), lists (sat,sun) or daily"))
    };
    if s.trim() == "daily" {
        return Ok(NAMES.iter().map(|(_, d)| *d).collect());
    }
    let mut out = Vec::new();
    for part in s.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                let mut i = a;
                loop {
                    out.push(NAMES[i].1);
                    if i == b {
                        break;
                    }
                    i = (i + 1) % 7;
                }
            }
            None => out.push(NAMES[day(part)?].1),
        }
    }
    Ok(out)
}

impl schemars::JsonSchema for ScheduleSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Schedule".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let shifts = generator.subschema_for::<ShiftsSpec>();
        schemars::json_schema!({
            "description": "\"24/7\", or shifts in a time zone.",
            "anyOf": [{ "const": "24/7" }, shifts]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epoch() -> Epoch {
        // Friday 2026-11-27 18:00 in New York.
        Epoch::parse("2026-11-27T18:00:00-05:00").unwrap()
    }

    fn hours(h: u64) -> SimTime {
        SimTime(h * 3_600_000)
    }

    #[test]
    fn business_hours_are_closed_over_the_weekend() {
        let s = ScheduleSpec::business_hours("America/New_York", "09:00", "17:00");
        let c = s
            .compile(2, &epoch(), SimDuration::parse("4d").unwrap())
            .unwrap();
        assert_eq!(c.at(hours(0)), 0, "Friday 18:00");
        assert_eq!(c.at(hours(40)), 0, "Sunday 10:00");
        assert_eq!(c.at(hours(62)), 0, "Monday 08:00");
        assert_eq!(c.at(hours(63)), 2, "Monday 09:00");
        assert_eq!(c.at(hours(71)), 0, "Monday 17:00");
    }

    #[test]
    fn a_rota_with_a_thin_night_shift() {
        let s: ScheduleSpec = toml::from_str::<toml::Table>(
            "s = { tz = \"America/New_York\", shifts = [ { days = \"mon-fri\", from = \"08:00\", to = \"20:00\", workers = 4 }, { days = \"daily\", from = \"20:00\", to = \"08:00\", workers = 1 }, { days = \"sat,sun\", from = \"08:00\", to = \"20:00\", workers = 1 } ] }",
        )
        .unwrap()["s"]
            .clone()
            .try_into()
            .unwrap();
        let c = s
            .compile(4, &epoch(), SimDuration::parse("7d").unwrap())
            .unwrap();
        assert_eq!(c.at(hours(0)), 4, "Friday 18:00 day shift");
        assert_eq!(c.at(hours(3)), 1, "Friday 21:00 night");
        assert_eq!(c.at(hours(18)), 1, "Saturday 12:00 weekend");
        assert_eq!(c.at(hours(63)), 4, "Monday 09:00");
    }

    #[test]
    fn follow_the_sun_covers_the_weekday_clock() {
        let s: ScheduleSpec = toml::from_str::<toml::Table>(
            "s = { tz = \"UTC\", shifts = [ { days = \"mon-fri\", from = \"08:00\", to = \"16:00\", tz = \"Europe/Berlin\" }, { days = \"mon-fri\", from = \"08:00\", to = \"16:00\", tz = \"America/New_York\" }, { days = \"mon-fri\", from = \"08:00\", to = \"16:00\", tz = \"Asia/Singapore\" } ] }",
        )
        .unwrap()["s"]
            .clone()
            .try_into()
            .unwrap();
        let c = s
            .compile(3, &epoch(), SimDuration::parse("7d").unwrap())
            .unwrap();
        // Tuesday: three 8-hour shifts, one per region, cover most of the day.
        let tuesday = (96..120).filter(|h| c.at(hours(*h)) > 0).count();
        assert!(tuesday >= 20, "covered {tuesday} of Tuesday's hours");
    }

    #[test]
    fn bad_shifts_name_the_problem() {
        let bad = ScheduleSpec::Shifts(ShiftsSpec {
            tz: "Mars/Olympus".into(),
            shifts: vec![ShiftSpec {
                days: "mon-fri".into(),
                from: "09:00".into(),
                to: "17:00".into(),
                workers: None,
                tz: None,
            }],
        });
        let e = bad
            .compile(1, &epoch(), SimDuration::parse("1d").unwrap())
            .unwrap_err();
        assert!(e.0.contains("Mars/Olympus"));
        assert!(parse_days("mon-fry").is_err());
        assert!(parse_clock("25:00").is_err());
    }
}
