//! Fuzz target: see `mdrsim::fuzzing::jsonl_log`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mdrsim::fuzzing::jsonl_log(data));
