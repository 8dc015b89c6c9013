//! The four result tables: their schemas, their rows as Arrow record batches, the
//! merge of shard outputs (every shard's rows concatenated and ordered by run, so one
//! unsharded eval and a merge of its shards write the same bytes), and reading the runs
//! table back for the summary.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::arrow::arrow_reader::ParquetRecordBatchReader;

use arrow_array::{Array, ArrayRef, RecordBatch, UInt64Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::output::metric_columns;
use super::rows::{self, floats, strs, u64s};
use super::run::{RunResult, params_label};
pub use super::table_file::read_parquet;
use super::table_file::{TableWriter, open_parquet};
use crate::error::{Error, Result};

/// The result tables, by file stem.
pub const TABLES: [&str; 5] = ["runs", "alerts", "campaigns", "backlog", "timeline"];

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
                f("horizon_ms", UInt64, false),
                f("start", Utf8, false),
                f("first_strategy_error", Utf8, true),
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
        "timeline" => fields.extend(super::timeline::timeline_fields()),
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
                u64s(results.iter().map(|r| r.header.horizon_ms)),
                strs(results.iter().map(|r| Some(r.header.start.as_str()))),
                strs(
                    results
                        .iter()
                        .map(|r| r.records.first_strategy_error.as_deref()),
                ),
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
        "timeline" => super::timeline::timeline_columns(results),
        _ => rows::backlog_columns(results),
    };
    RecordBatch::try_new(schema(table), cols)
        .map_err(|e| Error::Usage(format!("building {table} table: {e}")))
}

/// Merges `inputs`' rows of `table` (each input ordered by run, the inputs holding
/// disjoint runs, as shard outputs are) into `out`, ordered by run. `owns(i, run)`
/// says whether input `i` may hold `run`; a row it may not, or a run listed twice in
/// `runs`, is an error. Streams: memory
/// holds a batch per input and one row group, however large the inputs.
pub fn combine(
    table: &str,
    inputs: &[PathBuf],
    out: &Path,
    owns: &dyn Fn(usize, u64) -> bool,
) -> Result<()> {
    struct Cursor {
        path: PathBuf,
        batches: ParquetRecordBatchReader,
        batch: Option<RecordBatch>,
        row: usize,
        last_run: u64,
    }
    impl Cursor {
        /// The run at the cursor, reading the next batch when this one is used up.
        fn run(&mut self) -> Result<Option<u64>> {
            loop {
                if let Some(b) = &self.batch
                    && self.row < b.num_rows()
                {
                    return Ok(Some(runs_of(b, &self.path)?.value(self.row)));
                }
                match self.batches.next() {
                    None => return Ok(None),
                    Some(b) => {
                        self.batch = Some(b.map_err(|e| Error::log(&self.path, e.to_string()))?);
                        self.row = 0;
                    }
                }
            }
        }
    }
    fn runs_of<'b>(b: &'b RecordBatch, path: &Path) -> Result<&'b UInt64Array> {
        b.column(0)
            .as_any()
            .downcast_ref::<UInt64Array>()
            .ok_or_else(|| Error::log(path, "column run is not uint64"))
    }
    let mut cursors = inputs
        .iter()
        .map(|p| {
            Ok(Cursor {
                path: p.clone(),
                batches: open_parquet(p)?,
                batch: None,
                row: 0,
                last_run: 0,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut w = TableWriter::create(out, schema(table))?.parallel_columns();
    let (mut last_run, mut any_run) = (0u64, false);
    loop {
        let mut next: Option<(u64, usize)> = None;
        for (i, c) in cursors.iter_mut().enumerate() {
            if let Some(run) = c.run()?
                && next.is_none_or(|(r, _)| run < r)
            {
                next = Some((run, i));
            }
        }
        let Some((run, i)) = next else { break };
        let c = &mut cursors[i];
        if run < c.last_run {
            return Err(Error::log(&c.path, "rows are not ordered by run"));
        }
        if !owns(i, run) {
            return Err(Error::log(
                &c.path,
                format!("holds run {run}, which belongs to another shard"),
            ));
        }
        let Some(b) = &c.batch else { break };
        let runs = runs_of(b, &c.path)?;
        let end = (c.row..b.num_rows())
            .find(|&r| runs.value(r) != run)
            .unwrap_or(b.num_rows());
        // One row per run in `runs`: a second is a run counted twice.
        if table == "runs" && (end - c.row > 1 || (run == last_run && any_run)) {
            return Err(Error::log(&c.path, format!("run {run} appears twice")));
        }
        (last_run, any_run) = (run, true);
        c.last_run = run;
        w.push(b.slice(c.row, end - c.row))?;
        c.row = end;
    }
    w.finish()
}

/// Reads `runs.parquet` back into the records the summary needs.
pub fn read_runs(path: &Path) -> Result<Vec<super::RunRecord>> {
    let mut runs = read_run_rows(path)?;
    let campaigns = path.with_file_name("campaigns.parquet");
    if campaigns.exists() {
        let mut by_run = read_campaign_times(&campaigns)?;
        for r in &mut runs {
            r.campaigns = by_run.remove(&r.run).unwrap_or_default();
        }
    }
    Ok(runs)
}

/// Each run's campaign times, from `campaigns.parquet`.
pub fn read_campaign_times(
    path: &Path,
) -> Result<std::collections::BTreeMap<u64, Vec<super::summary::CampaignTimes>>> {
    let mut out: std::collections::BTreeMap<u64, Vec<super::summary::CampaignTimes>> =
        Default::default();
    for b in read_parquet(path)? {
        let col = |name: &str| {
            b.column_by_name(name)
                .and_then(|c| c.as_any().downcast_ref::<UInt64Array>())
                .ok_or_else(|| Error::log(path, format!("column {name} is missing or not uint64")))
        };
        let (run, started, detected, contained) = (
            col("run")?,
            col("started_at_ms")?,
            col("detected_at_ms")?,
            col("contained_at_ms")?,
        );
        let opt = |a: &UInt64Array, i: usize| (!a.is_null(i)).then(|| a.value(i));
        for i in 0..b.num_rows() {
            out.entry(run.value(i))
                .or_default()
                .push(super::summary::CampaignTimes {
                    started_ms: opt(started, i),
                    detected_ms: opt(detected, i),
                    contained_ms: opt(contained, i),
                });
        }
    }
    Ok(out)
}

/// The rows of `runs.parquet` (metrics only).
fn read_run_rows(path: &Path) -> Result<Vec<super::RunRecord>> {
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
            let first_strategy_error = match row.remove("first_strategy_error") {
                Some(serde_json::Value::String(s)) => Some(s),
                _ => None,
            };
            let num = |k: &str| row.get(k).and_then(|v| v.as_u64()).unwrap_or_default();
            let (run, seed, horizon_ms) = (num("run"), num("seed"), num("horizon_ms"));
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
                horizon_ms,
                first_strategy_error,
                campaigns: Vec::new(),
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
