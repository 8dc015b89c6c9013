//! The cost table's priced parts: what reaching an objective, an hour of disruption and
//! an eradication cost, each by kind, with the cited defaults (docs/metrics.md). A table
//! may give one number for a part; it prices every kind alike.

use serde::{Deserialize, Serialize};

use crate::event::Objective;

/// What reaching an objective costs, by kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ImpactPrices {
    /// Data stolen (the generic breach).
    pub data_breach: f64,
    /// Systems encrypted for ransom.
    pub ransomware: f64,
    /// A mailbox taken over for fraud.
    pub business_email_compromise: f64,
    /// An insider taking data.
    pub insider_theft: f64,
}

/// A group of prices written as one number (every key alike) or as a table.
pub(super) trait Flat {
    fn flat(x: f64) -> Self;
}

impl Flat for ImpactPrices {
    fn flat(x: f64) -> Self {
        ImpactPrices {
            data_breach: x,
            ransomware: x,
            business_email_compromise: x,
            insider_theft: x,
        }
    }
}

impl Flat for DisruptionPrices {
    fn flat(x: f64) -> Self {
        DisruptionPrices {
            low: x,
            medium: x,
            high: x,
            critical: x,
        }
    }
}

impl Flat for EradicationPrices {
    fn flat(x: f64) -> Self {
        EradicationPrices {
            reset_credentials: x,
            reimage_host: x,
            revoke_grant: x,
        }
    }
}

/// `impact = 4880000` or `[impact] ransomware = …`: a number, or the table (whose own
/// errors name the unknown key).
pub(super) fn flat_or<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Flat + serde::de::DeserializeOwned,
{
    let v = toml::Value::deserialize(d)?;
    match v {
        toml::Value::Integer(i) => Ok(T::flat(i as f64)),
        toml::Value::Float(x) => Ok(T::flat(x)),
        other => T::deserialize(other).map_err(serde::de::Error::custom),
    }
}

impl Default for ImpactPrices {
    fn default() -> Self {
        ImpactPrices {
            // IBM Security, Cost of a Data Breach Report 2024: global average total cost
            // of a breach, USD 4.88 million.
            data_breach: 4_880_000.0,
            // Sophos, The State of Ransomware 2024: mean cost to recover from a ransomware
            // attack, excluding any ransom, USD 2.73 million.
            ransomware: 2_730_000.0,
            // FBI IC3 Internet Crime Report 2023: business email compromise, USD
            // 2,946,830,270 adjusted losses over 21,489 complaints ≈ USD 137,132 each.
            business_email_compromise: 137_132.0,
            // IBM, Cost of a Data Breach Report 2024: breaches initiated by a malicious
            // insider averaged USD 4.99 million.
            insider_theft: 4_990_000.0,
        }
    }
}

impl ImpactPrices {
    /// The price of reaching `objective`.
    pub fn of(&self, objective: Objective) -> f64 {
        match objective {
            Objective::DataBreach => self.data_breach,
            Objective::Ransomware => self.ransomware,
            Objective::BusinessEmailCompromise => self.business_email_compromise,
            Objective::InsiderTheft => self.insider_theft,
        }
    }
}

/// An hour of an entity contained, by criticality (one number prices every tier).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DisruptionPrices {
    /// Little depends on it.
    pub low: f64,
    /// One person's work.
    pub medium: f64,
    /// A team's work.
    pub high: f64,
    /// The business's.
    pub critical: f64,
}

impl Default for DisruptionPrices {
    fn default() -> Self {
        DisruptionPrices {
            // Assumption: a quarter of one person's hour (a blocked domain or a spare
            // machine rarely stops anyone).
            low: 7.87,
            // US BLS, Occupational Employment and Wage Statistics, May 2023: mean hourly
            // wage, all occupations, USD 31.48 — one person's lost working hour.
            medium: 31.48,
            // Assumption: a team of 25 people at that wage.
            high: 787.0,
            // ITIC 2024 Hourly Cost of Downtime survey: over 90% of mid-size and large
            // enterprises put one hour of downtime above USD 300,000.
            critical: 300_000.0,
        }
    }
}

/// An eradication, per act (one number prices every kind).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct EradicationPrices {
    /// Resetting a user's or identity's credentials.
    pub reset_credentials: f64,
    /// Reimaging a host.
    pub reimage_host: f64,
    /// Revoking a consent grant.
    pub revoke_grant: f64,
}

impl Default for EradicationPrices {
    fn default() -> Self {
        EradicationPrices {
            // Forrester Research (widely cited): USD 70 of help-desk labour per password
            // reset.
            reset_credentials: 70.0,
            // Assumption: 2 hours of an analyst (USD 57.87) and 4 lost hours of the
            // machine's user (USD 31.48).
            reimage_host: 241.66,
            // Assumption: 1 hour of an analyst.
            revoke_grant: 57.87,
        }
    }
}
