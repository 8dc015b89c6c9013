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
/// outcomes among similar past cases of the same rule; and, for other rules on a
/// shared entity, only confirmed-malicious outcomes (a busy host's benign noise says
/// nothing about a new kind of alert on it; a confirmed compromise does).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HistoricWeights {
    /// Same rule on a shared entity (the same admin tool on the same server).
    pub same_rule_and_entity: f64,
    /// Same rule, other entities.
    pub same_rule: f64,
    /// Per unit of ln(1 + malicious outcomes) of other rules on a shared entity.
    pub same_entity_malicious: f64,
    /// Largest absolute contribution of history.
    pub cap: f64,
}

impl Default for HistoricWeights {
    fn default() -> Self {
        HistoricWeights {
            same_rule_and_entity: 0.4,
            same_rule: 0.2,
            same_entity_malicious: 1.0,
            cap: 2.0,
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
    /// Telemetry indicators: field → value → log-likelihood ratio. Only records within
    /// `focus_ms` of the alert count (the alerted activity, not the host's whole day),
    /// and per field only the value of the record nearest the alert; the record a rule
    /// matched comes first.
    pub telemetry: Table,
    /// How near the alert a telemetry record must be to describe its activity, ms.
    pub focus_ms: u64,
    /// Organizational indicators: kind → field → value → log-likelihood ratio.
    pub organizational: BTreeMap<String, Table>,
    /// After an organizational query: log-likelihood ratio when it found no fact of this
    /// kind about the alert's entities (no change ticket behind an admin action).
    pub organizational_absent: BTreeMap<String, f64>,
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
fn organizational_indicators() -> BTreeMap<String, Table> {
    [
        (
            "change",
            table(&[("status", "approved", -1.6), ("status", "pending", -0.4)]),
        ),
        (
            "helpdesk",
            table(&[
                ("request", "mfa_reset", -1.4),
                ("request", "new_device", -1.0),
            ]),
        ),
        (
            "hr",
            table(&[("status", "on_leave", 0.5), ("status", "resigned", 1.2)]),
        ),
        ("iac", table(&[("expected_caller", "true", -1.2)])),
        ("project", table(&[("status", "migration", -1.2)])),
        ("travel", table(&[("status", "booked", -1.3)])),
    ]
    .into_iter()
    .map(|(k, t)| (k.to_string(), t))
    .collect()
}

impl Default for BeliefParams {
    fn default() -> Self {
        BeliefParams {
            prior: 0.1,
            score_weight: 4.0,
            severity_weight: [-0.5, 0.0, 0.5, 1.0],
            telemetry: telemetry_indicators(),
            focus_ms: 15 * 60 * 1000,
            organizational: organizational_indicators(),
            organizational_absent: [("change".to_string(), 0.4)].into(),
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
        (p / (1.0 - p)).ln()
            + self.score_weight * (case.alert.score - 0.5)
            + self.severity_weight[sev]
    }

    /// The belief from the alert and every record gathered so far.
    pub fn assess(&self, case: &CaseView<'_>) -> Assessment {
        let mut a = Assessment {
            log_odds: self.alert_log_odds(case),
            cited: Vec::new(),
        };
        self.add_telemetry(case, &mut a);
        self.add_facts(case, &mut a);
        self.add_history(case, &mut a);
        a
    }

    fn add_telemetry(&self, case: &CaseView<'_>, a: &mut Assessment) {
        let raised = case.alert.raised_at.ms();
        // Records about the activity, nearest first (the matched record nearest of all).
        let mut near: Vec<(u64, u64, &crate::scenario::Fields)> = case
            .records(ContextKind::Telemetry)
            .filter_map(|r| match r {
                Observation::Telemetry {
                    handle: seq,
                    at,
                    fields,
                    ..
                } => {
                    let d = at.ms().abs_diff(raised);
                    (d <= self.focus_ms).then_some((d + 1, seq, fields))
                }
                _ => None,
            })
            .collect();
        if let Some(Observation::Telemetry {
            handle: seq,
            fields,
            ..
        }) = case.matched_record()
        {
            near.push((0, seq, fields));
        }
        near.sort_by_key(|(d, seq, _)| (*d, std::cmp::Reverse(*seq)));
        let mut decided: Vec<&str> = Vec::new();
        for (_, seq, fields) in near {
            let mut used = false;
            for (k, v) in fields {
                if decided.contains(&&**k) {
                    continue;
                }
                decided.push(k);
                if let Some(w) = self.telemetry.get(&**k).and_then(|t| t.get(&**v)) {
                    a.log_odds += w;
                    used = true;
                }
            }
            if used && !a.cited.contains(&seq) {
                a.cited.push(seq);
            }
        }
    }

    fn add_facts(&self, case: &CaseView<'_>, a: &mut Assessment) {
        let mut counted: Vec<(&str, &str, &str)> = Vec::new();
        let mut kinds: Vec<&str> = Vec::new();
        for r in case.records(ContextKind::Organizational) {
            let Observation::Fact {
                handle: seq,
                kind,
                fields,
                ..
            } = r
            else {
                continue;
            };
            kinds.push(kind);
            let Some(table) = self.organizational.get(kind) else {
                continue;
            };
            let mut used = false;
            for (k, v) in fields {
                let Some(w) = table.get(&**k).and_then(|t| t.get(&**v)) else {
                    continue;
                };
                if !counted.contains(&(kind, k, v)) {
                    counted.push((kind, k, v));
                    a.log_odds += w;
                    used = true;
                }
            }
            if used {
                a.cited.push(seq);
            }
        }
        if case.queried(ContextKind::Organizational) {
            for (kind, w) in &self.organizational_absent {
                if !kinds.contains(&kind.as_str()) {
                    a.log_odds += w;
                }
            }
        }
    }

    fn add_history(&self, case: &CaseView<'_>, a: &mut Assessment) {
        // (malicious, benign) recorded outcomes per similarity class.
        let mut counts = [(0u32, 0u32); 3];
        let mut cited = Vec::new();
        for r in case.records(ContextKind::Historic) {
            let Observation::Case {
                handle: seq,
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
            + h.same_entity_malicious * (counts[2].0 as f64).ln_1p();
        if total != 0.0 {
            a.log_odds += total.clamp(-h.cap, h.cap);
            a.cited.extend(cited);
        }
    }
}
