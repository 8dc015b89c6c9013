//! The primary objective: what a run cost the customer, priced like the real thing —
//! each campaign that reached its objective at what that objective is worth, each hour
//! an innocent entity was contained at what the business loses by it, the provider's
//! staff for every hour they are on shift (busy or not) and its automation per action,
//! the customer's hours, eradications and call-outs. The table is data: `eval --costs
//! FILE` replaces it, and the manifest records the one used. Sources: docs/metrics.md.

use serde::{Deserialize, Serialize};

use super::Metrics;
use super::record::RunRecords;

mod prices;
use prices::flat_or;
pub use prices::{DisruptionPrices, EradicationPrices, ImpactPrices};

/// Prices, in `currency`. See docs/metrics.md for the sources of the defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CostTable {
    /// The unit of every price (a label only).
    pub currency: String,
    /// Per campaign that reached its objective, by objective kind (a scenario may state
    /// a campaign's own worth instead). A single number prices every kind alike.
    #[serde(deserialize_with = "flat_or")]
    pub impact: ImpactPrices,
    /// Per hour an innocent entity was contained, by its criticality.
    #[serde(deserialize_with = "flat_or")]
    pub disruption_hour: DisruptionPrices,
    /// Per eradication carried out.
    #[serde(deserialize_with = "flat_or")]
    pub eradication: EradicationPrices,
    /// Per worker-hour an analyst pool has on shift.
    pub analyst_hour: f64,
    /// Per worker-hour an expert pool has on shift.
    pub expert_hour: f64,
    /// Per action an automation pool completes.
    pub automation_action: f64,
    /// Per hour of work pushed onto the customer's team.
    pub customer_hour: f64,
    /// Per customer task the on-call picked up out of hours.
    pub on_call_callout: f64,
    /// Per hour an attack campaign ran before its own detection contained it.
    pub attacker_dwell_hour: f64,
}

impl Default for CostTable {
    fn default() -> Self {
        CostTable {
            currency: "USD".into(),
            impact: ImpactPrices::default(),
            disruption_hour: DisruptionPrices::default(),
            eradication: EradicationPrices::default(),
            // US BLS, May 2023: median pay of information security analysts, USD 120,360
            // a year ≈ USD 57.87 an hour (2,080 hours; wages only, no overhead).
            analyst_hour: 57.87,
            // US BLS, May 2023: the highest 10% of information security analysts earned
            // more than USD 182,370 a year ≈ USD 87.68 an hour.
            expert_hour: 87.68,
            // Assumption: one model call of ~10k tokens at ~USD 10 per million tokens.
            automation_action: 0.10,
            customer_hour: 57.87,
            // Assumption: 2 hours at time and a half of the analyst's wage (the US FLSA
            // overtime rate) per out-of-hours call-out.
            on_call_callout: 173.61,
            // No well-sourced per-hour figure exists; dwell already costs through impact.
            attacker_dwell_hour: 0.0,
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
        for (field, w) in table.prices() {
            if !w.is_finite() || w < 0.0 {
                return Err(crate::Error::Scenario {
                    file: path.to_path_buf(),
                    line: crate::scenario::locate::field_line(
                        &text,
                        field.rsplit('.').next().unwrap_or(field),
                    ),
                    field: field.into(),
                    message: format!("a price must be a finite number ≥ 0, got {w}"),
                });
            }
        }
        Ok(table)
    }

    /// Every price with its key.
    fn prices(&self) -> [(&'static str, f64); 16] {
        let (i, d, e) = (&self.impact, &self.disruption_hour, &self.eradication);
        [
            ("impact.data_breach", i.data_breach),
            ("impact.ransomware", i.ransomware),
            (
                "impact.business_email_compromise",
                i.business_email_compromise,
            ),
            ("impact.insider_theft", i.insider_theft),
            ("disruption_hour.low", d.low),
            ("disruption_hour.medium", d.medium),
            ("disruption_hour.high", d.high),
            ("disruption_hour.critical", d.critical),
            ("eradication.reset_credentials", e.reset_credentials),
            ("eradication.reimage_host", e.reimage_host),
            ("eradication.revoke_grant", e.revoke_grant),
            ("analyst_hour", self.analyst_hour),
            ("expert_hour", self.expert_hour),
            ("automation_action", self.automation_action),
            ("customer_hour", self.customer_hour),
            ("on_call_callout", self.on_call_callout),
        ]
    }

    /// Prices a run: fills `m`'s `cost_*` parts and `cost` from its quantities and, for
    /// impact, the objective (or stated worth) of each campaign that reached it.
    pub fn price(&self, run: &RunRecords, m: &mut Metrics) {
        m.cost_impact = run
            .campaigns
            .iter()
            .filter(|c| c.malicious && c.impact)
            .map(|c| c.stated_worth.unwrap_or(self.impact.of(c.objective)))
            .fold(0.0, |sum, x| sum + x);
        self.price_quantities(m);
    }

    /// Prices everything but impact from `m`'s own columns (`cost_impact` kept).
    pub fn price_quantities(&self, m: &mut Metrics) {
        let d = &self.disruption_hour;
        m.cost_disruption = d.low * m.disruption_hours_low
            + d.medium * m.disruption_hours_medium
            + d.high * m.disruption_hours_high
            + d.critical * m.disruption_hours_critical;
        m.cost_staffing = self.analyst_hour * m.staffed_analyst_hours
            + self.expert_hour * m.staffed_expert_hours
            + self.automation_action * m.automation_actions as f64;
        m.cost_customer = self.customer_hour * m.customer_work_hours;
        let e = &self.eradication;
        m.cost_eradication = e.reset_credentials * m.credential_resets as f64
            + e.reimage_host * m.host_reimages as f64
            + e.revoke_grant * m.grant_revocations as f64;
        m.cost_on_call = self.on_call_callout * m.on_call_callouts as f64;
        m.cost_dwell = self.attacker_dwell_hour * m.attacker_dwell_hours;
        m.cost = m.cost_impact
            + m.cost_disruption
            + m.cost_staffing
            + m.cost_customer
            + m.cost_eradication
            + m.cost_on_call
            + m.cost_dwell;
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
    use crate::event::Objective;
    use crate::score::record::CampaignRecord;
    use prices::Flat;

    /// A hand-worked run: a ransomware campaign that reached its objective, a BEC one
    /// with a stated worth that did too, one that did not; every quantity set.
    #[test]
    fn the_cost_is_each_quantity_at_its_price() {
        let campaign = |objective, impact, stated_worth| CampaignRecord {
            malicious: true,
            impact,
            objective,
            stated_worth,
            ..CampaignRecord::default()
        };
        let run = RunRecords {
            horizon_ms: 0,
            alerts: Vec::new(),
            campaigns: vec![
                campaign(Objective::Ransomware, true, None),
                campaign(Objective::BusinessEmailCompromise, true, Some(5.0)),
                campaign(Objective::DataBreach, false, None),
            ],
            staffed_hours: [0.0, 0.0],
            first_strategy_error: None,
        };
        let mut m = Metrics::empty(3);
        (m.disruption_hours_low, m.disruption_hours_medium) = (1.0, 2.0);
        (m.disruption_hours_high, m.disruption_hours_critical) = (3.0, 4.0);
        (
            m.staffed_analyst_hours,
            m.staffed_expert_hours,
            m.automation_actions,
        ) = (10.0, 20.0, 30);
        (m.credential_resets, m.host_reimages, m.grant_revocations) = (1, 2, 3);
        (
            m.customer_work_hours,
            m.on_call_callouts,
            m.attacker_dwell_hours,
        ) = (7.0, 2, 9.0);
        let t = CostTable {
            currency: "X".into(),
            impact: ImpactPrices {
                data_breach: 1e6,
                ransomware: 1000.0,
                business_email_compromise: 1e9,
                insider_theft: 1e9,
            },
            disruption_hour: DisruptionPrices {
                low: 1.0,
                medium: 10.0,
                high: 100.0,
                critical: 1000.0,
            },
            eradication: EradicationPrices {
                reset_credentials: 1.0,
                reimage_host: 10.0,
                revoke_grant: 100.0,
            },
            analyst_hour: 2.0,
            expert_hour: 3.0,
            automation_action: 0.5,
            customer_hour: 4.0,
            on_call_callout: 6.0,
            attacker_dwell_hour: 1.0,
        };
        t.price(&run, &mut m);
        // Impact: ransomware at the table's 1000 + the BEC campaign's own 5.
        assert_eq!(m.cost_impact, 1005.0);
        assert_eq!(m.cost_disruption, 1.0 + 20.0 + 300.0 + 4000.0);
        assert_eq!(m.cost_staffing, 20.0 + 60.0 + 15.0);
        assert_eq!(m.cost_eradication, 1.0 + 20.0 + 300.0);
        assert_eq!(
            (m.cost_customer, m.cost_on_call, m.cost_dwell),
            (28.0, 12.0, 9.0)
        );
        assert_eq!(m.cost, 1005.0 + 4321.0 + 95.0 + 321.0 + 28.0 + 12.0 + 9.0);
    }

    #[test]
    fn a_single_impact_number_prices_every_objective() {
        let t: CostTable = toml::from_str("impact = 10\n[disruption_hour]\nhigh = 1").unwrap();
        assert_eq!(t.impact.of(Objective::Ransomware), 10.0);
        assert_eq!(t.impact.of(Objective::InsiderTheft), 10.0);
        assert_eq!(t.disruption_hour.high, 1.0);
        // Unnamed tiers keep their defaults.
        assert_eq!(t.disruption_hour.medium, 31.48);
        let t: CostTable = toml::from_str("disruption_hour = 0\neradication = 2.5").unwrap();
        assert_eq!(t.disruption_hour, DisruptionPrices::flat(0.0));
        assert_eq!(t.eradication.reimage_host, 2.5);
        let e = toml::from_str::<CostTable>("[impact]\nransomwear = 1").unwrap_err();
        assert!(e.to_string().contains("ransomwear"), "{e}");
    }
}
