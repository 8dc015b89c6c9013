//! Each built-in does literally what docs/strategies.md says: the "Conformance" table
//! there (parameters, belief, role, context left, experts, authority → decision) is
//! walked row by row against the built-ins' rules, with their default parameters unless
//! a row overrides some. Change a rule or a default and this fails until the
//! documentation says the same.

use mdrsim::event::ContextKind;
use mdrsim::strategy::builtin::act::{Act, Role, Situation};
use mdrsim::strategy::builtin::{AiMdr, AiSoc, LegacyMdr, Threshold};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Default parameters with a row's overrides (`name=value, …`, or `defaults`) applied.
fn params<P: Default + Serialize + DeserializeOwned>(overrides: &str) -> P {
    let mut v = serde_json::to_value(P::default()).unwrap();
    if overrides != "defaults" {
        for pair in overrides.split(',') {
            let (name, value) = pair.split_once('=').expect("name=value");
            let value: f64 = value.trim().parse().expect("a number");
            let slot = v
                .get_mut(name.trim())
                .unwrap_or_else(|| panic!("no parameter {name}"));
            *slot = serde_json::json!(value);
        }
    }
    serde_json::from_value(v).unwrap()
}

fn kind(word: &str) -> ContextKind {
    match word {
        "telemetry" => ContextKind::Telemetry,
        "organizational" => ContextKind::Organizational,
        "historic" => ContextKind::Historic,
        other => panic!("unknown context kind {other:?} in the conformance table"),
    }
}

fn act(word: &str) -> Act {
    match word {
        "malicious" => Act::Malicious,
        "benign" => Act::Benign,
        "escalate" => Act::Escalate { precaution: false },
        "escalate + contain" => Act::Escalate { precaution: true },
        "hand off" => Act::HandOff { precaution: false },
        "hand off + contain" => Act::HandOff { precaution: true },
        q if q.starts_with("query ") => Act::Query(kind(&q["query ".len()..])),
        other => panic!("unknown decision {other:?} in the conformance table"),
    }
}

fn yes(word: &str) -> bool {
    match word {
        "yes" => true,
        "no" => false,
        other => panic!("expected yes or no, got {other:?}"),
    }
}

/// The rows of the table under "## Conformance", as cells.
fn rows() -> Vec<Vec<String>> {
    let doc = std::fs::read_to_string("docs/strategies.md").expect("docs/strategies.md");
    let section = doc
        .split("\n## Conformance")
        .nth(1)
        .expect("docs/strategies.md has a Conformance section");
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_string())
                .collect()
        })
        .collect()
}

#[test]
fn every_builtin_decides_as_its_documentation_says() {
    let rows = rows();
    assert!(rows.len() >= 30, "the table lost rows: {}", rows.len());
    let mut seen = std::collections::BTreeSet::new();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.len(), 8, "row {i} has {} cells: {r:?}", r.len());
        let r = &r[..];
        let (name, overrides, r) = (&r[0], &r[1], &r[1..]);
        let s = Situation {
            p: r[1]
                .parse()
                .unwrap_or_else(|_| panic!("row {i}: P {:?}", r[1])),
            role: match r[2].as_str() {
                "first line" => Role::FirstLine,
                "expert" => Role::Expert,
                other => panic!("row {i}: role {other:?}"),
            },
            left: if r[3] == "none" {
                Vec::new()
            } else {
                r[3].split(',').map(|k| kind(k.trim())).collect()
            },
            has_experts: yes(&r[4]),
            may_contain: yes(&r[5]),
        };
        let expected = act(&r[6]);
        let got = match name.as_str() {
            "ai_mdr" => AiMdr {
                params: params(overrides),
            }
            .act(&s),
            "ai_soc" => AiSoc {
                params: params(overrides),
            }
            .act(&s),
            "legacy_mdr" => LegacyMdr {
                params: params(overrides),
            }
            .act(&s),
            "threshold" => Threshold {
                params: params(overrides),
            }
            .act(&s),
            other => panic!("row {i}: unknown strategy {other:?}"),
        };
        assert_eq!(got, expected, "row {i}: {name} {overrides} {r:?}");
        seen.insert(name.clone());
    }
    assert_eq!(seen.len(), 4, "every honest built-in has rows: {seen:?}");
}
