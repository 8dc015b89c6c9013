//! A label-free "side-channel" agent for mdrsim's strategy protocol: it never reads a
//! field value, a severity, a score, a fact's content or an entity — only times,
//! handles (`id`/`seq`), counts and order — and writes what it read into each verdict's
//! rationale as JSON, so a test can ask whether any of it separates attack alerts from
//! benign ones (tests/side_channels.rs). It closes every alert as benign, so nothing
//! it does changes the world it watches.
//!
//! Run by the tests over the real protocol (one JSON message per line on stdin, one
//! reply per line on stdout; docs/strategy-protocol.md).

use std::io::{BufRead, Write};

use serde_json::{Value, json};

/// Everything timing- or numbering-shaped in a case, by name.
fn features(case: &Value, last_alert_id: Option<i64>) -> Value {
    let a = &case["alert"];
    let int = |v: &Value| v.as_i64();
    let raised = int(&a["raised_at_ms"]).unwrap_or(0);
    let id = int(&a["id"]).unwrap_or(0);
    let mut f = serde_json::Map::new();
    let mut put = |k: &str, v: Option<i64>| {
        f.insert(k.into(), v.map_or(Value::Null, Value::from));
    };
    put(
        "queued_minus_raised",
        int(&a["queued_at_ms"]).map(|q| q - raised),
    );
    put("now_minus_raised", int(&case["now_ms"]).map(|n| n - raised));
    put("id_gap_since_last_alert", last_alert_id.map(|l| id - l));
    let matched = &a["matched"];
    put(
        "raised_minus_matched_at",
        int(&matched["at_ms"]).map(|m| raised - m),
    );
    put(
        "alert_seq_minus_matched_seq",
        int(&matched["seq"]).map(|m| int(&a["seq"]).unwrap_or(0) - m),
    );
    let queries = case["queries"].as_array().cloned().unwrap_or_default();
    let records = |kind: &str| -> Vec<Value> {
        queries
            .iter()
            .filter(|q| q["kind"] == kind)
            .flat_map(|q| q["records"].as_array().cloned().unwrap_or_default())
            .collect()
    };
    let telemetry = records("telemetry");
    let times: Vec<i64> = telemetry.iter().filter_map(|r| int(&r["at_ms"])).collect();
    put("telemetry_records", Some(telemetry.len() as i64));
    put(
        "telemetry_at_raised",
        Some(times.iter().filter(|&&t| t == raised).count() as i64),
    );
    put(
        "earliest_telemetry_minus_raised",
        times.iter().min().map(|t| t - raised),
    );
    put(
        "latest_telemetry_minus_raised",
        times.iter().max().map(|t| t - raised),
    );
    put(
        "nearest_telemetry_before_raised",
        times
            .iter()
            .filter(|&&t| t <= raised)
            .max()
            .map(|t| t - raised),
    );
    let matched_at = int(&matched["at_ms"]);
    let mut same: Vec<i64> = telemetry
        .iter()
        .filter(|r| matched_at.is_some() && int(&r["at_ms"]) == matched_at)
        .filter_map(|r| int(&r["seq"]))
        .collect();
    same.sort_unstable();
    put(
        "records_at_matched_time",
        matched_at.map(|_| same.len() as i64),
    );
    put(
        "matched_place_among_them",
        int(&matched["seq"])
            .and_then(|m| same.iter().position(|&s| s == m))
            .map(|p| p as i64),
    );
    let facts = records("organizational");
    put("facts", Some(facts.len() as i64));
    put(
        "earliest_fact_from_minus_raised",
        facts
            .iter()
            .filter_map(|r| int(&r["from_ms"]))
            .min()
            .map(|t| t - raised),
    );
    put(
        "latest_fact_until_minus_raised",
        facts
            .iter()
            .filter_map(|r| int(&r["until_ms"]))
            .max()
            .map(|t| t - raised),
    );
    put(
        "open_ended_facts",
        Some(facts.iter().filter(|r| r["until_ms"].is_null()).count() as i64),
    );
    put("past_cases", Some(records("historic").len() as i64));
    let first_query = queries.first().and_then(|q| int(&q["seq"]));
    put(
        "first_query_seq_minus_alert_seq",
        first_query.map(|q| q - int(&a["seq"]).unwrap_or(0)),
    );
    put("record_seq_spread", {
        let seqs: Vec<i64> = telemetry.iter().filter_map(|r| int(&r["seq"])).collect();
        seqs.iter()
            .max()
            .zip(seqs.iter().min())
            .map(|(hi, lo)| hi - lo)
    });
    Value::Object(f)
}

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut last_alert_id = None;
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let Ok(msg) = serde_json::from_str::<Value>(&line) else {
            break;
        };
        let reply = match msg["type"].as_str() {
            Some("hello") => json!({"type": "ready", "protocol": 1}),
            Some("triage") => json!({"action": "investigate"}),
            Some("decide") => {
                let case = &msg["case"];
                let asked: Vec<&str> = case["queries"]
                    .as_array()
                    .map(|q| q.iter().filter_map(|q| q["kind"].as_str()).collect())
                    .unwrap_or_default();
                let next = case["integrations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .find(|k| !asked.contains(k));
                match next {
                    Some(kind) => json!({"action": "query", "kind": kind}),
                    None => {
                        let f = features(case, last_alert_id);
                        last_alert_id = case["alert"]["id"].as_i64();
                        json!({"action": "verdict", "verdict": "benign", "confidence": 0.5,
                               "rationale": f.to_string()})
                    }
                }
            }
            _ => break,
        };
        if writeln!(out, "{reply}").and_then(|_| out.flush()).is_err() {
            break;
        }
    }
}
