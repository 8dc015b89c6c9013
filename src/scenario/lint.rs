//! Free labels: anything observable that only attacks can produce. A rule, a severity,
//! an entity, a (rule, entity) or (rule, severity) pair on alerts, a telemetry field
//! value or an organizational fact value that no benign activity ever produces tells a
//! strategy the answer without investigation (DESIGN §3). The lint compares what benign
//! activity can produce with what attacks can, over the spec itself (every value a
//! template can take, every rule a possible record can match), not over sampled runs.

use std::collections::BTreeSet;

use super::clues::{Clues, FieldTemplates, Fields};
use super::model::Scenario;
use super::spec::{CampaignTruth, Severity};
use crate::ids::{EntityId, RuleId};

/// At most this many value combinations of one record template are tried against the
/// rules; a larger template is reported as not checked rather than enumerated.
pub const MAX_COMBINATIONS: usize = 4096;

/// One free label.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// What it is, as `[lint] allow` names it (`severity critical`).
    pub finding: String,
    /// The scenario's reason for keeping it, if it keeps it.
    pub allowed: Option<String>,
}

/// What one side (benign or attack) can show a strategy.
#[derive(Default)]
struct Surface {
    rules: BTreeSet<RuleId>,
    severities: BTreeSet<Severity>,
    entities: BTreeSet<EntityId>,
    rule_entity: BTreeSet<(RuleId, EntityId)>,
    rule_severity: BTreeSet<(RuleId, Severity)>,
    telemetry: BTreeSet<(u32, String, String)>,
    facts: BTreeSet<(String, String, String)>,
    unchecked: Vec<String>,
}

impl Surface {
    fn alert(&mut self, rule: RuleId, severity: Severity, entity: EntityId) {
        self.rules.insert(rule);
        self.severities.insert(severity);
        self.entities.insert(entity);
        self.rule_entity.insert((rule, entity));
        self.rule_severity.insert((rule, severity));
    }

    fn fields(&mut self, source: u32, fields: &FieldTemplates) {
        for (k, t) in fields {
            for v in t.values() {
                self.telemetry
                    .insert((source, k.to_string(), v.to_string()));
            }
        }
    }

    /// Records of `source` on `entities`: their values, and the rule alerts they can raise.
    fn records(
        &mut self,
        sc: &Scenario,
        source: u32,
        fields: &FieldTemplates,
        entities: &[EntityId],
        what: &str,
    ) {
        self.fields(source, fields);
        let rules: Vec<_> = sc
            .sigma
            .iter()
            .filter(|r| r.sources.contains(&source))
            .collect();
        if rules.is_empty() {
            return;
        }
        let Some(records) = combinations(fields) else {
            self.unchecked.push(what.to_string());
            return;
        };
        for r in rules {
            for &e in entities {
                if records
                    .iter()
                    .any(|f| r.sigma.is_match(&sc.sigma_event(f, e)))
                {
                    self.alert(r.rule, r.severity, e);
                }
            }
        }
    }

    fn clues(&mut self, sc: &Scenario, clues: &Clues, entities: &[EntityId], what: &str) {
        for t in clues.traces.iter().filter(|t| t.probability > 0.0) {
            let on: Vec<EntityId> = t.entity.map_or_else(|| entities.to_vec(), |e| vec![e]);
            self.records(sc, t.source, &t.fields, &on, what);
        }
        for f in clues.facts.iter().filter(|f| f.probability > 0.0) {
            self.fact(&f.kind, &f.fields);
        }
    }

    fn fact(&mut self, kind: &str, fields: &FieldTemplates) {
        for (k, t) in fields {
            for v in t.values() {
                self.facts
                    .insert((kind.to_string(), k.to_string(), v.to_string()));
            }
        }
    }
}

/// Every record a template can produce, or `None` past [`MAX_COMBINATIONS`].
fn combinations(fields: &FieldTemplates) -> Option<Vec<Fields>> {
    let mut out = vec![Fields::new()];
    for (k, t) in fields {
        let values: BTreeSet<&str> = t.values().into_iter().collect();
        if out.len() * values.len() > MAX_COMBINATIONS {
            return None;
        }
        out = out
            .iter()
            .flat_map(|f| {
                values.iter().map(move |v| {
                    let mut g = f.clone();
                    g.insert(k.clone(), (*v).into());
                    g
                })
            })
            .collect();
    }
    Some(out)
}

fn sides(sc: &Scenario) -> (Surface, Surface) {
    let (mut benign, mut attack) = (Surface::default(), Surface::default());
    for b in sc.benign.iter().filter(|b| b.per_hour > 0.0) {
        for &e in &b.entities {
            benign.alert(b.rule, b.severity, e);
        }
        benign.clues(sc, &b.clues, &b.entities, &format!("benign {}", b.name));
    }
    for t in sc.telemetry.iter().filter(|t| t.per_hour > 0.0) {
        benign.records(
            sc,
            t.source,
            &t.fields,
            &t.entities,
            &format!("telemetry {}", t.name),
        );
        benign.clues(sc, &t.clues, &t.entities, &format!("telemetry {}", t.name));
    }
    for f in &sc.facts {
        benign.fact(&f.kind, &f.fields);
    }
    for e in &sc.entities {
        for (k, v) in &e.attributes {
            benign
                .facts
                .insert(("directory".into(), k.clone(), v.clone()));
        }
    }
    for c in &sc.campaigns {
        let side = match c.truth {
            CampaignTruth::Malicious => &mut attack,
            CampaignTruth::BenignPositive => &mut benign,
        };
        for s in &c.steps {
            for d in s.detect.iter().filter(|d| d.probability > 0.0) {
                side.alert(d.rule, d.severity, s.target);
            }
            side.clues(
                sc,
                &s.clues,
                &[s.target],
                &format!("campaign {} step {}", c.name, s.id),
            );
        }
    }
    // Recorded records: the alerts they can raise, on the side of their label. Their
    // field values are left out: real records carry unique values (GUIDs, times, ids),
    // so a value comparison would flag every one of them.
    for r in &sc.recorded {
        let malicious = r
            .step
            .is_some_and(|(c, _)| sc.campaigns[c.index()].truth == CampaignTruth::Malicious);
        let side = if malicious { &mut attack } else { &mut benign };
        for m in &r.matches {
            let rule = &sc.sigma[m.rule as usize];
            for &e in &r.entities {
                side.alert(rule.rule, rule.severity, e);
            }
        }
    }
    for a in &sc.recorded_alerts {
        // Tool alerts of a materialised world come from its benign processes (attack
        // steps' tool alerts are the campaigns' detections, above).
        benign.alert(a.rule, a.severity, a.entity);
    }
    (benign, attack)
}

/// The free labels of a scenario, sorted, each marked with the scenario's reason when
/// `[[lint.allow]]` keeps it; and notes on templates too large to check.
pub fn lint(sc: &Scenario) -> (Vec<Finding>, Vec<String>) {
    let (b, a) = sides(sc);
    let rule = |r: &RuleId| {
        let r = &sc.rules[r.index()];
        format!("{}/{}", r.source, r.name)
    };
    let entity = |e: &EntityId| sc.entities[e.index()].id.clone();
    let mut found: Vec<String> = Vec::new();
    found.extend(
        a.rules
            .difference(&b.rules)
            .map(|r| format!("rule {}", rule(r))),
    );
    found.extend(
        a.severities
            .difference(&b.severities)
            .map(|s| format!("severity {}", s.as_str())),
    );
    found.extend(
        a.entities
            .difference(&b.entities)
            .map(|e| format!("entity {}", entity(e))),
    );
    found.extend(
        a.rule_entity
            .difference(&b.rule_entity)
            .filter(|(r, e)| b.rules.contains(r) && b.entities.contains(e))
            .map(|(r, e)| format!("rule {} on {}", rule(r), entity(e))),
    );
    found.extend(
        a.rule_severity
            .difference(&b.rule_severity)
            .filter(|(r, s)| b.rules.contains(r) && b.severities.contains(s))
            .map(|(r, s)| format!("rule {} at {}", rule(r), s.as_str())),
    );
    found.extend(
        a.telemetry
            .difference(&b.telemetry)
            .map(|(s, k, v)| format!("telemetry {}.{k}={v}", sc.sources[*s as usize])),
    );
    found.extend(
        a.facts
            .difference(&b.facts)
            .map(|(kind, k, v)| format!("fact {kind}.{k}={v}")),
    );
    let mut findings: Vec<Finding> = found
        .into_iter()
        .map(|f| Finding {
            allowed: sc
                .lint_allow
                .iter()
                .find(|a| a.finding == f)
                .map(|a| a.why.clone()),
            finding: f,
        })
        .collect();
    findings.sort();
    let mut notes: Vec<String> = a
        .unchecked
        .iter()
        .chain(&b.unchecked)
        .map(|w| {
            format!(
                "{w}: more than {MAX_COMBINATIONS} value combinations; rule matches not checked"
            )
        })
        .collect();
    for allow in &sc.lint_allow {
        if !findings.iter().any(|f| f.finding == allow.finding) {
            notes.push(format!(
                "lint.allow {:?} matches no finding (stale?)",
                allow.finding
            ));
        }
    }
    (findings, notes)
}
