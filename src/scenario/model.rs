//! The validated scenario: names resolved to ids, every reference checked. The engine
//! only ever sees this form, so it never has to handle a dangling reference.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::dist::{DurationDist, NumberDist};
use super::load::line_of;
use super::spec::{BenignTruth, ScenarioSpec, Severity};
use crate::error::{Error, Result};
use crate::ids::{EntityId, RuleId, StepId};
use crate::random::fnv1a;
use crate::time::{Epoch, SimDuration};

/// What kind of thing an entity is; decides which containment applies to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A person's account (`user:`).
    User,
    /// An endpoint or server (`host:`).
    Host,
    /// A cloud account or access key (`cloud:`).
    Cloud,
    /// A SaaS application (`app:`).
    App,
    /// An internet domain (`domain:`).
    Domain,
}

impl EntityKind {
    fn from_prefix(id: &str) -> Option<Self> {
        let (kind, name) = id.split_once(':')?;
        if name.is_empty() {
            return None;
        }
        Some(match kind {
            "user" => EntityKind::User,
            "host" => EntityKind::Host,
            "cloud" => EntityKind::Cloud,
            "app" => EntityKind::App,
            "domain" => EntityKind::Domain,
            _ => return None,
        })
    }
}

/// An entity of the environment.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// `kind:name`.
    pub id: String,
    /// Parsed from the id's prefix.
    pub kind: EntityKind,
    /// Free-form attributes.
    pub attributes: BTreeMap<String, String>,
}

/// A detector rule: the (source, rule) pair an alert names.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Rule {
    /// The detector (`edr`, `idp`, …).
    pub source: String,
    /// The rule or alert title.
    pub name: String,
}

/// A benign alert process.
#[derive(Clone, Debug)]
pub struct BenignProcess {
    /// Name, for reports.
    pub name: String,
    /// The rule its alerts carry.
    pub rule: RuleId,
    /// Mean alerts per hour.
    pub per_hour: f64,
    /// Ground truth of its alerts.
    pub truth: BenignTruth,
    /// Severity of its alerts.
    pub severity: Severity,
    /// Entities an alert may concern.
    pub entities: Vec<EntityId>,
    /// Risk score distribution.
    pub score: NumberDist,
}

/// A campaign.
#[derive(Clone, Debug)]
pub struct Campaign {
    /// Name, for reports.
    pub name: String,
    /// Offset of the campaign start from the scenario start.
    pub start: DurationDist,
    /// Steps in declaration order; predecessors always come earlier.
    pub steps: Vec<Step>,
}

/// A campaign step.
#[derive(Clone, Debug)]
pub struct Step {
    /// Id, unique in the campaign.
    pub id: String,
    /// ATT&CK technique.
    pub technique: String,
    /// What it compromises.
    pub target: EntityId,
    /// Predecessors (all must have executed).
    pub after: Vec<StepId>,
    /// Delay after the last predecessor.
    pub delay: DurationDist,
    /// Entities that must be usable.
    pub requires: Vec<EntityId>,
    /// Whether reaching it is impact.
    pub objective: bool,
    /// Who may see it.
    pub detect: Vec<Detection>,
}

/// A detector's chance to alert on a step.
#[derive(Clone, Debug)]
pub struct Detection {
    /// The rule.
    pub rule: RuleId,
    /// Probability in [0, 1].
    pub probability: f64,
    /// Alert severity.
    pub severity: Severity,
    /// Step-to-alert latency.
    pub latency: DurationDist,
    /// Risk score distribution.
    pub score: NumberDist,
}

/// A worker pool.
#[derive(Clone, Debug)]
pub struct Pool {
    /// Name, for reports.
    pub name: String,
    /// Number of workers.
    pub size: u32,
    /// Handling time per alert.
    pub handling: DurationDist,
}

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Where it was read from.
    pub path: PathBuf,
    /// `SimTime(0)`.
    pub epoch: Epoch,
    /// Length of a run.
    pub horizon: SimDuration,
    /// FNV-1a of the file's bytes: identifies the exact scenario in results.
    pub content_hash: u64,
    /// Entities, in file order.
    pub entities: Vec<Entity>,
    /// Detector rules, sorted.
    pub rules: Vec<Rule>,
    /// Benign alert processes.
    pub benign: Vec<BenignProcess>,
    /// Attack campaigns.
    pub campaigns: Vec<Campaign>,
    /// The worker pool.
    pub pool: Pool,
}

impl Scenario {
    /// Validates a parsed spec; `text` is the file's text, for line numbers.
    pub fn compile(spec: ScenarioSpec, text: &str, file: &Path) -> Result<Scenario> {
        Compiler {
            text,
            file,
            entity_index: BTreeMap::new(),
            rules: BTreeMap::new(),
        }
        .compile(spec)
    }

    /// Reads, parses and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let spec = super::load::parse_spec(&text, path)?;
        Scenario::compile(spec, &text, path)
    }

    /// The id of `name`, if such an entity exists.
    pub fn entity(&self, name: &str) -> Option<EntityId> {
        self.entities
            .iter()
            .position(|e| e.id == name)
            .map(|i| EntityId(i as u32))
    }
}

struct Compiler<'a> {
    text: &'a str,
    file: &'a Path,
    entity_index: BTreeMap<String, EntityId>,
    rules: BTreeMap<Rule, ()>,
}

impl Compiler<'_> {
    fn err(&self, span: Option<std::ops::Range<usize>>, field: String, message: String) -> Error {
        Error::Scenario {
            file: self.file.to_path_buf(),
            line: span.map(|s| line_of(self.text, s.start)),
            field,
            message,
        }
    }

    fn entity_ref(&self, r: &Spanned<String>, field: String) -> Result<EntityId> {
        self.entity_index.get(r.get_ref()).copied().ok_or_else(|| {
            self.err(
                Some(r.span()),
                field,
                format!(
                    "unknown entity {:?}: declare it under [[entities]]",
                    r.get_ref()
                ),
            )
        })
    }

    fn dist_ok<V: super::dist::DistValue>(
        &self,
        d: &super::dist::Dist<V>,
        field: String,
    ) -> Result<()> {
        match d.problem() {
            Some(p) => Err(self.err(None, field, p)),
            None => Ok(()),
        }
    }

    fn compile(mut self, spec: ScenarioSpec) -> Result<Scenario> {
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
        for b in &spec.benign {
            self.rules.insert(
                Rule {
                    source: b.source.clone(),
                    name: b.rule.clone(),
                },
                (),
            );
        }
        for c in &spec.campaigns {
            for s in &c.steps {
                for d in &s.detect {
                    self.rules.insert(
                        Rule {
                            source: d.source.clone(),
                            name: d.rule.clone(),
                        },
                        (),
                    );
                }
            }
        }
        let rules: Vec<Rule> = self.rules.keys().cloned().collect();
        let rule_id = |source: &str, name: &str| {
            RuleId(
                rules
                    .iter()
                    .position(|r| r.source == source && r.name == name)
                    .unwrap_or(0) as u32,
            )
        };

        let horizon = spec.horizon;
        if horizon.0 == 0 {
            return Err(self.err(None, "horizon".into(), "must be longer than 0s".into()));
        }
        let mut benign = Vec::new();
        for (i, b) in spec.benign.iter().enumerate() {
            let rate = *b.per_hour.get_ref();
            if !rate.is_finite() || rate < 0.0 {
                return Err(self.err(
                    Some(b.per_hour.span()),
                    format!("benign[{i}].per_hour"),
                    format!("rate must be a finite number ≥ 0, got {rate}"),
                ));
            }
            if b.entities.is_empty() {
                return Err(self.err(
                    None,
                    format!("benign[{i}].entities"),
                    "name at least one entity".into(),
                ));
            }
            let ents = b
                .entities
                .iter()
                .enumerate()
                .map(|(j, r)| self.entity_ref(r, format!("benign[{i}].entities[{j}]")))
                .collect::<Result<Vec<_>>>()?;
            self.dist_ok(&b.score, format!("benign[{i}].score"))?;
            benign.push(BenignProcess {
                name: b.name.clone(),
                rule: rule_id(&b.source, &b.rule),
                per_hour: rate,
                truth: b.truth,
                severity: b.severity,
                entities: ents,
                score: b.score.clone(),
            });
        }
        let mut campaigns = Vec::new();
        for (ci, c) in spec.campaigns.iter().enumerate() {
            self.dist_ok(&c.start, format!("campaigns[{ci}].start"))?;
            if c.steps.is_empty() {
                return Err(self.err(
                    None,
                    format!("campaigns[{ci}].steps"),
                    "a campaign needs at least one step".into(),
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
                    None => vec![target],
                    Some(list) => list
                        .iter()
                        .enumerate()
                        .map(|(j, r)| self.entity_ref(r, at(&format!("requires[{j}]"))))
                        .collect::<Result<Vec<_>>>()?,
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
                    detect.push(Detection {
                        rule: rule_id(&d.source, &d.rule),
                        probability: p,
                        severity: d.severity,
                        latency: d.latency.clone(),
                        score: d.score.clone(),
                    });
                }
                steps.push(Step {
                    id: s.id.get_ref().clone(),
                    technique: s.technique.clone(),
                    target,
                    after,
                    delay: s.delay.clone(),
                    requires,
                    objective: s.objective,
                    detect,
                });
            }
            campaigns.push(Campaign {
                name: c.name.clone(),
                start: c.start.clone(),
                steps,
            });
        }
        let size = *spec.pool.size.get_ref();
        if size == 0 {
            return Err(self.err(
                Some(spec.pool.size.span()),
                "pool.size".into(),
                "a pool needs at least one worker".into(),
            ));
        }
        self.dist_ok(&spec.pool.handling, "pool.handling".into())?;
        Ok(Scenario {
            name: spec.name,
            description: spec.description,
            path: self.file.to_path_buf(),
            epoch: spec.start,
            horizon,
            content_hash: fnv1a(self.text.as_bytes()),
            entities,
            rules,
            benign,
            campaigns,
            pool: Pool {
                name: spec.pool.name,
                size,
                handling: spec.pool.handling,
            },
        })
    }
}
