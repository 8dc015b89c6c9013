//! Common random numbers by name: streams are keyed by the scenario's name, element
//! names and purpose — never by the file's bytes — so edits that change nothing in the
//! world change no number, and changing one element moves only that element's draws.

mod common;

use common::{mdrsim, repo};
use mdrsim::event::{Payload, RunHeader};
use mdrsim::scenario::Scenario;
use mdrsim::scenario::load::parse_spec;
use mdrsim::sim::Simulation;
use mdrsim::strategy;

/// Splits scenario text into top-level blocks: each `[[section]]` with its nested
/// tables, each `[table]`, and the leading keys.
fn blocks(text: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![String::new()];
    for line in text.lines() {
        let top = (line.starts_with("[[") && !line[2..].contains('.'))
            || (line.starts_with('[') && !line.starts_with("[[") && !line[1..].contains('.'));
        if top {
            out.push(String::new());
        }
        let last = out.last_mut().expect("non-empty");
        last.push_str(line);
        last.push('\n');
    }
    out
}

/// The same world, written differently: comments and blank lines added, and entities,
/// benign processes and telemetry processes declared in reverse order.
fn rewritten(text: &str) -> String {
    let b = blocks(text);
    let kind = |s: &str| s.lines().next().unwrap_or("").to_string();
    let mut out = String::from("# rewritten: same world, other words\n\n");
    out += &b[0];
    for section in ["[[entities]]", "[[benign]]", "[[telemetry]]"] {
        let mut these: Vec<&String> = b.iter().filter(|x| kind(x) == section).collect();
        these.reverse();
        for x in these {
            out += "\n# a comment between blocks\n";
            out += x;
        }
    }
    for x in b[1..]
        .iter()
        .filter(|x| !["[[entities]]", "[[benign]]", "[[telemetry]]"].contains(&kind(x).as_str()))
    {
        out += "\n\n";
        out += x;
    }
    out
}

fn eval_runs(dir: &std::path::Path, text: &str) -> Vec<u8> {
    std::fs::create_dir_all(dir).unwrap();
    let file = dir.join("world.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.join("out");
    let o = mdrsim(&[
        "eval",
        "--suite",
        file.to_str().unwrap(),
        "--seeds",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read(out.join("runs.parquet")).unwrap()
}

#[test]
fn comments_whitespace_and_declaration_order_change_no_result() {
    let text = std::fs::read_to_string(repo("scenarios/friday-night-ransomware.toml")).unwrap();
    let edited = rewritten(&text);
    assert_ne!(text, edited);
    // The rewrite really reorders: the first entity declared is no longer first.
    let first_entity = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("id = "))
            .map(str::to_string)
    };
    assert_ne!(first_entity(&text), first_entity(&edited));
    let tmp = tempfile::tempdir().unwrap();
    let a = eval_runs(&tmp.path().join("a"), &text);
    let b = eval_runs(&tmp.path().join("b"), &edited);
    assert!(
        a == b,
        "runs.parquet differs after a comment/whitespace/order edit"
    );
}

/// World events with alert ids left out (adding alerts renumbers later ones).
fn world_events(
    header: &RunHeader,
    events: &[mdrsim::event::Envelope],
    skip_rule: &str,
) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match &e.payload {
            Payload::AlertRaised {
                rule,
                severity,
                entities,
                score,
                ..
            } => {
                let r = &header.rules[rule.index()];
                (r.name != skip_rule).then(|| {
                    format!(
                        "{} alert {} {severity:?} {entities:?} {score}",
                        e.at.ms(),
                        r.name
                    )
                })
            }
            Payload::TelemetryObserved { .. }
            | Payload::FactRecorded { .. }
            | Payload::AttackStepExecuted { .. } => Some(format!("{} {:?}", e.at.ms(), e.payload)),
            _ => None,
        })
        .collect()
}

#[test]
fn changing_one_benign_rate_moves_no_other_draw() {
    let path = repo("scenarios/friday-night-ransomware.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = text.replacen("per_hour = 1.2\n", "per_hour = 2.4\n", 1);
    assert_ne!(text, changed, "the PUA process's rate was changed");
    let load = |t: &str| Scenario::compile(parse_spec(t, &path).unwrap(), t, &path).unwrap();
    let (a, b) = (load(&text), load(&changed));
    for seed in [1, 2, 3] {
        // dismiss_all never acts, so the world runs exactly as scripted.
        let run = |s: &Scenario| {
            let mut d = strategy::builtin("dismiss_all", s).unwrap();
            Simulation::new(s, seed).run(&mut d)
        };
        let (ra, rb) = (run(&a), run(&b));
        let pua = "Potentially unwanted application";
        let count = |r: &mdrsim::sim::RunOutput| {
            world_events(&r.header, r.log.events(), "").len()
                - world_events(&r.header, r.log.events(), pua).len()
        };
        assert!(
            count(&rb) > count(&ra),
            "seed {seed}: the changed process raised more alerts"
        );
        assert_eq!(
            world_events(&ra.header, ra.log.events(), pua),
            world_events(&rb.header, rb.log.events(), pua),
            "seed {seed}: another process's or the campaign's draws moved"
        );
    }
}
