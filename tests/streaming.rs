//! Streaming runs: a run's events go to its sinks as they happen and the engine forgets
//! what lies beyond its retention window. These check that forgetting drops nothing a
//! later step reads, that a log streamed to disk (typed Parquet, JSON Lines) reads back
//! as exactly the run, and that a log of another schema version is refused.

mod common;

use std::collections::BTreeSet;

use mdrsim::event::{self, EventLog, EventSink, LogSink, Tee};
use mdrsim::scenario::Scenario;
use mdrsim::sim::Simulation;
use mdrsim::strategy;
use mdrsim::time::SimDuration;

/// The ransomware scenario stretched to `days` days (its benign activity and telemetry
/// go on; the attack happens once).
fn ransomware_for(days: u32) -> Scenario {
    let text = std::fs::read_to_string(common::repo("scenarios/friday-night-ransomware.toml"))
        .expect("scenario text");
    let text = text.replace("horizon = \"3d\"", &format!("horizon = \"{days}d\""));
    assert!(text.contains(&format!("horizon = \"{days}d\"")));
    let path = common::repo("scenarios/friday-night-ransomware.toml");
    let spec = mdrsim::scenario::load::parse_spec(&text, &path).expect("parses");
    Scenario::compile(spec, &text, &path).expect("valid")
}

fn log_with(scenario: &Scenario, strategy: &str, retention: SimDuration) -> EventLog {
    let mut decider = strategy::builtin(strategy, scenario).expect("built-in");
    Simulation::new(scenario, 1)
        .retention(retention)
        .run(&mut decider)
        .log
}

#[test]
fn forgetting_beyond_the_window_drops_nothing_a_later_step_reads() {
    // 75 days: the default 30-day window is cut about 45 times. ai_mdr queries
    // telemetry, facts and past cases; legacy_mdr escalates (customer tasks refer back
    // to their escalation) and oracle contains (releases refer to executions).
    let scenario = ransomware_for(75);
    for strategy in ["ai_mdr", "legacy_mdr", "oracle"] {
        let forgetting = log_with(&scenario, strategy, mdrsim::event::window::RETENTION);
        let remembering = log_with(&scenario, strategy, SimDuration::from_days(10_000));
        assert!(forgetting.len() > 50_000, "{strategy}: a long run");
        assert_eq!(
            forgetting.events(),
            remembering.events(),
            "{strategy}: a 30-day window changed what happened"
        );
    }
}

#[test]
fn a_window_shorter_than_what_investigations_search_changes_what_they_find() {
    // The check above can fail: with a one-hour window, the telemetry around an alert
    // and its past cases are partly forgotten, and ai_mdr's queries return less.
    let scenario = ransomware_for(3);
    let short = log_with(&scenario, "ai_mdr", SimDuration::from_mins(60));
    let long = log_with(&scenario, "ai_mdr", SimDuration::from_days(10_000));
    let returned = |log: &EventLog| -> usize {
        log.events()
            .iter()
            .map(|e| match &e.payload {
                event::Payload::ContextQueried { records, .. } => records.len(),
                _ => 0,
            })
            .sum()
    };
    assert!(
        returned(&short) < returned(&long),
        "records returned: {} with a 1-hour window, {} without",
        returned(&short),
        returned(&long)
    );
}

#[test]
fn a_streamed_log_reads_back_as_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut types = BTreeSet::new();
    let storm = Scenario::load(&common::repo("scenarios/alert-storm.toml")).expect("storm");
    let long = ransomware_for(45);
    for (scenario, strategy) in [
        (&long, "ai_mdr"),
        (&long, "legacy_mdr"),
        (&long, "oracle"),
        (&storm, "legacy_mdr"),
    ] {
        let mut decider = strategy::builtin(strategy, scenario).expect("built-in");
        let sim = Simulation::new(scenario, 2).run_id(7);
        let header = sim.header(&decider);
        let pq = dir.path().join("log.parquet");
        let js = dir.path().join("log.jsonl");
        let mut parquet = LogSink::create(&pq, &header).expect("create parquet");
        let mut jsonl = LogSink::create(&js, &header).expect("create jsonl");
        let mut memory = EventLog::new(7);
        let sinks: Vec<&mut dyn EventSink> = vec![&mut parquet, &mut jsonl, &mut memory];
        let returned = sim.run_into(&mut decider, &mut Tee(sinks));
        assert_eq!(
            returned, header,
            "the header known before the run is the run's"
        );
        parquet.finish().expect("finish parquet");
        jsonl.finish().expect("finish jsonl");
        for path in [&pq, &js] {
            let (h, log) = event::read_log(path).expect("reads back");
            assert_eq!(h, header, "{}", path.display());
            assert_eq!(log.events(), memory.events(), "{}", path.display());
        }
        types.extend(memory.events().iter().map(|e| e.payload.kind()));
        if std::ptr::eq(scenario, &long) && strategy == "ai_mdr" {
            // More than one record batch (65,536 rows), so batch boundaries are read.
            assert!(memory.len() > 65_536, "{} events", memory.len());
        }
    }
    // Every event type the built-ins write here went through the typed columns (a
    // hand-off and a failing strategy's event are round-tripped by the codec's own
    // test, src/event/parquet/mod.rs, with one event of every type).
    let all = [
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
        "context_queried",
        "verdict_reached",
        "escalated",
        "containment_requested",
        "containment_executed",
        "containment_released",
        "customer_started",
        "customer_resolved",
    ];
    let missing: Vec<_> = all.iter().filter(|t| !types.contains(**t)).collect();
    assert!(missing.is_empty(), "event types never written: {missing:?}");
}

#[test]
fn a_log_of_another_schema_version_is_refused_naming_both() {
    // A file in the previous layout (version 5: the payload as one JSON text column).
    use arrow_array::{ArrayRef, RecordBatch, StringArray, UInt64Array};
    use std::sync::Arc;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.parquet");
    let cols: Vec<(&str, ArrayRef)> = vec![
        ("run", Arc::new(UInt64Array::from(vec![0u64]))),
        ("seq", Arc::new(UInt64Array::from(vec![0u64]))),
        ("at_ms", Arc::new(UInt64Array::from(vec![0u64]))),
        ("type", Arc::new(StringArray::from(vec!["alert_expired"]))),
        (
            "payload",
            Arc::new(StringArray::from(vec![
                r#"{"type":"alert_expired","alert":0}"#,
            ])),
        ),
    ];
    let batch = RecordBatch::try_from_iter(cols).expect("batch");
    let props = parquet::file::properties::WriterProperties::builder()
        .set_key_value_metadata(Some(vec![parquet::file::metadata::KeyValue::new(
            "mdrsim.schema_version".into(),
            "5".to_string(),
        )]))
        .build();
    let file = std::fs::File::create(&path).expect("create");
    let mut w =
        parquet::arrow::ArrowWriter::try_new(file, batch.schema(), Some(props)).expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
    let out = common::mdrsim(&["replay", path.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("schema version 5 is not supported")
            && stderr.contains(&format!("reads {}", event::SCHEMA_VERSION)),
        "{stderr}"
    );
}
