//! Entities: declared ones and those a recording names, sorted by id so declaration
//! order is not part of the world; references resolve through the index built here.

use std::collections::BTreeSet;

use super::Compiler;
use crate::error::Result;
use crate::event::Criticality;
use crate::ids::EntityId;
use crate::scenario::model::{Entity, EntityKind};
use crate::scenario::spec::ScenarioSpec;

impl Compiler<'_> {
    /// Entities sorted by id (so their declaration order is not part of the world);
    /// references resolve through the index built here. Entities a recording names and
    /// the scenario does not declare are added, without attributes.
    pub(super) fn entities(
        &mut self,
        spec: &ScenarioSpec,
        recorded: &BTreeSet<String>,
    ) -> Result<Vec<Entity>> {
        let declared: BTreeSet<&str> = spec
            .entities
            .iter()
            .map(|e| e.id.get_ref().as_str())
            .collect();
        // (id, its declaration, if any), sorted by id.
        let mut all: Vec<(&str, Option<usize>)> = spec
            .entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.get_ref().as_str(), Some(i)))
            .chain(
                recorded
                    .iter()
                    .filter(|id| !declared.contains(id.as_str()))
                    .map(|id| (id.as_str(), None)),
            )
            .collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        let mut entities = Vec::with_capacity(all.len());
        for (id, declaration) in all {
            let (field, span) = match declaration {
                Some(i) => (
                    format!("entities[{i}].id"),
                    Some(spec.entities[i].id.span()),
                ),
                None => ("recordings.entities".to_string(), None),
            };
            let kind = EntityKind::from_prefix(id).ok_or_else(|| {
                self.err(
                    span.clone(),
                    field.clone(),
                    format!(
                        "{id:?} is not kind:name with kind one of user, host, cloud, app, domain"
                    ),
                )
            })?;
            let next = EntityId(entities.len() as u32);
            if self.entity_index.insert(id.to_string(), next).is_some() {
                return Err(self.err(span, field, format!("duplicate entity {id:?}")));
            }
            let attributes = declaration
                .map(|i| spec.entities[i].attributes.clone())
                .unwrap_or_default();
            let criticality = match attributes.get("criticality") {
                None => default_criticality(kind),
                Some(word) => Criticality::parse(word).ok_or_else(|| {
                    self.err(
                        span.clone(),
                        field.replace(".id", ".attributes.criticality"),
                        format!("{word:?} is not one of low, medium, high, critical"),
                    )
                })?,
            };
            entities.push(Entity {
                id: id.to_string(),
                kind,
                attributes,
                criticality,
            });
        }
        Ok(entities)
    }

    pub(super) fn kind_of(&self, e: EntityId) -> EntityKind {
        self.entity_index
            .iter()
            .find(|(_, id)| **id == e)
            .and_then(|(name, _)| EntityKind::from_prefix(name))
            .unwrap_or(EntityKind::Host)
    }
}

/// An entity's criticality when the directory does not say: a person's account or
/// machine is one person's work; a cloud identity or SaaS app serves a team; a domain
/// blocked rarely stops anyone working (docs/metrics.md, "The cost table").
pub fn default_criticality(kind: EntityKind) -> Criticality {
    match kind {
        EntityKind::User | EntityKind::Host => Criticality::Medium,
        EntityKind::Cloud | EntityKind::App => Criticality::High,
        EntityKind::Domain => Criticality::Low,
    }
}
