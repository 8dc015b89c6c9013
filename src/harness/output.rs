//! Result files: `runs.parquet` (one row per run, every metric) and `manifest.json`
//! (enough to reproduce every row). Both are written atomically. Layout:
//! `docs/results-schema.md`.

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, StringBuilder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use serde::Serialize;

use super::grid::{Shard, SweepAxis};
use super::run::{EvalConfig, RunResult, params_label};
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

/// Writes `runs.parquet`.
pub fn write_runs(path: &Path, results: &[RunResult]) -> Result<()> {
    let metrics = metric_columns();
    let mut fields = vec![
        Field::new("run", DataType::UInt64, false),
        Field::new("scenario", DataType::Utf8, false),
        Field::new("scenario_hash", DataType::Utf8, false),
        Field::new("strategy", DataType::Utf8, false),
        Field::new("params", DataType::Utf8, false),
        Field::new("seed", DataType::UInt64, false),
    ];
    for (name, int) in &metrics {
        fields.push(if *int {
            Field::new(name, DataType::UInt64, false)
        } else {
            Field::new(name, DataType::Float64, true)
        });
    }
    let schema = Arc::new(Schema::new(fields));
    let mut run = UInt64Builder::new();
    let (mut sc, mut hash, mut st, mut params) = (
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
    );
    let mut seed = UInt64Builder::new();
    let mut ints: Vec<UInt64Builder> = metrics.iter().map(|_| UInt64Builder::new()).collect();
    let mut floats: Vec<Float64Builder> = metrics.iter().map(|_| Float64Builder::new()).collect();
    for r in results {
        run.append_value(r.cell.index);
        sc.append_value(&r.header.scenario);
        hash.append_value(&r.header.scenario_hash);
        st.append_value(&r.header.strategy);
        params.append_value(params_label(&r.cell.params));
        seed.append_value(r.cell.seed);
        let v = serde_json::to_value(&r.metrics).unwrap_or_default();
        for (i, (name, int)) in metrics.iter().enumerate() {
            if *int {
                ints[i].append_value(v[name].as_u64().unwrap_or(0));
            } else {
                floats[i].append_option(v[name].as_f64());
            }
        }
    }
    let mut cols: Vec<ArrayRef> = vec![
        Arc::new(run.finish()),
        Arc::new(sc.finish()),
        Arc::new(hash.finish()),
        Arc::new(st.finish()),
        Arc::new(params.finish()),
        Arc::new(seed.finish()),
    ];
    for (i, (_, int)) in metrics.iter().enumerate() {
        cols.push(if *int {
            Arc::new(ints[i].finish())
        } else {
            Arc::new(floats[i].finish())
        });
    }
    let batch = RecordBatch::try_new(schema.clone(), cols)
        .map_err(|e| Error::io(path, std::io::Error::other(e)))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(1).unwrap_or_default()))
        .build();
    let pq = |e: parquet::errors::ParquetError| Error::io(path, std::io::Error::other(e));
    write_atomically(path, |w| {
        let mut writer = ArrowWriter::try_new(w, schema, Some(props)).map_err(pq)?;
        writer.write(&batch).map_err(pq)?;
        writer.close().map_err(pq)?;
        Ok(())
    })
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
}

#[derive(Serialize)]
struct ScenarioEntry {
    name: String,
    path: String,
    content_hash: String,
}

/// Writes `manifest.json`.
pub fn write_manifest(path: &Path, config: &EvalConfig, runs: usize) -> Result<()> {
    let m = Manifest {
        mdrsim_version: env!("CARGO_PKG_VERSION"),
        scenarios: config
            .scenarios
            .iter()
            .map(|s| ScenarioEntry {
                name: s.name.clone(),
                path: s.path.display().to_string(),
                content_hash: format!("{:016x}", s.content_hash),
            })
            .collect(),
        strategies: &config.strategies,
        sweeps: &config.sweeps,
        seeds: &config.seeds,
        shard: config.shard.map(|s: Shard| format!("{}/{}", s.k, s.n)),
        runs,
    };
    let text =
        serde_json::to_string_pretty(&m).map_err(|e| Error::io(path, std::io::Error::other(e)))?;
    write_atomically(path, |w| {
        std::io::Write::write_all(w, format!("{text}\n").as_bytes()).map_err(|e| Error::io(path, e))
    })
}
