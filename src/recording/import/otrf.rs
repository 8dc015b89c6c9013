//! OTRF Security-Datasets rows. Two layouts: Azure Log Analytics tables flattened
//! (`TimeGenerated`, `Type`: SecurityEvent and Event for Windows, AuditLogs for Azure
//! AD, OfficeActivity; Microsoft 365 Defender rows with `Timestamp` and `ActionType`)
//! and the older layout (`Hostname`, `Channel`, `EventID`, and `@timestamp` or Sysmon's
//! `UtcTime`). CloudTrail rows of the AWS datasets are taken as CloudTrail.
//!
//! The older layout's `TimeCreated` is local time on a 12-hour clock without AM/PM
//! ("2020-10-18 07:50:05.910" for 19:50 at UTC−4). Rows with `UtcTime` (Sysmon) use it;
//! rows with only `TimeCreated` (Security) get the offset the file's own Sysmon rows
//! show between the two (16 h in the LSASS recording) — exact within one half-day, which
//! a recording of seconds or minutes is. A file with such rows and no row to learn the
//! offset from is refused rather than guessed.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::fields::{Parsed, add, cloudtrail, text_at, unknown, utc_ms};

/// What a file teaches about its own rows: the offset between `UtcTime` and the
/// AM/PM-less `TimeCreated`.
pub struct Context {
    offset_ms: Option<i64>,
}

impl Context {
    /// Learns the offset from the rows that carry both times (the most common one).
    pub fn new(rows: &[(usize, Map<String, Value>)]) -> Context {
        let mut seen: BTreeMap<i64, usize> = BTreeMap::new();
        for (_, r) in rows {
            if let (Some(u), Some(t)) = (
                text_at(r, "UtcTime").and_then(utc_ms),
                text_at(r, "TimeCreated").and_then(utc_ms),
            ) {
                // Rounded to the minute: the two are written a few ms apart at most.
                *seen
                    .entry(((u - t) as f64 / 60_000.0).round() as i64 * 60_000)
                    .or_default() += 1;
            }
        }
        Context {
            offset_ms: seen.into_iter().max_by_key(|&(_, n)| n).map(|(d, _)| d),
        }
    }
}

fn windows_time(ctx: &Context, row: &Map<String, Value>) -> Result<i64, String> {
    for k in ["TimeGenerated", "@timestamp", "UtcTime"] {
        if let Some(t) = text_at(row, k).and_then(utc_ms) {
            return Ok(t);
        }
    }
    match (text_at(row, "TimeCreated").and_then(utc_ms), ctx.offset_ms) {
        (Some(t), Some(off)) => Ok(t + off),
        (Some(_), None) => Err(
            "TimeCreated is local time on a 12-hour clock without AM/PM, \
                                and no row of the file has UtcTime to correct it"
                .into(),
        ),
        _ => Err("no timestamp: TimeGenerated, @timestamp, UtcTime or TimeCreated".into()),
    }
}

/// One OTRF row.
pub fn record(ctx: &mut Context, row: Map<String, Value>) -> Result<Parsed, String> {
    let has = |k: &str| row.contains_key(k);
    let kind = row.get("Type").and_then(Value::as_str).unwrap_or("");
    let mut entities = Vec::new();
    if has("eventName") && has("eventSource") {
        return cloudtrail(row);
    }
    if has("ActionType") && has("Timestamp") {
        let t = text_at(&row, "Timestamp")
            .and_then(utc_ms)
            .ok_or("no timestamp: Timestamp")?;
        add(&mut entities, &row, "host", &["DeviceName"]);
        add(
            &mut entities,
            &row,
            "user",
            &["AccountUpn", "AccountName", "InitiatingProcessAccountUpn"],
        );
        add(&mut entities, &row, "app", &["Application"]);
        return Ok(parsed(t, "m365_defender", None, None, entities, row));
    }
    if kind == "OfficeActivity" || (has("Operation") && has("OfficeWorkload")) {
        let t = text_at(&row, "TimeGenerated")
            .and_then(utc_ms)
            .ok_or("no timestamp: TimeGenerated")?;
        add(&mut entities, &row, "user", &["UserId"]);
        add(&mut entities, &row, "app", &["ClientAppId", "AppId"]);
        return Ok(parsed(t, "office_activity", None, None, entities, row));
    }
    if has("OperationName") && (has("AADOperationType") || has("Category")) {
        let t = ["TimeGenerated", "ActivityDateTime"]
            .iter()
            .find_map(|k| text_at(&row, k).and_then(utc_ms))
            .ok_or("no timestamp: TimeGenerated or ActivityDateTime")?;
        // InitiatedBy is JSON inside a string in Log Analytics exports.
        if let Some(Value::Object(by)) =
            text_at(&row, "InitiatedBy").and_then(|s| serde_json::from_str::<Value>(s).ok())
        {
            add(
                &mut entities,
                &by,
                "user",
                &["user.userPrincipalName", "user.id"],
            );
            add(&mut entities, &by, "app", &["app.displayName"]);
        }
        add(&mut entities, &row, "app", &["targetDisplayName"]);
        return Ok(parsed(t, "azure_ad_audit", None, None, entities, row));
    }
    if has("EventID") && (has("Channel") || has("Computer") || has("Hostname")) {
        let t = windows_time(ctx, &row)?;
        add(&mut entities, &row, "host", &["Computer", "Hostname"]);
        add(
            &mut entities,
            &row,
            "user",
            &["User", "SubjectUserName", "TargetUserName", "Account"],
        );
        let channel = text_at(&row, "Channel").map(str::to_string);
        let id = row.get("EventID").and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        });
        return Ok(parsed(t, "windows", channel, id, entities, row));
    }
    Err(unknown(
        &row,
        "an OTRF row (Windows event, Azure AD audit, OfficeActivity, Microsoft 365 \
         Defender or CloudTrail)",
    ))
}

fn parsed(
    time_ms: i64,
    kind: &str,
    channel: Option<String>,
    event_id: Option<i64>,
    entities: Vec<crate::recording::EntityRef>,
    fields: Map<String, Value>,
) -> Parsed {
    Parsed {
        time_ms,
        kind: kind.into(),
        channel,
        event_id,
        entities,
        fields,
    }
}
