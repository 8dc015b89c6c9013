//! What a strategy may see: an alert as its detector raised it, and the records its own
//! context queries returned — telemetry records, organizational facts, the provider's own
//! past cases with their outcomes as recorded. Records are resolved through a private
//! [`Records`] that only reaches the events a query returned; nothing reachable from here
//! carries ground truth or a number derived from it.
//!
//! Every number a strategy sees as an id is a *handle* ([`crate::world::Handles`]):
//! given when the alert, record or query is first shown to it, densely from 0 — never
//! the log's `seq`, whose gaps would count hidden events. Cite records by handle.

use std::collections::BTreeSet;

use crate::event::{ContainAction, ContextKind, EventLookup, Party, Payload, RetainedLog, Verdict};
use crate::ids::{AlertId, EntityId, RuleId};
use crate::scenario::{Entity, EntityKind, Fields, Rule, Severity};
use crate::time::SimTime;
use crate::world::Handles;
use crate::world::state::{AlertRecord, QueryResult};

/// An alert without its label.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertView<'a> {
    /// The alert's handle (cite it like any record).
    pub handle: u64,
    /// The alert in the log (for the engine's own bookkeeping, never shown).
    pub(crate) id: AlertId,
    pub(crate) raised_seq: u64,
    pub(crate) matched_seq: Option<u64>,
    /// When the detector raised it.
    pub raised_at: SimTime,
    /// When it reached the queue.
    pub queued_at: SimTime,
    /// Detector and rule.
    pub rule: &'a Rule,
    /// Severity the detector assigned.
    pub severity: Severity,
    /// The detector's risk score in [0, 1].
    pub score: f64,
    /// Entities it concerns.
    pub entities: &'a [EntityId],
    /// Handle of the telemetry record a detection rule matched, for rule alerts.
    pub matched: Option<u64>,
}

/// One record a query returned, resolved to its content.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Observation<'a> {
    /// A telemetry record.
    Telemetry {
        /// Handle of the record (cite this).
        handle: u64,
        /// When it was observed.
        at: SimTime,
        /// Its source (`process`, `entra_signin`, …).
        source: &'a str,
        /// The entity it concerns.
        entity: EntityId,
        /// Its fields, verbatim.
        fields: &'a Fields,
    },
    /// An organizational fact in force when the alert was raised or now.
    Fact {
        /// Handle of the record (cite this).
        handle: u64,
        /// The system of record (`hr`, `change`, `travel`, `directory`, …).
        kind: &'a str,
        /// The entity it concerns.
        entity: EntityId,
        /// Its fields.
        fields: &'a Fields,
        /// Start of its window.
        from: SimTime,
        /// End of its window (`None`: open-ended).
        until: Option<SimTime>,
    },
    /// One of the provider's own past cases, with its outcome as recorded (right or
    /// wrong: nobody knows the truth).
    Case {
        /// Handle of the verdict or resolution (cite this).
        handle: u64,
        /// When it was closed.
        at: SimTime,
        /// The past alert's handle.
        alert: u64,
        /// Its rule.
        rule: RuleId,
        /// Its entities.
        entities: &'a [EntityId],
        /// The recorded outcome.
        verdict: Verdict,
        /// Who recorded it: the provider's verdict, or the customer's resolution.
        by: Party,
    },
}

impl Observation<'_> {
    /// The record's handle.
    pub fn handle(&self) -> u64 {
        match self {
            Observation::Telemetry { handle, .. }
            | Observation::Fact { handle, .. }
            | Observation::Case { handle, .. } => *handle,
        }
    }
}

/// One query of this investigation, as the strategy sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryView {
    /// Its kind.
    pub kind: ContextKind,
    /// Its handle.
    pub handle: u64,
}

/// Resolves the records returned to one investigation. Private fields: a strategy cannot
/// reach any other event of the run through it.
#[derive(Clone, Copy)]
pub struct Records<'a> {
    log: &'a RetainedLog,
    /// `None` for a reader who is not a strategy (the customer's team): ids are seqs.
    handles: Option<&'a Handles>,
    alerts: &'a [AlertRecord],
    sources: &'a [String],
    entities: &'a [Entity],
    rules: &'a [Rule],
}

impl std::fmt::Debug for Records<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Records")
    }
}

impl<'a> Records<'a> {
    /// A resolver over the run so far. Only the engine makes one.
    pub(crate) fn new(
        log: &'a RetainedLog,
        handles: &'a Handles,
        alerts: &'a [AlertRecord],
        sources: &'a [String],
        entities: &'a [Entity],
        rules: &'a [Rule],
    ) -> Self {
        Records {
            log,
            handles: Some(handles),
            alerts,
            sources,
            entities,
            rules,
        }
    }

    /// A resolver for the customer's team, which is not a strategy: it reads every
    /// record it is given, by `seq`. Only the engine makes one.
    pub(crate) fn unhandled(
        log: &'a RetainedLog,
        alerts: &'a [AlertRecord],
        sources: &'a [String],
        entities: &'a [Entity],
        rules: &'a [Rule],
    ) -> Self {
        Records {
            log,
            handles: None,
            alerts,
            sources,
            entities,
            rules,
        }
    }

    fn handle(&self, seq: u64) -> Option<u64> {
        match self.handles {
            Some(h) => h.of(seq),
            None => Some(seq),
        }
    }

    fn resolve(&self, seq: u64) -> Option<Observation<'a>> {
        let e = self.log.event(seq)?;
        let seq = self.handle(seq)?;
        Some(match &e.payload {
            Payload::TelemetryObserved {
                source,
                entity,
                fields,
            } => Observation::Telemetry {
                handle: seq,
                at: e.at,
                source: self.sources.get(*source as usize).map_or("", |s| s),
                entity: *entity,
                fields,
            },
            Payload::FactRecorded {
                entity,
                kind,
                fields,
                from_ms,
                until_ms,
            } => Observation::Fact {
                handle: seq,
                kind,
                entity: *entity,
                fields,
                from: SimTime(*from_ms),
                until: until_ms.map(SimTime),
            },
            Payload::VerdictReached { alert, verdict, .. } => {
                self.case(seq, e.at, *alert, *verdict, Party::Provider)?
            }
            Payload::CustomerResolved { alert, verdict, .. } => {
                self.case(seq, e.at, *alert, *verdict, Party::Customer)?
            }
            _ => return None,
        })
    }

    fn case(
        &self,
        seq: u64,
        at: SimTime,
        alert: AlertId,
        verdict: Verdict,
        by: Party,
    ) -> Option<Observation<'a>> {
        let a = self.alerts.get(alert.index())?;
        Some(Observation::Case {
            handle: seq,
            at,
            alert: self.handle(a.raised_seq)?,
            rule: a.rule,
            entities: &a.entities,
            verdict,
            by,
        })
    }
}

/// An investigation in progress, as the strategy sees it.
#[derive(Clone, Debug)]
pub struct CaseView<'a> {
    /// Now.
    pub now: SimTime,
    /// The alert.
    pub alert: AlertView<'a>,
    /// The pool deciding, by name (`""` at arrival triage).
    pub pool: &'a str,
    /// Whether the deciding pool is the provider's expert pool.
    pub expert: bool,
    /// Whether the provider has an expert pool to hand edge cases to.
    pub has_experts: bool,
    queries: &'a [QueryResult],
    /// Context the provider can query.
    pub integrations: &'a BTreeSet<ContextKind>,
    /// What the provider may do about each response action (its own contract).
    pub authority: &'a AuthoritySpec,
    records: Records<'a>,
}

impl<'a> CaseView<'a> {
    /// A view; only the engine makes one (and tests of the crate).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        now: SimTime,
        alert: AlertView<'a>,
        pool: &'a str,
        expert: bool,
        has_experts: bool,
        queries: &'a [QueryResult],
        integrations: &'a BTreeSet<ContextKind>,
        authority: &'a AuthoritySpec,
        records: Records<'a>,
    ) -> Self {
        CaseView {
            now,
            alert,
            pool,
            expert,
            has_experts,
            queries,
            integrations,
            authority,
            records,
        }
    }

    /// The kind of an entity (from its id's prefix: observable).
    pub fn entity_kind(&self, id: EntityId) -> Option<EntityKind> {
        self.records.entities.get(id.index()).map(|e| e.kind)
    }

    /// The name of an entity (`host:ws-017`).
    pub fn entity_name(&self, id: EntityId) -> &'a str {
        self.records
            .entities
            .get(id.index())
            .map_or("", |e| e.id.as_str())
    }

    /// A rule by id (for past cases).
    pub fn rule(&self, id: RuleId) -> Option<&'a Rule> {
        self.records.rules.get(id.index())
    }

    /// The telemetry record a detection rule matched, for rule alerts.
    pub fn matched_record(&self) -> Option<Observation<'a>> {
        self.records.resolve(self.alert.matched_seq?)
    }

    /// This investigation's queries so far, in order.
    pub fn queries(&self) -> impl Iterator<Item = QueryView> + '_ {
        self.queries.iter().map(|q| QueryView {
            kind: q.kind,
            handle: self.records.handle(q.seq).unwrap_or(u64::MAX),
        })
    }

    /// Whether this investigation queried `kind`.
    pub fn queried(&self, kind: ContextKind) -> bool {
        self.queries.iter().any(|q| q.kind == kind)
    }

    /// Every record returned by this investigation's queries of `kind`.
    pub fn records(&self, kind: ContextKind) -> impl Iterator<Item = Observation<'a>> + '_ {
        self.queries
            .iter()
            .filter(move |q| q.kind == kind)
            .flat_map(|q| q.records.iter())
            .filter_map(|&s| self.records.resolve(s))
    }

    /// Whether a query of `kind` is possible and not yet made.
    pub fn can_query(&self, kind: ContextKind) -> bool {
        self.integrations.contains(&kind) && !self.queries.iter().any(|q| q.kind == kind)
    }

    /// The usual containment for each of the alert's entities that can be contained.
    pub fn default_containment(&self) -> Vec<ContainRequest> {
        self.per_entity(default_action)
    }

    /// The usual eradication for each of the alert's entities that can hold a foothold.
    pub fn default_eradication(&self) -> Vec<ContainRequest> {
        self.per_entity(default_eradication)
    }

    fn per_entity(&self, action: fn(EntityKind) -> Option<ContainAction>) -> Vec<ContainRequest> {
        self.alert
            .entities
            .iter()
            .filter_map(|&id| {
                let action = action(self.entity_kind(id)?)?;
                Some(ContainRequest { action, target: id })
            })
            .collect()
    }
}

pub use super::decision::{
    ContainRequest, Decision, Triage, action_applies, default_action, default_eradication,
};
use super::provider::AuthoritySpec;
