//! What happened to one alert of one run, as scoring and `alerts.parquet` see it: its
//! label, how the provider and the customer dealt with it, its waits, the containment
//! and disruption it caused. Folded from the log in [`super::record`].

use crate::event::{Truth, Verdict};
use crate::ids::{CampaignId, RuleId};
use crate::scenario::spec::Severity;

/// How the provider first dealt with an alert that reached it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TriageOutcome {
    /// Taken up by a worker (the usual path).
    Investigated,
    /// Escalated on arrival, before any worker looked at it.
    Escalated,
    /// Closed as benign on arrival, before any worker looked at it.
    Dismissed,
}

impl TriageOutcome {
    /// Lower-case name, as in `alerts.parquet`.
    pub fn as_str(self) -> &'static str {
        match self {
            TriageOutcome::Investigated => "investigated",
            TriageOutcome::Escalated => "escalated",
            TriageOutcome::Dismissed => "dismissed",
        }
    }
}

/// One stretch of time a case spent waiting for a provider worker: from reaching a
/// pool's queue (first line, or an expert pool after a hand-off) until a worker took
/// it up, it was escalated, dismissed or dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wait {
    /// Start, ms since the scenario start.
    pub from_ms: u64,
    /// End, ms; `None`: still waiting when the run ended.
    pub until_ms: Option<u64>,
}

/// One alert of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertRecord {
    /// Alert id within the run.
    pub alert: u32,
    /// Raised, ms since the scenario start.
    pub raised_at_ms: u64,
    /// The detector rule.
    pub rule: RuleId,
    /// Severity.
    pub severity: Severity,
    /// Ground truth.
    pub truth: Option<Truth>,
    /// The campaign, for malicious alerts.
    pub campaign: Option<CampaignId>,
    /// When it reached the provider (`None`: the provider never saw it).
    pub queued_at_ms: Option<u64>,
    /// When a provider worker first took it up.
    pub first_pickup_ms: Option<u64>,
    /// How the provider first dealt with it (`None` if it never saw it).
    pub triage: Option<TriageOutcome>,
    /// Handed to the customer's team.
    pub escalated: bool,
    /// Dropped under overload.
    pub expired: bool,
    /// The provider's verdict.
    pub verdict: Option<Verdict>,
    /// When the verdict was reached, ms.
    pub verdict_at_ms: Option<u64>,
    /// The confidence the verdict stated, in [0, 1].
    pub confidence: Option<f64>,
    /// Every `seq` the verdict cites is the alert, the record its rule matched, or a
    /// record this investigation's queries returned before the verdict.
    pub evidence_resolves: bool,
    /// The customer's resolution of an escalation.
    pub customer_verdict: Option<Verdict>,
    /// Context queries made.
    pub context_queries: u64,
    /// Provider worker time on it, ms.
    pub provider_work_ms: u64,
    /// Customer team time it pushed onto the customer (resolving its escalation,
    /// executing recommended containment), ms.
    pub customer_work_ms: u64,
    /// Containments carried out because of it when it was not malicious (decided on a
    /// benign alert, whatever they blocked).
    pub false_containments: u64,
    /// Time its containments kept entities contained while no attack had compromised
    /// them (until release, compromise or the horizon), ms: the disruption it caused.
    pub disruption_ms: u64,
    /// The same by the contained entity's criticality (low, medium, high, critical):
    /// an hour of a domain controller is not an hour of a laptop.
    pub disruption_by_tier_ms: [u64; 4],
    /// Eradications carried out because of it: credential resets, host reimages, grant
    /// revocations (each is work and downtime, priced per act).
    pub eradications: [u64; 3],
    /// Customer tasks about it that the on-call picked up out of hours (call-outs).
    pub on_call_callouts: u64,
    /// Actions an automation pool completed on it (priced per action).
    pub automation_actions: u64,
    /// Times the strategy failed on it (`strategy_failed` events: a program that
    /// crashed, hung or replied with something invalid).
    pub strategy_errors: u64,
    /// Its waits for a provider worker, in order.
    pub waits: Vec<Wait>,
}

impl AlertRecord {
    /// Seconds from reaching the provider to the first pickup.
    pub fn queue_wait_s(&self) -> Option<f64> {
        Some(self.first_pickup_ms?.saturating_sub(self.queued_at_ms?) as f64 / 1000.0)
    }

    /// A malicious alert.
    pub fn is_malicious(&self) -> bool {
        self.truth.is_some_and(Truth::is_malicious)
    }

    /// The stated probability that it is malicious (its verdict's confidence, or one
    /// minus it for a benign verdict).
    pub fn stated_p_malicious(&self) -> Option<f64> {
        let c = self.confidence?;
        Some(match self.verdict? {
            Verdict::Malicious => c,
            Verdict::Benign => 1.0 - c,
        })
    }

    /// Its final outcome: the provider's verdict, or the customer's resolution.
    pub fn final_verdict(&self) -> Option<Verdict> {
        self.verdict.or(self.customer_verdict)
    }

    /// Its waits for a worker as time-to-event observations, seconds: a pickup is an
    /// event; a wait ended otherwise (escalation, dismissal, expiry) or still open at
    /// `horizon_ms` is censored there.
    pub fn wait_observations(&self, horizon_ms: u64) -> Option<(f64, bool)> {
        let w = self.waits.first()?;
        Some(match (self.first_pickup_ms, w.until_ms) {
            (Some(p), _) => (p.saturating_sub(w.from_ms) as f64 / 1000.0, true),
            (_, Some(u)) => (u.saturating_sub(w.from_ms) as f64 / 1000.0, false),
            (_, None) => (horizon_ms.saturating_sub(w.from_ms) as f64 / 1000.0, false),
        })
    }

    /// Still waiting for a worker at the horizon.
    pub fn unhandled(&self) -> bool {
        self.waits.last().is_some_and(|w| w.until_ms.is_none())
    }

    pub(super) fn new(alert: u32) -> Self {
        AlertRecord {
            alert,
            raised_at_ms: 0,
            rule: RuleId(0),
            severity: Severity::Low,
            truth: None,
            campaign: None,
            queued_at_ms: None,
            first_pickup_ms: None,
            triage: None,
            escalated: false,
            expired: false,
            verdict: None,
            verdict_at_ms: None,
            confidence: None,
            evidence_resolves: false,
            customer_verdict: None,
            context_queries: 0,
            provider_work_ms: 0,
            customer_work_ms: 0,
            false_containments: 0,
            disruption_ms: 0,
            disruption_by_tier_ms: [0; 4],
            eradications: [0; 3],
            on_call_callouts: 0,
            automation_actions: 0,
            strategy_errors: 0,
            waits: Vec::new(),
        }
    }

    /// Ends the open wait, if any; whether there was one.
    pub(super) fn stop_waiting(&mut self, at_ms: u64) -> bool {
        match self.waits.last_mut() {
            Some(w) if w.until_ms.is_none() => {
                w.until_ms = Some(at_ms);
                true
            }
            _ => false,
        }
    }
}
