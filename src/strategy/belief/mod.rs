//! The belief model the built-in honest strategies share. It is the *provider's* own
//! knowledge, not the scenario's: log-odds that an alert is malicious from a prior base
//! rate, the detector's score and severity, and likelihood tables over what the records
//! say — telemetry indicators (`AsnSeenBefore = "false"`), organizational facts
//! (`change.status = "approved"`), and the provider's own past cases with their recorded
//! outcomes. The tables are generic security knowledge (the same for every customer;
//! docs/strategies.md says where each weight comes from and how the thresholds were
//! chosen), overridable with `--set params.belief.…`.

mod tables;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::view::{CaseView, Observation};
use super::{ContainRequest, Decision};
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
    /// The activity each detector or telemetry source reports (`entra_signin` →
    /// `sign_in`); a detection rule's alert takes its matched record's source.
    pub activity: BTreeMap<String, String>,
    /// The activities each kind of fact can explain (`travel` → `sign_in`). A fact
    /// counts only about the alert's own entities (or their directory owners) and only
    /// for an activity its kind explains; a kind not listed explains any activity.
    pub explains: BTreeMap<String, Vec<String>>,
    /// History.
    pub historic: HistoricWeights,
}

impl Default for BeliefParams {
    fn default() -> Self {
        BeliefParams {
            prior: 0.1,
            score_weight: 4.0,
            severity_weight: [-0.5, 0.0, 0.5, 1.0],
            telemetry: tables::telemetry_indicators(),
            focus_ms: 15 * 60 * 1000,
            organizational: tables::organizational_indicators(),
            organizational_absent: [("change".to_string(), 0.4)].into(),
            activity: tables::activities(),
            explains: tables::explanations(),
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

    /// A verdict the caller chose, stating the probability of *that* verdict from this
    /// belief (P for malicious, 1 − P for benign) and citing the records it rests on;
    /// `who` opens the rationale.
    pub fn verdict(&self, verdict: Verdict, who: &str, contain: Vec<ContainRequest>) -> Decision {
        let p = self.probability();
        let confidence = match verdict {
            Verdict::Malicious => p,
            Verdict::Benign => 1.0 - p,
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

    /// The activity the alert reports: its detector's, or for a detection rule the
    /// source of the record it matched.
    pub fn activity_of<'c>(&'c self, case: &CaseView<'_>) -> Option<&'c str> {
        let by_detector = self.activity.get(case.alert.rule.source.as_str());
        let by_record = || match case.matched_record() {
            Some(Observation::Telemetry { source, .. }) => self.activity.get(source),
            _ => None,
        };
        by_detector.or_else(by_record).map(String::as_str)
    }

    /// Whether a fact of `kind` can explain this alert's activity.
    fn explains(&self, kind: &str, activity: Option<&str>) -> bool {
        self.explains
            .get(kind)
            .is_none_or(|can| activity.is_some_and(|a| can.iter().any(|c| c == a)))
    }

    /// The alert's entities and the owners the directory names for them (an analyst
    /// follows a laptop to its user).
    fn subjects<'c>(&self, case: &CaseView<'c>) -> Vec<&'c str> {
        let mut names: Vec<&str> = case
            .alert
            .entities
            .iter()
            .map(|&e| case.entity_name(e))
            .collect();
        for r in case.records(ContextKind::Organizational) {
            if let Observation::Fact {
                kind: "directory",
                entity,
                fields,
                ..
            } = r
                && case.alert.entities.contains(&entity)
                && let Some((_, owner)) = fields.iter().find(|(k, _)| k.as_ref() == "owner")
            {
                names.push(owner);
            }
        }
        names
    }

    fn add_facts(&self, case: &CaseView<'_>, a: &mut Assessment) {
        let activity = self.activity_of(case);
        let subjects = self.subjects(case);
        let mut counted: Vec<(&str, &str, &str)> = Vec::new();
        let mut kinds: Vec<&str> = Vec::new();
        for r in case.records(ContextKind::Organizational) {
            let Observation::Fact {
                handle: seq,
                kind,
                entity,
                fields,
                ..
            } = r
            else {
                continue;
            };
            if !subjects.contains(&case.entity_name(entity)) || !self.explains(kind, activity) {
                continue;
            }
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
                if !kinds.contains(&kind.as_str()) && self.explains(kind, activity) {
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
