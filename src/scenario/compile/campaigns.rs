//! Campaigns: steps resolved to ids, predecessors checked to form a DAG in declaration
//! order, requirements resolved to conditions, detectors and clues keyed by name.

use std::collections::{BTreeMap, BTreeSet};

use super::Compiler;
use crate::error::Result;
use crate::ids::{RuleId, StepId};
use crate::random::fnv1a;
use crate::scenario::model::{Campaign, Detection, Step};
use crate::scenario::spec::{CampaignSpec, RequirementSpec};

impl Compiler<'_> {
    pub(super) fn campaign(
        &self,
        ci: usize,
        c: &CampaignSpec,
        tools: &BTreeSet<String>,
        rule_id: &dyn Fn(&str, &str) -> RuleId,
    ) -> Result<Campaign> {
        self.dist_ok(&c.start, format!("campaigns[{ci}].start"))?;
        if c.steps.is_empty() {
            return Err(self.err(
                None,
                format!("campaigns[{ci}].steps"),
                "a campaign needs at least one step",
            ));
        }
        if let Some(w) = c.impact.filter(|w| !w.is_finite() || *w < 0.0) {
            return Err(self.err(
                None,
                format!("campaigns[{ci}].impact"),
                format!("a worth must be a finite number ≥ 0, got {w}"),
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
                            self.err(
                                Some(p.span()),
                                at("after"),
                                format!(
                                    "unknown step {:?}: a step may only follow steps declared before it",
                                    p.get_ref()
                                ),
                            )
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
                        let e =
                            self.entity_named(name, Some(r.span()), at(&format!("requires[{j}]")))?;
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
            let mut detectors = BTreeSet::new();
            for (di, d) in s.detect.iter().enumerate() {
                let p =
                    self.probability(&d.probability, at(&format!("detect[{di}].probability")))?;
                if d.latency.is_some() {
                    return Err(self.err(
                        None,
                        at(&format!("detect[{di}].latency")),
                        format!(
                            "latency belongs to the detector, not to the step (it must be the same for attack and benign activity): state it as [[latency]] source = {:?}, rule = {:?}",
                            d.source, d.rule
                        ),
                    ));
                }
                self.dist_ok(&d.score, at(&format!("detect[{di}].score")))?;
                if !detectors.insert((d.source.as_str(), d.rule.as_str())) {
                    return Err(self.err(
                        None,
                        at(&format!("detect[{di}]")),
                        format!("detector {}/{} is listed twice", d.source, d.rule),
                    ));
                }
                if tools.contains(&d.source) {
                    detect.push(Detection {
                        key: fnv1a(format!("{}\0{}", d.source, d.rule).as_bytes()),
                        rule: rule_id(&d.source, &d.rule),
                        probability: p,
                        severity: d.severity,
                        score: d.score.clone(),
                    });
                }
            }
            detect.sort_by_key(|d| d.key);
            let clues = self.clues(&s.telemetry, &s.facts, &at(""))?;
            if let Some(f) = s.foothold
                && !f.fits(self.kind_of(target))
            {
                return Err(self.err(
                    Some(s.target.span()),
                    at("foothold"),
                    format!(
                        "a {f:?} foothold cannot sit on {} (persistence: host; credential, session: user or cloud; grant: app; key: cloud)",
                        s.target.get_ref()
                    )
                    .to_lowercase(),
                ));
            }
            steps.push(Step {
                id: s.id.get_ref().clone(),
                key: fnv1a(s.id.get_ref().as_bytes()),
                technique: s.technique.clone(),
                target,
                after,
                delay: s.delay.clone(),
                requires,
                objective: s.objective,
                foothold: s.foothold.is_some(),
                detect,
                clues,
                outputs: Vec::new(),
                later: Vec::new(),
                recorded_at: None,
            });
        }
        Ok(Campaign {
            name: c.name.clone(),
            key: fnv1a(c.name.as_bytes()),
            truth: c.truth,
            objective: (c.objective, c.impact),
            start: c.start.clone(),
            steps,
        })
    }
}
