//! Turning one logged event into words, with the records it names resolved to their
//! content: the reading half of `explain`.

use super::Record;
use crate::event::{
    ContainAction, ContextKind, Envelope, Party, Payload, RunHeader, Truth, Verdict,
};
use crate::time::{Epoch, SimTime};

fn party(p: Party) -> &'static str {
    match p {
        Party::Provider => "the provider",
        Party::Customer => "the customer",
    }
}

fn action(a: ContainAction) -> &'static str {
    match a {
        ContainAction::IsolateHost => "isolate host",
        ContainAction::DisableAccount => "disable account",
        ContainAction::RevokeSessions => "revoke sessions of",
        ContainAction::BlockDomain => "block domain",
        ContainAction::ResetCredentials => "reset credentials of",
        ContainAction::ReimageHost => "reimage host",
        ContainAction::RevokeGrant => "revoke the grant of",
    }
}

pub(super) fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Malicious => "malicious",
        Verdict::Benign => "benign",
    }
}

fn minutes(ms: u64) -> String {
    crate::report::units::duration(ms as f64 / 1000.0)
}

/// A log being read: its header (names), events and start.
pub(super) struct Reader<'a> {
    pub(super) header: &'a RunHeader,
    pub(super) events: &'a [Envelope],
    pub(super) epoch: Option<Epoch>,
}

impl Reader<'_> {
    pub(super) fn when(&self, t: u64) -> String {
        match &self.epoch {
            Some(e) => format!(
                "{} (+{})",
                e.zoned(SimTime(t), None).strftime("%a %-d %b %H:%M:%S"),
                minutes(t)
            ),
            None => format!("+{}", minutes(t)),
        }
    }

    pub(super) fn entity(&self, id: u32) -> String {
        self.header
            .entities
            .get(id as usize)
            .cloned()
            .unwrap_or_else(|| format!("entity {id}"))
    }

    pub(super) fn at(&self, seq: u64) -> Option<&Envelope> {
        self.events.get(seq as usize).filter(|e| e.seq == seq)
    }

    fn campaign(&self, c: u32) -> String {
        self.header
            .campaigns
            .get(c as usize)
            .map_or_else(|| format!("campaign {c}"), |x| x.name.clone())
    }

    fn step(&self, c: u32, s: u32) -> String {
        let name = self
            .header
            .campaigns
            .get(c as usize)
            .and_then(|x| x.steps.get(s as usize));
        match name {
            Some(st) => format!("{}/{} ({})", self.campaign(c), st.id, st.technique),
            None => format!("{}/step {s}", self.campaign(c)),
        }
    }

    fn pool(&self, p: u32) -> String {
        self.header
            .pools
            .get(p as usize)
            .cloned()
            .unwrap_or_else(|| format!("pool {p}"))
    }

    /// The words for an event, and the records it names.
    pub(super) fn describe(&self, e: &Envelope) -> (String, Vec<Record>) {
        let records = |seqs: &[u64]| seqs.iter().filter_map(|s| self.record(*s)).collect();
        match &e.payload {
            Payload::AlertRaised {
                alert,
                rule,
                severity,
                entities,
                score,
                telemetry,
            } => {
                let r = self.header.rules.get(rule.0 as usize);
                let names: Vec<String> = entities.iter().map(|x| self.entity(x.0)).collect();
                let by = r.map_or("?".into(), |r| {
                    let author = r
                        .author
                        .as_deref()
                        .map_or(String::new(), |a| format!(", by {a}"));
                    format!("{}: {}{author}", r.source, r.name)
                });
                (
                    format!(
                        "alert {} raised by {by} — severity {}, score {score:.2}, on {}",
                        alert.0,
                        severity.as_str(),
                        names.join(", ")
                    ),
                    records(&telemetry.iter().copied().collect::<Vec<_>>()),
                )
            }
            Payload::AlertLabeled {
                truth,
                campaign,
                step,
                ..
            } => {
                let t = match truth {
                    Truth::Malicious => "malicious",
                    Truth::BenignPositive => "benign (a real but authorised activity)",
                    Truth::FalsePositive => "benign (a false positive)",
                };
                let what = match (campaign, step) {
                    (Some(c), Some(s)) => format!(" — {}", self.step(c.0, s.0)),
                    (Some(c), None) => format!(" — {}", self.campaign(c.0)),
                    _ => String::new(),
                };
                (
                    format!("ground truth, never shown to the strategy: {t}{what}"),
                    Vec::new(),
                )
            }
            Payload::AlertQueued { pool, .. } => {
                (format!("queued for {}", self.pool(*pool)), Vec::new())
            }
            Payload::AlertExpired { .. } => {
                ("expired unhandled (waited too long)".into(), Vec::new())
            }
            Payload::TriageStarted { pool, worker, .. } => (
                format!("picked up by {} worker #{worker}", self.pool(*pool)),
                Vec::new(),
            ),
            Payload::WorkCompleted {
                party: p,
                pool,
                worker,
                action,
                duration_ms,
                ..
            } => {
                let who = match p {
                    Party::Provider => format!("{} #{worker}", self.pool(*pool)),
                    Party::Customer => format!("customer #{worker}"),
                };
                (
                    format!(
                        "{who} finished {} work ({})",
                        format!("{action:?}").to_lowercase(),
                        minutes(*duration_ms)
                    ),
                    Vec::new(),
                )
            }
            Payload::CaseHandedOff { pool, reason, .. } => (
                format!("handed off to {}: {reason}", self.pool(*pool)),
                Vec::new(),
            ),
            Payload::ContextQueried {
                kind,
                records: r,
                cost_ms,
                ..
            } => {
                let k = match kind {
                    ContextKind::Telemetry => "telemetry",
                    ContextKind::Organizational => "organizational",
                    ContextKind::Historic => "historic",
                };
                (
                    format!(
                        "queried {k} context ({}): {} record(s)",
                        minutes(*cost_ms),
                        r.len()
                    ),
                    records(r),
                )
            }
            Payload::VerdictReached {
                verdict: v,
                confidence,
                evidence,
                rationale,
                ..
            } => (
                format!(
                    "verdict {}, confidence {confidence:.2}{}; cites {} record(s)",
                    verdict(*v),
                    if rationale.is_empty() {
                        String::new()
                    } else {
                        format!(": {rationale}")
                    },
                    evidence.len()
                ),
                records(evidence),
            ),
            Payload::Escalated { reason, .. } => {
                (format!("escalated to the customer: {reason}"), Vec::new())
            }
            Payload::ContainmentRequested {
                action: a,
                target,
                by,
                executor,
                ..
            } => (
                format!(
                    "{} asks to {} {} (carried out by {})",
                    party(*by),
                    action(*a),
                    self.entity(target.0),
                    party(*executor)
                ),
                Vec::new(),
            ),
            Payload::ContainmentExecuted {
                action: a,
                target,
                by,
                ..
            } => (
                format!(
                    "{} {}: done by {}",
                    action(*a),
                    self.entity(target.0),
                    party(*by)
                ),
                Vec::new(),
            ),
            Payload::ContainmentReleased {
                action: a,
                target,
                execution,
                by,
                ..
            } => {
                let since = self.at(*execution).map_or(0, |x| x.at.ms());
                (
                    format!(
                        "released: {} {} lifted by {} after {}",
                        action(*a),
                        self.entity(target.0),
                        party(*by),
                        minutes(e.at.ms().saturating_sub(since))
                    ),
                    Vec::new(),
                )
            }
            Payload::CustomerStarted { worker, .. } => (
                format!("the customer's analyst #{worker} picks it up"),
                Vec::new(),
            ),
            Payload::CustomerResolved { verdict: v, .. } => (
                format!("the customer resolves it as {}", verdict(*v)),
                Vec::new(),
            ),
            Payload::StrategyFailed { message, .. } => {
                (format!("the strategy failed: {message}"), Vec::new())
            }
            Payload::AttackStepExecuted {
                campaign,
                step,
                target,
                objective,
            } => (
                format!(
                    "attack step {} on {}{}",
                    self.step(campaign.0, step.0),
                    self.entity(target.0),
                    if *objective {
                        " — the campaign's objective"
                    } else {
                        ""
                    }
                ),
                Vec::new(),
            ),
            Payload::AttackStepPrevented {
                campaign,
                step,
                blocked_by,
                ..
            } => (
                format!(
                    "prevented: {} could not happen, {} being contained",
                    self.step(campaign.0, step.0),
                    self.entity(blocked_by.0)
                ),
                Vec::new(),
            ),
            Payload::CampaignStopped { campaign, .. } => (
                format!("campaign {} stopped", self.campaign(campaign.0)),
                Vec::new(),
            ),
            Payload::TelemetryObserved { .. } | Payload::FactRecorded { .. } => {
                ("a record".into(), records(&[e.seq]))
            }
        }
    }
}
