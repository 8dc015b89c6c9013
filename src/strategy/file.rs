//! Strategy files: a provider profile and a built-in policy with parameters, as TOML,
//! usable wherever a strategy name is (`--strategies legacy_mdr,./vendors/acme.toml`).
//! A file may extend a built-in and change only what differs. Format and examples:
//! docs/strategy-files.md.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::external::ExecSpec;
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
    policy: Option<toml::Value>,
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
    parse(&text, path)
}

/// Validates a strategy file's text; `path` names it in errors and anchors a program's
/// relative path.
pub fn parse(text: &str, path: &Path) -> Result<StrategyDef> {
    let text = text.to_string();
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
    let exec = match &file.policy {
        Some(toml::Value::Table(t)) => Some(exec_spec(t, path).map_err(|(f, m)| err(&f, m))?),
        _ => None,
    };
    let policy = match &file.policy {
        Some(toml::Value::String(p)) => Some(p.clone()),
        Some(toml::Value::Table(_)) => Some("exec".to_string()),
        Some(_) => {
            return Err(err(
                "policy",
                "a built-in policy name or { exec = [\"program\", \"arg\", …] }".into(),
            ));
        }
        None => base.as_ref().map(|b| b.policy.clone()),
    }
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
    // defaults (none for a program); then the file's, merged key by key.
    let mut params = match &base {
        Some(b) if b.policy == policy => b.params.clone(),
        _ if exec.is_some() => Value::Object(Default::default()),
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
    if exec.is_none() {
        builtin::policy(&policy, &params).map_err(|e| err("params", e.to_string()))?;
    }
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
        exec,
        source: None,
    };
    let canonical = serde_json::to_string(&def).unwrap_or_default();
    def.source = Some(Source {
        path: path.display().to_string(),
        content_hash: format!("{:016x}", crate::random::fnv1a(canonical.as_bytes())),
    });
    Ok(def)
}

/// Longest per-reply timeout a file may ask for.
const MAX_TIMEOUT_MS: u64 = 600_000;

/// `policy = { exec = [...], timeout = "10s" }`: the argument vector, run in the
/// strategy file's folder; the program must exist (a path relative to that folder, or
/// a name found on `PATH`). Errors as (field, message).
fn exec_spec(t: &toml::Table, file: &Path) -> std::result::Result<ExecSpec, (String, String)> {
    let bad = |f: &str, m: String| (format!("policy.{f}"), m);
    for k in t.keys() {
        if k != "exec" && k != "timeout" {
            return Err(bad(
                k,
                "unknown key: expected exec and optionally timeout".into(),
            ));
        }
    }
    let exec: Vec<String> = t
        .get("exec")
        .and_then(|v| v.as_array())
        .and_then(|a| {
            a.iter()
                .map(|x| x.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        })
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            bad(
                "exec",
                "an argument vector of strings, e.g. [\"python3\", \"agent.py\"]".into(),
            )
        })?;
    let timeout_ms = match t.get("timeout") {
        None => 10_000,
        Some(v) => v
            .as_str()
            .and_then(|s| crate::time::SimDuration::parse(s).ok())
            .map(|d| d.0)
            .filter(|&ms| (1..=MAX_TIMEOUT_MS).contains(&ms))
            .ok_or_else(|| {
                bad(
                    "timeout",
                    "a duration between 1ms and 10m, e.g. \"10s\"".into(),
                )
            })?,
    };
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir =
        std::fs::canonicalize(dir).map_err(|e| bad("exec", format!("{}: {e}", dir.display())))?;
    let program = Path::new(&exec[0]);
    let found = if exec[0].contains('/') {
        dir.join(program).is_file()
    } else {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join(program).is_file()))
    };
    if !found {
        return Err(bad(
            "exec",
            format!(
                "program {:?} not found (relative paths are from {})",
                exec[0],
                dir.display()
            ),
        ));
    }
    Ok(ExecSpec {
        exec,
        dir,
        timeout_ms,
    })
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
