//! Detection latency, compiled per rule. Latency belongs to the detector: an attack
//! step and a benign process that a rule alerts on wait the same (drawn) time for the
//! alert, so when an alert appears says nothing about who caused it. The most specific
//! `[[latency]]` entry applies (source and rule, then source), else the default of the
//! detector's kind (docs/scenario-format.md, "Detection latency").

use super::Compiler;
use crate::error::Result;
use crate::event::Rule;
use crate::scenario::dist::DurationDist;
use crate::scenario::spec::LatencySpec;
use crate::time::SimDuration;

/// The default latency of a security tool's alerts: the tool's own pipeline (sensor →
/// cloud → alert), seconds to a few minutes; median 1 min.
pub fn default_tool_latency() -> DurationDist {
    DurationDist::Lognormal {
        median: SimDuration(60_000),
        sigma: 0.8,
    }
}

/// The default latency of a detection rule's alerts: ingestion delay (2 min in
/// Microsoft's example) plus the wait for the next run of a rule scheduled every
/// 5 minutes — uniform between 2 and 7 minutes.
pub fn default_rule_latency() -> DurationDist {
    DurationDist::Uniform {
        low: SimDuration(120_000),
        high: SimDuration(420_000),
    }
}

impl Compiler<'_> {
    /// Each rule's latency distribution, by rule id.
    pub(super) fn latency(
        &self,
        entries: &[LatencySpec],
        rules: &[Rule],
    ) -> Result<Vec<DurationDist>> {
        for (i, e) in entries.iter().enumerate() {
            let field = format!("latency[{i}]");
            self.dist_ok(&e.delay, format!("{field}.delay"))?;
            let known = rules
                .iter()
                .any(|r| r.source == e.source && e.rule.as_ref().is_none_or(|n| *n == r.name));
            if !known {
                let what = match &e.rule {
                    Some(n) => format!("no rule {n:?} of detector {:?}", e.source),
                    None => format!("no rule of detector {:?}", e.source),
                };
                return Err(self.err(
                    None,
                    field,
                    format!("{what} is in this scenario: check the names"),
                ));
            }
            let twin = entries[..i]
                .iter()
                .any(|x| x.source == e.source && x.rule == e.rule);
            if twin {
                return Err(self.err(None, field, "this detector/rule has a latency already"));
            }
        }
        Ok(rules
            .iter()
            .map(|r| {
                let exact = entries
                    .iter()
                    .find(|e| e.source == r.source && e.rule.as_deref() == Some(&r.name));
                let whole = entries
                    .iter()
                    .find(|e| e.source == r.source && e.rule.is_none());
                match exact.or(whole) {
                    Some(e) => e.delay.clone(),
                    None if r.source == "sigma" => default_rule_latency(),
                    None => default_tool_latency(),
                }
            })
            .collect())
    }
}
