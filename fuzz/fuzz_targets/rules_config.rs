//! The rules/config loader on arbitrary bytes (see `tokhyg::fuzzing::rules_config`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tokhyg::fuzzing::rules_config(data));
