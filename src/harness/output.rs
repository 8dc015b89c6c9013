//! `manifest.json` (enough to reproduce every row) and the metric column list shared by
//! the result tables. Layout: `docs/results-schema.md`.

use std::path::Path;

use serde::Serialize;

use super::grid::{Shard, SweepAxis};
use super::run::EvalConfig;
use crate::atomic::write_atomically;
use crate::error::{Error, Result};
use crate::score::Metrics;
use crate::strategy::StrategyDef;

/// Metric names in column order, and whether each is an integer count.
pub fn metric_columns() -> Vec<(String, bool)> {
    let v = serde_json::to_value(Metrics::empty(0)).unwrap_or_default();
    v.as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.is_u64())).collect())
        .unwrap_or_default()
}

/// What `manifest.json` records.
#[derive(Serialize)]
struct Manifest<'a> {
    mdrsim_version: &'static str,
    scenarios: Vec<ScenarioEntry>,
    strategies: &'a [StrategyDef],
    sweeps: &'a [SweepAxis],
    seeds: &'a [u64],
    shard: Option<String>,
    runs: usize,
    costs: &'a crate::score::cost::CostTable,
}

#[derive(Serialize)]
struct ScenarioEntry {
    name: String,
    path: String,
    content_hash: String,
    /// One line on what it tests.
    description: String,
    /// The opening comment block: its story and sources.
    story: String,
    /// When the scenario's week begins (RFC 3339 with its offset): offsets in the
    /// tables are milliseconds after it.
    start: String,
}

/// The text of `manifest.json` for `config`.
pub fn manifest_text(config: &EvalConfig) -> Result<String> {
    let m = Manifest {
        mdrsim_version: env!("CARGO_PKG_VERSION"),
        scenarios: config
            .scenarios
            .iter()
            .map(|s| ScenarioEntry {
                name: s.name.clone(),
                path: s.path.display().to_string(),
                content_hash: format!("{:016x}", s.content_hash),
                start: s.epoch.as_str().to_string(),
                description: s.description.clone(),
                story: s.story(),
            })
            .collect(),
        strategies: &config.strategies,
        sweeps: &config.sweeps,
        seeds: &config.seeds,
        shard: config.shard.map(|s: Shard| format!("{}/{}", s.k, s.n)),
        runs: config.grid_size(),
        costs: &config.costs,
    };
    serde_json::to_string_pretty(&m)
        .map(|t| format!("{t}\n"))
        .map_err(|e| Error::Usage(format!("manifest: {e}")))
}

/// Writes `manifest.json` for the tables in `dir`: the grid of `config` and each
/// table's row count and checksum.
pub fn write_manifest(dir: &Path, config: &EvalConfig) -> Result<()> {
    let mut manifest: serde_json::Value = serde_json::from_str(&manifest_text(config)?)
        .map_err(|e| Error::Usage(format!("manifest: {e}")))?;
    manifest["tables"] = super::folder::table_checksums(dir)?;
    write_manifest_value(dir, &manifest)
}

/// Writes a manifest (as `manifest.json` in `dir`) from its JSON.
pub fn write_manifest_value(dir: &Path, manifest: &serde_json::Value) -> Result<()> {
    let path = &dir.join("manifest.json");
    let text = serde_json::to_string_pretty(manifest)
        .map(|t| format!("{t}\n"))
        .map_err(|e| Error::Usage(format!("manifest: {e}")))?;
    write_atomically(path, |w| {
        std::io::Write::write_all(w, text.as_bytes()).map_err(|e| Error::io(path, e))
    })
}
