//! Stored baselines for regression checks: what the results were of (the grid: scenario
//! and strategy hashes, seeds, axes, cost table), which mdrsim made them, and every run's
//! scores and campaign times — enough to recompute every estimate and to pair runs by
//! seed. One run per line, so a changed baseline reads well in a diff. Written
//! atomically with a CRC-32 of its content, checked when read back.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::identity::Grid;
use crate::atomic::write_atomically;
use crate::error::{Error, Result};
use crate::harness::RunRecord;

/// The format's version (`mdrsim_baseline`).
pub const BASELINE_VERSION: u32 = 1;

/// A stored baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The format's version.
    pub mdrsim_baseline: u32,
    /// The mdrsim that made the results.
    pub mdrsim_version: String,
    /// What the results are of.
    pub grid: Grid,
    /// Every run, in run order.
    pub runs: Vec<RunRecord>,
}

fn crc(b: &Baseline) -> Result<String> {
    let text = serde_json::to_string(b).map_err(|e| Error::Usage(format!("baseline: {e}")))?;
    Ok(format!("{:08x}", crc32fast::hash(text.as_bytes())))
}

impl Baseline {
    /// Writes the baseline to `path` atomically, then reads it back to check it.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut text = String::from("{\n");
        text += &format!("  \"mdrsim_baseline\": {},\n", self.mdrsim_baseline);
        text += &format!("  \"mdrsim_version\": {},\n", json(&self.mdrsim_version));
        text += &format!("  \"grid\": {},\n", json(&self.grid));
        text += "  \"runs\": [\n";
        for (i, r) in self.runs.iter().enumerate() {
            let sep = if i + 1 < self.runs.len() { "," } else { "" };
            text += &format!("    {}{sep}\n", json(r));
        }
        text += "  ],\n";
        text += &format!("  \"crc32\": \"{}\"\n}}\n", crc(self)?);
        write_atomically(path, |w| {
            std::io::Write::write_all(w, text.as_bytes()).map_err(|e| Error::io(path, e))
        })?;
        if &Baseline::read(path)? != self {
            return Err(Error::log(
                path,
                "the baseline read back differs from what was written",
            ));
        }
        Ok(())
    }

    /// Reads a baseline and checks its checksum and version.
    pub fn read(path: &Path) -> Result<Baseline> {
        let text = crate::budget::read_text(path).map_err(|e| match e {
            Error::Io { path, cause } if cause.kind() == std::io::ErrorKind::NotFound => {
                Error::Usage(format!(
                    "{}: no such baseline; write one from results with \
                     `mdrsim check --baseline {} --results DIR --update`",
                    path.display(),
                    path.display()
                ))
            }
            other => other,
        })?;
        Baseline::parse(&text, path)
    }

    /// Checks a baseline's text (its checksum and version); `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Baseline> {
        let bad = |m: String| Error::log(path, m);
        let mut fields: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|e| bad(format!("not a baseline ({e})")))?;
        let Some(serde_json::Value::String(sum)) = fields.remove("crc32") else {
            return Err(bad("not a baseline: no crc32".into()));
        };
        if let Some(v) = fields.get("mdrsim_baseline")
            && v.as_u64() != Some(BASELINE_VERSION as u64)
        {
            return Err(bad(format!(
                "baseline format {v}; this mdrsim reads format {BASELINE_VERSION}"
            )));
        }
        let baseline: Baseline = serde_json::from_value(serde_json::Value::Object(fields))
            .map_err(|e| bad(format!("not a baseline ({e})")))?;
        let expected = crc(&baseline)?;
        if sum != expected {
            return Err(bad(format!(
                "checksum mismatch (stored {sum}, content {expected}): the baseline was \
                 damaged or edited; write it again with --update"
            )));
        }
        Ok(baseline)
    }
}

/// One-line JSON of a value (its fields cannot fail to serialize).
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
