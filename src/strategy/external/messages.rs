//! The messages of the external strategy protocol (versions [`PROTOCOLS`]): what mdrsim
//! writes (the honest world's observations, as JSON) and what it accepts back. Every
//! message is one JSON object on one line. Schemas: docs/strategy-protocol.md.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::event::{ContainAction, ContextKind, Verdict};
use crate::strategy::view::{CaseView, ContainRequest, Decision, Observation, Triage};

/// The protocol version `hello` announces as `protocol`: what a program that predates
/// version negotiation speaks.
pub const PROTOCOL: u32 = 1;

/// Every version this mdrsim speaks (`hello.protocols`); the program picks one in its
/// `ready`. Version 2 sends each case incrementally ([`case_json_v2`]).
pub const PROTOCOLS: [u32; 2] = [1, 2];

/// The case as an analyst sees it (protocol 1, and the first message of a case in
/// protocol 2): the alert as raised and the records this investigation's queries
/// returned — names, never internal ids, and nothing derived from ground truth.
pub fn case_json(case: &CaseView<'_>) -> Value {
    let mut v = situation(case);
    v["alert"] = alert_json(case);
    v["queries"] = queries_json(case, 0);
    v
}

/// The case in protocol 2: `alert_id` always; the alert itself only when the program
/// has not been sent it (`queries_sent` is `None`), and then every query so far as in
/// protocol 1; otherwise only the queries after the first `queries_sent`, so no record
/// is sent twice about one case.
pub fn case_json_v2(case: &CaseView<'_>, queries_sent: Option<usize>) -> Value {
    let mut v = situation(case);
    v["alert_id"] = case.alert.handle.into();
    if queries_sent.is_none() {
        v["alert"] = alert_json(case);
    }
    v["queries"] = queries_json(case, queries_sent.unwrap_or(0));
    v
}

/// Who is looking at the case, when, and what they can query.
fn situation(case: &CaseView<'_>) -> Value {
    json!({
        "now_ms": case.now.ms(),
        "pool": case.pool,
        "expert": case.expert,
        "has_experts": case.has_experts,
        "integrations": case.integrations,
    })
}

/// The alert as raised, with the record its rule matched.
fn alert_json(case: &CaseView<'_>) -> Value {
    let a = &case.alert;
    json!({
        "id": a.handle,
        "seq": a.handle,
        "raised_at_ms": a.raised_at.ms(),
        "queued_at_ms": a.queued_at.ms(),
        "rule": a.rule,
        "severity": a.severity,
        "score": a.score,
        "entities": a.entities.iter().map(|&e| json!({
            "name": case.entity_name(e),
            "kind": case.entity_name(e).split_once(':').map(|(k, _)| k),
        })).collect::<Vec<_>>(),
        "matched": case.matched_record().map(|o| record_json(case, o)),
    })
}

/// The case's queries from the `skip`-th on, each with the records it returned.
fn queries_json(case: &CaseView<'_>, skip: usize) -> Value {
    case.queries()
        .skip(skip)
        .map(|q| {
            let records: Vec<Value> = case.records(q.kind).map(|o| record_json(case, o)).collect();
            json!({ "kind": q.kind, "seq": q.handle, "records": records })
        })
        .collect()
}

/// A record as the protocol shows it: entity names, handles as `seq`.
fn record_json(case: &CaseView<'_>, o: Observation<'_>) -> Value {
    let entity = |id| case.entity_name(id).to_string();
    match o {
        Observation::Telemetry {
            handle: seq,
            at,
            source,
            entity: e,
            fields,
        } => json!({ "type": "telemetry", "seq": seq, "at_ms": at.ms(), "source": source,
                      "entity": entity(e), "fields": fields }),
        Observation::Fact {
            handle: seq,
            kind,
            entity: e,
            fields,
            from,
            until,
        } => json!({ "type": "fact", "seq": seq, "kind": kind, "entity": entity(e),
                      "fields": fields, "from_ms": from.ms(), "until_ms": until.map(|u| u.ms()) }),
        Observation::Case {
            handle: seq,
            at,
            alert,
            rule,
            entities,
            verdict,
            by,
        } => json!({ "type": "case", "seq": seq, "at_ms": at.ms(), "alert": alert,
                      "rule": case.rule(rule), "entities": entities.iter().map(|&e| entity(e)).collect::<Vec<_>>(),
                      "verdict": verdict, "by": by }),
    }
}

/// A reply to `triage`.
#[derive(Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
enum TriageReply {
    Investigate,
    Escalate {
        #[serde(default)]
        reason: String,
    },
    Dismiss {
        #[serde(default)]
        rationale: String,
    },
}

/// A containment as the agent names it.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct ContainReply {
    action: ContainAction,
    target: String,
}

/// A reply to `decide`.
#[derive(Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
enum DecideReply {
    Query {
        kind: ContextKind,
    },
    Verdict {
        verdict: Verdict,
        confidence: f64,
        #[serde(default)]
        evidence: Vec<u64>,
        #[serde(default)]
        rationale: String,
        #[serde(default)]
        contain: Vec<ContainReply>,
    },
    Contain {
        contain: Vec<ContainReply>,
        #[serde(default)]
        rationale: String,
    },
    Escalate {
        #[serde(default)]
        reason: String,
        #[serde(default)]
        contain: Vec<ContainReply>,
    },
    HandOff {
        #[serde(default)]
        reason: String,
        #[serde(default)]
        contain: Vec<ContainReply>,
    },
}

/// Resolves containment targets by entity name; only the alert's entities qualify.
fn targets(contain: Vec<ContainReply>, case: &CaseView<'_>) -> Result<Vec<ContainRequest>, String> {
    contain
        .into_iter()
        .map(|c| {
            case.alert
                .entities
                .iter()
                .copied()
                .find(|&e| case.entity_name(e) == c.target)
                .map(|target| ContainRequest {
                    action: c.action,
                    target,
                })
                .ok_or_else(|| {
                    format!(
                        "containment target {:?} is not an entity of the alert",
                        c.target
                    )
                })
        })
        .collect()
}

/// A reply as an error quotes it: enough to see a misspelt field, never a whole
/// megabyte.
fn quoted(line: &str) -> String {
    const MAX: usize = 200;
    match line.char_indices().nth(MAX) {
        Some((end, _)) => format!("{:?}…", &line[..end]),
        None => format!("{line:?}"),
    }
}

/// Parses a reply to `triage`.
pub fn triage_reply(line: &str) -> Result<Triage, String> {
    let r: TriageReply = serde_json::from_str(line)
        .map_err(|e| format!("bad triage reply {}: {e}", quoted(line)))?;
    Ok(match r {
        TriageReply::Investigate => Triage::Investigate,
        TriageReply::Escalate { reason } => Triage::Escalate { reason },
        TriageReply::Dismiss { rationale } => Triage::Dismiss { rationale },
    })
}

/// Parses a reply to `decide`, resolving containment targets by entity name.
pub fn decide_reply(line: &str, case: &CaseView<'_>) -> Result<Decision, String> {
    let r: DecideReply = serde_json::from_str(line)
        .map_err(|e| format!("bad decide reply {}: {e}", quoted(line)))?;
    Ok(match r {
        DecideReply::Query { kind } => Decision::Query(kind),
        DecideReply::Verdict {
            verdict,
            confidence,
            evidence,
            rationale,
            contain,
        } => {
            if !(0.0..=1.0).contains(&confidence) {
                return Err(format!("confidence {confidence} is not in [0, 1]"));
            }
            let contain = targets(contain, case)?;
            Decision::Verdict {
                verdict,
                confidence,
                evidence,
                rationale,
                contain,
            }
        }
        DecideReply::Contain { contain, rationale } => {
            if contain.is_empty() {
                return Err("a contain decision names nothing to contain".into());
            }
            Decision::Contain {
                contain: targets(contain, case)?,
                rationale,
            }
        }
        DecideReply::Escalate { reason, contain } => Decision::Escalate {
            reason,
            contain: targets(contain, case)?,
        },
        DecideReply::HandOff { reason, contain } => Decision::HandOff {
            reason,
            contain: targets(contain, case)?,
        },
    })
}
