//! What a materialised synthetic world adds to each record (`mdrsim scenario export`):
//! where in the world's activity it came from (its lane, the occurrence on it and its
//! place in that occurrence), and what the engine needs to replay it exactly — the
//! stream keys the generator gave its alerts, their scores, and the facts' validity.
//! Imported records carry none of this.

use serde::{Deserialize, Serialize};

use crate::event::Severity;
use crate::scenario::BenignTruth;

/// A stream key: five 64-bit words, written as hex joined by `-` (JSON numbers above
/// 2⁵³ lose precision in many readers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key(pub [u64; 5]);

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let words: Vec<String> = self.0.iter().map(|w| format!("{w:016x}")).collect();
        s.serialize_str(&words.join("-"))
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let words: Vec<u64> = text
            .split('-')
            .map(|w| u64::from_str_radix(w, 16))
            .collect::<Result<_, _>>()
            .map_err(|_| serde::de::Error::custom("a key is five hex words joined by -"))?;
        let words: [u64; 5] = words
            .try_into()
            .map_err(|_| serde::de::Error::custom("a key is five hex words joined by -"))?;
        Ok(Key(words))
    }
}

/// Where a record sits in a materialised world and how to replay it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Materialized {
    /// `benign/NAME`, `telemetry/NAME` (a process's arrivals) or `campaign/NAME/STEP`.
    pub lane: String,
    /// The occurrence on the lane (the n-th arrival; 0 for a step).
    pub n: u64,
    /// When, ms from the scenario start (exact; `time_ms` is the same instant in UTC).
    pub at_ms: u64,
    /// Its place among what the occurrence does.
    pub position: u32,
    /// Truth of the lane's alerts (background lanes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truth: Option<BenignTruth>,
    /// The scenario entity it concerns.
    pub entity: String,
    /// A telemetry record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telemetry: Option<Telemetry>,
    /// An organizational fact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fact: Option<Fact>,
    /// A security tool's alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<Alert>,
}

/// A telemetry record: its source and the rules that match it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Telemetry {
    /// The telemetry source.
    pub source: String,
    /// Where in the occurrence its rule matches raise their alerts.
    pub match_position: u32,
    /// Every rule that matches it (raised only for providers running rules over the
    /// source).
    pub matches: Vec<Match>,
}

/// A rule match on a record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Match {
    /// The Sigma rule's title.
    pub rule: String,
    /// The alert's score.
    pub score: f64,
    /// The alert's stream key.
    pub key: Key,
}

/// An organizational fact's kind and validity (its values are the record's fields).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// `hr`, `change`, `travel`, …
    pub kind: String,
    /// In force from (ms since the scenario start).
    pub from_ms: u64,
    /// Until, if it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_ms: Option<u64>,
}

/// A security tool's alert.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alert {
    /// The detecting tool.
    pub source: String,
    /// The rule.
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// Score.
    pub score: f64,
    /// Stream key.
    pub key: Key,
}
