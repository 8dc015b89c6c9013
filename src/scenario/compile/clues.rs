//! Traces and facts: sources and entities resolved, probabilities and field values
//! checked, each keyed by a hash of its content (so reordering them changes nothing).

use std::collections::BTreeMap;

use toml::Spanned;

use super::Compiler;
use crate::error::Result;
use crate::ids::EntityId;
use crate::scenario::clues::{
    Clues, FactSpec, FactTemplate, FieldValue, Trace, TraceSpec, WorldFact, WorldFactSpec,
    content_key, field_templates, fields_problem,
};

impl Compiler<'_> {
    pub(super) fn probability(&self, p: &Spanned<f64>, field: String) -> Result<f64> {
        let x = *p.get_ref();
        if !(0.0..=1.0).contains(&x) {
            let span = (p.span().end > 0).then(|| p.span());
            return Err(self.err(span, field, format!("must be in [0, 1], got {x}")));
        }
        Ok(x)
    }

    pub(super) fn fields_ok(
        &self,
        fields: &BTreeMap<String, FieldValue>,
        field: &str,
    ) -> Result<()> {
        match fields_problem(fields) {
            Some((k, message)) => Err(self.err(None, format!("{field}.{k}"), message)),
            None => Ok(()),
        }
    }

    fn optional_entity(
        &self,
        e: &Option<Spanned<String>>,
        field: String,
    ) -> Result<Option<EntityId>> {
        e.as_ref().map(|e| self.entity_ref(e, field)).transpose()
    }

    fn kind_ok(&self, kind: &str, field: String) -> Result<()> {
        let ok = !kind.is_empty()
            && kind
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ok {
            Ok(())
        } else {
            Err(self.err(
                None,
                field,
                format!("fact kind {kind:?} must be lower-case letters, digits and _"),
            ))
        }
    }

    /// Compiles what an activity leaves; `at` is the field prefix (`benign[2].`).
    pub(super) fn clues(
        &self,
        traces: &[TraceSpec],
        facts: &[FactSpec],
        at: &str,
    ) -> Result<Clues> {
        let mut out = Clues::default();
        for (i, t) in traces.iter().enumerate() {
            let f = |x: &str| format!("{at}telemetry[{i}].{x}");
            let probability = self.probability(&t.probability, f("probability"))?;
            self.fields_ok(&t.fields, &f("fields"))?;
            self.dist_ok(&t.score, f("score"))?;
            if !self.existing_sources.contains(&t.source) {
                continue;
            }
            out.traces.push(Trace {
                key: content_key(t),
                source: self.source_index(&t.source),
                entity: self.optional_entity(&t.entity, f("entity"))?,
                fields: field_templates(&t.fields),
                probability,
                score: t.score.clone(),
            });
        }
        for (i, x) in facts.iter().enumerate() {
            let f = |y: &str| format!("{at}facts[{i}].{y}");
            let probability = self.probability(&x.probability, f("probability"))?;
            self.fields_ok(&x.fields, &f("fields"))?;
            self.kind_ok(&x.kind, f("kind"))?;
            out.facts.push(FactTemplate {
                key: content_key(x),
                kind: x.kind.as_str().into(),
                entity: self.optional_entity(&x.entity, f("entity"))?,
                fields: field_templates(&x.fields),
                probability,
                lead: x.lead,
                lasts: x.lasts,
            });
        }
        out.traces.sort_by_key(|t| t.key);
        out.facts.sort_by_key(|t| t.key);
        for w in out.traces.windows(2) {
            if w[0].key == w[1].key {
                return Err(self.err(
                    None,
                    format!("{at}telemetry"),
                    "two identical records: merge them into one with a higher probability",
                ));
            }
        }
        for w in out.facts.windows(2) {
            if w[0].key == w[1].key {
                return Err(self.err(
                    None,
                    format!("{at}facts"),
                    "two identical facts: merge them into one with a higher probability",
                ));
            }
        }
        Ok(out)
    }

    pub(super) fn world_facts(&self, facts: &[WorldFactSpec]) -> Result<Vec<WorldFact>> {
        let mut out = Vec::new();
        for (i, x) in facts.iter().enumerate() {
            let f = |y: &str| format!("facts[{i}].{y}");
            self.fields_ok(&x.fields, &f("fields"))?;
            self.kind_ok(&x.kind, f("kind"))?;
            if x.until.is_some_and(|u| u <= x.from) {
                return Err(self.err(None, f("until"), "must be after `from`"));
            }
            out.push(WorldFact {
                key: content_key(x),
                entity: self.entity_ref(&x.entity, f("entity"))?,
                kind: x.kind.as_str().into(),
                fields: field_templates(&x.fields),
                from: x.from,
                until: x.until,
            });
        }
        out.sort_by_key(|f| f.key);
        Ok(out)
    }
}
