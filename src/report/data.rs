//! What a report reads from a results folder: the manifest (scenarios with their start
//! and story, strategies with their definitions, the cost table), every run's scores,
//! and — for the charts — alerts, backlog and timeline rows, plus the claims and check
//! outcomes when `claims --record` or `check --record` left them there. The folder is
//! verified (table checksums) before anything is read.

use std::collections::BTreeMap;
use std::path::Path;

use arrow_array::{Array, RecordBatch, StringArray, UInt64Array};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::harness::RunRecord;
use crate::harness::table_file::scan_parquet;
use crate::harness::tables::read_runs;

/// One alert as the charts need it.
#[derive(Clone, Copy, Debug)]
pub struct AlertPoint {
    /// Raised, ms after the start.
    pub raised_ms: u64,
    /// Ground truth: malicious.
    pub malicious: bool,
    /// The provider's verdict (`Some(true)`: malicious), if it reached one.
    pub verdict: Option<bool>,
}

/// One timeline row (see `timeline.parquet`).
#[derive(Clone, Debug)]
pub struct Span {
    /// `capacity`, `attack_step` or `containment`.
    pub kind: String,
    /// `provider` or `customer`.
    pub party: Option<String>,
    /// Pool, `campaign/step` or entity.
    pub name: String,
    /// Technique or action.
    pub detail: Option<String>,
    /// Start, ms.
    pub from_ms: u64,
    /// End, ms.
    pub to_ms: Option<u64>,
    /// Workers, or the alert.
    pub value: Option<u64>,
}

/// What a report reads of `timeline.parquet`.
const TIMELINE_COLUMNS: &[&str] = &[
    "run", "kind", "party", "name", "detail", "from_ms", "to_ms", "value",
];

/// A results folder, read for a report.
pub struct ReportData {
    /// `manifest.json`.
    pub manifest: Value,
    /// Every run.
    pub runs: Vec<RunRecord>,
    /// Alerts per run.
    pub alerts: BTreeMap<u64, Vec<AlertPoint>>,
    /// Backlog samples `(at_ms, backlog)` per run.
    pub backlog: BTreeMap<u64, Vec<(u64, u64)>>,
    /// Timeline rows per run.
    pub timeline: BTreeMap<u64, Vec<Span>>,
    /// `claims.json`, if recorded.
    pub claims: Option<Value>,
    /// `check.json`, if recorded.
    pub check: Option<Value>,
}

fn col<'a, T: 'static>(b: &'a RecordBatch, name: &str, path: &Path) -> Result<&'a T> {
    b.column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<T>())
        .ok_or_else(|| Error::log(path, format!("column {name} is missing or of another type")))
}

fn opt_u64(a: &UInt64Array, i: usize) -> Option<u64> {
    (!a.is_null(i)).then(|| a.value(i))
}

fn opt_str(a: &StringArray, i: usize) -> Option<String> {
    (!a.is_null(i)).then(|| a.value(i).to_string())
}

fn read_json(path: &Path) -> Result<Option<Value>> {
    if !path.exists() {
        return Ok(None);
    }
    let text = crate::budget::read_text(path)?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| Error::log(path, format!("not JSON: {e}")))
}

impl ReportData {
    /// Reads and verifies `dir`.
    pub fn read(dir: &Path) -> Result<ReportData> {
        let manifest = crate::harness::folder::verify(dir)?;
        let runs = read_runs(&dir.join("runs.parquet"))?;
        // The charts allocate per hour and per day of a run: bound that first.
        let limit = crate::budget::MAX_HORIZON_DAYS * 86_400_000;
        if let Some(r) = runs.iter().find(|r| r.horizon_ms > limit) {
            return Err(Error::log(
                dir.join("runs.parquet"),
                format!(
                    "run {}: horizon_ms {} is beyond {} days, the longest a scenario may be",
                    r.run,
                    r.horizon_ms,
                    crate::budget::MAX_HORIZON_DAYS
                ),
            ));
        }
        let mut alerts: BTreeMap<u64, Vec<AlertPoint>> = BTreeMap::new();
        let p = dir.join("alerts.parquet");
        for b in scan_parquet(&p, &["run", "raised_at_ms", "truth", "verdict"])? {
            let b = b?;
            let (run, raised, truth, verdict) = (
                col::<UInt64Array>(&b, "run", &p)?,
                col::<UInt64Array>(&b, "raised_at_ms", &p)?,
                col::<StringArray>(&b, "truth", &p)?,
                col::<StringArray>(&b, "verdict", &p)?,
            );
            for i in 0..b.num_rows() {
                alerts.entry(run.value(i)).or_default().push(AlertPoint {
                    raised_ms: raised.value(i),
                    malicious: truth.value(i) == "malicious",
                    verdict: opt_str(verdict, i).map(|v| v == "malicious"),
                });
            }
        }
        let mut backlog: BTreeMap<u64, Vec<(u64, u64)>> = BTreeMap::new();
        let p = dir.join("backlog.parquet");
        for b in scan_parquet(&p, &["run", "at_ms", "backlog"])? {
            let b = b?;
            let (run, at, n) = (
                col::<UInt64Array>(&b, "run", &p)?,
                col::<UInt64Array>(&b, "at_ms", &p)?,
                col::<UInt64Array>(&b, "backlog", &p)?,
            );
            for i in 0..b.num_rows() {
                backlog
                    .entry(run.value(i))
                    .or_default()
                    .push((at.value(i), n.value(i)));
            }
        }
        let mut timeline: BTreeMap<u64, Vec<Span>> = BTreeMap::new();
        let p = dir.join("timeline.parquet");
        for b in scan_parquet(&p, TIMELINE_COLUMNS)? {
            let b = b?;
            let run = col::<UInt64Array>(&b, "run", &p)?;
            let kind = col::<StringArray>(&b, "kind", &p)?;
            let party = col::<StringArray>(&b, "party", &p)?;
            let name = col::<StringArray>(&b, "name", &p)?;
            let detail = col::<StringArray>(&b, "detail", &p)?;
            let from = col::<UInt64Array>(&b, "from_ms", &p)?;
            let to = col::<UInt64Array>(&b, "to_ms", &p)?;
            let value = col::<UInt64Array>(&b, "value", &p)?;
            for i in 0..b.num_rows() {
                timeline.entry(run.value(i)).or_default().push(Span {
                    kind: kind.value(i).to_string(),
                    party: opt_str(party, i),
                    name: name.value(i).to_string(),
                    detail: opt_str(detail, i),
                    from_ms: from.value(i),
                    to_ms: opt_u64(to, i),
                    value: opt_u64(value, i),
                });
            }
        }
        Ok(ReportData {
            manifest,
            runs,
            alerts,
            backlog,
            timeline,
            claims: read_json(&dir.join("claims.json"))?,
            check: read_json(&dir.join("check.json"))?,
        })
    }

    /// The manifest's entry for scenario `name`.
    pub fn scenario(&self, name: &str) -> Option<&Value> {
        self.manifest["scenarios"]
            .as_array()?
            .iter()
            .find(|s| s["name"] == name)
    }

    /// The manifest's definition of strategy `name`.
    pub fn strategy(&self, name: &str) -> Option<&Value> {
        self.manifest["strategies"]
            .as_array()?
            .iter()
            .find(|s| s["name"] == name)
    }

    /// Scenarios in run order, and strategies (with parameters) in run order.
    pub fn axes(&self) -> (Vec<String>, Vec<(String, String)>) {
        let (mut sc, mut st) = (Vec::new(), Vec::new());
        for r in &self.runs {
            if !sc.contains(&r.scenario) {
                sc.push(r.scenario.clone());
            }
            let k = (r.strategy.clone(), r.params.clone());
            if !st.contains(&k) {
                st.push(k);
            }
        }
        (sc, st)
    }
}
