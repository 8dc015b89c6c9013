//! Stored logs are read back exactly or refused: every real log passes the reference
//! checks, a log naming things that do not exist is refused, and a flipped bit or a
//! truncation anywhere in a stored log is refused or (where the bytes carry no
//! meaning) reads back as the very same log — never as different numbers.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use common::{mdrsim, repo};
use mdrsim::event::check::check_references;
use mdrsim::event::{
    EventLog, Payload, RunHeader, read_log, read_log_header, stream_log, write_log,
};
use mdrsim::ids::{AlertId, CampaignId, EntityId};
use mdrsim::scenario::Scenario;
use mdrsim::score::Metrics;
use mdrsim::score::record::RecordsFold;
use mdrsim::sim::Simulation;
use mdrsim::strategy;
use proptest::prelude::*;

/// The ransomware scenario cut to 9 hours: the attack starts 4–8 h in, so the log
/// has alerts, verdicts, containments and attack steps, in a few hundred events.
fn short_run() -> (RunHeader, EventLog) {
    let text = std::fs::read_to_string(repo("scenarios/friday-night-ransomware.toml")).unwrap();
    let text = text.replace("horizon = \"3d\"", "horizon = \"9h\"");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.toml");
    std::fs::write(&path, text).unwrap();
    let scenario = Scenario::load(&path).unwrap();
    // threshold, not ai_mdr: at its tuned bar ai_mdr contains the whole fleet before
    // the attack gets going.
    let mut d = strategy::builtin("threshold", &scenario).unwrap();
    let out = Simulation::new(&scenario, 3).run(&mut d);
    assert!(
        out.log
            .events()
            .iter()
            .any(|e| matches!(e.payload, Payload::ContainmentExecuted { .. })),
        "the short run must contain a containment"
    );
    assert!(
        out.log
            .events()
            .iter()
            .any(|e| matches!(e.payload, Payload::AttackStepExecuted { .. })),
        "the short run must contain the attack"
    );
    (out.header, out.log)
}

#[test]
fn every_built_in_run_passes_the_reference_checks() {
    for entry in std::fs::read_dir(repo("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let scenario = Scenario::load(&path).unwrap();
        for name in strategy::BUILTIN {
            let mut d = strategy::builtin(name, &scenario).unwrap();
            let out = Simulation::new(&scenario, 1).run(&mut d);
            if let Err((seq, m)) = check_references(&out.header, out.log.events()) {
                panic!("{} / {name}: event {seq}: {m}", path.display());
            }
        }
    }
}

/// Writes `events` (re-sequenced) as a log with a valid checksum, so only the reference
/// check can catch what is wrong with them.
fn tampered(
    dir: &Path,
    header: &RunHeader,
    log: &EventLog,
    edit: impl Fn(&mut Payload) -> bool,
) -> std::path::PathBuf {
    let mut out = EventLog::new(log.run());
    let mut edited = false;
    for e in log.events() {
        let mut p = e.payload.clone();
        if !edited && edit(&mut p) {
            edited = true;
        }
        out.append(e.at, p);
    }
    assert!(edited, "the edit applies to some event");
    let path = dir.join("tampered.jsonl");
    write_log(&path, header, &out).unwrap();
    path
}

/// An edit of one payload; true when it applied.
type Edit = Box<dyn Fn(&mut Payload) -> bool>;

#[test]
fn replay_refuses_logs_that_name_what_does_not_exist() {
    let (header, log) = short_run();
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Edit)> = vec![
        (
            "never raised",
            Box::new(|p| match p {
                Payload::VerdictReached { alert, .. } => {
                    *alert = AlertId(999_999);
                    true
                }
                _ => false,
            }),
        ),
        (
            "campaign",
            Box::new(|p| match p {
                Payload::AttackStepExecuted { campaign, .. } => {
                    *campaign = CampaignId(77);
                    true
                }
                _ => false,
            }),
        ),
        (
            "entity",
            Box::new(|p| match p {
                Payload::ContainmentRequested { target, .. } => {
                    *target = EntityId(1_000_000);
                    true
                }
                _ => false,
            }),
        ),
        (
            "longer than any run",
            Box::new(|p| match p {
                Payload::WorkCompleted { duration_ms, .. } => {
                    *duration_ms = u64::MAX - 5;
                    true
                }
                _ => false,
            }),
        ),
        (
            "not earlier",
            Box::new(|p| match p {
                Payload::ContainmentExecuted { request, .. } => {
                    *request = u64::MAX;
                    true
                }
                _ => false,
            }),
        ),
    ];
    for (expect, edit) in cases {
        let path = tampered(dir.path(), &header, &log, edit);
        let out = mdrsim(&["replay", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{expect}: {err}");
        assert!(err.contains(expect), "{expect}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        // Damaged as well: the stream met the bad reference first, but the file is
        // reported as damaged (what a reader can act on), not as the reference.
        let text = std::fs::read_to_string(&path).unwrap();
        let end = text.rfind("\"crc32\":\"").expect("the end line") + 9;
        let digit = if &text[end..end + 1] == "0" { "1" } else { "0" };
        let damaged = format!("{}{digit}{}", &text[..end], &text[end + 1..]);
        std::fs::write(&path, damaged).unwrap();
        let out = mdrsim(&["replay", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{expect}: {err}");
        assert!(
            err.contains("checksum mismatch") && !err.contains(expect),
            "{expect}: {err}"
        );
    }
}

/// The metrics of a log read as a stream (as `replay` reads it).
fn streamed_metrics(path: &Path) -> mdrsim::Result<Metrics> {
    let header = read_log_header(path)?;
    let mut fold = RecordsFold::new(&header);
    stream_log(path, &header, |e| fold.push(e))?;
    Ok(Metrics::from_records(&fold.finish()))
}

/// Whether a damaged file is refused, or reads back (whole, and as a stream) as the
/// original: never as a different log or different numbers.
fn flip_outcome(bytes: &[u8], name: &str, original: &(RunHeader, EventLog)) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let whole = match std::panic::catch_unwind(|| read_log(&path)) {
        Err(_) => return Err("the reader panicked".into()),
        Ok(Err(_)) => false,
        Ok(Ok(read)) if &read == original => true,
        Ok(Ok(_)) => return Err("a damaged log read back as a different log".into()),
    };
    // Compared as JSON: a metric without data is NaN, which equals nothing.
    let json = |m: &Metrics| serde_json::to_string(m).unwrap();
    let want = json(&Metrics::from_events(&original.0, original.1.events()));
    match std::panic::catch_unwind(|| streamed_metrics(&path)) {
        Err(_) => Err("the streaming reader panicked".into()),
        Ok(Err(_)) if !whole => Ok(()),
        Ok(Err(e)) => Err(format!("refused as a stream, read whole: {e}")),
        Ok(Ok(m)) if !whole => Err(format!(
            "read whole refused it, as a stream it scored {m:?}"
        )),
        Ok(Ok(m)) if json(&m) == want => Ok(()),
        Ok(Ok(_)) => Err("a damaged log streamed into different numbers".into()),
    }
}

type Stored = (Vec<u8>, (RunHeader, EventLog));

/// The short run's log as stored in each format (made once per test binary).
fn stored(ext: &str) -> &'static Stored {
    static PARQUET: OnceLock<Stored> = OnceLock::new();
    static JSONL: OnceLock<Stored> = OnceLock::new();
    let cell = if ext == "jsonl" { &JSONL } else { &PARQUET };
    cell.get_or_init(|| {
        let run = short_run();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("log.{ext}"));
        write_log(&path, &run.0, &run.1).unwrap();
        (std::fs::read(&path).unwrap(), run)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn a_flipped_bit_in_a_parquet_log_is_refused_or_meaningless(at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let (bytes, original) = stored("parquet");
        let mut b = bytes.clone();
        b[at.index(bytes.len())] ^= 1 << bit;
        prop_assert_eq!(flip_outcome(&b, "log.parquet", original), Ok(()));
    }

    #[test]
    fn a_flipped_bit_in_a_jsonl_log_is_refused_or_meaningless(at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let (bytes, original) = stored("jsonl");
        let mut b = bytes.clone();
        b[at.index(bytes.len())] ^= 1 << bit;
        prop_assert_eq!(flip_outcome(&b, "log.jsonl", original), Ok(()));
    }

    #[test]
    fn a_truncated_log_is_refused(at in any::<prop::sample::Index>(), jsonl in any::<bool>()) {
        let ext = if jsonl { "jsonl" } else { "parquet" };
        let (bytes, original) = stored(ext);
        let cut = at.index(bytes.len());
        prop_assert_eq!(flip_outcome(&bytes[..cut], &format!("log.{ext}"), original), Ok(()));
    }
}
