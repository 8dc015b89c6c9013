//! Fuzz target: see `mdrsim::fuzzing::part`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mdrsim::fuzzing::part(data));
