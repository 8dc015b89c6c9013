//! The four result tables: their schemas, their rows as Arrow record batches, the
//! merge of shard outputs (every shard's rows concatenated and ordered by run, so one
//! unsharded eval and a merge of its shards write the same bytes), and reading the runs
//! table back for the summary.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Float64Builder, StringBuilder, UInt64Builder};
use arrow_array::{Array, ArrayRef, RecordBatch, UInt64Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::output::metric_columns;
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
    use DataType::{Boolean, Float64, UInt64, Utf8};
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
        "alerts" => fields.extend([
            f("alert", UInt64, false),
            f("raised_at_ms", UInt64, false),
            f("truth", Utf8, false),
            f("campaign", Utf8, true),
            f("rule", Utf8, false),
            f("severity", Utf8, false),
            f("queued_at_ms", UInt64, true),
            f("queue_wait_s", Float64, true),
            f("triage", Utf8, true),
            f("escalated", Boolean, false),
            f("expired", Boolean, false),
            f("verdict", Utf8, true),
            f("verdict_at_ms", UInt64, true),
            f("customer_verdict", Utf8, true),
            f("evidence_count", UInt64, false),
            f("provider_work_ms", UInt64, false),
        ]),
        "campaigns" => fields.extend([
            f("campaign", UInt64, false),
            f("name", Utf8, false),
            f("started_at_ms", UInt64, true),
            f("detected_at_ms", UInt64, true),
            f("contained_at_ms", UInt64, true),
            f("censored", Boolean, false),
            f("impact", Boolean, false),
            f("blast_radius", UInt64, false),
        ]),
        _ => fields.extend([f("at_ms", UInt64, false), f("backlog", UInt64, false)]),
    }
    Arc::new(Schema::new(fields))
}

fn u64s(v: impl IntoIterator<Item = u64>) -> ArrayRef {
    Arc::new(UInt64Array::from_iter_values(v))
}
fn opt_u64s(v: impl IntoIterator<Item = Option<u64>>) -> ArrayRef {
    let mut b = UInt64Builder::new();
    v.into_iter().for_each(|x| b.append_option(x));
    Arc::new(b.finish())
}
fn strs<'a>(v: impl IntoIterator<Item = Option<&'a str>>) -> ArrayRef {
    let mut b = StringBuilder::new();
    v.into_iter().for_each(|x| b.append_option(x));
    Arc::new(b.finish())
}
fn bools(v: impl IntoIterator<Item = bool>) -> ArrayRef {
    let mut b = BooleanBuilder::new();
    v.into_iter().for_each(|x| b.append_value(x));
    Arc::new(b.finish())
}
fn floats(v: impl IntoIterator<Item = Option<f64>>) -> ArrayRef {
    let mut b = Float64Builder::new();
    v.into_iter().for_each(|x| b.append_option(x));
    Arc::new(b.finish())
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
        "alerts" => {
            let rows: Vec<(u64, &super::rows::AlertRow)> = results
                .iter()
                .flat_map(|r| r.alerts.iter().map(move |a| (r.cell.index, a)))
                .collect();
            vec![
                u64s(rows.iter().map(|(run, _)| *run)),
                u64s(rows.iter().map(|(_, a)| a.alert)),
                u64s(rows.iter().map(|(_, a)| a.raised_at_ms)),
                strs(rows.iter().map(|(_, a)| Some(a.truth.as_str()))),
                strs(rows.iter().map(|(_, a)| a.campaign.as_deref())),
                strs(rows.iter().map(|(_, a)| Some(a.rule.as_str()))),
                strs(rows.iter().map(|(_, a)| Some(a.severity.as_str()))),
                opt_u64s(rows.iter().map(|(_, a)| a.queued_at_ms)),
                floats(rows.iter().map(|(_, a)| a.queue_wait_s)),
                strs(rows.iter().map(|(_, a)| a.triage.as_deref())),
                bools(rows.iter().map(|(_, a)| a.escalated)),
                bools(rows.iter().map(|(_, a)| a.expired)),
                strs(rows.iter().map(|(_, a)| a.verdict.as_deref())),
                opt_u64s(rows.iter().map(|(_, a)| a.verdict_at_ms)),
                strs(rows.iter().map(|(_, a)| a.customer_verdict.as_deref())),
                u64s(rows.iter().map(|(_, a)| a.evidence_count)),
                u64s(rows.iter().map(|(_, a)| a.provider_work_ms)),
            ]
        }
        "campaigns" => {
            let rows: Vec<(u64, &super::rows::CampaignRow)> = results
                .iter()
                .flat_map(|r| r.campaigns.iter().map(move |c| (r.cell.index, c)))
                .collect();
            vec![
                u64s(rows.iter().map(|(run, _)| *run)),
                u64s(rows.iter().map(|(_, c)| c.campaign)),
                strs(rows.iter().map(|(_, c)| Some(c.name.as_str()))),
                opt_u64s(rows.iter().map(|(_, c)| c.started_at_ms)),
                opt_u64s(rows.iter().map(|(_, c)| c.detected_at_ms)),
                opt_u64s(rows.iter().map(|(_, c)| c.contained_at_ms)),
                bools(rows.iter().map(|(_, c)| c.censored)),
                bools(rows.iter().map(|(_, c)| c.impact)),
                u64s(rows.iter().map(|(_, c)| c.blast_radius)),
            ]
        }
        _ => {
            let rows: Vec<(u64, &super::rows::BacklogRow)> = results
                .iter()
                .flat_map(|r| r.backlog.iter().map(move |b| (r.cell.index, b)))
                .collect();
            vec![
                u64s(rows.iter().map(|(run, _)| *run)),
                u64s(rows.iter().map(|(_, b)| b.at_ms)),
                u64s(rows.iter().map(|(_, b)| b.backlog)),
            ]
        }
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
    let mut out = Vec::new();
    for b in read_parquet(path)? {
        let n = b.num_rows();
        let json = {
            let mut buf = Vec::new();
            let mut w = arrow_json_rows(&b)?;
            std::mem::swap(&mut buf, &mut w);
            buf
        };
        for (i, row) in json.into_iter().enumerate().take(n) {
            let text = |k: &str| {
                row.get(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let num = |k: &str| row.get(k).and_then(|v| v.as_u64()).unwrap_or_default();
            let metrics: crate::score::Metrics = serde_json::from_value(serde_json::Value::Object(
                metric_columns()
                    .into_iter()
                    .map(|(k, _)| {
                        (
                            k.clone(),
                            row.get(&k).cloned().unwrap_or(serde_json::Value::Null),
                        )
                    })
                    .collect(),
            ))
            .map_err(|e| Error::log(path, format!("row {i}: {e}")))?;
            out.push(super::RunRecord {
                run: num("run"),
                scenario: text("scenario"),
                strategy: text("strategy"),
                params: text("params"),
                seed: num("seed"),
                metrics,
            });
        }
    }
    Ok(out)
}

/// Each row of a batch as a JSON object (only the column types the runs table uses).
fn arrow_json_rows(b: &RecordBatch) -> Result<Vec<serde_json::Map<String, serde_json::Value>>> {
    use arrow_array::{Float64Array, StringArray};
    let mut rows = vec![serde_json::Map::new(); b.num_rows()];
    for (field, col) in b.schema().fields().iter().zip(b.columns()) {
        for (i, row) in rows.iter_mut().enumerate() {
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
    }
    Ok(rows)
}
