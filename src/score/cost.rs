//! One number to rank on, with its weights in view: a run's cost is a weighted sum of
//! what the design counts (DESIGN §5) — attacker dwell, impact, disruption, the
//! customer's hours, the provider's hours. The table is data: `eval --costs FILE`
//! replaces it, and the manifest records the one used.

use serde::{Deserialize, Serialize};

use super::Metrics;

/// Weights, in `currency` per unit. See docs/metrics.md for the sources of the defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CostTable {
    /// The unit of every weight (a label only).
    pub currency: String,
    /// Per campaign that reached its objective.
    pub impact: f64,
    /// Per hour an attack campaign ran before its own detection contained it (or until
    /// the horizon).
    pub attacker_dwell_hour: f64,
    /// Per hour an entity was contained while innocent.
    pub disruption_hour: f64,
    /// Per hour of work pushed onto the customer's team.
    pub customer_hour: f64,
    /// Per hour of provider work.
    pub provider_hour: f64,
}

impl Default for CostTable {
    fn default() -> Self {
        CostTable {
            currency: "USD".into(),
            // IBM Security, Cost of a Data Breach Report 2024: global average total cost
            // of a breach, USD 4.88 million.
            impact: 4_880_000.0,
            // No well-sourced per-hour figure exists; dwell still costs through impact.
            // Set it in your own table to weigh speed for its own sake.
            attacker_dwell_hour: 0.0,
            // US BLS, Occupational Employment and Wage Statistics, May 2023: mean hourly
            // wage, all occupations, USD 31.48 — one person's lost working hour.
            disruption_hour: 31.48,
            // US BLS, May 2023: median pay of information security analysts, USD 120,360
            // a year ≈ USD 57.87 an hour (wages only, no overhead).
            customer_hour: 57.87,
            provider_hour: 57.87,
        }
    }
}

impl CostTable {
    /// Reads a TOML cost table; errors name the file, line and field.
    pub fn load(path: &std::path::Path) -> crate::Result<CostTable> {
        let text = crate::budget::read_text(path)?;
        let de = toml::Deserializer::parse(&text).map_err(|e| bad(path, &text, "(syntax)", &e))?;
        let table: CostTable = serde_path_to_error::deserialize(de)
            .map_err(|e| bad(path, &text, &e.path().to_string(), e.inner()))?;
        for (field, w) in [
            ("impact", table.impact),
            ("attacker_dwell_hour", table.attacker_dwell_hour),
            ("disruption_hour", table.disruption_hour),
            ("customer_hour", table.customer_hour),
            ("provider_hour", table.provider_hour),
        ] {
            if !w.is_finite() || w < 0.0 {
                return Err(crate::Error::Scenario {
                    file: path.to_path_buf(),
                    line: crate::scenario::locate::field_line(&text, field),
                    field: field.into(),
                    message: format!("a weight must be a finite number ≥ 0, got {w}"),
                });
            }
        }
        Ok(table)
    }

    /// The cost of a run with these metrics.
    pub fn cost(&self, m: &Metrics) -> f64 {
        self.impact * m.impacted as f64
            + self.attacker_dwell_hour * m.attacker_dwell_hours
            + self.disruption_hour * m.disruption_hours
            + self.customer_hour * m.customer_work_hours
            + self.provider_hour * m.provider_work_hours
    }
}

fn bad(path: &std::path::Path, text: &str, field: &str, e: &toml::de::Error) -> crate::Error {
    crate::Error::Scenario {
        file: path.to_path_buf(),
        line: e
            .span()
            .map(|s| crate::scenario::load::line_of(text, s.start)),
        field: field.to_string(),
        message: e.message().trim().replace('\n', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cost_is_the_weighted_sum() {
        let mut m = Metrics::empty(1);
        (m.impacted, m.attacker_dwell_hours, m.disruption_hours) = (1, 10.0, 4.0);
        (m.customer_work_hours, m.provider_work_hours) = (2.0, 3.0);
        let t = CostTable {
            currency: "X".into(),
            impact: 1000.0,
            attacker_dwell_hour: 5.0,
            disruption_hour: 2.0,
            customer_hour: 7.0,
            provider_hour: 11.0,
        };
        assert_eq!(t.cost(&m), 1000.0 + 50.0 + 8.0 + 14.0 + 33.0);
    }
}
