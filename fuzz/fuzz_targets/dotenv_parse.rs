//! The `.env` parser and editor on arbitrary bytes (see `tokhyg::fuzzing::dotenv_parse`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tokhyg::fuzzing::dotenv_parse(data);
});
