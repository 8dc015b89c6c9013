//! Claims files: which suite, which strategy (with overrides), which seeds, and the
//! claims to test, as TOML. Paths are relative to the claims file's folder, so a claims
//! file means the same from any working directory. Format: docs/claims.md.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::expr::{self, Claim};
use crate::error::{Error, Result};
use crate::harness::grid::parse_seeds;
use crate::scenario::Scenario;
use crate::scenario::load::toml_error;
use crate::scenario::locate::field_line;
use crate::score::cost::CostTable;
use crate::strategy::StrategyDef;
use crate::strategy::effect::refuse_no_op;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    suite: Vec<String>,
    strategy: String,
    seeds: toml::Value,
    costs: Option<String>,
    #[serde(default)]
    set: toml::Table,
    claims: Vec<RawClaim>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    claim: String,
    #[serde(default)]
    says: String,
    scenario: Option<String>,
}

/// One claim as the file states it.
#[derive(Clone, Debug)]
pub struct ClaimEntry {
    /// The claim in the vendor's words (may be empty).
    pub says: String,
    /// The claim as written (`escalation_rate <= 0.02`).
    pub text: String,
    /// Its parts (one, or several joined by `and`), each as written and parsed.
    pub parts: Vec<(String, Claim)>,
    /// One scenario, or the whole suite when `None`.
    pub scenario: Option<String>,
}

/// A validated claims file.
pub struct ClaimsFile {
    /// The file.
    pub path: PathBuf,
    /// The suite, loaded.
    pub scenarios: Vec<Scenario>,
    /// The strategy with the file's overrides applied.
    pub strategy: StrategyDef,
    /// Seeds.
    pub seeds: Vec<u64>,
    /// The cost table.
    pub costs: CostTable,
    /// The claims, in file order.
    pub claims: Vec<ClaimEntry>,
}

/// `entry` relative to `base` unless absolute.
fn beside(base: &Path, entry: &str) -> PathBuf {
    let p = Path::new(entry);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

/// Reads and validates a claims file (loading its suite and strategy).
pub fn load(path: &Path) -> Result<ClaimsFile> {
    let text = crate::budget::read_text(path)?;
    parse(&text, path)
}

/// Validates a claims file's text; `path` names it in errors and anchors relative paths.
pub fn parse(text: &str, path: &Path) -> Result<ClaimsFile> {
    let err = |field: &str, message: String| Error::Scenario {
        file: path.to_path_buf(),
        line: field_line(text, field),
        field: field.to_string(),
        message,
    };
    let de = toml::Deserializer::parse(text).map_err(|e| toml_error(text, path, "(syntax)", &e))?;
    let raw: RawFile = serde_path_to_error::deserialize(de)
        .map_err(|e| toml_error(text, path, &e.path().to_string(), e.inner()))?;
    let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
    if raw.suite.is_empty() {
        return Err(err(
            "suite",
            "name at least one scenario file or folder".into(),
        ));
    }
    let suite: Vec<PathBuf> = raw.suite.iter().map(|s| beside(&base, s)).collect();
    let scenarios = Scenario::load_suite(&suite)?;
    if scenarios.is_empty() {
        return Err(err("suite", "no scenario files found there".into()));
    }
    let seeds_text = match &raw.seeds {
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::String(s) => s.clone(),
        _ => return Err(err("seeds", "a count (16) or a range (\"1..64\")".into())),
    };
    let seeds = parse_seeds(&seeds_text).map_err(|e| err("seeds", e.to_string()))?;
    let entry = raw.strategy.trim();
    let mut strategy = if crate::strategy::file::is_file(entry) {
        crate::strategy::file::load(&beside(&base, entry))?
    } else {
        crate::strategy::builtin::definition(entry).map_err(|e| err("strategy", e.to_string()))?
    };
    for (key, value) in &raw.set {
        let field = format!("set.\"{key}\"");
        let bad = |m: String| Error::Scenario {
            file: path.to_path_buf(),
            line: field_line(text, "set"),
            field: field.clone(),
            message: m,
        };
        if !strategy.has(key) {
            return Err(bad(format!("{} has no parameter {key}", strategy.name)));
        }
        let before = strategy.clone();
        let json = serde_json::to_value(value).unwrap_or_default();
        strategy.set(key, json).map_err(|e| bad(e.to_string()))?;
        refuse_no_op("set", key, &before, &strategy, &scenarios).map_err(|e| bad(e.to_string()))?;
    }
    let costs = match &raw.costs {
        Some(c) => CostTable::load(&beside(&base, c))?,
        None => CostTable::default(),
    };
    if raw.claims.is_empty() {
        return Err(err("claims", "state at least one claim".into()));
    }
    let claims = raw
        .claims
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let parsed =
                expr::parse_all(&c.claim).map_err(|m| err(&format!("claims[{i}].claim"), m))?;
            let parts = c
                .claim
                .split(" and ")
                .map(|t| t.trim().to_string())
                .zip(parsed)
                .collect();
            if let Some(s) = &c.scenario
                && !scenarios.iter().any(|x| &x.name == s)
            {
                let names: Vec<&str> = scenarios.iter().map(|x| x.name.as_str()).collect();
                return Err(err(
                    &format!("claims[{i}].scenario"),
                    format!("{s:?} is not in the suite ({})", names.join(", ")),
                ));
            }
            Ok(ClaimEntry {
                says: c.says,
                text: c.claim,
                parts,
                scenario: c.scenario,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ClaimsFile {
        path: path.to_path_buf(),
        scenarios,
        strategy,
        seeds,
        costs,
        claims,
    })
}
