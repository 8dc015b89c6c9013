//! The rows of `alerts.parquet`, `campaigns.parquet` and `backlog.parquet`: each run's
//! alert and campaign records (see [`crate::score::record`]) as Arrow columns, names
//! spelled out from the run header. Fields and columns sit side by side so they cannot
//! drift apart.

use std::sync::Arc;

use arrow_array::ArrayRef;
use arrow_array::builder::{ListBuilder, UInt64Builder};
use arrow_array::{BooleanArray, Float64Array, StringArray, UInt64Array};
use arrow_schema::{DataType, Field};

use super::run::RunResult;
use crate::event::{Truth, Verdict};
use crate::score::{AlertRecord, CampaignRecord};
use crate::time::SimDuration;

/// Backlog is sampled at this interval.
pub const BACKLOG_INTERVAL: SimDuration = SimDuration::from_mins(15);

/// Name of a truth, as in the tables.
pub fn truth_name(t: Truth) -> &'static str {
    match t {
        Truth::Malicious => "malicious",
        Truth::BenignPositive => "benign_positive",
        Truth::FalsePositive => "false_positive",
    }
}

/// Name of a verdict, as in the tables.
pub fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Malicious => "malicious",
        Verdict::Benign => "benign",
    }
}

fn field(name: &str, t: DataType, nullable: bool) -> Field {
    Field::new(name, t, nullable)
}

fn list_of_u64(nullable_items: bool) -> DataType {
    DataType::List(Arc::new(Field::new(
        "item",
        DataType::UInt64,
        nullable_items,
    )))
}

pub(super) fn u64s(v: impl IntoIterator<Item = u64>) -> ArrayRef {
    Arc::new(UInt64Array::from_iter_values(v))
}
// Arrays collected from their iterators are sized to the rows (a builder's default is
// 1,024 slots), so a batch of a few rows does not pin kilobytes per column while it
// waits to be written.
pub(super) fn opt_u64s(v: impl IntoIterator<Item = Option<u64>>) -> ArrayRef {
    Arc::new(UInt64Array::from_iter(v))
}
pub(super) fn strs<'a>(v: impl IntoIterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(StringArray::from_iter(v))
}
pub(super) fn bools(v: impl IntoIterator<Item = Option<bool>>) -> ArrayRef {
    Arc::new(BooleanArray::from_iter(v))
}
pub(super) fn floats(v: impl IntoIterator<Item = Option<f64>>) -> ArrayRef {
    Arc::new(Float64Array::from_iter(v))
}
fn u64_lists<I: IntoIterator<Item = Option<u64>>>(
    v: impl IntoIterator<Item = I>,
    nullable_items: bool,
) -> ArrayRef {
    let item = Arc::new(Field::new("item", DataType::UInt64, nullable_items));
    let mut b = ListBuilder::new(UInt64Builder::new()).with_field(item);
    for list in v {
        list.into_iter().for_each(|x| b.values().append_option(x));
        b.append(true);
    }
    Arc::new(b.finish())
}

/// Columns of `alerts.parquet` after `run`.
pub fn alert_fields() -> Vec<Field> {
    use DataType::{Boolean, Float64, UInt64, Utf8};
    vec![
        field("alert", UInt64, false),
        field("raised_at_ms", UInt64, false),
        field("truth", Utf8, true),
        field("campaign", Utf8, true),
        field("rule", Utf8, false),
        field("severity", Utf8, false),
        field("queued_at_ms", UInt64, true),
        field("queue_wait_s", Float64, true),
        field("triage", Utf8, true),
        field("escalated", Boolean, false),
        field("expired", Boolean, false),
        field("verdict", Utf8, true),
        field("verdict_at_ms", UInt64, true),
        field("confidence", Float64, true),
        field("evidence_resolves", Boolean, true),
        field("customer_verdict", Utf8, true),
        field("evidence_count", UInt64, false),
        field("provider_work_ms", UInt64, false),
        field("customer_work_ms", UInt64, false),
        field("false_containments", UInt64, false),
        field("disruption_ms", UInt64, false),
        field("disruption_low_ms", UInt64, false),
        field("disruption_medium_ms", UInt64, false),
        field("disruption_high_ms", UInt64, false),
        field("disruption_critical_ms", UInt64, false),
        field("credential_resets", UInt64, false),
        field("host_reimages", UInt64, false),
        field("grant_revocations", UInt64, false),
        field("on_call_callouts", UInt64, false),
        field("automation_actions", UInt64, false),
        field("strategy_errors", UInt64, false),
        field("wait_started_ms", list_of_u64(false), false),
        field("wait_ended_ms", list_of_u64(true), false),
    ]
}

/// The alert rows of `results`, run by run.
pub fn alert_columns(results: &[RunResult]) -> Vec<ArrayRef> {
    let rows: Vec<(usize, &AlertRecord)> = results
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.records.alerts.iter().map(move |a| (i, a)))
        .collect();
    let rules: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            r.header
                .rules
                .iter()
                .map(|x| format!("{}/{}", x.source, x.name))
                .collect()
        })
        .collect();
    let rule_of =
        |i: usize, a: &AlertRecord| rules[i].get(a.rule.index()).map_or("", String::as_str);
    let campaign_of = |i: usize, a: &AlertRecord| {
        a.campaign
            .and_then(|c| results[i].header.campaigns.get(c.index()))
            .map(|c| c.name.as_str())
    };
    vec![
        u64s(rows.iter().map(|(i, _)| results[*i].cell.index)),
        u64s(rows.iter().map(|(_, a)| u64::from(a.alert))),
        u64s(rows.iter().map(|(_, a)| a.raised_at_ms)),
        strs(rows.iter().map(|(_, a)| a.truth.map(truth_name))),
        strs(rows.iter().map(|(i, a)| campaign_of(*i, a))),
        strs(rows.iter().map(|(i, a)| Some(rule_of(*i, a)))),
        strs(rows.iter().map(|(_, a)| Some(a.severity.as_str()))),
        opt_u64s(rows.iter().map(|(_, a)| a.queued_at_ms)),
        floats(rows.iter().map(|(_, a)| a.queue_wait_s())),
        strs(rows.iter().map(|(_, a)| a.triage.map(|t| t.as_str()))),
        bools(rows.iter().map(|(_, a)| Some(a.escalated))),
        bools(rows.iter().map(|(_, a)| Some(a.expired))),
        strs(rows.iter().map(|(_, a)| a.verdict.map(verdict_name))),
        opt_u64s(rows.iter().map(|(_, a)| a.verdict_at_ms)),
        floats(rows.iter().map(|(_, a)| a.confidence)),
        bools(
            rows.iter()
                .map(|(_, a)| a.verdict.map(|_| a.evidence_resolves)),
        ),
        strs(
            rows.iter()
                .map(|(_, a)| a.customer_verdict.map(verdict_name)),
        ),
        u64s(rows.iter().map(|(_, a)| a.context_queries)),
        u64s(rows.iter().map(|(_, a)| a.provider_work_ms)),
        u64s(rows.iter().map(|(_, a)| a.customer_work_ms)),
        u64s(rows.iter().map(|(_, a)| a.false_containments)),
        u64s(rows.iter().map(|(_, a)| a.disruption_ms)),
        u64s(rows.iter().map(|(_, a)| a.disruption_by_tier_ms[0])),
        u64s(rows.iter().map(|(_, a)| a.disruption_by_tier_ms[1])),
        u64s(rows.iter().map(|(_, a)| a.disruption_by_tier_ms[2])),
        u64s(rows.iter().map(|(_, a)| a.disruption_by_tier_ms[3])),
        u64s(rows.iter().map(|(_, a)| a.eradications[0])),
        u64s(rows.iter().map(|(_, a)| a.eradications[1])),
        u64s(rows.iter().map(|(_, a)| a.eradications[2])),
        u64s(rows.iter().map(|(_, a)| a.on_call_callouts)),
        u64s(rows.iter().map(|(_, a)| a.automation_actions)),
        u64s(rows.iter().map(|(_, a)| a.strategy_errors)),
        u64_lists(
            rows.iter()
                .map(|(_, a)| a.waits.iter().map(|w| Some(w.from_ms))),
            false,
        ),
        u64_lists(
            rows.iter().map(|(_, a)| a.waits.iter().map(|w| w.until_ms)),
            true,
        ),
    ]
}

/// Columns of `campaigns.parquet` after `run`: one row per attack campaign
/// (authorised look-alike sequences are not campaigns of any metric).
pub fn campaign_fields() -> Vec<Field> {
    use DataType::{Boolean, Float64, UInt64, Utf8};
    vec![
        field("campaign", UInt64, false),
        field("name", Utf8, false),
        field("objective", Utf8, false),
        field("stated_worth", Float64, true),
        field("started_at_ms", UInt64, true),
        field("detected_at_ms", UInt64, true),
        field("contained_at_ms", UInt64, true),
        field("stopped_incidentally", Boolean, false),
        field("suppressed", Boolean, false),
        field("censored", Boolean, false),
        field("impact", Boolean, false),
        field("blast_radius", UInt64, false),
    ]
}

/// The campaign rows of `results`, run by run.
pub fn campaign_columns(results: &[RunResult]) -> Vec<ArrayRef> {
    let rows: Vec<(&RunResult, usize, &CampaignRecord)> = results
        .iter()
        .flat_map(|r| {
            r.records
                .campaigns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.malicious)
                .map(move |(i, c)| (r, i, c))
        })
        .collect();
    vec![
        u64s(rows.iter().map(|(r, _, _)| r.cell.index)),
        u64s(rows.iter().map(|(_, i, _)| *i as u64)),
        strs(
            rows.iter()
                .map(|(r, i, _)| Some(r.header.campaigns.get(*i).map_or("", |c| c.name.as_str()))),
        ),
        strs(
            rows.iter()
                .map(|(_, _, c)| Some(objective_name(c.objective))),
        ),
        floats(rows.iter().map(|(_, _, c)| c.stated_worth)),
        opt_u64s(rows.iter().map(|(_, _, c)| c.started_at_ms)),
        opt_u64s(rows.iter().map(|(_, _, c)| c.detected_at_ms)),
        opt_u64s(rows.iter().map(|(_, _, c)| c.contained_at_ms)),
        bools(rows.iter().map(|(_, _, c)| Some(c.stopped_incidentally))),
        bools(rows.iter().map(|(_, _, c)| Some(c.suppressed))),
        bools(
            rows.iter()
                .map(|(_, _, c)| Some(c.contained_at_ms.is_none())),
        ),
        bools(rows.iter().map(|(_, _, c)| Some(c.impact))),
        u64s(rows.iter().map(|(_, _, c)| c.blast_radius)),
    ]
}

/// Columns of `backlog.parquet` after `run`.
pub fn backlog_fields() -> Vec<Field> {
    vec![
        field("at_ms", DataType::UInt64, false),
        field("backlog", DataType::UInt64, false),
    ]
}

/// The backlog samples of `results`, run by run.
pub fn backlog_columns(results: &[RunResult]) -> Vec<ArrayRef> {
    let rows: Vec<(u64, (u64, u64))> = results
        .iter()
        .flat_map(|r| {
            r.records
                .backlog_samples(r.header.horizon_ms, BACKLOG_INTERVAL.ms())
                .into_iter()
                .map(move |s| (r.cell.index, s))
        })
        .collect();
    vec![
        u64s(rows.iter().map(|(run, _)| *run)),
        u64s(rows.iter().map(|(_, (at, _))| *at)),
        u64s(rows.iter().map(|(_, (_, n))| *n)),
    ]
}

/// An objective's name, as in scenarios and `campaigns.parquet`.
pub fn objective_name(o: crate::event::Objective) -> &'static str {
    use crate::event::Objective::*;
    match o {
        DataBreach => "data_breach",
        Ransomware => "ransomware",
        BusinessEmailCompromise => "business_email_compromise",
        InsiderTheft => "insider_theft",
    }
}
