//! What every importer shares — timestamps, entity lookups — and the importers of one
//! layout each: raw CloudTrail, EVTX as JSON, OCSF.

use serde_json::{Map, Value};

use crate::recording::EntityRef;

/// A row turned into a record's parts.
pub struct Parsed {
    /// ms since the Unix epoch, UTC.
    pub time_ms: i64,
    /// Record kind.
    pub kind: String,
    /// Windows channel.
    pub channel: Option<String>,
    /// Windows event id or OCSF class.
    pub event_id: Option<i64>,
    /// Entities named.
    pub entities: Vec<EntityRef>,
    /// Fields, verbatim.
    pub fields: Map<String, Value>,
}

/// An RFC 3339 instant (`2021-08-02T13:09:20.04Z`), or a civil time taken as UTC
/// (`2020-10-18 23:50:05.910`, as Sysmon's `UtcTime`), in ms.
pub fn utc_ms(text: &str) -> Option<i64> {
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Some(t.as_millisecond());
    }
    let civil: jiff::civil::DateTime = text.trim().replace(' ', "T").parse().ok()?;
    civil
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_millisecond())
}

/// A string at a dotted path (`userIdentity.arn`), skipping empty and `-` values.
pub fn text_at<'a>(row: &'a Map<String, Value>, path: &str) -> Option<&'a str> {
    let mut parts = path.split('.');
    let mut here = row.get(parts.next()?)?;
    for p in parts {
        here = here.get(p)?;
    }
    here.as_str().filter(|s| !s.is_empty() && *s != "-")
}

/// Adds the entities found at `paths` as `kind`, each name once.
pub fn add(out: &mut Vec<EntityRef>, row: &Map<String, Value>, kind: &str, paths: &[&str]) {
    for p in paths {
        if let Some(name) = text_at(row, p) {
            let e = EntityRef {
                kind: kind.into(),
                name: name.into(),
            };
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
}

/// A raw CloudTrail record: `eventTime` (or OTRF's `@timestamp`).
pub fn cloudtrail(row: Map<String, Value>) -> Result<Parsed, String> {
    if !(row.contains_key("eventName") && row.contains_key("eventSource")) {
        return Err(unknown(
            &row,
            "a CloudTrail record (eventName, eventSource)",
        ));
    }
    let time = ["eventTime", "@timestamp"]
        .iter()
        .find_map(|k| text_at(&row, k).and_then(utc_ms))
        .ok_or("no timestamp: eventTime (or @timestamp) is missing or not RFC 3339")?;
    let mut entities = Vec::new();
    add(&mut entities, &row, "cloud_identity", &["userIdentity.arn"]);
    add(&mut entities, &row, "user", &["userIdentity.userName"]);
    // A call an AWS service makes on its own (EC2 assuming an instance role) names
    // no principal: the service is the actor.
    add(&mut entities, &row, "app", &["userIdentity.invokedBy"]);
    Ok(Parsed {
        time_ms: time,
        kind: "cloudtrail".into(),
        channel: None,
        event_id: None,
        entities,
        fields: row,
    })
}

/// An EVTX→JSON event: System fields (EventID, Channel, Computer, Provider) next to
/// EventData's, the original nesting dropped.
pub fn evtx(row: Map<String, Value>) -> Result<Parsed, String> {
    let event = row
        .get("Event")
        .and_then(Value::as_object)
        .ok_or_else(|| unknown(&row, "an EVTX→JSON event ({\"Event\": {\"System\": …}})"))?;
    let system = event
        .get("System")
        .and_then(Value::as_object)
        .ok_or("Event.System is missing")?;
    let time = system
        .get("TimeCreated")
        .and_then(|t| t.get("#attributes")?.get("SystemTime")?.as_str())
        .and_then(utc_ms)
        .ok_or("no timestamp: Event.System.TimeCreated.#attributes.SystemTime")?;
    let mut fields = Map::new();
    for k in [
        "EventID",
        "Channel",
        "Computer",
        "EventRecordID",
        "Level",
        "Task",
    ] {
        if let Some(v) = system.get(k) {
            fields.insert(k.into(), v.clone());
        }
    }
    if let Some(p) = system
        .get("Provider")
        .and_then(|p| p.get("#attributes")?.get("Name"))
    {
        fields.insert("Provider_Name".into(), p.clone());
    }
    if let Some(Value::Object(data)) = event.get("EventData") {
        for (k, v) in data {
            if k != "#attributes" {
                fields.insert(k.clone(), v.clone());
            }
        }
    }
    let mut entities = Vec::new();
    add(&mut entities, &fields, "host", &["Computer"]);
    add(
        &mut entities,
        &fields,
        "user",
        &["User", "SubjectUserName", "TargetUserName"],
    );
    Ok(Parsed {
        time_ms: time,
        kind: "windows".into(),
        channel: text_at(&fields, "Channel").map(str::to_string),
        event_id: fields.get("EventID").and_then(Value::as_i64),
        entities,
        fields,
    })
}

/// An OCSF event: `time` (ms since the epoch), `class_uid`.
pub fn ocsf(row: Map<String, Value>) -> Result<Parsed, String> {
    let class = row
        .get("class_uid")
        .and_then(Value::as_i64)
        .ok_or_else(|| unknown(&row, "an OCSF event (class_uid, time)"))?;
    let time = row
        .get("time")
        .and_then(Value::as_i64)
        .ok_or("no timestamp: time (ms since the epoch) is missing")?;
    let mut entities = Vec::new();
    add(
        &mut entities,
        &row,
        "host",
        &["device.hostname", "device.name"],
    );
    add(
        &mut entities,
        &row,
        "user",
        &["actor.user.name", "user.name"],
    );
    add(&mut entities, &row, "app", &["actor.app_name"]);
    Ok(Parsed {
        time_ms: time,
        kind: "ocsf".into(),
        channel: None,
        event_id: Some(class),
        entities,
        fields: row,
    })
}

/// "not <what>": names a few of the row's keys so the user sees what was given.
pub fn unknown(row: &Map<String, Value>, what: &str) -> String {
    let keys: Vec<&str> = row.keys().take(8).map(String::as_str).collect();
    format!(
        "unknown layout: expected {what}, found keys {}{}",
        keys.join(", "),
        if row.len() > 8 { ", …" } else { "" }
    )
}
