//! The typed layout of an event-log file (schema version 6): one column per payload
//! field, null where an event type has no such field, so DuckDB, pyarrow or polars read
//! `alert`, `truth`, `verdict`, `confidence`, `entity`, `at_ms` … directly, and a
//! replay builds each event from typed values without parsing text. Ids are integers
//! (the header's tables name them); entities, campaigns and rules also carry their name,
//! and every enumerated value is its `snake_case` name. Layout: `docs/event-log.md`.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef};

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
    layout(DataType::Dictionary(
        Box::new(DataType::Int32),
        Box::new(DataType::Utf8),
    ))
}

/// The layout mdrsim reads a file with: the dictionary columns as plain text. The
/// Parquet reader keeps a dictionary only while a batch starts in a fresh column chunk
/// with a value present, and otherwise rebuilds it by hashing every value (half of a
/// replay's time, measured); plain text costs one short copy per value.
pub(super) fn read_schema() -> SchemaRef {
    layout(DataType::Utf8)
}

fn layout(text_dictionary: DataType) -> SchemaRef {
    let dict = || text_dictionary.clone();
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

/// Event types in the order [`super::decode::decode`] numbers them.
pub(super) const KINDS: [&str; 21] = [
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
