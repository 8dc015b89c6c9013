//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz, nightly) and for the test
//! that replays their corpus on stable (`tests/fuzz_corpus.rs`). Each feeds arbitrary
//! bytes to one reader of untrusted input; any outcome but a panic is a pass — the
//! reader must return `Ok` or an error, never crash, abort or hang.

use std::path::Path;

/// The scenario parser and validator.
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.len() as u64 > crate::budget::MAX_TEXT_FILE_BYTES {
        return;
    }
    let file = Path::new("fuzz.toml");
    if let Ok(spec) = crate::scenario::load::parse_spec(text, file)
        && let Ok(scenario) = crate::scenario::Scenario::compile(spec, text, file)
    {
        let _ = crate::budget::Budget::DEFAULT.check_scenario(&scenario);
    }
}

/// The JSON Lines log reader, then the reference checks `replay` runs.
pub fn jsonl_log(data: &[u8]) {
    if let Ok((header, log)) = crate::event::jsonl::read_from(data, Path::new("fuzz.jsonl")) {
        let _ = crate::event::check::check_references(&header, log.events());
    }
}

/// The Parquet log reader, then the reference checks `replay` runs.
pub fn parquet_log(data: &[u8]) {
    let bytes = bytes::Bytes::copy_from_slice(data);
    if let Ok((header, log)) =
        crate::event::parquet::read_from_bytes(Path::new("fuzz.parquet"), bytes)
    {
        let _ = crate::event::check::check_references(&header, log.events());
    }
}

/// The part-file reader `--resume` uses.
pub fn part(data: &[u8]) {
    let bytes = bytes::Bytes::copy_from_slice(data);
    let _ = crate::harness::parts::decode_part(Path::new("fuzz.mdrsim-part"), bytes);
}

/// The strategy-file reader (anchored in a folder with no programs of its own).
pub fn strategy_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.len() as u64 > crate::budget::MAX_TEXT_FILE_BYTES {
        return;
    }
    let _ = crate::strategy::file::parse(text, Path::new("/nonexistent/fuzz.toml"));
}

/// The readers of `claims` and `check`: a claim expression, a regression policy, a
/// claims file (anchored where no suite exists, so its own fields are what is read
/// before the suite is looked for) and a stored baseline.
pub fn gates(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.len() as u64 > crate::budget::MAX_TEXT_FILE_BYTES {
        return;
    }
    let _ = crate::claims::expr::parse(text);
    let _ = crate::claims::policy::parse(text, Path::new("fuzz-policy.toml"));
    let _ = crate::claims::file::parse(text, Path::new("/nonexistent/fuzz-claims.toml"));
    let _ = crate::claims::baseline::Baseline::parse(text, Path::new("fuzz-baseline.json"));
}

/// The importers of real data (every format over the same bytes), through the same
/// JSON parsing `mdrsim import` does, a recording's reader, and a materialised world
/// loaded as a scenario.
pub fn import(data: &[u8]) {
    if data.len() as u64 > crate::budget::MAX_TEXT_FILE_BYTES {
        return;
    }
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("input.json");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    use crate::recording::import::{Format, import};
    for f in [
        Format::Otrf,
        Format::Cloudtrail,
        Format::EvtxJson,
        Format::Ocsf,
    ] {
        let _ = import(f, std::slice::from_ref(&path));
    }
    let _ = crate::recording::Recording::read(&path);
    // As a materialised world: the header's scenario, its lanes and step outputs
    // compiled from the records.
    let world = dir.path().join("world.jsonl");
    if std::fs::write(&world, data).is_ok()
        && let Ok(scenario) = crate::scenario::Scenario::load(&world)
    {
        let _ = crate::budget::Budget::DEFAULT.check_scenario(&scenario);
    }
}
