//! Sigma rules over recorded events, with the usual logsource and Windows field
//! mappings (sigma-rust evaluates; it compares types strictly, so numbers go in as
//! numbers). A rule runs over the records its logsource names:
//!
//! | logsource | records |
//! |---|---|
//! | `product: windows`, `category: process_creation` | Sysmon 1, Security 4688 |
//! | `product: windows`, `category: process_access` | Sysmon 10 |
//! | `product: windows`, `category: image_load` | Sysmon 7 |
//! | `product: windows`, `category: network_connection` | Sysmon 3 |
//! | `product: windows`, `service: security` | the Security channel |
//! | `product: windows`, `service: sysmon` | the Sysmon channel |
//! | `product: aws`, `service: cloudtrail` | CloudTrail records |
//! | `product: azure`, `service: auditlogs` | Azure AD audit rows |
//! | `product: m365` / `microsoft365` | Microsoft 365 Defender and Office rows |
//!
//! Field names: Security 4688 gives Sysmon's names too (`Image` ← `NewProcessName`,
//! `ParentImage` ← `ParentProcessName`), Azure AD audit rows give `properties.message`
//! ← `OperationName` (SigmaHQ's Azure rules are written against the diagnostic-settings
//! export), and every record keeps its own names. Values are never changed: a trailing
//! space in a real `OperationName` stays, and a rule written without it does not match.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::{Record, Recording};
use crate::error::{Error, Result};

const SYSMON: &str = "Microsoft-Windows-Sysmon/Operational";

/// A Sigma rule from a file, with what an alert must name (title, id, author: the
/// Detection Rule License asks that a match names the author).
pub struct RuleFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// Parsed.
    pub rule: sigma_rust::Rule,
}

/// One rule matching one record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    /// The record's file and line.
    pub file: String,
    /// Line.
    pub line: usize,
    /// When, ms since the Unix epoch (UTC).
    pub time_ms: i64,
    /// Rule id.
    pub rule_id: String,
    /// Rule title.
    pub title: String,
    /// Rule author.
    pub author: String,
    /// Rule level.
    pub level: String,
}

/// Reads Sigma rules from files and folders (every `.yml`/`.yaml` below a folder). A
/// symbolic link to a folder inside a folder is not followed: one pointing at a parent
/// would never end.
pub fn load_rules(paths: &[PathBuf]) -> Result<Vec<RuleFile>> {
    fn walk(p: &Path, out: &mut Vec<PathBuf>, top: bool) -> Result<()> {
        let linked = std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
        if p.is_dir() && (top || !linked) {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            for e in entries {
                walk(&e, out, false)?;
            }
        } else if p
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("yml") || x.eq_ignore_ascii_case("yaml"))
        {
            out.push(p.to_path_buf());
        } else if !p.exists() {
            return Err(Error::io(
                p,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
        Ok(())
    }
    let mut files = Vec::new();
    for p in paths {
        walk(p, &mut files, true)?;
    }
    files
        .into_iter()
        .map(|path| {
            let text = crate::budget::read_text(&path)?;
            let rule = sigma_rust::rule_from_yaml(&text).map_err(|e| {
                let why = e.to_string().replace('\n', " ");
                let at = why.find(" at line ").map_or("", |i| &why[i..]);
                Error::log(&path, format!("Sigma rule does not parse{at}"))
            })?;
            Ok(RuleFile { path, rule })
        })
        .collect()
}

fn lower(s: &Option<String>) -> String {
    s.as_deref().unwrap_or("").to_ascii_lowercase()
}

/// Whether `rule`'s logsource covers `r` (table in the module docs).
pub fn covers(rule: &sigma_rust::Rule, r: &Record) -> bool {
    let ls = &rule.logsource;
    let (product, category, service) =
        (lower(&ls.product), lower(&ls.category), lower(&ls.service));
    let channel = r.channel.as_deref().unwrap_or("");
    let id = r.event_id.unwrap_or(-1);
    let sysmon = |e: i64| channel == SYSMON && id == e;
    match product.as_str() {
        "windows" if r.kind == "windows" => match (category.as_str(), service.as_str()) {
            ("process_creation", _) => sysmon(1) || (channel == "Security" && id == 4688),
            ("process_access", _) => sysmon(10),
            ("image_load", _) => sysmon(7),
            ("network_connection", _) => sysmon(3),
            ("", "security") => channel == "Security",
            ("", "sysmon") => channel == SYSMON,
            ("", "") => true,
            _ => false,
        },
        "aws" => r.kind == "cloudtrail" && matches!(service.as_str(), "" | "cloudtrail"),
        "azure" => r.kind == "azure_ad_audit" && matches!(service.as_str(), "" | "auditlogs"),
        "m365" | "microsoft365" => matches!(r.kind.as_str(), "m365_defender" | "office_activity"),
        _ => false,
    }
}

/// A value as a rule expects it: numbers given as decimal text (event ids, pids) as
/// numbers, everything else verbatim.
fn typed(v: &Value) -> Value {
    match v {
        Value::String(s) => match s.parse::<i64>() {
            Ok(n) if !s.starts_with('0') || s == "0" => Value::from(n),
            _ => v.clone(),
        },
        other => other.clone(),
    }
}

/// The record as a Sigma rule sees it: its own fields, plus the mapped names.
pub fn event(r: &Record) -> sigma_rust::Event {
    let mut m: serde_json::Map<String, Value> = r
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), typed(v)))
        .collect();
    let mut alias = |to: &str, from: &str| {
        if let Some(v) = r.fields.get(from) {
            m.insert(to.to_string(), typed(v));
        }
    };
    if r.channel.as_deref() == Some("Security") && r.event_id == Some(4688) {
        alias("Image", "NewProcessName");
        alias("ParentImage", "ParentProcessName");
    }
    if r.kind == "azure_ad_audit" {
        alias("properties.message", "OperationName");
    }
    sigma_rust::Event::try_from(Value::Object(m)).unwrap_or_default()
}

/// Every (record, rule) match, in record order then rule order.
pub fn hits(rules: &[RuleFile], recording: &Recording) -> Vec<Hit> {
    let mut out = Vec::new();
    for r in &recording.records {
        let applicable: Vec<&RuleFile> = rules.iter().filter(|f| covers(&f.rule, r)).collect();
        if applicable.is_empty() {
            continue;
        }
        let e = event(r);
        for f in applicable {
            if f.rule.is_match(&e) {
                out.push(Hit {
                    file: r.file.clone(),
                    line: r.line,
                    time_ms: r.time_ms,
                    rule_id: f.rule.id.clone().unwrap_or_default(),
                    title: f.rule.title.clone(),
                    author: f.rule.author.clone().unwrap_or_default(),
                    level: f
                        .rule
                        .level
                        .as_ref()
                        .map_or(String::new(), |l| format!("{l:?}").to_lowercase()),
                });
            }
        }
    }
    out
}
