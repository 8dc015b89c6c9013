//! Simulated time. A run never reads a clock: every instant is a [`SimTime`], integer
//! milliseconds since the scenario's epoch, and the epoch's RFC 3339 date-time (with
//! offset) is what makes weekdays, hours and shifts derivable.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Weekday;
use jiff::tz::{Offset, TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant in a run: milliseconds since the scenario epoch.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(pub u64);

/// A span of simulated time in milliseconds. Parsed once, at the edge, from strings such
/// as `"90s"`, `"15m"`, `"4h"`, `"2d"` or `"1h30m"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The scenario epoch.
    pub const ZERO: SimTime = SimTime(0);

    /// Milliseconds since the epoch.
    pub fn ms(self) -> u64 {
        self.0
    }

    /// Seconds since the epoch, for reporting.
    pub fn secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// The instant `d` later; saturates instead of wrapping.
    pub fn after(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }

    /// Time elapsed since `earlier` (zero when `earlier` is later).
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// Builds a duration from whole seconds.
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s * 1000)
    }

    /// Builds a duration from minutes.
    pub const fn from_mins(m: u64) -> Self {
        SimDuration(m * 60_000)
    }

    /// Builds a duration from days.
    pub const fn from_days(d: u64) -> Self {
        SimDuration(d * 86_400_000)
    }

    /// Milliseconds.
    pub fn ms(self) -> u64 {
        self.0
    }

    /// Seconds as a float, for reporting.
    pub fn secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// Parses `"500ms"`, `"90s"`, `"15m"`, `"4h"`, `"2d"`, `"1w"` and sums such as
    /// `"1h30m"`. Fractions (`"1.5h"`) round to the nearest millisecond.
    pub fn parse(text: &str) -> Result<Self, DurationError> {
        let err = || DurationError(text.to_string());
        let s = text.trim();
        if s.is_empty() {
            return Err(err());
        }
        let mut total = 0f64;
        let mut rest = s;
        while !rest.is_empty() {
            let num_len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .ok_or_else(err)?;
            if num_len == 0 {
                return Err(err());
            }
            let value: f64 = rest[..num_len].parse().map_err(|_| err())?;
            rest = &rest[num_len..];
            let unit_len = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let unit_ms = match &rest[..unit_len] {
                "ms" => 1.0,
                "s" => 1_000.0,
                "m" => 60_000.0,
                "h" => 3_600_000.0,
                "d" => 86_400_000.0,
                "w" => 604_800_000.0,
                _ => return Err(err()),
            };
            rest = &rest[unit_len..];
            total += value * unit_ms;
        }
        if !total.is_finite() || total > 1e15 {
            return Err(err());
        }
        Ok(SimDuration(total.round() as u64))
    }
}

/// A duration string that is not of the form `<number><unit>…`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid duration {0:?}: expected a number and a unit (ms, s, m, h, d, w), e.g. \"90s\", \"15m\", \"1h30m\""
)]
pub struct DurationError(pub String);

impl FromStr for SimDuration {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SimDuration::parse(s)
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        let units = [
            (86_400_000, "d"),
            (3_600_000, "h"),
            (60_000, "m"),
            (1_000, "s"),
            (1, "ms"),
        ];
        if ms == 0 {
            return write!(f, "0s");
        }
        let mut rest = ms;
        for (size, name) in units {
            if rest >= size {
                write!(f, "{}{}", rest / size, name)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

impl Serialize for SimDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SimDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        SimDuration::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The wall-clock instant a scenario's `SimTime(0)` stands for, with the offset it was
/// written in, so local weekday and hour are well defined.
#[derive(Clone, Debug, PartialEq)]
pub struct Epoch {
    text: String,
    timestamp: Timestamp,
    offset: Offset,
}

/// A start that is not an RFC 3339 date-time with an explicit offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid start {0:?}: expected an RFC 3339 date-time with offset, e.g. \"2026-11-27T18:00:00-05:00\""
)]
pub struct EpochError(pub String);

impl Epoch {
    /// Parses e.g. `"2026-11-27T18:00:00-05:00"` or `"2026-11-27T23:00:00Z"`.
    pub fn parse(text: &str) -> Result<Self, EpochError> {
        let err = || EpochError(text.to_string());
        let timestamp: Timestamp = text.parse().map_err(|_| err())?;
        let offset = parse_offset_suffix(text).ok_or_else(err)?;
        Ok(Epoch {
            text: text.to_string(),
            timestamp,
            offset,
        })
    }

    /// Milliseconds from this epoch to `later` (negative when `later` is earlier).
    pub fn ms_until(&self, later: &Epoch) -> i128 {
        later.timestamp.as_millisecond() as i128 - self.timestamp.as_millisecond() as i128
    }

    /// The text the epoch was written as.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The absolute instant of `t`.
    pub fn timestamp(&self, t: SimTime) -> Timestamp {
        let ms = i64::try_from(t.0).unwrap_or(i64::MAX);
        self.timestamp
            .checked_add(jiff::SignedDuration::from_millis(ms))
            .unwrap_or(Timestamp::MAX)
    }

    /// The civil date-time of `t` in `tz`; `None` means the epoch's own offset.
    pub fn zoned(&self, t: SimTime, tz: Option<&TimeZone>) -> jiff::Zoned {
        let tz = tz.cloned().unwrap_or_else(|| TimeZone::fixed(self.offset));
        self.timestamp(t).to_zoned(tz)
    }

    /// Weekday of `t` at the epoch's offset.
    pub fn weekday(&self, t: SimTime) -> Weekday {
        self.zoned(t, None).weekday()
    }

    /// Hour of day (0–23) of `t` at the epoch's offset.
    pub fn hour(&self, t: SimTime) -> u8 {
        self.zoned(t, None).hour() as u8
    }
}

fn parse_offset_suffix(text: &str) -> Option<Offset> {
    let t = text.trim();
    if t.ends_with('Z') || t.ends_with('z') {
        return Some(Offset::UTC);
    }
    let tail = t.get(t.len().checked_sub(6)?..)?;
    let sign = match tail.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours: i32 = tail.get(1..3)?.parse().ok()?;
    let minutes: i32 = tail.get(4..6)?.parse().ok()?;
    if tail.as_bytes()[3] != b':' {
        return None;
    }
    Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

impl Serialize for Epoch {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Epoch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Epoch::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for SimDuration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A number and a unit (ms, s, m, h, d, w), or a sum: \"90s\", \"15m\", \"1h30m\".",
            "pattern": "^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d|w))+$"
        })
    }
}

impl schemars::JsonSchema for Epoch {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Start".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339 date-time with an explicit offset, e.g. \"2026-11-27T18:00:00-05:00\"."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units_and_sums() {
        assert_eq!(SimDuration::parse("90s").unwrap(), SimDuration(90_000));
        assert_eq!(SimDuration::parse("15m").unwrap(), SimDuration(900_000));
        assert_eq!(SimDuration::parse("4h").unwrap(), SimDuration(14_400_000));
        assert_eq!(SimDuration::parse("2d").unwrap(), SimDuration(172_800_000));
        assert_eq!(SimDuration::parse("1h30m").unwrap(), SimDuration(5_400_000));
        assert_eq!(SimDuration::parse("1.5s").unwrap(), SimDuration(1_500));
        assert_eq!(SimDuration::parse("250ms").unwrap(), SimDuration(250));
    }

    #[test]
    fn bad_durations_are_rejected() {
        for bad in ["", "15", "m", "15x", "-5m", "1h 30m", "1..5s"] {
            assert!(SimDuration::parse(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn duration_display_round_trips() {
        for text in ["90s", "1h30m", "2d", "250ms", "1d2h3m4s5ms"] {
            let d = SimDuration::parse(text).unwrap();
            assert_eq!(SimDuration::parse(&d.to_string()).unwrap(), d);
        }
    }

    #[test]
    fn friday_evening_in_new_york_is_friday_at_its_offset() {
        let e = Epoch::parse("2026-11-27T18:00:00-05:00").unwrap();
        assert_eq!(e.weekday(SimTime::ZERO), Weekday::Friday);
        assert_eq!(e.hour(SimTime::ZERO), 18);
        // Seven hours later it is Saturday 01:00 locally.
        let t = SimTime::ZERO.after(SimDuration::parse("7h").unwrap());
        assert_eq!(e.weekday(t), Weekday::Saturday);
        assert_eq!(e.hour(t), 1);
    }

    #[test]
    fn epoch_needs_an_offset() {
        assert!(Epoch::parse("2026-11-27T18:00:00").is_err());
        assert!(Epoch::parse("yesterday").is_err());
        assert!(Epoch::parse("2026-11-27T23:00:00Z").is_ok());
    }
}
