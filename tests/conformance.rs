//! Each built-in does literally what docs/strategies.md says: the "Conformance" table
//! there (belief, role, context left, experts, authority → decision) is walked row by
//! row against the built-ins' rules with their default parameters. Change a rule or a
//! default and this fails until the documentation says the same.

use mdrsim::event::ContextKind;
use mdrsim::strategy::builtin::act::{Act, Role, Situation};
use mdrsim::strategy::builtin::{AiMdr, AiSoc, LegacyMdr, Threshold};

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
        assert_eq!(r.len(), 7, "row {i} has {} cells: {r:?}", r.len());
        let s = Situation {
            p: r[1].parse().unwrap_or_else(|_| panic!("row {i}: P {:?}", r[1])),
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
        let got = match r[0].as_str() {
            "ai_mdr" => AiMdr::default().act(&s),
            "ai_soc" => AiSoc::default().act(&s),
            "legacy_mdr" => LegacyMdr::default().act(&s),
            "threshold" => Threshold::default().act(&s),
            other => panic!("row {i}: unknown strategy {other:?}"),
        };
        assert_eq!(got, expected, "row {i}: {r:?}");
        seen.insert(r[0].clone());
    }
    assert_eq!(seen.len(), 4, "every honest built-in has rows: {seen:?}");
}
