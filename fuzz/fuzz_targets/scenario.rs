//! Fuzz target: see `mdrsim::fuzzing::scenario`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mdrsim::fuzzing::scenario(data));
