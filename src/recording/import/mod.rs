//! Importers: files of a public dataset's layout → [`Record`]s, values verbatim. Input
//! is JSON Lines or one JSON document (an array, an object, or CloudTrail's
//! `{"Records": […]}`); a binary file, invalid or truncated JSON, a row of an unknown
//! layout or without a usable timestamp is refused naming the file and line, and
//! nothing is written.

mod fields;
mod otrf;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{Record, Recording};
use crate::error::{Error, Result};

/// Which importer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// OTRF Security-Datasets: the Log Analytics layout (Windows SecurityEvent/Event,
    /// Azure AD AuditLogs, OfficeActivity, Microsoft 365 Defender rows) and the older
    /// `@timestamp`/`Hostname` layout (Security and Sysmon), CloudTrail rows too.
    Otrf,
    /// Raw CloudTrail records (JSON Lines, or `{"Records": […]}`).
    Cloudtrail,
    /// Windows events as EVTX→JSON (`{"Event": {"System": …, "EventData": …}}`), the
    /// shape of SigmaHQ's regression samples and of the `evtx` tool's output.
    EvtxJson,
    /// OCSF events (JSON Lines with `time` in ms and `class_uid`).
    Ocsf,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Otrf => "otrf",
            Format::Cloudtrail => "cloudtrail",
            Format::EvtxJson => "evtx-json",
            Format::Ocsf => "ocsf",
        }
    }
}

/// The JSON objects of a file with their line (JSON Lines) or position (a document).
fn objects(text: &str, path: &Path) -> Result<Vec<(usize, Map<String, Value>)>> {
    let bad = |line: usize, m: String| Error::log(path, format!("line {line}: {m}"));
    let trimmed = text.trim_start();
    // One document (an array, an object, CloudTrail's Records) — else JSON Lines.
    let whole = serde_json::from_str::<Value>(text);
    let as_list = |v: Value| -> Result<Vec<(usize, Map<String, Value>)>> {
        let items = match v {
            Value::Array(a) => a,
            Value::Object(mut o) => match o.remove("Records") {
                Some(Value::Array(a)) => a,
                Some(_) => return Err(bad(1, "Records is not a list".into())),
                None => vec![Value::Object(o)],
            },
            _ => return Err(bad(1, "not a JSON object or list of objects".into())),
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(o) => Ok((i + 1, o)),
                _ => Err(bad(i + 1, format!("record {} is not a JSON object", i + 1))),
            })
            .collect()
    };
    match whole {
        Ok(v) => as_list(v),
        Err(e) if trimmed.starts_with('[') => {
            Err(bad(e.line(), format!("truncated or invalid JSON: {e}")))
        }
        Err(_) => {
            let mut out = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Value>(line) {
                    Ok(Value::Object(o)) => out.push((i + 1, o)),
                    Ok(_) => return Err(bad(i + 1, "not a JSON object".into())),
                    Err(e) => {
                        return Err(bad(i + 1, format!("truncated or invalid JSON: {e}")));
                    }
                }
            }
            Ok(out)
        }
    }
}

/// Reads a text input, refusing a binary one with a hint.
fn read_input(path: &Path) -> Result<String> {
    let bytes = {
        use std::io::Read;
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut b = Vec::new();
        file.take(crate::budget::MAX_TEXT_FILE_BYTES + 1)
            .read_to_end(&mut b)
            .map_err(|e| Error::io(path, e))?;
        b
    };
    if bytes.len() as u64 > crate::budget::MAX_TEXT_FILE_BYTES {
        return Err(Error::log(
            path,
            "larger than 16 MiB: split it or import a sample",
        ));
    }
    if bytes.starts_with(b"ElfFile\0") {
        return Err(Error::log(
            path,
            "an EVTX binary: export it to JSON first (e.g. `evtx_dump -o jsonl`), then \
             import that with evtx-json",
        ));
    }
    if bytes.contains(&0) {
        return Err(Error::log(path, "a binary file, not JSON"));
    }
    String::from_utf8(bytes).map_err(|_| Error::log(path, "not UTF-8 text, not JSON"))
}

/// Imports `paths` with `format`; records sorted by time (ties in input order).
pub fn import(format: Format, paths: &[PathBuf]) -> Result<Recording> {
    let mut records = Vec::new();
    for path in paths {
        let text = read_input(path)?;
        let rows = objects(&text, path)?;
        if rows.is_empty() {
            return Err(Error::log(path, "no records"));
        }
        let file = path.display().to_string();
        let mut ctx = otrf::Context::new(&rows);
        for (line, row) in rows {
            let r = match format {
                Format::Otrf => otrf::record(&mut ctx, row),
                Format::Cloudtrail => fields::cloudtrail(row),
                Format::EvtxJson => fields::evtx(row),
                Format::Ocsf => fields::ocsf(row),
            }
            .map_err(|m| Error::log(path, format!("line {line}: {m}")))?;
            records.push(Record {
                file: file.clone(),
                line,
                time_ms: r.time_ms,
                kind: r.kind,
                channel: r.channel,
                event_id: r.event_id,
                entities: r.entities,
                fields: r.fields,
                mdrsim: None,
            });
        }
    }
    records.sort_by_key(|r| r.time_ms);
    Ok(Recording {
        importer: format.name().into(),
        files: paths.iter().map(|p| p.display().to_string()).collect(),
        records,
        scenario: None,
    })
}
