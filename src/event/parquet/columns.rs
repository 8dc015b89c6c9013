//! The typed layout of an event-log file (schema version 6): one column per payload
//! field, null where an event type has no such field, so DuckDB, pyarrow or polars read
//! `alert`, `truth`, `verdict`, `confidence`, `entity`, `at_ms` … directly, and a
//! replay builds each event from typed values without parsing text. Ids are integers
//! (the header's tables name them); entities, campaigns and rules also carry their name,
//! and every enumerated value is its `snake_case` name. Layout: `docs/event-log.md`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float64Builder, ListBuilder, MapBuilder, StringBuilder,
    StringDictionaryBuilder, UInt32Builder, UInt64Builder,
};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use serde::Serialize;

use crate::event::{Envelope, Payload, RunHeader};

type Dict = StringDictionaryBuilder<Int32Type>;
type Map = BTreeMap<Arc<str>, Arc<str>>;

/// The dictionary-typed text columns (kept as dictionaries in the file, so a reader
/// gets them back without hashing every value).
pub(super) const DICTIONARY_COLUMNS: [&str; 12] = [
    "type",
    "entity_name",
    "campaign_name",
    "kind",
    "rule_name",
    "severity",
    "truth",
    "party",
    "action",
    "verdict",
    "by",
    "executor",
];

/// Every column, in file order, with its type.
pub(super) fn schema() -> SchemaRef {
    let dict = || DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let list = |t: DataType| DataType::List(Arc::new(Field::new("item", t, true)));
    let map = DataType::Map(
        Arc::new(Field::new(
            "entries",
            DataType::Struct(
                vec![
                    Field::new("key", DataType::Utf8, false),
                    Field::new("value", DataType::Utf8, true),
                ]
                .into(),
            ),
            false,
        )),
        false,
    );
    use DataType::{Boolean as B, Float64 as F, UInt32 as U32, UInt64 as U64, Utf8 as S};
    let cols: Vec<(&str, DataType)> = vec![
        ("run", U64),
        ("seq", U64),
        ("at_ms", U64),
        ("type", dict()),
        ("alert", U32),
        ("entity", U32),
        ("entity_name", dict()),
        ("campaign", U32),
        ("campaign_name", dict()),
        ("step", U32),
        ("objective", B),
        ("containment", U64),
        ("source", U32),
        ("kind", dict()),
        ("fields", map),
        ("from_ms", U64),
        ("until_ms", U64),
        ("rule", U32),
        ("rule_name", dict()),
        ("severity", dict()),
        ("score", F),
        ("telemetry", U64),
        ("entities", list(U32)),
        ("truth", dict()),
        ("pool", U32),
        ("worker", U32),
        ("party", dict()),
        ("action", dict()),
        ("duration_ms", U64),
        ("releases_worker", B),
        ("reason", S),
        ("records", list(U64)),
        ("cost_ms", U64),
        ("verdict", dict()),
        ("confidence", F),
        ("evidence", list(U64)),
        ("rationale", S),
        ("customer_ms", U64),
        ("by", dict()),
        ("executor", dict()),
        ("request", U64),
        ("execution", U64),
        ("task", U64),
        ("message", S),
    ];
    let nullable = |n: &str| !matches!(n, "run" | "seq" | "at_ms" | "type");
    Arc::new(Schema::new(
        cols.into_iter()
            .map(|(n, t)| Field::new(n, t, nullable(n)))
            .collect::<Vec<_>>(),
    ))
}

/// One event's values, by column (`None`: null).
#[derive(Default)]
struct Row<'e> {
    alert: Option<u32>,
    entity: Option<u32>,
    campaign: Option<u32>,
    step: Option<u32>,
    objective: Option<bool>,
    containment: Option<u64>,
    source: Option<u32>,
    kind: Option<Cow<'e, str>>,
    fields: Option<&'e Map>,
    from_ms: Option<u64>,
    until_ms: Option<u64>,
    rule: Option<u32>,
    severity: Option<Arc<str>>,
    score: Option<f64>,
    telemetry: Option<u64>,
    entities: Option<Vec<u32>>,
    truth: Option<Arc<str>>,
    pool: Option<u32>,
    worker: Option<u32>,
    party: Option<Arc<str>>,
    action: Option<Arc<str>>,
    duration_ms: Option<u64>,
    releases_worker: Option<bool>,
    reason: Option<&'e str>,
    records: Option<&'e [u64]>,
    cost_ms: Option<u64>,
    verdict: Option<Arc<str>>,
    confidence: Option<f64>,
    evidence: Option<&'e [u64]>,
    rationale: Option<&'e str>,
    customer_ms: Option<u64>,
    by: Option<Arc<str>>,
    executor: Option<Arc<str>>,
    request: Option<u64>,
    execution: Option<u64>,
    task: Option<u64>,
    message: Option<&'e str>,
}

/// Enumerated values' names, one list per enum type.
#[derive(Default)]
struct Enums {
    severity: Names<crate::event::Severity>,
    truth: Names<crate::event::Truth>,
    party: Names<crate::event::Party>,
    work: Names<crate::event::ActionKind>,
    contain: Names<crate::event::ContainAction>,
    context: Names<crate::event::ContextKind>,
    verdict: Names<crate::event::Verdict>,
}

/// Names of one enum's values, as serde writes them (serde runs once per distinct
/// value, not once per event).
struct Names<E>(Vec<(E, Arc<str>)>);

impl<E> Default for Names<E> {
    fn default() -> Self {
        Names(Vec::new())
    }
}

impl<E: Copy + PartialEq + Serialize> Names<E> {
    fn of(&mut self, e: E) -> Arc<str> {
        if let Some((_, n)) = self.0.iter().find(|(k, _)| *k == e) {
            return n.clone();
        }
        let name: Arc<str> = serde_json::to_value(e)
            .ok()
            .and_then(|v| v.as_str().map(Arc::from))
            .unwrap_or_else(|| Arc::from(""));
        self.0.push((e, name.clone()));
        name
    }
}

impl Enums {
    fn row<'e>(&mut self, p: &'e Payload) -> Row<'e> {
        use Payload as P;
        let mut r = Row {
            alert: p.alert().map(|a| a.0),
            entity: p.entity().map(|e| e.0),
            campaign: p.campaign().map(|c| c.0),
            ..Row::default()
        };
        match p {
            P::TelemetryObserved { source, fields, .. } => {
                r.source = Some(*source);
                r.fields = Some(fields);
            }
            P::FactRecorded {
                kind,
                fields,
                from_ms,
                until_ms,
                ..
            } => {
                r.kind = Some(Cow::Borrowed(kind));
                r.fields = Some(fields);
                r.from_ms = Some(*from_ms);
                r.until_ms = *until_ms;
            }
            P::AttackStepExecuted {
                step, objective, ..
            } => {
                r.step = Some(step.0);
                r.objective = Some(*objective);
            }
            P::AttackStepPrevented {
                step, containment, ..
            } => {
                r.step = Some(step.0);
                r.containment = Some(*containment);
            }
            P::CampaignStopped { containment, .. } => r.containment = Some(*containment),
            P::AlertRaised {
                rule,
                severity,
                entities,
                score,
                telemetry,
                ..
            } => {
                r.rule = Some(rule.0);
                r.severity = Some(self.severity.of(*severity));
                r.entities = Some(entities.iter().map(|e| e.0).collect());
                r.score = Some(*score);
                r.telemetry = *telemetry;
            }
            P::AlertLabeled {
                truth,
                campaign,
                step,
                ..
            } => {
                r.truth = Some(self.truth.of(*truth));
                r.campaign = campaign.map(|c| c.0);
                r.step = step.map(|s| s.0);
            }
            P::AlertQueued { pool, .. } => r.pool = Some(*pool),
            P::AlertExpired { .. } => {}
            P::TriageStarted { pool, worker, .. } => {
                r.pool = Some(*pool);
                r.worker = Some(*worker);
            }
            P::WorkCompleted {
                party,
                pool,
                worker,
                action,
                duration_ms,
                releases_worker,
                ..
            } => {
                r.party = Some(self.party.of(*party));
                r.pool = Some(*pool);
                r.worker = Some(*worker);
                r.action = Some(self.work.of(*action));
                r.duration_ms = Some(*duration_ms);
                r.releases_worker = Some(*releases_worker);
            }
            P::CaseHandedOff { pool, reason, .. } => {
                r.pool = Some(*pool);
                r.reason = Some(reason);
            }
            P::ContextQueried {
                kind,
                records,
                cost_ms,
                ..
            } => {
                r.kind = Some(Cow::Owned(self.context.of(*kind).to_string()));
                r.records = Some(records);
                r.cost_ms = Some(*cost_ms);
            }
            P::VerdictReached {
                verdict,
                confidence,
                evidence,
                rationale,
                ..
            } => {
                r.verdict = Some(self.verdict.of(*verdict));
                r.confidence = Some(*confidence);
                r.evidence = Some(evidence);
                r.rationale = Some(rationale);
            }
            P::Escalated {
                reason,
                customer_ms,
                ..
            } => {
                r.reason = Some(reason);
                r.customer_ms = Some(*customer_ms);
            }
            P::ContainmentRequested {
                action,
                by,
                executor,
                customer_ms,
                ..
            } => {
                r.action = Some(self.contain.of(*action));
                r.by = Some(self.party.of(*by));
                r.executor = Some(self.party.of(*executor));
                r.customer_ms = Some(*customer_ms);
            }
            P::ContainmentExecuted {
                action,
                request,
                by,
                ..
            } => {
                r.action = Some(self.contain.of(*action));
                r.request = Some(*request);
                r.by = Some(self.party.of(*by));
            }
            P::ContainmentReleased {
                action,
                execution,
                by,
                ..
            } => {
                r.action = Some(self.contain.of(*action));
                r.execution = Some(*execution);
                r.by = Some(self.party.of(*by));
            }
            P::CustomerStarted { task, worker, .. } => {
                r.task = Some(*task);
                r.worker = Some(*worker);
            }
            P::CustomerResolved { verdict, task, .. } => {
                r.verdict = Some(self.verdict.of(*verdict));
                r.task = Some(*task);
            }
            P::StrategyFailed { message, .. } => r.message = Some(message),
        }
        r
    }
}

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

/// A dictionary column with its values decoded once per batch.
struct Decoded<'a, T> {
    keys: &'a arrow_array::Int32Array,
    values: Vec<Option<T>>,
}

impl<T: Clone> Decoded<'_, T> {
    fn get(&self, row: usize) -> Option<T> {
        if self.keys.is_null(row) {
            return None;
        }
        self.values.get(self.keys.value(row) as usize)?.clone()
    }
}

type Res<T> = std::result::Result<T, String>;

fn column<'a, T: 'static>(batch: &'a RecordBatch, name: &str) -> Res<&'a T> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<T>())
        .ok_or_else(|| format!("column {name:?} is missing or of the wrong type"))
}

fn dict<'a, T>(
    batch: &'a RecordBatch,
    name: &str,
    decode: impl Fn(&str) -> Option<T>,
) -> Res<Decoded<'a, T>> {
    let d = column::<arrow_array::DictionaryArray<Int32Type>>(batch, name)?;
    let values = d
        .values()
        .as_any()
        .downcast_ref::<arrow_array::StringArray>()
        .ok_or_else(|| format!("column {name:?}: dictionary values are not text"))?;
    Ok(Decoded {
        keys: d.keys(),
        values: (0..values.len())
            .map(|i| {
                (!values.is_null(i))
                    .then(|| decode(values.value(i)))
                    .flatten()
            })
            .collect(),
    })
}

fn enum_value<E: serde::de::DeserializeOwned>(s: &str) -> Option<E> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

use arrow_array::Array;

fn opt<A: arrow_array::ArrowPrimitiveType>(
    a: &arrow_array::PrimitiveArray<A>,
    i: usize,
) -> Option<A::Native> {
    a.is_valid(i).then(|| a.value(i))
}

/// A list column's offsets and values, resolved once per batch (slicing the list of
/// each row would allocate).
struct Lists<'a, A: arrow_array::ArrowPrimitiveType> {
    list: &'a arrow_array::ListArray,
    values: &'a [A::Native],
}

impl<'a, A: arrow_array::ArrowPrimitiveType> Lists<'a, A> {
    fn new(batch: &'a RecordBatch, name: &str) -> Res<Self> {
        let list = column::<arrow_array::ListArray>(batch, name)?;
        let values = list
            .values()
            .as_any()
            .downcast_ref::<arrow_array::PrimitiveArray<A>>()
            .ok_or_else(|| format!("column {name:?}: list items of the wrong type"))?;
        Ok(Lists {
            list,
            values: values.values(),
        })
    }

    fn get(&self, i: usize) -> Option<Vec<A::Native>> {
        if self.list.is_null(i) {
            return None;
        }
        let o = self.list.value_offsets();
        self.values
            .get(o[i] as usize..o[i + 1] as usize)
            .map(<[_]>::to_vec)
    }
}

/// Builds each row of `batch` back into an event and hands it to `out`.
pub(super) fn decode(batch: &RecordBatch, mut out: impl FnMut(Envelope) -> Res<()>) -> Res<()> {
    use crate::event::{ActionKind, ContainAction, ContextKind, Party, Severity, Truth, Verdict};
    use crate::ids::{AlertId, CampaignId, EntityId, RuleId, StepId};
    use arrow_array::types::{UInt32Type as U32T, UInt64Type as U64T};
    use arrow_array::{
        BooleanArray, Float64Array, MapArray, StringArray, UInt32Array, UInt64Array,
    };
    let u64c = |n| column::<UInt64Array>(batch, n);
    let u32c = |n| column::<UInt32Array>(batch, n);
    let (run, seq, at) = (u64c("run")?, u64c("seq")?, u64c("at_ms")?);
    let ty = dict(batch, "type", |s| {
        Some(KINDS.iter().position(|k| *k == s).unwrap_or(usize::MAX))
    })?;
    let (alert, entity, campaign, step) = (
        u32c("alert")?,
        u32c("entity")?,
        u32c("campaign")?,
        u32c("step")?,
    );
    let objective = column::<BooleanArray>(batch, "objective")?;
    let containment = u64c("containment")?;
    let source = u32c("source")?;
    let kind = dict(batch, "kind", |s| Some(Arc::<str>::from(s)))?;
    let fields = column::<MapArray>(batch, "fields")?;
    let (keys, values) = (
        fields.keys().as_any().downcast_ref::<StringArray>(),
        fields.values().as_any().downcast_ref::<StringArray>(),
    );
    let (Some(keys), Some(values)) = (keys, values) else {
        return Err("column \"fields\": not a map of text to text".into());
    };
    let (from_ms, until_ms) = (u64c("from_ms")?, u64c("until_ms")?);
    let rule = u32c("rule")?;
    let severity = dict(batch, "severity", enum_value::<Severity>)?;
    let score = column::<Float64Array>(batch, "score")?;
    let telemetry = u64c("telemetry")?;
    let entities = Lists::<U32T>::new(batch, "entities")?;
    let truth = dict(batch, "truth", enum_value::<Truth>)?;
    let (pool, worker) = (u32c("pool")?, u32c("worker")?);
    let party = dict(batch, "party", enum_value::<Party>)?;
    let action = dict(batch, "action", |s| Some(Arc::<str>::from(s)))?;
    let duration_ms = u64c("duration_ms")?;
    let releases = column::<BooleanArray>(batch, "releases_worker")?;
    let text = |n| column::<StringArray>(batch, n);
    let (reason, rationale, message) = (text("reason")?, text("rationale")?, text("message")?);
    let records = Lists::<U64T>::new(batch, "records")?;
    let cost_ms = u64c("cost_ms")?;
    let verdict = dict(batch, "verdict", enum_value::<Verdict>)?;
    let confidence = column::<Float64Array>(batch, "confidence")?;
    let evidence = Lists::<U64T>::new(batch, "evidence")?;
    let customer_ms = u64c("customer_ms")?;
    let by = dict(batch, "by", enum_value::<Party>)?;
    let executor = dict(batch, "executor", enum_value::<Party>)?;
    let (request, execution, task) = (u64c("request")?, u64c("execution")?, u64c("task")?);
    for i in 0..batch.num_rows() {
        let s = seq.value(i);
        let need = |name: &str| format!("event {s}: {name} is null");
        macro_rules! req {
            ($e:expr, $n:literal) => {
                $e.ok_or_else(|| need($n))?
            };
        }
        let text_of = |a: &StringArray, n: &str| -> Res<String> {
            if a.is_null(i) {
                Err(need(n))
            } else {
                Ok(a.value(i).to_string())
            }
        };
        let a = || -> Res<AlertId> { Ok(AlertId(req!(opt(alert, i), "alert"))) };
        let en = || -> Res<EntityId> { Ok(EntityId(req!(opt(entity, i), "entity"))) };
        let ca = || -> Res<CampaignId> { Ok(CampaignId(req!(opt(campaign, i), "campaign"))) };
        let st = || -> Res<StepId> { Ok(StepId(req!(opt(step, i), "step"))) };
        let contain = || -> Res<ContainAction> {
            Ok(req!(
                action.get(i).and_then(|s| enum_value::<ContainAction>(&s)),
                "action"
            ))
        };
        let map = || -> Res<Map> {
            if fields.is_null(i) {
                return Err(need("fields"));
            }
            let o = fields.value_offsets();
            Ok((o[i] as usize..o[i + 1] as usize)
                .map(|j| (Arc::from(keys.value(j)), Arc::from(values.value(j))))
                .collect())
        };
        let p = match req!(ty.get(i), "type") {
            0 => Payload::TelemetryObserved {
                source: req!(opt(source, i), "source"),
                entity: en()?,
                fields: map()?,
            },
            1 => Payload::FactRecorded {
                entity: en()?,
                kind: req!(kind.get(i), "kind"),
                fields: map()?,
                from_ms: req!(opt(from_ms, i), "from_ms"),
                until_ms: opt(until_ms, i),
            },
            2 => Payload::AttackStepExecuted {
                campaign: ca()?,
                step: st()?,
                target: en()?,
                objective: req!(
                    objective.is_valid(i).then(|| objective.value(i)),
                    "objective"
                ),
            },
            3 => Payload::AttackStepPrevented {
                campaign: ca()?,
                step: st()?,
                blocked_by: en()?,
                containment: req!(opt(containment, i), "containment"),
            },
            4 => Payload::CampaignStopped {
                campaign: ca()?,
                containment: req!(opt(containment, i), "containment"),
            },
            5 => Payload::AlertRaised {
                alert: a()?,
                rule: RuleId(req!(opt(rule, i), "rule")),
                severity: req!(severity.get(i), "severity"),
                entities: req!(entities.get(i), "entities")
                    .into_iter()
                    .map(EntityId)
                    .collect(),
                score: req!(opt(score, i), "score"),
                telemetry: opt(telemetry, i),
            },
            6 => Payload::AlertLabeled {
                alert: a()?,
                truth: req!(truth.get(i), "truth"),
                campaign: opt(campaign, i).map(CampaignId),
                step: opt(step, i).map(StepId),
            },
            7 => Payload::AlertQueued {
                alert: a()?,
                pool: req!(opt(pool, i), "pool"),
            },
            8 => Payload::AlertExpired { alert: a()? },
            9 => Payload::TriageStarted {
                alert: a()?,
                pool: req!(opt(pool, i), "pool"),
                worker: req!(opt(worker, i), "worker"),
            },
            10 => Payload::WorkCompleted {
                alert: a()?,
                party: req!(party.get(i), "party"),
                pool: req!(opt(pool, i), "pool"),
                worker: req!(opt(worker, i), "worker"),
                action: req!(
                    action.get(i).and_then(|s| enum_value::<ActionKind>(&s)),
                    "action"
                ),
                duration_ms: req!(opt(duration_ms, i), "duration_ms"),
                releases_worker: req!(
                    releases.is_valid(i).then(|| releases.value(i)),
                    "releases_worker"
                ),
            },
            11 => Payload::CaseHandedOff {
                alert: a()?,
                pool: req!(opt(pool, i), "pool"),
                reason: text_of(reason, "reason")?,
            },
            12 => Payload::ContextQueried {
                alert: a()?,
                kind: req!(
                    kind.get(i).and_then(|s| enum_value::<ContextKind>(&s)),
                    "kind"
                ),
                records: req!(records.get(i), "records"),
                cost_ms: req!(opt(cost_ms, i), "cost_ms"),
            },
            13 => Payload::VerdictReached {
                alert: a()?,
                verdict: req!(verdict.get(i), "verdict"),
                confidence: req!(opt(confidence, i), "confidence"),
                evidence: req!(evidence.get(i), "evidence"),
                rationale: text_of(rationale, "rationale")?,
            },
            14 => Payload::Escalated {
                alert: a()?,
                reason: text_of(reason, "reason")?,
                customer_ms: req!(opt(customer_ms, i), "customer_ms"),
            },
            15 => Payload::ContainmentRequested {
                alert: a()?,
                action: contain()?,
                target: en()?,
                by: req!(by.get(i), "by"),
                executor: req!(executor.get(i), "executor"),
                customer_ms: req!(opt(customer_ms, i), "customer_ms"),
            },
            16 => Payload::ContainmentExecuted {
                alert: a()?,
                action: contain()?,
                target: en()?,
                request: req!(opt(request, i), "request"),
                by: req!(by.get(i), "by"),
            },
            17 => Payload::ContainmentReleased {
                alert: a()?,
                action: contain()?,
                target: en()?,
                execution: req!(opt(execution, i), "execution"),
                by: req!(by.get(i), "by"),
            },
            18 => Payload::CustomerStarted {
                alert: a()?,
                task: req!(opt(task, i), "task"),
                worker: req!(opt(worker, i), "worker"),
            },
            19 => Payload::CustomerResolved {
                alert: a()?,
                verdict: req!(verdict.get(i), "verdict"),
                task: req!(opt(task, i), "task"),
            },
            20 => Payload::StrategyFailed {
                alert: a()?,
                message: text_of(message, "message")?,
            },
            _ => return Err(format!("event {s}: unknown event type")),
        };
        out(Envelope {
            run: run.value(i),
            seq: s,
            at: crate::time::SimTime(at.value(i)),
            payload: p,
        })?;
    }
    Ok(())
}

/// Event types in the order [`decode`] numbers them.
const KINDS: [&str; 21] = [
    "telemetry_observed",
    "fact_recorded",
    "attack_step_executed",
    "attack_step_prevented",
    "campaign_stopped",
    "alert_raised",
    "alert_labeled",
    "alert_queued",
    "alert_expired",
    "triage_started",
    "work_completed",
    "case_handed_off",
    "context_queried",
    "verdict_reached",
    "escalated",
    "containment_requested",
    "containment_executed",
    "containment_released",
    "customer_started",
    "customer_resolved",
    "strategy_failed",
];
