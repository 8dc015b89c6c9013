//! Fuzz target: see `mdrsim::fuzzing::gates`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mdrsim::fuzzing::gates(data));
