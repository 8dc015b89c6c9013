//! What activity leaves behind, attack and benign alike: telemetry records (process
//! trees, sign-in details, API calls) and organizational facts (a change ticket, a
//! travel booking, an HR record). Each exists with a probability, and field values may be
//! drawn with weights, so an attack step and its benign look-alike can leave overlapping
//! clues — that overlap is the difficulty of the job (DESIGN §3). Strategies only ever
//! see the records; the probabilities stay the scenario's hidden truth.

use std::collections::BTreeMap;
use std::sync::Arc;

use rand::RngExt;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::dist::{NumberDist, dist_serde};
use crate::ids::EntityId;
use crate::random::{Stream, fnv1a};
use crate::time::SimDuration;

/// A field value as written: fixed, one of several (uniformly), or drawn with weights.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize, PartialEq)]
#[serde(untagged)]
pub enum FieldValue {
    /// Always this value.
    One(String),
    /// One of these, uniformly (repeat a value to weight it).
    OneOf(Vec<String>),
    /// Value → relative weight, e.g. `{ "false" = 0.9, "true" = 0.1 }`.
    Weighted(BTreeMap<String, f64>),
}

/// A field's possible values, compiled. The text is shared: each record drawn from the
/// template clones a reference, not the string (telemetry is the bulk of a run's events).
#[derive(Clone, Debug, PartialEq)]
pub enum FieldTemplate {
    /// Always this value.
    One(Arc<str>),
    /// One of these, uniformly (sorted, so list order is not part of the world).
    OneOf(Vec<Arc<str>>),
    /// Values with cumulative weights normalised to 1 (sorted by value).
    Weighted(Vec<(Arc<str>, f64)>),
}

impl FieldTemplate {
    /// Every value the template can produce.
    pub fn values(&self) -> Vec<&str> {
        match self {
            FieldTemplate::One(v) => vec![v],
            FieldTemplate::OneOf(list) => list.iter().map(|v| &**v).collect(),
            FieldTemplate::Weighted(list) => list.iter().map(|(v, _)| &**v).collect(),
        }
    }

    fn sample(&self, rng: &mut Stream) -> Arc<str> {
        match self {
            FieldTemplate::One(v) => v.clone(),
            FieldTemplate::OneOf(list) => list[rng.random_range(0..list.len())].clone(),
            FieldTemplate::Weighted(list) => {
                let u: f64 = rng.random();
                let pick = list.iter().find(|(_, c)| u < *c).or(list.last());
                pick.map_or_else(|| Arc::from(""), |(v, _)| v.clone())
            }
        }
    }
}

/// Field templates by field name.
pub type FieldTemplates = BTreeMap<Arc<str>, FieldTemplate>;

/// Concrete field values of one record.
pub type Fields = BTreeMap<Arc<str>, Arc<str>>;

/// Draws concrete field values from templates (sharing their text).
pub fn sample_fields(fields: &FieldTemplates, rng: &mut Stream) -> Fields {
    fields
        .iter()
        .map(|(k, v)| (k.clone(), v.sample(rng)))
        .collect()
}

/// Checks field values; the error is (field suffix, message).
pub fn fields_problem(fields: &BTreeMap<String, FieldValue>) -> Option<(String, String)> {
    for (k, v) in fields {
        match v {
            FieldValue::OneOf(list) if list.is_empty() => {
                return Some((k.clone(), "a list of values must not be empty".into()));
            }
            FieldValue::Weighted(w) if w.is_empty() => {
                return Some((k.clone(), "a table of weights must not be empty".into()));
            }
            FieldValue::Weighted(w) => {
                if let Some((value, x)) = w.iter().find(|(_, x)| !x.is_finite() || **x < 0.0) {
                    return Some((
                        format!("{k}.{value}"),
                        format!("a weight must be a finite number ≥ 0, got {x}"),
                    ));
                }
                if w.values().sum::<f64>() <= 0.0 {
                    return Some((k.clone(), "the weights must not all be 0".into()));
                }
            }
            _ => {}
        }
    }
    None
}

/// Compiles a spec's field values into shared templates. Lists are sorted so that the
/// order they were written in changes nothing.
pub fn field_templates(fields: &BTreeMap<String, FieldValue>) -> FieldTemplates {
    fields
        .iter()
        .map(|(k, v)| {
            let t = match v {
                FieldValue::One(s) => FieldTemplate::One(s.as_str().into()),
                FieldValue::OneOf(list) => {
                    let mut list: Vec<Arc<str>> = list.iter().map(|s| s.as_str().into()).collect();
                    list.sort();
                    FieldTemplate::OneOf(list)
                }
                FieldValue::Weighted(w) => {
                    let total: f64 = w.values().sum();
                    let mut acc = 0.0;
                    let list = w
                        .iter()
                        .map(|(v, x)| {
                            acc += x / total;
                            (Arc::from(v.as_str()), acc)
                        })
                        .collect();
                    FieldTemplate::Weighted(list)
                }
            };
            (k.as_str().into(), t)
        })
        .collect()
}

fn one() -> Spanned<f64> {
    Spanned::new(0..0, 1.0)
}

fn mid_score() -> NumberDist {
    NumberDist::Beta {
        alpha: 5.0,
        beta: 2.0,
    }
}

/// A telemetry record an activity may leave (detection rules run over it like any other).
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TraceSpec {
    /// The telemetry source (`process`, `network`, `entra_signin`, `cloudtrail`, …).
    pub source: String,
    /// The entity the record concerns; absent: the activity's entity.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub entity: Option<Spanned<String>>,
    /// Record fields: a value, a list to pick from, or a table of weights.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldValue>,
    /// Chance that the activity leaves this record, in [0, 1] (default 1).
    #[serde(default = "one")]
    #[schemars(with = "f64")]
    pub probability: Spanned<f64>,
    /// Detector score of alerts that rules raise on the record.
    #[serde(default = "mid_score", with = "dist_serde")]
    #[schemars(with = "NumberDist")]
    pub score: NumberDist,
}

/// An organizational fact an activity may leave, in force over a window around it.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FactSpec {
    /// The system of record: `change`, `travel`, `hr`, `helpdesk`, `asset`, `mdm`, …
    pub kind: String,
    /// The entity the fact concerns; absent: the activity's entity.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub entity: Option<Spanned<String>>,
    /// The fact's fields.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldValue>,
    /// Chance that the fact exists for this activity, in [0, 1] (default 1).
    #[serde(default = "one")]
    #[schemars(with = "f64")]
    pub probability: Spanned<f64>,
    /// In force from this long before the activity (a ticket opened ahead of the work).
    #[serde(default)]
    pub lead: SimDuration,
    /// In force for this long after the activity; absent: open-ended.
    #[serde(default)]
    pub lasts: Option<SimDuration>,
}

/// A fact of the world on a schedule, e.g. an HR record with its effective date. It is
/// recorded (and can be found by an organizational query) from `from` on.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WorldFactSpec {
    /// The entity.
    #[schemars(with = "String")]
    pub entity: Spanned<String>,
    /// The system of record.
    pub kind: String,
    /// The fact's fields (lists and weights are drawn once per run).
    #[serde(default)]
    pub fields: BTreeMap<String, FieldValue>,
    /// Takes effect this long after the scenario start (default: at the start).
    #[serde(default)]
    pub from: SimDuration,
    /// Ends this long after the scenario start; absent: open-ended.
    #[serde(default)]
    pub until: Option<SimDuration>,
}

/// A compiled trace.
#[derive(Clone, Debug)]
pub struct Trace {
    /// Keys its random stream: a hash of its content, so reordering traces changes nothing.
    pub key: u64,
    /// Index into the scenario's sources.
    pub source: u32,
    /// The entity; `None`: the activity's.
    pub entity: Option<EntityId>,
    /// Field templates.
    pub fields: FieldTemplates,
    /// Chance it exists.
    pub probability: f64,
    /// Score of rule matches on it.
    pub score: NumberDist,
}

/// A compiled activity fact.
#[derive(Clone, Debug)]
pub struct FactTemplate {
    /// Keys its random stream (content hash).
    pub key: u64,
    /// The system of record.
    pub kind: Arc<str>,
    /// The entity; `None`: the activity's.
    pub entity: Option<EntityId>,
    /// Field templates.
    pub fields: FieldTemplates,
    /// Chance it exists.
    pub probability: f64,
    /// In force from `lead` before the activity…
    pub lead: SimDuration,
    /// …until `lasts` after it (`None`: open-ended).
    pub lasts: Option<SimDuration>,
}

/// A compiled world fact.
#[derive(Clone, Debug)]
pub struct WorldFact {
    /// Keys its random stream (content hash).
    pub key: u64,
    /// The entity.
    pub entity: EntityId,
    /// The system of record.
    pub kind: Arc<str>,
    /// Field templates.
    pub fields: FieldTemplates,
    /// Start of its window, from the scenario start.
    pub from: SimDuration,
    /// End of its window (`None`: open-ended).
    pub until: Option<SimDuration>,
}

/// What one activity may leave behind.
#[derive(Clone, Debug, Default)]
pub struct Clues {
    /// Telemetry records, sorted by key.
    pub traces: Vec<Trace>,
    /// Organizational facts, sorted by key.
    pub facts: Vec<FactTemplate>,
}

/// A stable key for a piece of spec: a hash of its canonical JSON form (field maps are
/// sorted), never of the file's bytes, so comments and ordering change nothing.
pub fn content_key<T: Serialize>(value: &T) -> u64 {
    fnv1a(serde_json::to_string(value).unwrap_or_default().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Purpose, SeedTree};

    #[test]
    fn weighted_values_come_out_in_proportion() {
        let mut spec = BTreeMap::new();
        spec.insert(
            "AsnSeenBefore".to_string(),
            FieldValue::Weighted([("false".into(), 9.0), ("true".into(), 1.0)].into()),
        );
        let t = field_templates(&spec);
        let mut rng = SeedTree::new(1, 2).stream(Purpose::Trace, &[3]);
        let n = 20_000;
        let falses = (0..n)
            .filter(|_| &*sample_fields(&t, &mut rng)["AsnSeenBefore"] == "false")
            .count();
        let share = falses as f64 / n as f64;
        assert!((share - 0.9).abs() < 0.01, "share of \"false\" was {share}");
    }

    #[test]
    fn list_order_is_not_part_of_the_world() {
        let a: BTreeMap<String, FieldValue> = [(
            "Country".to_string(),
            FieldValue::OneOf(vec!["US".into(), "DE".into(), "US".into()]),
        )]
        .into();
        let b: BTreeMap<String, FieldValue> = [(
            "Country".to_string(),
            FieldValue::OneOf(vec!["US".into(), "US".into(), "DE".into()]),
        )]
        .into();
        assert_eq!(field_templates(&a), field_templates(&b));
    }

    #[test]
    fn bad_weights_are_named() {
        let w: BTreeMap<String, FieldValue> = [(
            "X".to_string(),
            FieldValue::Weighted([("a".into(), -1.0)].into()),
        )]
        .into();
        assert_eq!(fields_problem(&w).map(|p| p.0), Some("X.a".to_string()));
    }
}
