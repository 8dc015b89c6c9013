//! Probability distributions named in scenario files. A duration distribution is written
//! either as a plain duration string (`"15m"`, meaning fixed) or as a table such as
//! `{ dist = "exponential", mean = "15m" }`; a number distribution likewise with numbers.

use std::fmt;
use std::marker::PhantomData;

use rand::RngExt;
use rand_distr::{Beta, Distribution, Exp1, StandardNormal};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::random::Stream;
use crate::time::SimDuration;

/// A distribution over values of type `V` (a [`SimDuration`] or an `f64`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum Dist<V> {
    /// Always `value`.
    Fixed {
        /// The value.
        value: V,
    },
    /// Exponential with the given mean (memoryless arrivals and service).
    Exponential {
        /// The mean.
        mean: V,
    },
    /// Log-normal with the given median and shape `sigma` (the standard deviation of
    /// the log); the mean is `median · exp(sigma²/2)`. Typical of human handling times.
    Lognormal {
        /// The median.
        median: V,
        /// Shape, ≥ 0.
        sigma: f64,
    },
    /// Uniform between `low` and `high`.
    Uniform {
        /// Lower bound.
        low: V,
        /// Upper bound, ≥ `low`.
        high: V,
    },
    /// Beta(alpha, beta) on [0, 1], for scores and probabilities (numbers only).
    Beta {
        /// First shape, > 0.
        alpha: f64,
        /// Second shape, > 0.
        beta: f64,
    },
    /// One of the listed values, each equally likely (recorded samples).
    Empirical {
        /// The observed values; at least one.
        values: Vec<V>,
    },
}

/// Values a [`Dist`] can range over.
pub trait DistValue: Copy + fmt::Debug {
    /// The value as a float in its natural unit (milliseconds for durations).
    fn to_f64(self) -> f64;
    /// Back from a float; durations round to whole milliseconds and clamp at zero.
    fn from_f64(x: f64) -> Self;
    /// Parses the shorthand form (a bare string or number).
    fn from_shorthand_str(s: &str) -> Option<Self>;
    /// Parses the shorthand from a number.
    fn from_shorthand_f64(x: f64) -> Option<Self>;
    /// What the shorthand looks like, for error messages.
    const EXPECTED: &'static str;
}

impl DistValue for SimDuration {
    fn to_f64(self) -> f64 {
        self.0 as f64
    }
    fn from_f64(x: f64) -> Self {
        if x.is_finite() && x > 0.0 {
            SimDuration(x.round().min(1e15) as u64)
        } else {
            SimDuration(0)
        }
    }
    fn from_shorthand_str(s: &str) -> Option<Self> {
        SimDuration::parse(s).ok()
    }
    fn from_shorthand_f64(_: f64) -> Option<Self> {
        None
    }
    const EXPECTED: &'static str =
        "a duration such as \"15m\" or a table such as { dist = \"exponential\", mean = \"15m\" }";
}

impl DistValue for f64 {
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(x: f64) -> Self {
        x
    }
    fn from_shorthand_str(_: &str) -> Option<Self> {
        None
    }
    fn from_shorthand_f64(x: f64) -> Option<Self> {
        Some(x)
    }
    const EXPECTED: &'static str =
        "a number or a table such as { dist = \"beta\", alpha = 2, beta = 5 }";
}

/// A distribution of durations.
pub type DurationDist = Dist<SimDuration>;
/// A distribution of plain numbers (scores, rates).
pub type NumberDist = Dist<f64>;

impl<V: DistValue> Dist<V> {
    /// Draws one value.
    pub fn sample(&self, rng: &mut Stream) -> V {
        match self {
            Dist::Fixed { value } => *value,
            Dist::Exponential { mean } => {
                let e: f64 = Exp1.sample(rng);
                V::from_f64(e * mean.to_f64())
            }
            Dist::Lognormal { median, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                V::from_f64(median.to_f64() * (sigma * z).exp())
            }
            Dist::Uniform { low, high } => {
                let u: f64 = rng.random();
                V::from_f64(low.to_f64() + u * (high.to_f64() - low.to_f64()))
            }
            Dist::Beta { alpha, beta } => match Beta::new(*alpha, *beta) {
                Ok(b) => V::from_f64(b.sample(rng)),
                Err(_) => V::from_f64(0.0),
            },
            Dist::Empirical { values } => {
                if values.is_empty() {
                    return V::from_f64(0.0);
                }
                values[rng.random_range(0..values.len())]
            }
        }
    }

    /// The distribution's mean, for documentation and validation (Erlang C checks).
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Fixed { value } => value.to_f64(),
            Dist::Exponential { mean } => mean.to_f64(),
            Dist::Lognormal { median, sigma } => median.to_f64() * (sigma * sigma / 2.0).exp(),
            Dist::Uniform { low, high } => (low.to_f64() + high.to_f64()) / 2.0,
            Dist::Beta { alpha, beta } => alpha / (alpha + beta),
            Dist::Empirical { values } => {
                values.iter().map(|v| v.to_f64()).sum::<f64>() / values.len().max(1) as f64
            }
        }
    }

    /// Why the parameters are unusable, if they are (negative scale, empty list, …).
    pub fn problem(&self) -> Option<String> {
        // NaN and infinity fail every check: a parameter must be a finite number first.
        let neg = |x: f64| !x.is_finite() || x < 0.0;
        match self {
            Dist::Fixed { value } if neg(value.to_f64()) => Some("value must be ≥ 0".into()),
            Dist::Exponential { mean } if neg(mean.to_f64()) => Some("mean must be ≥ 0".into()),
            Dist::Lognormal { median, sigma } if neg(median.to_f64()) || neg(*sigma) => {
                Some("median and sigma must be finite and ≥ 0".into())
            }
            // exp(10 z) spans 40 orders of magnitude at three standard deviations:
            // beyond that a lognormal is a typo, not a belief.
            Dist::Lognormal { sigma, .. } if *sigma > 10.0 => {
                Some(format!("sigma must be ≤ 10, got {sigma}"))
            }
            Dist::Uniform { low, high }
                if neg(low.to_f64()) || neg(high.to_f64()) || high.to_f64() < low.to_f64() =>
            {
                Some("need finite 0 ≤ low ≤ high".into())
            }
            Dist::Beta { alpha, beta }
                if !(alpha.is_finite() && beta.is_finite() && *alpha > 0.0 && *beta > 0.0) =>
            {
                Some("alpha and beta must be finite and > 0".into())
            }
            Dist::Empirical { values } if values.is_empty() => {
                Some("values must not be empty".into())
            }
            Dist::Empirical { values } if values.iter().any(|v| neg(v.to_f64())) => {
                Some("values must be ≥ 0".into())
            }
            _ => None,
        }
    }
}

/// Deserializes a [`Dist`] from its shorthand or its table form.
pub fn deserialize_dist<'de, D, V>(d: D) -> Result<Dist<V>, D::Error>
where
    D: Deserializer<'de>,
    V: DistValue + Deserialize<'de>,
{
    struct DistVisitor<V>(PhantomData<V>);
    impl<'de, V: DistValue + Deserialize<'de>> Visitor<'de> for DistVisitor<V> {
        type Value = Dist<V>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(V::EXPECTED)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            V::from_shorthand_str(s)
                .map(|value| Dist::Fixed { value })
                .ok_or_else(|| E::custom(format!("invalid value {s:?}: expected {}", V::EXPECTED)))
        }
        fn visit_f64<E: de::Error>(self, x: f64) -> Result<Self::Value, E> {
            V::from_shorthand_f64(x)
                .map(|value| Dist::Fixed { value })
                .ok_or_else(|| E::invalid_type(de::Unexpected::Float(x), &self))
        }
        fn visit_i64<E: de::Error>(self, x: i64) -> Result<Self::Value, E> {
            V::from_shorthand_f64(x as f64)
                .map(|value| Dist::Fixed { value })
                .ok_or_else(|| E::invalid_type(de::Unexpected::Signed(x), &self))
        }
        fn visit_u64<E: de::Error>(self, x: u64) -> Result<Self::Value, E> {
            self.visit_i64(x as i64)
        }
        fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
            Dist::<V>::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(DistVisitor(PhantomData))
}

/// Serde adapter so spec fields can say `#[serde(with = "dist_serde")]`.
pub mod dist_serde {
    use super::*;
    /// See [`deserialize_dist`].
    pub fn deserialize<'de, D, V>(d: D) -> Result<Dist<V>, D::Error>
    where
        D: Deserializer<'de>,
        V: DistValue + Deserialize<'de>,
    {
        deserialize_dist(d)
    }
    /// Serializes the table form.
    pub fn serialize<S, V>(v: &Dist<V>, s: S) -> Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
        V: Serialize,
    {
        v.serialize(s)
    }
}

/// `#[serde(with = "opt_dist_serde")]` for an optional distribution: absent is `None`,
/// present is read as [`dist_serde`] reads it.
pub mod opt_dist_serde {
    use super::*;
    /// See [`deserialize_dist`].
    pub fn deserialize<'de, D, V>(d: D) -> Result<Option<Dist<V>>, D::Error>
    where
        D: Deserializer<'de>,
        V: DistValue + Deserialize<'de>,
    {
        deserialize_dist(d).map(Some)
    }
    /// Serializes the table form (`None` is skipped by the field's attribute).
    pub fn serialize<S, V>(v: &Option<Dist<V>>, s: S) -> Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
        V: Serialize,
    {
        v.serialize(s)
    }
}

impl<V: DistValue + schemars::JsonSchema> schemars::JsonSchema for Dist<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Dist_{}", V::schema_name()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let value = generator.subschema_for::<V>();
        schemars::json_schema!({
            "description": "A fixed value, or a distribution table such as { dist = \"exponential\", mean = \"15m\" }.",
            "anyOf": [
                value,
                {
                    "type": "object",
                    "required": ["dist"],
                    "properties": {
                        "dist": { "enum": ["fixed", "exponential", "lognormal", "uniform", "beta", "empirical"] },
                        "value": value, "mean": value, "median": value, "low": value, "high": value,
                        "sigma": { "type": "number", "minimum": 0 },
                        "alpha": { "type": "number", "exclusiveMinimum": 0 },
                        "beta": { "type": "number", "exclusiveMinimum": 0 },
                        "values": { "type": "array", "items": value }
                    },
                    "additionalProperties": false
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Purpose, SeedTree};

    #[derive(Deserialize)]
    struct Holder {
        #[serde(with = "dist_serde")]
        d: DurationDist,
        #[serde(with = "dist_serde")]
        n: NumberDist,
    }

    #[test]
    fn shorthand_and_tables_parse() {
        let h: Holder = toml::from_str("d = \"15m\"\nn = 0.5").unwrap();
        assert_eq!(
            h.d,
            Dist::Fixed {
                value: SimDuration::from_mins(15)
            }
        );
        assert_eq!(h.n, Dist::Fixed { value: 0.5 });
        let h: Holder = toml::from_str(
            "d = { dist = \"lognormal\", median = \"10m\", sigma = 0.5 }\nn = { dist = \"beta\", alpha = 2.0, beta = 5.0 }",
        )
        .unwrap();
        assert!(matches!(h.d, Dist::Lognormal { .. }));
        assert!(matches!(h.n, Dist::Beta { .. }));
    }

    #[test]
    fn unknown_dist_field_is_rejected() {
        let r: Result<Holder, _> =
            toml::from_str("d = { dist = \"exponential\", mean = \"1m\", rate = 2 }\nn = 1");
        assert!(r.is_err());
    }

    #[test]
    fn exponential_sample_mean_is_close() {
        let d: DurationDist = Dist::Exponential {
            mean: SimDuration::from_mins(15),
        };
        let mut rng = SeedTree::new(1, 1).stream(Purpose::Handling, &[0]);
        let n = 20_000;
        let mean = (0..n).map(|_| d.sample(&mut rng).0 as f64).sum::<f64>() / n as f64;
        assert!((mean / 900_000.0 - 1.0).abs() < 0.03, "mean {mean}");
    }
}
