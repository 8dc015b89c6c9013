//! Events into the typed columns of [`super::columns`], a record batch at a time.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, ListBuilder, MapBuilder, StringBuilder,
    StringDictionaryBuilder, UInt32Builder, UInt64Builder,
};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};

use super::columns::schema;
use super::row::Enums;
use crate::event::{Envelope, RunHeader};

type Dict = StringDictionaryBuilder<Int32Type>;

/// The columns of the rows not yet written.
pub(super) struct Rows {
    pub(super) len: usize,
    enums: Enums,
    run: UInt64Builder,
    seq: UInt64Builder,
    at: UInt64Builder,
    ty: Dict,
    alert: UInt32Builder,
    entity: UInt32Builder,
    entity_name: Dict,
    campaign: UInt32Builder,
    campaign_name: Dict,
    step: UInt32Builder,
    objective: BooleanBuilder,
    containment: UInt64Builder,
    source: UInt32Builder,
    kind: Dict,
    fields: MapBuilder<StringBuilder, StringBuilder>,
    from_ms: UInt64Builder,
    until_ms: UInt64Builder,
    rule: UInt32Builder,
    rule_name: Dict,
    severity: Dict,
    score: Float64Builder,
    telemetry: UInt64Builder,
    entities: ListBuilder<UInt32Builder>,
    truth: Dict,
    pool: UInt32Builder,
    worker: UInt32Builder,
    party: Dict,
    action: Dict,
    duration_ms: UInt64Builder,
    releases_worker: BooleanBuilder,
    reason: StringBuilder,
    records: ListBuilder<UInt64Builder>,
    cost_ms: UInt64Builder,
    verdict: Dict,
    confidence: Float64Builder,
    evidence: ListBuilder<UInt64Builder>,
    rationale: StringBuilder,
    customer_ms: UInt64Builder,
    by: Dict,
    executor: Dict,
    request: UInt64Builder,
    execution: UInt64Builder,
    task: UInt64Builder,
    message: StringBuilder,
}

/// Rows per batch the builders are sized for.
const N: usize = super::BATCH_ROWS;

impl Default for Rows {
    fn default() -> Self {
        Rows {
            len: 0,
            enums: Enums::default(),
            run: UInt64Builder::with_capacity(N),
            seq: UInt64Builder::with_capacity(N),
            at: UInt64Builder::with_capacity(N),
            ty: Dict::new(),
            alert: UInt32Builder::with_capacity(N),
            entity: UInt32Builder::with_capacity(N),
            entity_name: Dict::new(),
            campaign: UInt32Builder::with_capacity(N),
            campaign_name: Dict::new(),
            step: UInt32Builder::with_capacity(N),
            objective: BooleanBuilder::with_capacity(N),
            containment: UInt64Builder::with_capacity(N),
            source: UInt32Builder::with_capacity(N),
            kind: Dict::new(),
            fields: MapBuilder::new(None, StringBuilder::new(), StringBuilder::new()),
            from_ms: UInt64Builder::with_capacity(N),
            until_ms: UInt64Builder::with_capacity(N),
            rule: UInt32Builder::with_capacity(N),
            rule_name: Dict::new(),
            severity: Dict::new(),
            score: Float64Builder::with_capacity(N),
            telemetry: UInt64Builder::with_capacity(N),
            entities: ListBuilder::new(UInt32Builder::with_capacity(N)),
            truth: Dict::new(),
            pool: UInt32Builder::with_capacity(N),
            worker: UInt32Builder::with_capacity(N),
            party: Dict::new(),
            action: Dict::new(),
            duration_ms: UInt64Builder::with_capacity(N),
            releases_worker: BooleanBuilder::with_capacity(N),
            reason: StringBuilder::new(),
            records: ListBuilder::new(UInt64Builder::with_capacity(N)),
            cost_ms: UInt64Builder::with_capacity(N),
            verdict: Dict::new(),
            confidence: Float64Builder::with_capacity(N),
            evidence: ListBuilder::new(UInt64Builder::with_capacity(N)),
            rationale: StringBuilder::new(),
            customer_ms: UInt64Builder::with_capacity(N),
            by: Dict::new(),
            executor: Dict::new(),
            request: UInt64Builder::with_capacity(N),
            execution: UInt64Builder::with_capacity(N),
            task: UInt64Builder::with_capacity(N),
            message: StringBuilder::new(),
        }
    }
}

fn put(b: &mut Dict, v: Option<&str>) {
    match v {
        Some(v) => {
            b.append_value(v);
        }
        None => b.append_null(),
    }
}

fn put_list<T: arrow_array::ArrowPrimitiveType>(
    b: &mut ListBuilder<arrow_array::builder::PrimitiveBuilder<T>>,
    v: Option<&[T::Native]>,
) {
    match v {
        Some(v) => {
            b.values().append_slice(v);
            b.append(true);
        }
        None => b.append(false),
    }
}

impl Rows {
    /// Adds one event.
    pub(super) fn push(&mut self, header: &RunHeader, e: &Envelope) {
        let r = self.enums.row(&e.payload);
        self.run.append_value(e.run);
        self.seq.append_value(e.seq);
        self.at.append_value(e.at.0);
        self.ty.append_value(e.payload.kind());
        self.alert.append_option(r.alert);
        self.entity.append_option(r.entity);
        let entity_name = r.entity.and_then(|i| header.entities.get(i as usize));
        put(&mut self.entity_name, entity_name.map(String::as_str));
        self.campaign.append_option(r.campaign);
        let campaign_name = r.campaign.and_then(|i| header.campaigns.get(i as usize));
        put(
            &mut self.campaign_name,
            campaign_name.map(|c| c.name.as_str()),
        );
        self.step.append_option(r.step);
        self.objective.append_option(r.objective);
        self.containment.append_option(r.containment);
        self.source.append_option(r.source);
        put(&mut self.kind, r.kind.as_deref());
        match r.fields {
            Some(m) => {
                for (k, v) in m {
                    self.fields.keys().append_value(k);
                    self.fields.values().append_value(v);
                }
                let _ = self.fields.append(true);
            }
            None => {
                let _ = self.fields.append(false);
            }
        }
        self.from_ms.append_option(r.from_ms);
        self.until_ms.append_option(r.until_ms);
        self.rule.append_option(r.rule);
        let rule_name = r.rule.and_then(|i| header.rules.get(i as usize));
        put(&mut self.rule_name, rule_name.map(|x| x.name.as_str()));
        put(&mut self.severity, r.severity.as_deref());
        self.score.append_option(r.score);
        self.telemetry.append_option(r.telemetry);
        put_list(&mut self.entities, r.entities.as_deref());
        put(&mut self.truth, r.truth.as_deref());
        self.pool.append_option(r.pool);
        self.worker.append_option(r.worker);
        put(&mut self.party, r.party.as_deref());
        put(&mut self.action, r.action.as_deref());
        self.duration_ms.append_option(r.duration_ms);
        self.releases_worker.append_option(r.releases_worker);
        self.reason.append_option(r.reason);
        put_list(&mut self.records, r.records);
        self.cost_ms.append_option(r.cost_ms);
        put(&mut self.verdict, r.verdict.as_deref());
        self.confidence.append_option(r.confidence);
        put_list(&mut self.evidence, r.evidence);
        self.rationale.append_option(r.rationale);
        self.customer_ms.append_option(r.customer_ms);
        put(&mut self.by, r.by.as_deref());
        put(&mut self.executor, r.executor.as_deref());
        self.request.append_option(r.request);
        self.execution.append_option(r.execution);
        self.task.append_option(r.task);
        self.message.append_option(r.message);
        self.len += 1;
    }

    /// The buffered rows as one batch; the builders start again empty.
    pub(super) fn finish(&mut self) -> Result<RecordBatch, arrow_schema::ArrowError> {
        self.len = 0;
        let cols: Vec<ArrayRef> = vec![
            Arc::new(self.run.finish()),
            Arc::new(self.seq.finish()),
            Arc::new(self.at.finish()),
            Arc::new(self.ty.finish()),
            Arc::new(self.alert.finish()),
            Arc::new(self.entity.finish()),
            Arc::new(self.entity_name.finish()),
            Arc::new(self.campaign.finish()),
            Arc::new(self.campaign_name.finish()),
            Arc::new(self.step.finish()),
            Arc::new(self.objective.finish()),
            Arc::new(self.containment.finish()),
            Arc::new(self.source.finish()),
            Arc::new(self.kind.finish()),
            Arc::new(self.fields.finish()),
            Arc::new(self.from_ms.finish()),
            Arc::new(self.until_ms.finish()),
            Arc::new(self.rule.finish()),
            Arc::new(self.rule_name.finish()),
            Arc::new(self.severity.finish()),
            Arc::new(self.score.finish()),
            Arc::new(self.telemetry.finish()),
            Arc::new(self.entities.finish()),
            Arc::new(self.truth.finish()),
            Arc::new(self.pool.finish()),
            Arc::new(self.worker.finish()),
            Arc::new(self.party.finish()),
            Arc::new(self.action.finish()),
            Arc::new(self.duration_ms.finish()),
            Arc::new(self.releases_worker.finish()),
            Arc::new(self.reason.finish()),
            Arc::new(self.records.finish()),
            Arc::new(self.cost_ms.finish()),
            Arc::new(self.verdict.finish()),
            Arc::new(self.confidence.finish()),
            Arc::new(self.evidence.finish()),
            Arc::new(self.rationale.finish()),
            Arc::new(self.customer_ms.finish()),
            Arc::new(self.by.finish()),
            Arc::new(self.executor.finish()),
            Arc::new(self.request.finish()),
            Arc::new(self.execution.finish()),
            Arc::new(self.task.finish()),
            Arc::new(self.message.finish()),
        ];
        RecordBatch::try_new(schema(), cols)
    }
}
