//! A run's alerts as OCSF Detection Findings (class 2004) and its escalations as
//! Incident Findings (class 2005), one JSON object per line, so a SIEM or data lake
//! that speaks OCSF can take mdrsim's output. Attribute names are the schema's
//! (`datasets/ocsf-schema/`, OCSF 1.9.0-dev; tests check every name against it).
//!
//! `verdict_id` follows OCSF's dictionary: 0 Unknown, 1 False Positive, 2 True
//! Positive. A provider verdict of malicious is a true positive, benign a false
//! positive; an alert escalated, expired or still waiting has none (Unknown). An
//! Incident Finding carries the customer's resolution the same way.

use serde_json::{Value, json};

use crate::event::{EventLog, Payload, RunHeader, Severity, Verdict};
use crate::time::{Epoch, SimTime};

/// OCSF's schema version the output follows.
pub const OCSF_VERSION: &str = "1.9.0-dev";

fn severity(s: Severity) -> (u8, &'static str) {
    match s {
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

fn verdict(v: Option<Verdict>) -> (u8, &'static str) {
    match v {
        Some(Verdict::Malicious) => (2, "True Positive"),
        Some(Verdict::Benign) => (1, "False Positive"),
        None => (0, "Unknown"),
    }
}

/// What happened to one alert, gathered from the log.
#[derive(Default)]
struct Fate {
    verdict: Option<(Verdict, f64, u64)>,
    escalated: Option<(u64, String)>,
    customer: Option<(Verdict, u64)>,
}

/// The OCSF findings of one run, in the order their alerts were raised (an alert's
/// Incident Finding right after its Detection Finding).
pub fn findings(header: &RunHeader, log: &EventLog) -> Vec<Value> {
    let epoch = Epoch::parse(&header.start).ok();
    let ms = |t: u64| -> i64 {
        epoch
            .as_ref()
            .map_or(t as i64, |e| e.timestamp(SimTime(t)).as_millisecond())
    };
    let mut fates: std::collections::BTreeMap<u32, Fate> = Default::default();
    for e in log.events() {
        match &e.payload {
            Payload::VerdictReached {
                alert,
                verdict,
                confidence,
                ..
            } => {
                fates.entry(alert.0).or_default().verdict = Some((*verdict, *confidence, e.at.ms()))
            }
            Payload::Escalated { alert, reason, .. } => {
                fates.entry(alert.0).or_default().escalated = Some((e.at.ms(), reason.clone()));
            }
            Payload::CustomerResolved { alert, verdict, .. } => {
                fates.entry(alert.0).or_default().customer = Some((*verdict, e.at.ms()));
            }
            _ => {}
        }
    }
    let product =
        json!({ "name": "mdrsim", "vendor_name": "mdrsim", "version": env!("CARGO_PKG_VERSION") });
    let mut out = Vec::new();
    for e in log.events() {
        let Payload::AlertRaised {
            alert,
            rule,
            severity: sev,
            entities,
            score,
            ..
        } = &e.payload
        else {
            continue;
        };
        let r = header.rules.get(rule.0 as usize);
        let title = r.map_or_else(|| format!("rule {}", rule.0), |r| r.name.clone());
        let source = r.map_or(String::new(), |r| r.source.clone());
        let (sev_id, sev_name) = severity(*sev);
        let fate = fates.remove(&alert.0).unwrap_or_default();
        let (v_id, v_name) = verdict(fate.verdict.map(|v| v.0));
        let uid = format!(
            "{}/{}/{}/alert-{}",
            header.scenario, header.strategy, header.seed, alert.0
        );
        let resources: Vec<Value> = entities
            .iter()
            .filter_map(|x| header.entities.get(x.0 as usize))
            .map(|n| json!({ "name": n }))
            .collect();
        let mut analytic = json!({ "name": title, "type_id": 1, "type": "Rule" });
        if let Some(a) = r.and_then(|r| r.author.as_ref()) {
            analytic["desc"] = json!(format!("by {a}"));
        }
        let (status_id, status) = match (&fate.verdict, &fate.escalated) {
            (Some((Verdict::Malicious, ..)), _) => (4, "Resolved"),
            (Some((Verdict::Benign, ..)), _) => (3, "Suppressed"),
            (None, Some(_)) => (2, "In Progress"),
            (None, None) => (1, "New"),
        };
        let mut finding = json!({
            "class_uid": 2004,
            "class_name": "Detection Finding",
            "category_uid": 2,
            "category_name": "Findings",
            "activity_id": 1,
            "activity_name": "Create",
            "type_uid": 200_401,
            "type_name": "Detection Finding: Create",
            "time": ms(e.at.ms()),
            "severity_id": sev_id,
            "severity": sev_name,
            "metadata": { "product": product, "version": OCSF_VERSION, "uid": uid },
            "finding_info": {
                "uid": uid,
                "title": title,
                "analytic": analytic,
                "types": [source],
                "created_time": ms(e.at.ms()),
            },
            "message": format!("{title} on {}", resources.iter().filter_map(|r| r["name"].as_str()).collect::<Vec<_>>().join(", ")),
            "is_alert": true,
            "resources": resources,
            "status_id": status_id,
            "status": status,
            "verdict_id": v_id,
            "verdict": v_name,
            "unmapped": { "mdrsim": { "run": header.run, "alert": alert.0, "score": score } },
        });
        if let Some((_, confidence, _)) = fate.verdict {
            finding["confidence_score"] = json!((confidence * 100.0).round() as i64);
        }
        out.push(finding);
        if let Some((at, reason)) = fate.escalated {
            let (c_id, c_name) = verdict(fate.customer.map(|c| c.0));
            let (status_id, status) = if fate.customer.is_some() {
                (4, "Resolved")
            } else {
                (1, "New")
            };
            out.push(json!({
                "class_uid": 2005,
                "class_name": "Incident Finding",
                "category_uid": 2,
                "category_name": "Findings",
                "activity_id": 1,
                "activity_name": "Create",
                "type_uid": 200_501,
                "type_name": "Incident Finding: Create",
                "time": ms(at),
                "severity_id": sev_id,
                "severity": sev_name,
                "metadata": { "product": product, "version": OCSF_VERSION, "uid": format!("{uid}/incident") },
                "finding_info_list": [{ "uid": uid, "title": title }],
                "desc": reason,
                "status_id": status_id,
                "status": status,
                "verdict_id": c_id,
                "verdict": c_name,
                "unmapped": { "mdrsim": { "run": header.run, "alert": alert.0 } },
            }));
        }
    }
    out
}
