//! The matcher and scan pipeline on arbitrary bytes (see `tokhyg::fuzzing::matcher`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tokhyg::fuzzing::matcher(data);
});
