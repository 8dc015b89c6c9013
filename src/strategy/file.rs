//! Strategy files: a provider profile and a built-in policy with parameters, as TOML,
//! usable wherever a strategy name is (`--strategies legacy_mdr,./vendors/acme.toml`).
//! A file may extend a built-in and change only what differs. Format and examples:
//! docs/strategy-files.md.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{BUILTIN, ProviderSpec, StrategyDef, builtin};
use crate::error::{Error, Result};
use crate::scenario::load::toml_error;
use crate::scenario::locate::field_line;

/// Where a strategy definition came from, recorded with results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The file, as given.
    pub path: String,
    /// FNV-1a of the definition's canonical JSON (name, policy, provider, parameters):
    /// comments and layout do not change it, any setting does.
    pub content_hash: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StrategyFile {
    name: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    extends: Option<String>,
    policy: Option<String>,
    #[serde(default)]
    params: toml::Table,
    provider: Option<toml::Table>,
}

/// Whether a `--strategies` entry names a file rather than a built-in.
pub fn is_file(entry: &str) -> bool {
    entry.ends_with(".toml") || entry.contains('/') || entry.contains('\\')
}

/// A built-in by name, or a strategy file by path.
pub fn resolve(entry: &str) -> Result<StrategyDef> {
    if is_file(entry) {
        load(Path::new(entry))
    } else {
        builtin::definition(entry)
    }
}

/// Reads and validates a strategy file.
pub fn load(path: &Path) -> Result<StrategyDef> {
    let text = crate::budget::read_text(path)?;
    let err = |field: &str, message: String| Error::Scenario {
        file: path.to_path_buf(),
        line: field_line(&text, field),
        field: field.to_string(),
        message,
    };
    let de =
        toml::Deserializer::parse(&text).map_err(|e| toml_error(&text, path, "(syntax)", &e))?;
    let file: StrategyFile = serde_path_to_error::deserialize(de)
        .map_err(|e| toml_error(&text, path, &e.path().to_string(), e.inner()))?;
    let name = match &file.name {
        Some(n) => n.clone(),
        None => path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string(),
    };
    if let Some(problem) = crate::names::name_problem(&name) {
        return Err(err("name", format!("the strategy name {problem}")));
    }
    let base = match &file.extends {
        Some(b) => Some(builtin::definition(b).map_err(|e| err("extends", e.to_string()))?),
        None => None,
    };
    let policy = file
        .policy
        .clone()
        .or_else(|| base.as_ref().map(|b| b.policy.clone()))
        .ok_or_else(|| {
            err(
                "policy",
                format!(
                    "name a built-in policy ({}) or extend a built-in",
                    BUILTIN.join(", ")
                ),
            )
        })?;
    // The policy's parameters: the base's when it has this policy, else the policy's
    // defaults; then the file's, merged key by key.
    let mut params = match &base {
        Some(b) if b.policy == policy => b.params.clone(),
        _ => {
            builtin::definition(&policy)
                .map_err(|e| err("policy", e.to_string()))?
                .params
        }
    };
    merge(&mut params, to_json(&file.params));
    if let Some((field, message)) = builtin::param_problem("params", &params) {
        return Err(err(&field, message));
    }
    builtin::policy(&policy, &params).map_err(|e| err("params", e.to_string()))?;
    let provider_json = match (&base, &file.provider) {
        (Some(b), over) => {
            let mut p = serde_json::to_value(&b.provider).unwrap_or_default();
            if let (Some(obj), Some(over)) = (p.as_object_mut(), over) {
                // Top-level keys replace the base's (a pools list is replaced whole).
                for (k, v) in over {
                    obj.insert(k.clone(), to_json(v));
                }
            }
            p
        }
        (None, Some(p)) => to_json(p),
        (None, None) => {
            return Err(err(
                "provider",
                "give a provider profile or extend a built-in".into(),
            ));
        }
    };
    let provider: ProviderSpec = serde_path_to_error::deserialize(provider_json).map_err(|e| {
        let field = format!("provider.{}", e.path());
        err(&field, e.inner().to_string())
    })?;
    // Compile once on a neutral week so bad pools and schedules are reported here,
    // with their line, not on the first scenario that runs.
    let epoch = crate::time::Epoch::parse("2026-01-05T00:00:00Z")
        .map_err(|e| err("provider", e.to_string()))?;
    provider
        .compile(&epoch, crate::time::SimDuration(7 * 86_400_000))
        .map_err(|(field, message)| err(&format!("provider.{field}"), message))?;
    let mut def = StrategyDef {
        name,
        policy,
        provider,
        params,
        source: None,
    };
    let canonical = serde_json::to_string(&def).unwrap_or_default();
    def.source = Some(Source {
        path: path.display().to_string(),
        content_hash: format!("{:016x}", crate::random::fnv1a(canonical.as_bytes())),
    });
    Ok(def)
}

fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// Merges `over` into `base`: tables key by key, anything else replaced.
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}
