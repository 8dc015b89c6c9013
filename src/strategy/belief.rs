//! The belief model the built-in honest strategies share. It is the *provider's* own
//! knowledge, not the scenario's: log-odds that an alert is malicious from a prior base
//! rate, the detector's score and severity, and likelihood tables over what the records
//! say — telemetry indicators (`AsnSeenBefore = "false"`), organizational facts
//! (`change.status = "approved"`), and the provider's own past cases with their recorded
//! outcomes. The tables are generic security knowledge (the same for every customer;
//! docs/strategies.md says where each weight comes from and how the thresholds were
//! chosen), overridable with `--set params.belief.…`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::view::{CaseView, Decision, Observation};
use crate::event::{ContextKind, Verdict};
use crate::scenario::Severity;

/// Log-likelihood ratios by name, then value: `{ AsnSeenBefore = { false = 0.9 } }`.
pub type Table = BTreeMap<String, BTreeMap<String, f64>>;

/// Weights on the provider's own history: the log-ratio of malicious to benign recorded
/// outcomes among similar past cases, per kind of similarity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HistoricWeights {
    /// Same rule on a shared entity (the same admin tool on the same server).
    pub same_rule_and_entity: f64,
    /// Same rule, other entities.
    pub same_rule: f64,
    /// Other rules on a shared entity (a host already confirmed compromised).
    pub same_entity: f64,
    /// Largest absolute contribution of history.
    pub cap: f64,
}

impl Default for HistoricWeights {
    fn default() -> Self {
        HistoricWeights {
            same_rule_and_entity: 0.6,
            same_rule: 0.2,
            same_entity: 0.5,
            cap: 2.5,
        }
    }
}

/// Parameters of the belief model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BeliefParams {
    /// Assumed share of alerts that are malicious before looking (base rate).
    pub prior: f64,
    /// Log-odds per unit of detector score above 0.5.
    pub score_weight: f64,
    /// Log-odds added per severity: low, medium, high, critical.
    pub severity_weight: [f64; 4],
    /// Telemetry indicators: field → value → log-likelihood ratio, each counted once
    /// per case, over the records returned and the record a rule matched.
    pub telemetry: Table,
    /// Organizational indicators: `kind.field` → value → log-likelihood ratio.
    pub organizational: Table,
    /// History.
    pub historic: HistoricWeights,
}

fn table(entries: &[(&str, &str, f64)]) -> Table {
    let mut t = Table::new();
    for (k, v, w) in entries {
        t.entry(k.to_string())
            .or_default()
            .insert(v.to_string(), *w);
    }
    t
}

/// Generic telemetry indicators and their weights (see docs/strategies.md).
fn telemetry_indicators() -> Table {
    table(&[
        ("AsnSeenBefore", "false", 0.9),
        ("AsnSeenBefore", "true", -0.9),
        ("CallerType", "AssumedRole", -0.6),
        ("CallerType", "IAMUser", 0.4),
        ("Destination", "common", -0.7),
        ("Destination", "first_seen", 1.0),
        ("DestinationKind", "personal_cloud", 0.6),
        ("DestinationKind", "sanctioned", -0.8),
        ("DeviceManaged", "false", 0.7),
        ("DeviceManaged", "true", -0.5),
        ("Hour", "business_hours", -0.2),
        ("Hour", "off_hours", 0.3),
        ("ParentProcess", "browser", 0.4),
        ("ParentProcess", "explorer", -0.3),
        ("ParentProcess", "management_agent", -1.2),
        ("ParentProcess", "office_app", 1.2),
        ("Signer", "trusted", -0.4),
        ("Signer", "untrusted", 0.9),
        ("SourceHostRole", "admin_jumpbox", -1.0),
        ("SourceHostRole", "deployment_server", -1.2),
        ("SourceHostRole", "workstation", 0.6),
        ("SourceNetwork", "cloud_provider", 0.3),
        ("SourceNetwork", "corporate", -0.8),
        ("SourceNetwork", "residential", 0.8),
        ("TokenReplay", "true", 1.4),
        ("UserAgent", "cli_unusual", 0.7),
        ("UserAgent", "sdk_ci", -0.6),
        ("Volume", "above_user_baseline", 0.7),
        ("Volume", "within_user_baseline", -0.6),
    ])
}

/// Generic organizational indicators and their weights (see docs/strategies.md).
fn organizational_indicators() -> Table {
    table(&[
        ("change.status", "approved", -1.6),
        ("change.status", "pending", -0.4),
        ("helpdesk.request", "mfa_reset", -1.4),
        ("helpdesk.request", "new_device", -1.0),
        ("hr.status", "on_leave", 0.5),
        ("hr.status", "resigned", 1.2),
        ("iac.expected_caller", "true", -1.2),
        ("project.status", "migration", -1.2),
        ("travel.status", "booked", -1.3),
    ])
}

impl Default for BeliefParams {
    fn default() -> Self {
        BeliefParams {
            prior: 0.1,
            score_weight: 4.0,
            severity_weight: [-0.5, 0.0, 0.5, 1.0],
            telemetry: telemetry_indicators(),
            organizational: organizational_indicators(),
            historic: HistoricWeights::default(),
        }
    }
}

/// A belief and the records it rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    /// Log-odds that the case is malicious.
    pub log_odds: f64,
    /// `seq`s of the records that moved the belief (cite these).
    pub cited: Vec<u64>,
}

impl Assessment {
    /// Probability that the case is malicious.
    pub fn probability(&self) -> f64 {
        1.0 / (1.0 + (-self.log_odds).exp())
    }

    /// The verdict this belief points to (malicious at p ≥ 0.5, with containment of the
    /// alert's entities), citing the records it rests on; `who` opens the rationale.
    pub fn verdict(&self, case: &CaseView<'_>, who: &str) -> Decision {
        let p = self.probability();
        let (verdict, confidence, contain) = if p >= 0.5 {
            (Verdict::Malicious, p, case.default_containment())
        } else {
            (Verdict::Benign, 1.0 - p, Vec::new())
        };
        Decision::Verdict {
            verdict,
            confidence,
            evidence: self.cited.clone(),
            rationale: format!(
                "{who}: belief {p:.3} malicious from {} records",
                self.cited.len()
            ),
            contain,
        }
    }
}

impl BeliefParams {
    /// Log-odds from the alert alone (prior, score, severity).
    pub fn alert_log_odds(&self, case: &CaseView<'_>) -> f64 {
        let p = self.prior.clamp(1e-6, 1.0 - 1e-6);
        let sev = match case.alert.severity {
            Severity::Low => 0,
            Severity::Medium => 1,
            Severity::High => 2,
            Severity::Critical => 3,
        };
        (p / (1.0 - p)).ln() + self.score_weight * (case.alert.score - 0.5) + self.severity_weight[sev]
    }

    /// The belief from the alert and every record gathered so far.
    pub fn assess(&self, case: &CaseView<'_>) -> Assessment {
        let mut a = Assessment {
            log_odds: self.alert_log_odds(case),
            cited: Vec::new(),
        };
        let mut counted: Vec<(&str, &str)> = Vec::new();
        let telemetry = case.matched_record().into_iter().chain(case.records(ContextKind::Telemetry));
        for r in telemetry {
            if let Observation::Telemetry { seq, fields, .. } = r {
                let mut used = false;
                for (k, v) in fields {
                    let Some(w) = self.telemetry.get(&**k).and_then(|t| t.get(&**v)) else {
                        continue;
                    };
                    if !counted.contains(&(k, v)) {
                        counted.push((k, v));
                        a.log_odds += w;
                        used = true;
                    }
                }
                if used {
                    a.cited.push(seq);
                }
            }
        }
        let mut facts: Vec<(String, &str)> = Vec::new();
        for r in case.records(ContextKind::Organizational) {
            if let Observation::Fact { seq, kind, fields, .. } = r {
                let mut used = false;
                for (k, v) in fields {
                    let name = format!("{kind}.{k}");
                    let Some(w) = self.organizational.get(&name).and_then(|t| t.get(&**v)) else {
                        continue;
                    };
                    if !facts.iter().any(|(n, x)| *n == name && *x == &**v) {
                        facts.push((name, v));
                        a.log_odds += w;
                        used = true;
                    }
                }
                if used {
                    a.cited.push(seq);
                }
            }
        }
        self.add_history(case, &mut a);
        a
    }

    fn add_history(&self, case: &CaseView<'_>, a: &mut Assessment) {
        // (malicious, benign) recorded outcomes per similarity class.
        let mut counts = [(0u32, 0u32); 3];
        let mut cited = Vec::new();
        for r in case.records(ContextKind::Historic) {
            let Observation::Case {
                seq,
                rule,
                entities,
                verdict,
                ..
            } = r
            else {
                continue;
            };
            let same_rule = case.rule(rule) == Some(case.alert.rule);
            let shared = entities.iter().any(|e| case.alert.entities.contains(e));
            let class = match (same_rule, shared) {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => 2,
                (false, false) => continue,
            };
            match verdict {
                Verdict::Malicious => counts[class].0 += 1,
                Verdict::Benign => counts[class].1 += 1,
            }
            cited.push(seq);
        }
        let h = &self.historic;
        let ratio = |(m, b): (u32, u32)| ((m as f64 + 0.5) / (b as f64 + 0.5)).ln();
        let total = h.same_rule_and_entity * ratio(counts[0])
            + h.same_rule * ratio(counts[1])
            + h.same_entity * ratio(counts[2]);
        if total != 0.0 {
            a.log_odds += total.clamp(-h.cap, h.cap);
            a.cited.extend(cited);
        }
    }
}
