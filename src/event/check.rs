//! Referential integrity of a stored log: what `replay` checks before it scores, so a
//! log whose events name things that do not exist is refused instead of scored as
//! different numbers. Every id an event names must exist in the header (entities,
//! rules, campaigns and their steps, sources, pools) or have been raised earlier in the
//! log (alerts); every `seq` it cites must be an earlier event of the right type; times
//! stay within the run, durations within what a simulation can produce.

use std::collections::HashSet;

use super::{Envelope, Payload, RunHeader};
use crate::ids::{AlertId, CampaignId, EntityId, StepId};

/// Longest duration an event may carry: the duration samplers' cap (`1e15` ms, about
/// 31,700 years), so sums of durations cannot overflow.
pub const MAX_DURATION_MS: u64 = 1_000_000_000_000_000;

/// The first reference in `events` that does not resolve, as `(seq, problem)`.
pub fn check_references(header: &RunHeader, events: &[Envelope]) -> Result<(), (u64, String)> {
    let mut refs = References::new(header);
    events.iter().try_for_each(|e| refs.check(e))
}

/// [`check_references`] one event at a time, for a log read as a stream: it keeps one
/// byte per event (its type, for the `seq`s later events cite) and the alerts raised.
pub struct References<'a> {
    header: &'a RunHeader,
    /// The type of every event so far, as an index into `names`.
    kinds: Vec<u8>,
    /// The event types seen, each once (at most the 21 types).
    names: Vec<&'static str>,
    raised: HashSet<AlertId>,
}

impl<'a> References<'a> {
    /// A check of the log whose header is `header`.
    pub fn new(header: &'a RunHeader) -> Self {
        References {
            header,
            kinds: Vec::new(),
            names: Vec::new(),
            raised: HashSet::new(),
        }
    }

    /// Checks the next event (events come in `seq` order, from 0).
    pub fn check(&mut self, e: &Envelope) -> Result<(), (u64, String)> {
        Refs {
            header: self.header,
            refs: self,
            seq: e.seq,
        }
        .event(e)
        .map_err(|m| (e.seq, m))?;
        if let Payload::AlertRaised { alert, .. } = &e.payload
            && !self.raised.insert(*alert)
        {
            return Err((e.seq, format!("alert {} is raised twice", alert.0)));
        }
        let kind = e.payload.kind();
        let code = match self.names.iter().position(|n| *n == kind) {
            Some(c) => c,
            None => {
                self.names.push(kind);
                self.names.len() - 1
            }
        };
        self.kinds.push(code as u8);
        Ok(())
    }
}

struct Refs<'a, 'h> {
    header: &'h RunHeader,
    refs: &'a References<'h>,
    seq: u64,
}

type Check = Result<(), String>;

impl Refs<'_, '_> {
    fn event(&mut self, e: &Envelope) -> Check {
        if e.at.0 > self.header.horizon_ms {
            return Err(format!(
                "at {} ms is after the horizon ({} ms)",
                e.at.0, self.header.horizon_ms
            ));
        }
        if let Some(a) = e.payload.alert()
            && !matches!(e.payload, Payload::AlertRaised { .. })
            && !self.refs.raised.contains(&a)
        {
            return Err(format!("names alert {}, which was never raised", a.0));
        }
        use Payload::*;
        match &e.payload {
            TelemetryObserved { source, entity, .. } => {
                self.index(*source as usize, self.header.sources.len(), "source")?;
                self.entity(*entity)
            }
            FactRecorded {
                entity,
                from_ms,
                until_ms,
                ..
            } => {
                self.entity(*entity)?;
                if until_ms.is_some_and(|u| u < *from_ms) {
                    return Err("until_ms is before from_ms".into());
                }
                Ok(())
            }
            AttackStepExecuted {
                campaign,
                step,
                target,
                ..
            } => {
                self.step(*campaign, *step)?;
                self.entity(*target)
            }
            AttackStepPrevented {
                campaign,
                step,
                blocked_by,
                containment,
            } => {
                self.step(*campaign, *step)?;
                self.entity(*blocked_by)?;
                self.earlier(*containment, "containment", &["containment_executed"])
            }
            CampaignStopped {
                campaign,
                containment,
            } => {
                self.campaign(*campaign)?;
                self.earlier(*containment, "containment", &["containment_executed"])
            }
            AlertRaised {
                rule,
                entities,
                score,
                telemetry,
                ..
            } => {
                self.index(rule.index(), self.header.rules.len(), "rule")?;
                entities.iter().try_for_each(|x| self.entity(*x))?;
                if !score.is_finite() {
                    return Err("score is not a finite number".into());
                }
                match telemetry {
                    Some(t) => self.earlier(*t, "telemetry", &["telemetry_observed"]),
                    None => Ok(()),
                }
            }
            AlertLabeled { campaign, step, .. } => match (campaign, step) {
                (Some(c), Some(s)) => self.step(*c, *s),
                (Some(c), None) => self.campaign(*c),
                (None, Some(_)) => Err("names a step without its campaign".into()),
                (None, None) => Ok(()),
            },
            AlertQueued { pool, .. } | CaseHandedOff { pool, .. } | TriageStarted { pool, .. } => {
                self.pool(*pool)
            }
            WorkCompleted {
                pool, duration_ms, ..
            } => {
                self.pool(*pool)?;
                self.duration(*duration_ms, "duration_ms")
            }
            ContextQueried {
                records, cost_ms, ..
            } => {
                self.duration(*cost_ms, "cost_ms")?;
                records.iter().try_for_each(|r| {
                    self.earlier(
                        *r,
                        "records",
                        &[
                            "telemetry_observed",
                            "fact_recorded",
                            "verdict_reached",
                            "customer_resolved",
                        ],
                    )
                })
            }
            VerdictReached {
                confidence,
                evidence,
                ..
            } => {
                if !(0.0..=1.0).contains(confidence) {
                    return Err(format!("confidence {confidence} is not in [0, 1]"));
                }
                evidence
                    .iter()
                    .try_for_each(|r| self.earlier(*r, "evidence", &[]))
            }
            Escalated { customer_ms, .. } => self.duration(*customer_ms, "customer_ms"),
            ContainmentRequested {
                target,
                customer_ms,
                ..
            } => {
                self.entity(*target)?;
                self.duration(*customer_ms, "customer_ms")
            }
            ContainmentExecuted {
                target, request, ..
            } => {
                self.entity(*target)?;
                self.earlier(*request, "request", &["containment_requested"])
            }
            ContainmentReleased {
                target, execution, ..
            } => {
                self.entity(*target)?;
                self.earlier(*execution, "execution", &["containment_executed"])
            }
            CustomerStarted { task, .. } | CustomerResolved { task, .. } => {
                self.earlier(*task, "task", &[])
            }
            _ => Ok(()),
        }
    }

    fn index(&self, i: usize, len: usize, what: &str) -> Check {
        if i < len {
            Ok(())
        } else {
            Err(format!(
                "names {what} {i}, but the header lists {len} {what}s"
            ))
        }
    }

    fn entity(&self, e: EntityId) -> Check {
        self.index(e.index(), self.header.entities.len(), "entity")
    }

    fn pool(&self, p: u32) -> Check {
        self.index(p as usize, self.header.pools.len(), "pool")
    }

    fn campaign(&self, c: CampaignId) -> Check {
        self.index(c.index(), self.header.campaigns.len(), "campaign")
    }

    fn step(&self, c: CampaignId, s: StepId) -> Check {
        self.campaign(c)?;
        let steps = self.header.campaigns[c.index()].steps.len();
        self.index(s.index(), steps, "step")
    }

    fn duration(&self, ms: u64, what: &str) -> Check {
        if ms > MAX_DURATION_MS {
            return Err(format!("{what} {ms} is longer than any run can produce"));
        }
        Ok(())
    }

    /// `seq` is an earlier event, of one of `kinds` when any are given.
    fn earlier(&self, seq: u64, what: &str, kinds: &[&str]) -> Check {
        if seq >= self.seq {
            return Err(format!("{what} cites event {seq}, which is not earlier"));
        }
        let kind = self.refs.names[self.refs.kinds[seq as usize] as usize];
        if !kinds.is_empty() && !kinds.contains(&kind) {
            return Err(format!(
                "{what} cites event {seq}, a {kind}, not a {}",
                kinds.join(" or ")
            ));
        }
        Ok(())
    }
}
