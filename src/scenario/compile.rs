//! Validation: turns a [`ScenarioSpec`] into a [`Scenario`], or says exactly which field
//! of which file is wrong (with its line where the parser kept one).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;

use super::dist::{Dist, DistValue};
use super::load::line_of;
use super::model::*;
use super::spec::{FieldValue, RequirementSpec, ScenarioSpec, Severity};
use crate::error::{Error, Result};
use crate::ids::{EntityId, RuleId, StepId};
use crate::random::fnv1a;

struct Compiler<'a> {
    text: &'a str,
    file: &'a Path,
    entity_index: BTreeMap<String, EntityId>,
}

/// See [`Scenario::compile`].
pub fn compile(spec: ScenarioSpec, text: &str, file: &Path) -> Result<Scenario> {
    Compiler {
        text,
        file,
        entity_index: BTreeMap::new(),
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
        Error::Scenario {
            file: self.file.to_path_buf(),
            line: span.map(|s| line_of(self.text, s.start)),
            field: field.into(),
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
        list.iter()
            .enumerate()
            .map(|(j, r)| self.entity_ref(r, format!("{field}[{j}]")))
            .collect()
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

    fn separations_ok(&self, s: &Separations, field: &str) -> Result<()> {
        for (k, v) in [
            ("telemetry", s.telemetry),
            ("organizational", s.organizational),
            ("historic", s.historic),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(self.err(
                    None,
                    format!("{field}.{k}"),
                    format!("evidence separation must be ≥ 0, got {v}"),
                ));
            }
        }
        Ok(())
    }

    fn compile(mut self, spec: ScenarioSpec) -> Result<Scenario> {
        let entities = self.entities(&spec)?;
        if spec.horizon.0 == 0 {
            return Err(self.err(None, "horizon", "must be longer than 0s"));
        }
        if spec.evidence.historic_half.is_nan() || spec.evidence.historic_half <= 0.0 {
            return Err(self.err(None, "evidence.historic_half", "must be > 0"));
        }

        // Tools and telemetry sources: what the scenario names, and what exists.
        let mut named_tools = BTreeSet::new();
        let mut named_sources = BTreeSet::new();
        for b in &spec.benign {
            named_tools.insert(b.source.clone());
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
        let existing_sources: BTreeSet<String> = match &spec.environment.telemetry {
            Some(list) => list.iter().cloned().collect(),
            None => named_sources.clone(),
        };
        named_sources.extend(existing_sources.iter().cloned());
        let sources: Vec<String> = named_sources.into_iter().collect();
        let source_id = |name: &str| {
            sources
                .iter()
                .position(|s| s == name)
                .map_or(0, |i| i as u32)
        };

        // Sigma rules.
        let parsed = self.sigma_rules(&spec)?;
        let mut rule_set: BTreeSet<Rule> = BTreeSet::new();
        for b in &spec.benign {
            rule_set.insert(Rule {
                source: b.source.clone(),
                name: b.rule.clone(),
                author: None,
            });
        }
        for c in &spec.campaigns {
            for s in &c.steps {
                for d in &s.detect {
                    rule_set.insert(Rule {
                        source: d.source.clone(),
                        name: d.rule.clone(),
                        author: None,
                    });
                }
            }
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
                .map(|m| source_id(&m.source))
                .collect();
            if mapped.is_empty() {
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
            let evidence = Separations::resolve(&spec.evidence, &b.evidence);
            self.separations_ok(&evidence, &format!("benign[{i}].evidence"))?;
            benign.push(BenignProcess {
                name: b.name.clone(),
                rule: rule_id(&b.source, &b.rule),
                per_hour: if tools.contains(&b.source) { rate } else { 0.0 },
                truth: b.truth,
                severity: b.severity,
                entities: ents,
                score: b.score.clone(),
                evidence,
            });
        }
        let mut telemetry = Vec::new();
        for (i, t) in spec.telemetry.iter().enumerate() {
            let rate = self.rate(&t.per_hour, format!("telemetry[{i}].per_hour"))?;
            let ents = self.entity_list(&t.entities, &format!("telemetry[{i}].entities"))?;
            self.fields_ok(&t.fields, &format!("telemetry[{i}].fields"))?;
            self.dist_ok(&t.score, format!("telemetry[{i}].score"))?;
            let evidence = Separations::resolve(&spec.evidence, &t.evidence);
            self.separations_ok(&evidence, &format!("telemetry[{i}].evidence"))?;
            telemetry.push(TelemetryProcess {
                name: t.name.clone(),
                source: source_id(&t.source),
                per_hour: if existing_sources.contains(&t.source) {
                    rate
                } else {
                    0.0
                },
                entities: ents,
                fields: field_templates(&t.fields),
                truth: t.truth,
                score: t.score.clone(),
                evidence,
            });
        }
        let campaigns = self.campaigns(&spec, &tools, &existing_sources, &rule_id, &source_id)?;
        let customer = self.customer(&spec)?;
        Ok(Scenario {
            name: spec.name,
            description: spec.description,
            path: self.file.to_path_buf(),
            epoch: spec.start,
            horizon: spec.horizon,
            content_hash: fnv1a(self.text.as_bytes()),
            entities,
            rules,
            sources,
            tools,
            benign,
            telemetry,
            sigma,
            field_map: spec.sigma.fields.clone(),
            campaigns,
            evidence: spec.evidence,
            containment: spec.containment,
            customer,
            provider_pin: spec.provider,
        })
    }

    fn entities(&mut self, spec: &ScenarioSpec) -> Result<Vec<Entity>> {
        let mut entities = Vec::with_capacity(spec.entities.len());
        for (i, e) in spec.entities.iter().enumerate() {
            let field = format!("entities[{i}].id");
            let id = e.id.get_ref();
            let kind = EntityKind::from_prefix(id).ok_or_else(|| {
                self.err(
                    Some(e.id.span()),
                    field.clone(),
                    format!(
                        "{id:?} is not kind:name with kind one of user, host, cloud, app, domain"
                    ),
                )
            })?;
            let next = EntityId(entities.len() as u32);
            if self.entity_index.insert(id.clone(), next).is_some() {
                return Err(self.err(Some(e.id.span()), field, format!("duplicate entity {id:?}")));
            }
            entities.push(Entity {
                id: id.clone(),
                kind,
                attributes: e.attributes.clone(),
            });
        }
        Ok(entities)
    }

    fn fields_ok(&self, fields: &BTreeMap<String, FieldValue>, field: &str) -> Result<()> {
        for (k, v) in fields {
            if let FieldValue::OneOf(list) = v
                && list.is_empty()
            {
                return Err(self.err(
                    None,
                    format!("{field}.{k}"),
                    "a list of values must not be empty",
                ));
            }
        }
        Ok(())
    }

    #[allow(clippy::type_complexity)]
    fn sigma_rules(
        &self,
        spec: &ScenarioSpec,
    ) -> Result<Vec<(Rule, Severity, sigma_rust::Rule, Option<String>)>> {
        let dir = self.file.parent().unwrap_or(Path::new("."));
        let mut out = Vec::new();
        for (i, r) in spec.rules.iter().enumerate() {
            let (yaml, field) = match (&r.path, &r.yaml) {
                (Some(p), None) => {
                    let path = dir.join(p);
                    let text = std::fs::read_to_string(&path).map_err(|e| {
                        self.err(
                            None,
                            format!("rules[{i}].path"),
                            format!("cannot read {}: {e}", path.display()),
                        )
                    })?;
                    (text, format!("rules[{i}].path ({p})"))
                }
                (None, Some(y)) => (y.clone(), format!("rules[{i}].yaml")),
                _ => {
                    return Err(self.err(
                        None,
                        format!("rules[{i}]"),
                        "give exactly one of path or yaml",
                    ));
                }
            };
            let parsed = sigma_rust::rule_from_yaml(&yaml).map_err(|e| {
                self.err(
                    None,
                    field.clone(),
                    format!(
                        "Sigma rule does not parse: {}",
                        e.to_string().replace('\n', " ")
                    ),
                )
            })?;
            // sigma-rust does not export its `Level` type; its Debug names are the spec's.
            let severity = match parsed.level.as_ref().map(|l| format!("{l:?}")).as_deref() {
                Some("Critical") => Severity::Critical,
                Some("High") => Severity::High,
                Some("Medium") => Severity::Medium,
                _ => Severity::Low,
            };
            let technique = parsed.tags.iter().flatten().find_map(|t| {
                let t = t.strip_prefix("attack.t")?;
                t.chars()
                    .next()
                    .filter(|c| c.is_ascii_digit())
                    .map(|_| format!("T{}", t.to_uppercase()))
            });
            let rule = Rule {
                source: "sigma".into(),
                name: parsed.title.clone(),
                author: parsed.author.clone(),
            };
            if out
                .iter()
                .any(|(r, ..): &(Rule, _, _, _)| r.name == rule.name)
            {
                return Err(self.err(
                    None,
                    field,
                    format!("two rules share the title {:?}", rule.name),
                ));
            }
            out.push((rule, severity, parsed, technique));
        }
        Ok(out)
    }

    fn campaigns(
        &self,
        spec: &ScenarioSpec,
        tools: &BTreeSet<String>,
        sources: &BTreeSet<String>,
        rule_id: &dyn Fn(&str, &str) -> RuleId,
        source_id: &dyn Fn(&str) -> u32,
    ) -> Result<Vec<Campaign>> {
        let mut campaigns = Vec::new();
        for (ci, c) in spec.campaigns.iter().enumerate() {
            self.dist_ok(&c.start, format!("campaigns[{ci}].start"))?;
            if c.steps.is_empty() {
                return Err(self.err(
                    None,
                    format!("campaigns[{ci}].steps"),
                    "a campaign needs at least one step",
                ));
            }
            let mut steps: Vec<Step> = Vec::new();
            let mut ids: BTreeMap<String, StepId> = BTreeMap::new();
            for (si, s) in c.steps.iter().enumerate() {
                let at = |f: &str| format!("campaigns[{ci}].steps[{si}].{f}");
                let sid = StepId(si as u32);
                if ids.insert(s.id.get_ref().clone(), sid).is_some() {
                    return Err(self.err(
                        Some(s.id.span()),
                        at("id"),
                        format!("duplicate step id {:?}", s.id.get_ref()),
                    ));
                }
                let target = self.entity_ref(&s.target, at("target"))?;
                let after = match &s.after {
                    None if si == 0 => vec![],
                    None => vec![StepId(si as u32 - 1)],
                    Some(list) => list
                        .iter()
                        .map(|p| {
                            ids.get(p.get_ref()).copied().filter(|&p| p != sid).ok_or_else(|| {
                                self.err(Some(p.span()), at("after"), format!("unknown step {:?}: a step may only follow steps declared before it", p.get_ref()))
                            })
                        })
                        .collect::<Result<Vec<_>>>()?,
                };
                let requires = match &s.requires {
                    None => vec![(target, self.kind_of(target).default_condition())],
                    Some(list) => {
                        let mut out = Vec::new();
                        for (j, r) in list.iter().enumerate() {
                            let (name, cond) = match r.get_ref() {
                                RequirementSpec::Entity(n) => (n, None),
                                RequirementSpec::Condition { entity, condition } => {
                                    (entity, Some(*condition))
                                }
                            };
                            let e = self.entity_named(
                                name,
                                Some(r.span()),
                                at(&format!("requires[{j}]")),
                            )?;
                            out.push((
                                e,
                                cond.unwrap_or_else(|| self.kind_of(e).default_condition()),
                            ));
                        }
                        out
                    }
                };
                self.dist_ok(&s.delay, at("delay"))?;
                let mut detect = Vec::new();
                for (di, d) in s.detect.iter().enumerate() {
                    let p = *d.probability.get_ref();
                    if !(0.0..=1.0).contains(&p) {
                        return Err(self.err(
                            Some(d.probability.span()),
                            at(&format!("detect[{di}].probability")),
                            format!("must be in [0, 1], got {p}"),
                        ));
                    }
                    self.dist_ok(&d.latency, at(&format!("detect[{di}].latency")))?;
                    self.dist_ok(&d.score, at(&format!("detect[{di}].score")))?;
                    if tools.contains(&d.source) {
                        detect.push(Detection {
                            index: di as u32,
                            rule: rule_id(&d.source, &d.rule),
                            probability: p,
                            severity: d.severity,
                            latency: d.latency.clone(),
                            score: d.score.clone(),
                        });
                    }
                }
                let mut telemetry = Vec::new();
                for (ti, t) in s.telemetry.iter().enumerate() {
                    self.fields_ok(&t.fields, &at(&format!("telemetry[{ti}].fields")))?;
                    self.dist_ok(&t.score, at(&format!("telemetry[{ti}].score")))?;
                    if sources.contains(&t.source) {
                        telemetry.push(StepTelemetry {
                            index: ti as u32,
                            source: source_id(&t.source),
                            fields: field_templates(&t.fields),
                            score: t.score.clone(),
                        });
                    }
                }
                let evidence = Separations::resolve(&spec.evidence, &s.evidence);
                self.separations_ok(&evidence, &at("evidence"))?;
                steps.push(Step {
                    id: s.id.get_ref().clone(),
                    technique: s.technique.clone(),
                    target,
                    after,
                    delay: s.delay.clone(),
                    requires,
                    objective: s.objective,
                    detect,
                    telemetry,
                    evidence,
                });
            }
            campaigns.push(Campaign {
                name: c.name.clone(),
                start: c.start.clone(),
                steps,
            });
        }
        Ok(campaigns)
    }

    fn kind_of(&self, e: EntityId) -> EntityKind {
        self.entity_index
            .iter()
            .find(|(_, id)| **id == e)
            .and_then(|(name, _)| EntityKind::from_prefix(name))
            .unwrap_or(EntityKind::Host)
    }

    fn customer(&self, spec: &ScenarioSpec) -> Result<Customer> {
        let c = &spec.customer;
        if c.size == 0 {
            return Err(self.err(
                None,
                "customer.size",
                "the customer team needs at least one person",
            ));
        }
        if !(0.0..=1.0).contains(&c.accuracy) {
            return Err(self.err(
                None,
                "customer.accuracy",
                format!("must be in [0, 1], got {}", c.accuracy),
            ));
        }
        self.dist_ok(&c.handling, "customer.handling".into())?;
        self.dist_ok(&c.containment, "customer.containment".into())?;
        let capacity = c
            .schedule
            .compile(c.size, &spec.start, spec.horizon)
            .map_err(|e| self.err(None, "customer.schedule", e.0))?;
        Ok(Customer {
            size: c.size,
            capacity,
            handling: c.handling.clone(),
            containment: c.containment.clone(),
            accuracy: c.accuracy,
        })
    }
}
