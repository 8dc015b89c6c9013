//! The built-ins' generic indicator tables: what an experienced analyst knows in
//! general (signs and rough strengths, docs/strategies.md), never a scenario's numbers.

use std::collections::BTreeMap;

use super::Table;

fn table(entries: &[(&str, &str, f64)]) -> Table {
    let mut t = Table::new();
    for (k, v, w) in entries {
        t.entry(k.to_string())
            .or_default()
            .insert(v.to_string(), *w);
    }
    t
}

/// Generic telemetry indicators and their weights (see docs/strategies.md).
pub(super) fn telemetry_indicators() -> Table {
    table(&[
        ("AsnSeenBefore", "false", 0.9),
        ("AsnSeenBefore", "true", -0.9),
        ("CallerType", "AssumedRole", -0.6),
        ("CallerType", "IAMUser", 0.4),
        ("Destination", "common", -0.7),
        ("Destination", "first_seen", 1.0),
        ("DestinationKind", "personal_cloud", 0.6),
        ("DestinationKind", "sanctioned", -0.8),
        ("DeviceManaged", "false", 0.7),
        ("DeviceManaged", "true", -0.5),
        ("Hour", "business_hours", -0.2),
        ("Hour", "off_hours", 0.3),
        ("ParentProcess", "browser", 0.4),
        ("ParentProcess", "explorer", -0.3),
        ("ParentProcess", "management_agent", -1.2),
        ("ParentProcess", "office_app", 1.2),
        ("Signer", "trusted", -0.4),
        ("Signer", "untrusted", 0.9),
        ("SourceHostRole", "admin_jumpbox", -1.0),
        ("SourceHostRole", "deployment_server", -1.2),
        ("SourceHostRole", "workstation", 0.6),
        ("SourceNetwork", "cloud_provider", 0.3),
        ("SourceNetwork", "corporate", -0.8),
        ("SourceNetwork", "residential", 0.8),
        ("TokenReplay", "true", 1.4),
        ("UserAgent", "cli_unusual", 0.7),
        ("UserAgent", "sdk_ci", -0.6),
        ("Volume", "above_user_baseline", 0.7),
        ("Volume", "within_user_baseline", -0.6),
    ])
}

/// Generic organizational indicators and their weights (see docs/strategies.md).
pub(super) fn organizational_indicators() -> BTreeMap<String, Table> {
    [
        (
            "change",
            table(&[("status", "approved", -1.6), ("status", "pending", -0.4)]),
        ),
        (
            "helpdesk",
            table(&[
                ("request", "mfa_reset", -1.4),
                ("request", "new_device", -1.0),
            ]),
        ),
        (
            "hr",
            table(&[("status", "on_leave", 0.5), ("status", "resigned", 1.2)]),
        ),
        ("iac", table(&[("expected_caller", "true", -1.2)])),
        ("project", table(&[("status", "migration", -1.2)])),
        ("travel", table(&[("status", "booked", -1.3)])),
    ]
    .into_iter()
    .map(|(k, t)| (k.to_string(), t))
    .collect()
}

/// The kind of activity each detector or telemetry source reports (for detection rules,
/// the matched record's source decides).
pub(super) fn activities() -> BTreeMap<String, String> {
    [
        (
            "sign_in",
            &["entra_signin", "idp_signin", "idp", "okta", "signin"][..],
        ),
        (
            "endpoint",
            &["edr", "av", "process", "sysmon", "windows_security"],
        ),
        ("network", &["network", "ndr", "proxy", "dns"]),
        ("email", &["email"]),
        ("data", &["dlp", "sharepoint", "m365_audit", "file"]),
        ("cloud", &["cloudtrail", "azure_audit", "gcp_audit"]),
    ]
    .into_iter()
    .flat_map(|(class, sources)| {
        sources
            .iter()
            .map(move |s| (s.to_string(), class.to_string()))
    })
    .collect()
}

/// Which activities a kind of organizational fact can explain: a travel booking explains
/// an unfamiliar sign-in, not a beacon; a change ticket explains admin work on a system;
/// a leaver's HR record explains (or aggravates) data movement.
pub(super) fn explanations() -> BTreeMap<String, Vec<String>> {
    [
        ("travel", &["sign_in"][..]),
        ("helpdesk", &["sign_in"]),
        ("change", &["endpoint", "cloud"]),
        ("hr", &["data"]),
        ("project", &["data", "cloud"]),
        ("iac", &["cloud"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
    .collect()
}
