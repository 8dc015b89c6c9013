//! The built-in strategies: each is a provider profile (`profiles/*.toml`, documented
//! there) plus a decision policy with documented, serializable parameters.

pub mod act;
mod ai_mdr;
mod ai_soc;
mod legacy;
mod oracle;
mod simple;

pub use ai_mdr::{AiMdr, AiMdrParams};
pub use ai_soc::{AiSoc, AiSocParams};
pub use legacy::{LegacyMdr, LegacyParams};
pub use oracle::{Oracle, TruthDoor};
pub use simple::{DismissAll, EscalateAll, Threshold, ThresholdParams};

use super::provider::{Authority, AuthoritySpec, ProviderSpec};
use super::{Policy, Strategy, StrategyDef};
use crate::error::{Error, Result};

/// Names of the built-in strategies, sorted.
pub const BUILTIN: &[&str] = &[
    "ai_mdr",
    "ai_soc",
    "dismiss_all",
    "escalate_all",
    "legacy_mdr",
    "oracle",
    "threshold",
];

/// One line on each built-in, for `mdrsim strategies`.
pub fn summary(name: &str) -> &'static str {
    match name {
        "ai_mdr" => {
            "agentic investigation 24/7 with every context, autonomous when confident, experts follow-the-sun, pre-approved containment"
        }
        "ai_soc" => {
            "automated triage and investigation 24/7; the customer makes every final call and acts"
        }
        "dismiss_all" => "bound: dismisses every alert at once",
        "escalate_all" => "bound: escalates every alert to the customer at once",
        "legacy_mdr" => {
            "analysts on a weekday-heavy rota, telemetry only, severity-first under load, recommend-only"
        }
        "oracle" => "upper bound: reads ground truth (never a real option)",
        "threshold" => {
            "three analysts 24/7 deciding from score and severity alone, pre-approved containment"
        }
        _ => "",
    }
}

fn profile(text: &str) -> Result<ProviderSpec> {
    toml::from_str(text)
        .map_err(|e| Error::Usage(format!("built-in provider profile is invalid: {e}")))
}

fn params<T: serde::Serialize>(p: T) -> serde_json::Value {
    serde_json::to_value(p).unwrap_or(serde_json::Value::Null)
}

/// The definition (provider profile and parameters) of a built-in strategy.
pub fn definition(name: &str) -> Result<StrategyDef> {
    let instant = || profile(include_str!("../profiles/instant.toml"));
    let (provider, p) = match name {
        "ai_mdr" => (
            profile(include_str!("../profiles/ai_mdr.toml"))?,
            params(AiMdrParams::default()),
        ),
        "ai_soc" => (
            profile(include_str!("../profiles/ai_soc.toml"))?,
            params(AiSocParams::default()),
        ),
        "legacy_mdr" => (
            profile(include_str!("../profiles/legacy_mdr.toml"))?,
            params(LegacyParams::default()),
        ),
        "threshold" => (
            profile(include_str!("../profiles/threshold.toml"))?,
            params(ThresholdParams::default()),
        ),
        "escalate_all" | "dismiss_all" => (instant()?, serde_json::json!({})),
        "oracle" => {
            let mut p = instant()?;
            p.authority = AuthoritySpec::all(Authority::PreApproved);
            (p, serde_json::json!({}))
        }
        _ => {
            return Err(Error::Usage(format!(
                "unknown strategy {name:?}: expected one of {}",
                BUILTIN.join(", ")
            )));
        }
    };
    Ok(StrategyDef {
        name: name.to_string(),
        policy: name.to_string(),
        provider,
        params: p,
        exec: None,
        source: None,
    })
}

fn typed<T: serde::de::DeserializeOwned>(name: &str, v: &serde_json::Value) -> Result<T> {
    if let Some((_, problem)) = param_problem("params", v) {
        return Err(Error::Usage(format!("strategy {name}: {problem}")));
    }
    serde_json::from_value(v.clone())
        .map_err(|e| Error::Usage(format!("strategy {name}: bad parameters: {e}")))
}

/// Parameters that are probabilities or thresholds on one.
const PROBABILITIES: &[&str] = &[
    "autonomy",
    "contain_at",
    "expert_contain_at",
    "expert_benign_below",
    "precaution_at",
    "auto_close_at",
    "malicious_at",
    "benign_at",
    "benign_below",
];

/// Why a parameter tree is out of range, as (path, message): a probability outside
/// [0, 1], a prior not strictly between 0 and 1 (its log-odds would be infinite), or
/// any weight that is not a finite number.
pub fn param_problem(path: &str, v: &serde_json::Value) -> Option<(String, String)> {
    match v {
        serde_json::Value::Object(m) => m.iter().find_map(|(k, v)| {
            let here = format!("{path}.{k}");
            let x = v.as_f64();
            match (k.as_str(), x) {
                (k, Some(x)) if PROBABILITIES.contains(&k) && !(0.0..=1.0).contains(&x) => {
                    Some((here.clone(), format!("{here}: must be in [0, 1], got {x}")))
                }
                ("prior", Some(x)) if !(x > 0.0 && x < 1.0) => Some((
                    here.clone(),
                    format!("{here}: must be strictly between 0 and 1, got {x}"),
                )),
                _ => param_problem(&here, v),
            }
        }),
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, v)| param_problem(&format!("{path}[{i}]"), v)),
        serde_json::Value::Number(n) if n.as_f64().is_none_or(|x| !x.is_finite()) => {
            Some((path.to_string(), format!("{path}: must be a finite number")))
        }
        _ => None,
    }
}

/// The decision policy of a built-in strategy with parameters `params`.
pub fn policy(name: &str, params: &serde_json::Value) -> Result<Policy> {
    let honest = |s: Box<dyn Strategy>| Ok(Policy::Honest(s));
    if matches!(name, "escalate_all" | "dismiss_all" | "oracle")
        && params.as_object().is_some_and(|m| !m.is_empty())
    {
        return Err(Error::Usage(format!(
            "strategy {name}: takes no parameters, got {params}"
        )));
    }
    match name {
        "ai_mdr" => honest(Box::new(AiMdr {
            params: typed(name, params)?,
        })),
        "ai_soc" => honest(Box::new(AiSoc {
            params: typed(name, params)?,
        })),
        "legacy_mdr" => honest(Box::new(LegacyMdr {
            params: typed(name, params)?,
        })),
        "threshold" => honest(Box::new(Threshold {
            params: typed(name, params)?,
        })),
        "escalate_all" => honest(Box::new(EscalateAll)),
        "dismiss_all" => honest(Box::new(DismissAll)),
        "oracle" => Ok(Policy::Oracle(Oracle)),
        _ => Err(Error::Usage(format!(
            "unknown strategy {name:?}: expected one of {}",
            BUILTIN.join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_parameters_are_refused_by_name() {
        let mut def = definition("ai_mdr").unwrap();
        let err = def
            .set("params.autonomy", serde_json::json!(2))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("params.autonomy: must be in [0, 1], got 2"),
            "{err}"
        );
        let err = def
            .set("params.belief.prior", serde_json::json!(0))
            .unwrap_err()
            .to_string();
        assert!(err.contains("params.belief.prior"), "{err}");
        def.set("params.autonomy", serde_json::json!(0.5)).unwrap();
    }

    #[test]
    fn every_builtin_profile_parses_and_has_a_policy() {
        for name in BUILTIN {
            let def = definition(name).unwrap();
            policy(name, &def.params).unwrap();
        }
    }
}
