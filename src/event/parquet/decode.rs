//! The typed columns of [`super::columns`] back into events.

use std::sync::Arc;

use arrow_array::{Array, RecordBatch};

use super::columns::KINDS;
use super::row::Map;
use crate::event::{Envelope, Payload};

/// An enumerated text column with each distinct value decoded once per batch.
struct Decoded<T> {
    /// Per row: an index into `values`, or `NONE` for a null.
    codes: Vec<u16>,
    values: Vec<Option<T>>,
}

const NONE: u16 = u16::MAX;

impl<T: Clone> Decoded<T> {
    fn get(&self, row: usize) -> Option<T> {
        match self.codes.get(row) {
            Some(&NONE) | None => None,
            Some(&c) => self.values.get(c as usize)?.clone(),
        }
    }
}

type Res<T> = std::result::Result<T, String>;

fn column<'a, T: 'static>(batch: &'a RecordBatch, name: &str) -> Res<&'a T> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<T>())
        .ok_or_else(|| format!("column {name:?} is missing or of the wrong type"))
}

fn dict<T>(batch: &RecordBatch, name: &str, decode: impl Fn(&str) -> Option<T>) -> Res<Decoded<T>> {
    let text = column::<arrow_array::StringArray>(batch, name)?;
    let mut seen: Vec<&str> = Vec::new();
    let mut index: std::collections::HashMap<&str, u16> = std::collections::HashMap::new();
    let mut values = Vec::new();
    let mut codes = Vec::with_capacity(text.len());
    for row in 0..text.len() {
        if text.is_null(row) {
            codes.push(NONE);
            continue;
        }
        let v = text.value(row);
        // A handful of values per column: a scan beats hashing until there are more.
        let known = if seen.len() <= 16 {
            seen.iter().position(|s| *s == v).map(|p| p as u16)
        } else {
            index.get(v).copied()
        };
        let code = match known {
            Some(c) => c,
            None => {
                let c = u16::try_from(values.len())
                    .ok()
                    .filter(|&c| c != NONE)
                    .ok_or_else(|| {
                        format!("column {name:?}: more than 65,534 distinct values in a batch")
                    })?;
                values.push(decode(v));
                seen.push(v);
                index.insert(v, c);
                c
            }
        };
        codes.push(code);
    }
    Ok(Decoded { codes, values })
}

fn enum_value<E: serde::de::DeserializeOwned>(s: &str) -> Option<E> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

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
