//! The four result tables: their schemas, their rows as Arrow record batches, the
//! merge of shard outputs (every shard's rows concatenated and ordered by run, so one
//! unsharded eval and a merge of its shards write the same bytes), and reading the runs
//! table back for the summary.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch, UInt64Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::output::metric_columns;
use super::rows::{self, floats, strs, u64s};
use super::run::{RunResult, params_label};
pub use super::table_file::{read_parquet, write_parquet};
use crate::error::{Error, Result};

/// The result tables, by file stem.
pub const TABLES: [&str; 4] = ["runs", "alerts", "campaigns", "backlog"];

fn f(name: &str, t: DataType, nullable: bool) -> Field {
    Field::new(name, t, nullable)
}

/// Schema of a table.
pub fn schema(table: &str) -> SchemaRef {
    use DataType::{Float64, UInt64, Utf8};
    let mut fields = vec![f("run", UInt64, false)];
    match table {
        "runs" => {
            fields.extend([
                f("scenario", Utf8, false),
                f("scenario_hash", Utf8, false),
                f("strategy", Utf8, false),
                f("params", Utf8, false),
                f("seed", UInt64, false),
            ]);
            for (name, int) in metric_columns() {
                fields.push(if int {
                    f(&name, UInt64, false)
                } else {
                    f(&name, Float64, true)
                });
            }
        }
        "alerts" => fields.extend(rows::alert_fields()),
        "campaigns" => fields.extend(rows::campaign_fields()),
        _ => fields.extend(rows::backlog_fields()),
    }
    Arc::new(Schema::new(fields))
}

/// The rows of `results` for every table, in [`TABLES`] order.
pub fn batches(results: &[RunResult]) -> Result<Vec<RecordBatch>> {
    TABLES.iter().map(|t| batch(t, results)).collect()
}

/// The rows of `results` for `table`, in the order given.
pub fn batch(table: &str, results: &[RunResult]) -> Result<RecordBatch> {
    let cols: Vec<ArrayRef> = match table {
        "runs" => {
            let mut cols = vec![
                u64s(results.iter().map(|r| r.cell.index)),
                strs(results.iter().map(|r| Some(r.header.scenario.as_str()))),
                strs(
                    results
                        .iter()
                        .map(|r| Some(r.header.scenario_hash.as_str())),
                ),
                strs(results.iter().map(|r| Some(r.header.strategy.as_str()))),
                strs(
                    results
                        .iter()
                        .map(|r| params_label(&r.cell.params))
                        .collect::<Vec<_>>()
                        .iter()
                        .map(|s| Some(s.as_str())),
                ),
                u64s(results.iter().map(|r| r.cell.seed)),
            ];
            let values: Vec<serde_json::Value> = results
                .iter()
                .map(|r| serde_json::to_value(&r.metrics).unwrap_or_default())
                .collect();
            for (name, int) in metric_columns() {
                cols.push(if int {
                    u64s(values.iter().map(|v| v[&name].as_u64().unwrap_or(0)))
                } else {
                    floats(values.iter().map(|v| v[&name].as_f64()))
                });
            }
            cols
        }
        "alerts" => rows::alert_columns(results),
        "campaigns" => rows::campaign_columns(results),
        _ => rows::backlog_columns(results),
    };
    RecordBatch::try_new(schema(table), cols)
        .map_err(|e| Error::Usage(format!("building {table} table: {e}")))
}

/// Concatenates `inputs`' batches of `table`, orders the rows by run (stable), and
/// writes `out`.
pub fn combine(table: &str, inputs: &[PathBuf], out: &Path) -> Result<()> {
    let schema = schema(table);
    let mut batches = Vec::new();
    for p in inputs {
        batches.extend(read_parquet(p)?);
    }
    let all = arrow_select::concat::concat_batches(&schema, &batches)
        .map_err(|e| Error::Usage(format!("{table}: {e}")))?;
    let runs = all
        .column(0)
        .as_any()
        .downcast_ref::<UInt64Array>()
        .ok_or_else(|| Error::log(out, "column run is not uint64"))?;
    let mut order: Vec<u32> = (0..all.num_rows() as u32).collect();
    order.sort_by_key(|&i| runs.value(i as usize));
    let idx = arrow_array::UInt32Array::from(order);
    let sorted = arrow_select::take::take_record_batch(&all, &idx)
        .map_err(|e| Error::Usage(format!("{table}: {e}")))?;
    write_parquet(out, schema, &[sorted])
}

/// Reads `runs.parquet` back into the records the summary needs.
pub fn read_runs(path: &Path) -> Result<Vec<super::RunRecord>> {
    let metrics = metric_columns();
    let mut out = Vec::new();
    // Row by row, so only one row is ever held as JSON.
    for b in read_parquet(path)? {
        for i in 0..b.num_rows() {
            let mut row = json_row(&b, i)?;
            let mut text = |k: &str| match row.remove(k) {
                Some(serde_json::Value::String(s)) => s,
                _ => String::new(),
            };
            let (scenario, strategy, params) = (text("scenario"), text("strategy"), text("params"));
            let num = |k: &str| row.get(k).and_then(|v| v.as_u64()).unwrap_or_default();
            let (run, seed) = (num("run"), num("seed"));
            let values = metrics
                .iter()
                .map(|(k, _)| (k.clone(), row.remove(k).unwrap_or(serde_json::Value::Null)))
                .collect();
            out.push(super::RunRecord {
                run,
                scenario,
                strategy,
                params,
                seed,
                metrics: serde_json::from_value(serde_json::Value::Object(values))
                    .map_err(|e| Error::log(path, format!("row {i}: {e}")))?,
            });
        }
    }
    Ok(out)
}

/// Row `i` of a batch as a JSON object (only the column types the runs table uses).
fn json_row(b: &RecordBatch, i: usize) -> Result<serde_json::Map<String, serde_json::Value>> {
    use arrow_array::{Float64Array, StringArray};
    let mut row = serde_json::Map::new();
    for (field, col) in b.schema().fields().iter().zip(b.columns()) {
        let v = if col.is_null(i) {
            serde_json::Value::Null
        } else if let Some(a) = col.as_any().downcast_ref::<UInt64Array>() {
            serde_json::json!(a.value(i))
        } else if let Some(a) = col.as_any().downcast_ref::<Float64Array>() {
            serde_json::json!(a.value(i))
        } else if let Some(a) = col.as_any().downcast_ref::<StringArray>() {
            serde_json::json!(a.value(i))
        } else {
            return Err(Error::Usage(format!(
                "unexpected column type for {}",
                field.name()
            )));
        };
        row.insert(field.name().clone(), v);
    }
    Ok(row)
}
