//! A recorded attack's steps: the records each step left (by line, file:line or file),
//! steps in the order they began, each after the one before, requiring every entity its
//! records name to be free.

use super::Compiler;
use super::recorded::Loaded;
use crate::error::Result;
use crate::ids::EntityId;
use crate::random::fnv1a;
use crate::scenario::dist::Dist;
use crate::scenario::model::Step;
use crate::scenario::recorded::{Output, RecordedRecord, RecordingSpec};
use crate::time::SimDuration;
use std::collections::BTreeSet;

impl Compiler<'_> {
    /// The recorded attack's steps, in the order they began, each after the one before.
    pub(super) fn recorded_steps(
        &self,
        r: &RecordingSpec,
        l: &Loaded,
        records: &[RecordedRecord],
        first: u32,
        at: &dyn Fn(&str) -> String,
    ) -> Result<Vec<Step>> {
        let mut owner: Vec<Option<usize>> = vec![None; l.recording.records.len()];
        self.unique(r.steps.iter().map(|s| s.id.as_str()), &at("steps"))?;
        for (k, s) in r.steps.iter().enumerate() {
            let field = |f: &str| at(&format!("steps[{k}].{f}"));
            if s.records.is_empty() {
                return Err(self.err(None, field("records"), "name the records it left"));
            }
            for (n, selector) in s.records.iter().enumerate() {
                let (file, line) = parse_selector(selector);
                let chosen: Vec<usize> = (0..l.recording.records.len())
                    .filter(|&j| {
                        let rec = &l.recording.records[j];
                        file.is_none_or(|f| rec.file.ends_with(f))
                            && line.is_none_or(|x| rec.line == x)
                    })
                    .collect();
                let files: BTreeSet<&str> = chosen
                    .iter()
                    .map(|&j| l.recording.records[j].file.as_str())
                    .collect();
                let problem = if chosen.is_empty() {
                    Some("selects no record".to_string())
                } else if line.is_some() && files.len() > 1 {
                    Some(format!(
                        "line {} is in {} input files: write FILE:LINE",
                        line.unwrap_or_default(),
                        files.len()
                    ))
                } else {
                    None
                };
                if let Some(p) = problem {
                    return Err(self.err(None, field(&format!("records[{n}]")), p));
                }
                for j in chosen {
                    if let Some(other) = owner[j].filter(|&o| o != k) {
                        let rec = &l.recording.records[j];
                        return Err(self.err(
                            None,
                            field(&format!("records[{n}]")),
                            format!(
                                "{} line {} is already step {:?}'s",
                                rec.file, rec.line, r.steps[other].id
                            ),
                        ));
                    }
                    owner[j] = Some(k);
                }
            }
        }
        // Steps in the order they began (records are in time order).
        let mut order: Vec<usize> = Vec::new();
        for o in owner.iter().flatten() {
            if !order.contains(o) {
                order.push(*o);
            }
        }
        let any_objective = r.steps.iter().any(|s| s.objective);
        let mut steps: Vec<Step> = Vec::new();
        let mut previous_start: Option<SimDuration> = None;
        for (n, &k) in order.iter().enumerate() {
            let s = &r.steps[k];
            let mine: Vec<u32> = (0..owner.len())
                .filter(|&j| owner[j] == Some(k))
                .map(|j| first + j as u32)
                .collect();
            let start = records[mine[0] as usize].at;
            let mut requires: Vec<(EntityId, _)> = Vec::new();
            for &j in &mine {
                for &e in &records[j as usize].entities {
                    let kind = self.kind_of(e);
                    if !requires.iter().any(|(x, _)| *x == e) {
                        requires.push((e, kind.default_condition()));
                    }
                }
            }
            requires.sort_by_key(|(e, _)| *e);
            steps.push(Step {
                id: s.id.clone(),
                key: fnv1a(s.id.as_bytes()),
                technique: s.technique.clone(),
                target: records[mine[0] as usize].entities[0],
                after: if n == 0 {
                    Vec::new()
                } else {
                    vec![crate::ids::StepId(n as u32 - 1)]
                },
                delay: Dist::Fixed {
                    value: SimDuration(start.ms() - previous_start.unwrap_or(start).ms()),
                },
                requires,
                objective: s.objective || (!any_objective && n + 1 == order.len()),
                foothold: false,
                detect: Vec::new(),
                clues: Default::default(),
                // Records at the step's first instant happen as it executes; later ones
                // are due at their own times (and containment may stop them).
                outputs: mine
                    .iter()
                    .filter(|&&j| records[j as usize].at == start)
                    .flat_map(|&j| [Output::Observe(j), Output::Match(j)])
                    .collect(),
                later: mine
                    .iter()
                    .copied()
                    .filter(|&j| records[j as usize].at != start)
                    .collect(),
                recorded_at: Some(start),
            });
            previous_start = Some(start);
        }
        Ok(steps)
    }
}

/// `FILE:LINE`, `FILE` or `LINE` (see `RecordedStepSpec::records`).
fn parse_selector(s: &str) -> (Option<&str>, Option<usize>) {
    if let Ok(line) = s.parse::<usize>() {
        return (None, Some(line));
    }
    match s.rsplit_once(':') {
        Some((file, line)) if line.parse::<usize>().is_ok() => (Some(file), line.parse().ok()),
        _ => (Some(s), None),
    }
}
