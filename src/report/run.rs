//! The report of a single run, printed identically by `run` and `replay`.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::event::RunHeader;
use crate::score::Metrics;

/// Output format of a report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for a terminal.
    #[default]
    Table,
    /// One JSON document.
    Json,
}

/// What a single run reports: its identity and its scores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunReport {
    /// Scenario name.
    pub scenario: String,
    /// Strategy name.
    pub strategy: String,
    /// Master seed.
    pub seed: u64,
    /// The scores.
    pub metrics: Metrics,
}

impl RunReport {
    /// The report of the run `header` describes.
    pub fn new(header: &RunHeader, metrics: Metrics) -> Self {
        RunReport {
            scenario: header.scenario.clone(),
            strategy: header.strategy.clone(),
            seed: header.seed,
            metrics,
        }
    }

    /// Renders the report, ending with a newline.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => {
                let mut s = serde_json::to_string_pretty(self)
                    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
                s.push('\n');
                s
            }
            Format::Table => self.table(),
        }
    }

    fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "scenario  {}\nstrategy  {}\nseed      {}\n",
            self.scenario, self.strategy, self.seed
        );
        let value = serde_json::to_value(&self.metrics).unwrap_or_default();
        let Some(map) = value.as_object() else {
            return out;
        };
        let width = map.keys().map(|k| k.len()).max().unwrap_or(0);
        for (k, v) in map {
            let shown = match v {
                serde_json::Value::Null => "n/a".to_string(),
                serde_json::Value::Number(n) if n.is_f64() => {
                    format!("{:.4}", n.as_f64().unwrap_or(f64::NAN))
                }
                other => other.to_string(),
            };
            let _ = writeln!(out, "{k:<width$}  {shown:>12}");
        }
        out
    }
}
