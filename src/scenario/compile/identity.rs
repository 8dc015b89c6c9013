//! A scenario's identity in results: a hash of its canonical content — the parsed spec
//! with unordered collections sorted, and the text of every Sigma rule it loads — so
//! comments, whitespace and declaration order change nothing, and any change to what
//! the world does changes the hash.

use crate::random::fnv1a;
use crate::scenario::clues::content_key;
use crate::scenario::spec::ScenarioSpec;

/// The canonical content hash of `spec` with its rules' texts.
pub fn canonical_hash(spec: &ScenarioSpec, rule_texts: &[String]) -> u64 {
    let mut s = spec.clone();
    s.entities
        .sort_by(|a, b| a.id.get_ref().cmp(b.id.get_ref()));
    s.benign.sort_by(|a, b| a.name.cmp(&b.name));
    s.telemetry.sort_by(|a, b| a.name.cmp(&b.name));
    s.campaigns.sort_by(|a, b| a.name.cmp(&b.name));
    s.facts.sort_by_key(content_key);
    s.rules.clear();
    s.lint = Default::default();
    for b in &mut s.benign {
        b.entities.sort_by(|x, y| x.get_ref().cmp(y.get_ref()));
        b.telemetry.sort_by_key(content_key);
        b.facts.sort_by_key(content_key);
    }
    for t in &mut s.telemetry {
        t.entities.sort_by(|x, y| x.get_ref().cmp(y.get_ref()));
        t.facts.sort_by_key(content_key);
    }
    for step in s.campaigns.iter_mut().flat_map(|c| c.steps.iter_mut()) {
        step.detect
            .sort_by(|x, y| (&x.source, &x.rule).cmp(&(&y.source, &y.rule)));
        step.telemetry.sort_by_key(content_key);
        step.facts.sort_by_key(content_key);
    }
    let mut text = serde_json::to_string(&s).unwrap_or_default();
    let mut rules = rule_texts.to_vec();
    rules.sort();
    for r in rules {
        text.push('\0');
        text.push_str(&r);
    }
    fnv1a(text.as_bytes())
}
