//! Fuzz target: see `mdrsim::fuzzing::strategy_file`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mdrsim::fuzzing::strategy_file(data));
