//! Validation: turns a [`ScenarioSpec`] into a [`Scenario`], or says exactly which field
//! of which file is wrong (with its line where the parser kept one).

mod campaigns;
mod clues;
mod customer;
mod entities;
mod identity;
mod latency;
mod materialized;
mod recorded;
mod recorded_steps;
mod sigma;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;

use super::clues::field_templates;
use super::dist::{Dist, DistValue};
use super::load::line_of;
use super::locate::field_line;
use super::model::*;
use super::spec::ScenarioSpec;
use crate::error::{Error, Result};
use crate::ids::{EntityId, RuleId};
use crate::random::fnv1a;
use crate::recording::Recording;

struct Compiler<'a> {
    text: &'a str,
    file: &'a Path,
    entity_index: BTreeMap<String, EntityId>,
    /// Telemetry sources that exist, and every source named (sorted: the index space).
    existing_sources: BTreeSet<String>,
    sources: Vec<String>,
    /// The recording the scenario was read from (a materialised world), which its
    /// `materialised-world` entry replays: read once, whatever the file is now called.
    carried: Option<Recording>,
}

/// See [`Scenario::compile`]; `carried` is the recording the scenario came in.
pub fn compile(
    spec: ScenarioSpec,
    text: &str,
    file: &Path,
    carried: Option<Recording>,
) -> Result<Scenario> {
    Compiler {
        text,
        file,
        entity_index: BTreeMap::new(),
        existing_sources: BTreeSet::new(),
        sources: Vec::new(),
        carried,
    }
    .compile(spec)
}

impl Compiler<'_> {
    fn err(
        &self,
        span: Option<std::ops::Range<usize>>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Error {
        let field = field.into();
        Error::Scenario {
            file: self.file.to_path_buf(),
            line: span
                .map(|s| line_of(self.text, s.start))
                .or_else(|| field_line(self.text, &field)),
            field,
            message: message.into(),
        }
    }

    fn entity_ref(&self, r: &Spanned<String>, field: String) -> Result<EntityId> {
        self.entity_named(r.get_ref(), Some(r.span()), field)
    }

    fn entity_named(
        &self,
        name: &str,
        span: Option<std::ops::Range<usize>>,
        field: String,
    ) -> Result<EntityId> {
        self.entity_index.get(name).copied().ok_or_else(|| {
            self.err(
                span,
                field,
                format!("unknown entity {name:?}: declare it under [[entities]]"),
            )
        })
    }

    fn entity_list(&self, list: &[Spanned<String>], field: &str) -> Result<Vec<EntityId>> {
        if list.is_empty() {
            return Err(self.err(None, field, "name at least one entity"));
        }
        let mut ids = list
            .iter()
            .enumerate()
            .map(|(j, r)| self.entity_ref(r, format!("{field}[{j}]")))
            .collect::<Result<Vec<_>>>()?;
        // A set of candidates: the order it was written in is not part of the world.
        ids.sort();
        Ok(ids)
    }

    fn dist_ok<V: DistValue>(&self, d: &Dist<V>, field: String) -> Result<()> {
        match d.problem() {
            Some(p) => Err(self.err(None, field, p)),
            None => Ok(()),
        }
    }

    fn rate(&self, r: &Spanned<f64>, field: String) -> Result<f64> {
        let rate = *r.get_ref();
        if !rate.is_finite() || rate < 0.0 {
            return Err(self.err(
                Some(r.span()),
                field,
                format!("rate must be a finite number ≥ 0, got {rate}"),
            ));
        }
        Ok(rate)
    }

    fn source_index(&self, name: &str) -> u32 {
        self.sources
            .iter()
            .position(|s| s == name)
            .map_or(0, |i| i as u32)
    }

    /// Refuses two elements with one name: names key the random streams.
    fn unique<'n>(&self, names: impl Iterator<Item = &'n str>, what: &str) -> Result<()> {
        let mut seen = BTreeSet::new();
        for (i, n) in names.enumerate() {
            if !seen.insert(n) {
                return Err(self.err(
                    None,
                    format!("{what}[{i}].name"),
                    format!(
                        "duplicate name {n:?}: names identify elements and key their random numbers"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn compile(mut self, spec: ScenarioSpec) -> Result<Scenario> {
        if let Some(problem) = crate::names::name_problem(&spec.name) {
            return Err(self.err(None, "name", format!("the scenario name {problem}")));
        }
        let loaded = self.load_recordings(&spec)?;
        let recorded_entities: BTreeSet<String> = loaded
            .iter()
            .flat_map(|l| l.entity_ids().cloned())
            .collect();
        let entities = self.entities(&spec, &recorded_entities)?;
        if spec.horizon.0 == 0 {
            return Err(self.err(None, "horizon", "must be longer than 0s"));
        }
        if spec.horizon.0 > crate::budget::MAX_HORIZON_DAYS * 86_400_000 {
            return Err(self.err(
                None,
                "horizon",
                format!(
                    "at most {} days (about three years)",
                    crate::budget::MAX_HORIZON_DAYS
                ),
            ));
        }
        self.unique(spec.benign.iter().map(|b| b.name.as_str()), "benign")?;
        self.unique(spec.telemetry.iter().map(|t| t.name.as_str()), "telemetry")?;
        self.unique(
            spec.campaigns
                .iter()
                .map(|c| c.name.as_str())
                .chain(spec.recordings.iter().map(|r| r.name.as_str())),
            "campaigns",
        )?;

        // Tools and telemetry sources: what the scenario names, and what exists.
        let mut named_tools = BTreeSet::new();
        let mut named_sources = BTreeSet::new();
        for b in &spec.benign {
            named_tools.insert(b.source.clone());
            named_sources.extend(b.telemetry.iter().map(|t| t.source.clone()));
        }
        for t in &spec.telemetry {
            named_sources.insert(t.source.clone());
        }
        for c in &spec.campaigns {
            for s in &c.steps {
                named_tools.extend(s.detect.iter().map(|d| d.source.clone()));
                named_sources.extend(s.telemetry.iter().map(|t| t.source.clone()));
            }
        }
        named_sources.extend(spec.sigma.logsources.iter().map(|m| m.source.clone()));
        let tools: BTreeSet<String> = match &spec.environment.tools {
            Some(list) => list.iter().cloned().collect(),
            None => named_tools.clone(),
        };
        if named_tools.contains("sigma") {
            return Err(self.err(
                None,
                "benign/detect source",
                "\"sigma\" is reserved for detection rules",
            ));
        }
        self.existing_sources = match &spec.environment.telemetry {
            Some(list) => list.iter().cloned().collect(),
            None => named_sources.clone(),
        };
        // A recording's sources exist: it was recorded from them.
        for l in &loaded {
            self.existing_sources.extend(l.source_names().cloned());
        }
        named_sources.extend(self.existing_sources.iter().cloned());
        self.sources = named_sources.into_iter().collect();

        // Rules: every (detector, rule) named, sorted; Sigma rules sorted by title.
        let (mut parsed, rule_texts) = self.sigma_rules(&spec)?;
        parsed.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        let mut hashed = rule_texts.clone();
        hashed.extend(loaded.iter().map(|l| l.content()));
        let content_hash = identity::canonical_hash(&spec, &hashed);
        let mut rule_set: BTreeSet<Rule> = BTreeSet::new();
        for b in &spec.benign {
            rule_set.insert(Rule {
                source: b.source.clone(),
                name: b.rule.clone(),
                author: None,
            });
        }
        for d in spec
            .campaigns
            .iter()
            .flat_map(|c| &c.steps)
            .flat_map(|s| &s.detect)
        {
            rule_set.insert(Rule {
                source: d.source.clone(),
                name: d.rule.clone(),
                author: None,
            });
        }
        for (rule, ..) in &parsed {
            rule_set.insert(rule.clone());
        }
        let rules: Vec<Rule> = rule_set.into_iter().collect();
        let rule_id = |source: &str, name: &str| {
            RuleId(
                rules
                    .iter()
                    .position(|r| r.source == source && r.name == name)
                    .unwrap_or(0) as u32,
            )
        };
        let latency = self.latency(&spec.latency, &rules)?;
        let has_recordings = !spec.recordings.is_empty();
        let mut sigma = Vec::new();
        for (i, (rule, severity, parsed_rule, technique)) in parsed.into_iter().enumerate() {
            let ls = &parsed_rule.logsource;
            let mapped: Vec<u32> = spec
                .sigma
                .logsources
                .iter()
                .filter(|m| {
                    let eq = |want: &Option<String>, have: &Option<String>| {
                        want.is_none() || want == have
                    };
                    eq(&m.product, &ls.product)
                        && eq(&m.service, &ls.service)
                        && eq(&m.category, &ls.category)
                })
                .map(|m| self.source_index(&m.source))
                .collect();
            if mapped.is_empty() && !(has_recordings && recorded::recorded_logsource(&parsed_rule))
            {
                return Err(self.err(
                    None,
                    format!("rules[{i}]"),
                    format!(
                        "rule {:?} has logsource product={:?} service={:?} category={:?}, which no [[sigma.logsources]] entry maps to a telemetry source",
                        rule.name, ls.product, ls.service, ls.category
                    ),
                ));
            }
            sigma.push(SigmaRule {
                rule: rule_id("sigma", &rule.name),
                key: fnv1a(rule.name.as_bytes()),
                severity,
                sigma: Arc::new(parsed_rule),
                sources: mapped,
                technique,
            });
        }

        let mut benign = Vec::new();
        for (i, b) in spec.benign.iter().enumerate() {
            let rate = self.rate(&b.per_hour, format!("benign[{i}].per_hour"))?;
            let ents = self.entity_list(&b.entities, &format!("benign[{i}].entities"))?;
            self.dist_ok(&b.score, format!("benign[{i}].score"))?;
            benign.push(BenignProcess {
                name: b.name.clone(),
                key: fnv1a(b.name.as_bytes()),
                rule: rule_id(&b.source, &b.rule),
                per_hour: if tools.contains(&b.source) { rate } else { 0.0 },
                truth: b.truth,
                severity: b.severity,
                entities: ents,
                score: b.score.clone(),
                clues: self.clues(&b.telemetry, &b.facts, &format!("benign[{i}]."))?,
            });
        }
        benign.sort_by(|a, b| a.name.cmp(&b.name));
        let mut telemetry = Vec::new();
        for (i, t) in spec.telemetry.iter().enumerate() {
            let rate = self.rate(&t.per_hour, format!("telemetry[{i}].per_hour"))?;
            let ents = self.entity_list(&t.entities, &format!("telemetry[{i}].entities"))?;
            self.fields_ok(&t.fields, &format!("telemetry[{i}].fields"))?;
            self.dist_ok(&t.score, format!("telemetry[{i}].score"))?;
            let exists = self.existing_sources.contains(&t.source);
            telemetry.push(TelemetryProcess {
                name: t.name.clone(),
                key: fnv1a(t.name.as_bytes()),
                source: self.source_index(&t.source),
                per_hour: if exists { rate } else { 0.0 },
                entities: ents,
                fields: field_templates(&t.fields),
                truth: t.truth,
                score: t.score.clone(),
                clues: self.clues(&[], &t.facts, &format!("telemetry[{i}]."))?,
            });
        }
        telemetry.sort_by(|a, b| a.name.cmp(&b.name));
        let mut campaigns = spec
            .campaigns
            .iter()
            .enumerate()
            .map(|(ci, c)| self.campaign(ci, c, &tools, &rule_id))
            .collect::<Result<Vec<_>>>()?;
        let mut placed = self.place_recordings(&spec, &loaded, &sigma, &rules)?;
        campaigns.append(&mut placed.campaigns);
        campaigns.sort_by(|a, b| a.name.cmp(&b.name));
        self.attach_step_outputs(&mut campaigns, &mut placed)?;
        let facts = self.world_facts(&spec.facts)?;
        let customer = self.customer(&spec)?;
        for (i, a) in spec.lint.allow.iter().enumerate() {
            if a.why.trim().is_empty() {
                return Err(self.err(
                    None,
                    format!("lint.allow[{i}].why"),
                    "say why this finding is realistic",
                ));
            }
        }
        let owners = entities
            .iter()
            .map(|e| {
                let owner = e.attributes.get("owner")?;
                self.entity_index.get(owner).copied()
            })
            .collect();
        Ok(Scenario {
            name_key: fnv1a(spec.name.as_bytes()),
            owners,
            name: spec.name,
            description: spec.description,
            path: self.file.to_path_buf(),
            epoch: spec.start,
            horizon: spec.horizon,
            content_hash,
            entities,
            rules,
            latency,
            sources: self.sources.clone(),
            tools,
            benign,
            telemetry,
            sigma,
            field_map: spec.sigma.fields.clone(),
            campaigns,
            facts,
            recorded: placed.records,
            recorded_facts: placed.facts,
            recorded_alerts: placed.alerts,
            recordings: placed.lanes,
            lint_allow: spec.lint.allow,
            containment: spec.containment,
            customer,
            provider_pin: spec.provider,
            source: self.text.into(),
        })
    }
}
