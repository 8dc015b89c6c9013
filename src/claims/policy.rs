//! Regression policies: per metric, which direction is worse, how much change is
//! allowed (absolute, or relative to the baseline), and whether the change must also be
//! significant on paired seeds. The default: `default_policy.toml` beside this file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Error, Result};
use crate::scenario::load::{line_of, toml_error};
use crate::time::SimDuration;

const DEFAULT: &str = include_str!("default_policy.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    #[serde(default)]
    per_scenario: bool,
    metrics: BTreeMap<String, Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    worse: Spanned<String>,
    allow: Spanned<toml::Value>,
    #[serde(default = "yes")]
    significant: bool,
}

fn yes() -> bool {
    true
}

/// How much a metric may change.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Allowance {
    /// In the metric's unit (seconds for times).
    Absolute(f64),
    /// A fraction of the baseline's value.
    Relative(f64),
}

impl Allowance {
    /// The change allowed from `baseline`.
    pub fn from(self, baseline: f64) -> f64 {
        match self {
            Allowance::Absolute(a) => a,
            Allowance::Relative(r) => r * baseline.abs(),
        }
    }
}

/// The rule for one metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// The metric column.
    pub metric: String,
    /// Whether higher values are worse (else lower ones are).
    pub higher_is_worse: bool,
    /// The change allowed in the worse direction.
    pub allow: Allowance,
    /// Whether a change must also be significant on paired seeds to count.
    pub significant: bool,
}

/// A regression policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// Also compare each scenario, not only each strategy over the suite.
    pub per_scenario: bool,
    /// Rules, by metric name.
    pub rules: Vec<Rule>,
}

impl Policy {
    /// The default policy (the headline metrics).
    pub fn default_policy() -> Policy {
        // The embedded file is tested to parse.
        parse(DEFAULT, Path::new("(default policy)")).unwrap_or(Policy {
            per_scenario: false,
            rules: Vec::new(),
        })
    }

    /// Reads and validates a policy file.
    pub fn load(path: &Path) -> Result<Policy> {
        parse(&crate::budget::read_text(path)?, path)
    }
}

/// Validates a policy's text; `path` names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<Policy> {
    let at = |offset: usize, field: String, message: String| Error::Scenario {
        file: path.to_path_buf(),
        line: Some(line_of(text, offset)),
        field,
        message,
    };
    let de = toml::Deserializer::parse(text).map_err(|e| toml_error(text, path, "(syntax)", &e))?;
    let raw: RawPolicy = serde_path_to_error::deserialize(de)
        .map_err(|e| toml_error(text, path, &e.path().to_string(), e.inner()))?;
    // In file order (the map is sorted by name; spans keep the order written).
    let mut written: Vec<_> = raw.metrics.iter().collect();
    written.sort_by_key(|(_, r)| r.span().start);
    let mut rules = Vec::new();
    for (name, rule) in written {
        let field = |f: &str| format!("metrics.{name}.{f}");
        let probe = format!("{name} <= 0");
        let metric = super::expr::parse(&probe)
            .map_err(|m| at(rule.span().start, format!("metrics.{name}"), m))?
            .metric;
        if rules.iter().any(|r: &Rule| r.metric == metric) {
            return Err(at(
                rule.span().start,
                format!("metrics.{name}"),
                format!("{metric} has a rule already"),
            ));
        }
        let r = rule.get_ref();
        let higher_is_worse = match r.worse.get_ref().as_str() {
            "higher" => true,
            "lower" => false,
            other => {
                return Err(at(
                    r.worse.span().start,
                    field("worse"),
                    format!("{other:?}: \"higher\" or \"lower\""),
                ));
            }
        };
        let allow = allowance(r.allow.get_ref(), metric.ends_with("_s"))
            .map_err(|m| at(r.allow.span().start, field("allow"), m))?;
        rules.push(Rule {
            metric,
            higher_is_worse,
            allow,
            significant: r.significant,
        });
    }
    if rules.is_empty() {
        return Err(Error::Scenario {
            file: path.to_path_buf(),
            line: None,
            field: "metrics".into(),
            message: "give at least one metric's rule".into(),
        });
    }
    Ok(Policy {
        per_scenario: raw.per_scenario,
        rules,
    })
}

/// `0.05`, `"10%"`, or for a time `"5m"`; never negative.
fn allowance(v: &toml::Value, time: bool) -> std::result::Result<Allowance, String> {
    let a = match v {
        toml::Value::Integer(i) => Allowance::Absolute(*i as f64),
        toml::Value::Float(f) => Allowance::Absolute(*f),
        toml::Value::String(s) => match s.trim().strip_suffix('%') {
            Some(p) => Allowance::Relative(
                p.trim()
                    .parse::<f64>()
                    .map_err(|_| format!("{s:?} is not a percentage"))?
                    / 100.0,
            ),
            None if time => Allowance::Absolute(
                SimDuration::parse(s)
                    .map_err(|_| format!("{s:?}: a duration (\"5m\"), a number or \"N%\""))?
                    .secs_f64(),
            ),
            None => return Err(format!("{s:?}: a number or a percentage (\"10%\")")),
        },
        _ => return Err("a number or a percentage (\"10%\")".into()),
    };
    match a {
        Allowance::Absolute(x) | Allowance::Relative(x) if !(x.is_finite() && x >= 0.0) => {
            Err("the allowed change must be a finite number ≥ 0".into())
        }
        _ => Ok(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_parses() {
        let p = parse(DEFAULT, Path::new("d")).unwrap();
        assert_eq!(p, Policy::default_policy());
        let d2c = p
            .rules
            .iter()
            .find(|r| r.metric == "time_to_resolution_p50_s")
            .unwrap();
        assert!(d2c.higher_is_worse && d2c.significant);
        assert_eq!(d2c.allow, Allowance::Relative(0.25));
    }

    #[test]
    fn errors_name_line_and_field() {
        let text = "[metrics.escalation_rate]\nworse = \"up\"\nallow = 0.1\n";
        let e = parse(text, Path::new("p.toml")).unwrap_err().to_string();
        assert_eq!(
            e,
            "p.toml:2: metrics.escalation_rate.worse: \"up\": \"higher\" or \"lower\""
        );
        let text = "[metrics.\"detect_to_contain.p50\"]\nworse = \"higher\"\nallow = \"5x\"\n";
        let e = parse(text, Path::new("p.toml")).unwrap_err().to_string();
        assert!(
            e.starts_with("p.toml:3: metrics.detect_to_contain.p50.allow:"),
            "{e}"
        );
        let text = "[metrics.escalations]\nworse = \"higher\"\nallow = 1\n";
        let e = parse(text, Path::new("p.toml")).unwrap_err().to_string();
        assert!(
            e.starts_with("p.toml:1: metrics.escalations: unknown metric"),
            "{e}"
        );
        let text = "[metrics.cost]\nworse = \"higher\"\nallow = -1\n";
        assert!(parse(text, Path::new("p.toml")).is_err());
        let text = "[metrics.cost]\nworse = \"higher\"\nallow = 1\nsignificnt = true\n";
        let e = parse(text, Path::new("p.toml")).unwrap_err().to_string();
        assert!(e.starts_with("p.toml:4:"), "{e}");
    }
}
