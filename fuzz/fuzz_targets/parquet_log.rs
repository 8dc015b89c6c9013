//! Fuzz target: see `mdrsim::fuzzing::parquet_log`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mdrsim::fuzzing::parquet_log(data));
