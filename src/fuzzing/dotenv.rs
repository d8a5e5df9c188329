//! The `.env` parser and editor on arbitrary bytes: the body of the `dotenv_parse` fuzz target.

use crate::dotenv::document::{Document, Entry};
use crate::dotenv::edit::{self, Policy};

/// A value that needs no quotes and is read alike by every parser.
const VALUE: &[u8] = b"f0zzV4lue";
/// Entries whose value an edit replaces per input; bounded so one input stays quick.
const EDITED_ENTRIES: usize = 4;

/// Parses `bytes`, checks the parse is lossless and its spans are ordered and in bounds, then
/// checks that adding a variable and replacing a value change no byte outside the edit.
pub fn dotenv_parse(bytes: &[u8]) {
    let doc = Document::parse(bytes.to_vec());
    assert_eq!(doc.bytes(), bytes, "parsing changed the bytes");
    let mut last_end = 0;
    for entry in doc.entries() {
        assert!(
            last_end <= entry.start,
            "entry {} overlaps the one before",
            entry.key
        );
        assert!(
            entry.start <= entry.key_start,
            "{}: key before its line",
            entry.key
        );
        assert!(
            entry.key_start < entry.value.start,
            "{}: value before key",
            entry.key
        );
        assert!(
            entry.value.start <= entry.value.end,
            "{}: reversed value",
            entry.key
        );
        assert!(
            entry.value.end <= entry.end,
            "{}: value past the entry",
            entry.key
        );
        if let Some(disputed) = &entry.disputed {
            assert!(
                disputed.start == entry.value.start && disputed.end <= entry.end,
                "{}: disputed span out of place",
                entry.key
            );
        }
        assert!(entry.end <= bytes.len(), "{}: past the end", entry.key);
        last_end = entry.end;
    }
    check_add(&doc, bytes);
    for entry in doc.entries().iter().take(EDITED_ENTRIES) {
        check_replace(&doc, bytes, entry);
    }
}

/// Adding a new name keeps every byte and appends one line.
fn check_add(doc: &Document, bytes: &[u8]) {
    if let Ok((edited, _)) = edit::set(doc, "TOKHYG_FUZZ_NEW", VALUE, Policy::Refuse) {
        let out = edited.bytes();
        assert!(
            out.starts_with(bytes),
            "adding a line changed earlier bytes"
        );
        assert!(
            edited
                .entries()
                .iter()
                .any(|e| e.key == "TOKHYG_FUZZ_NEW" && edited.raw_value(e) == VALUE),
            "the added variable does not read back"
        );
    }
}

/// Replacing one value changes only that value's span (a disputed `#…` span included).
fn check_replace(doc: &Document, bytes: &[u8], entry: &Entry) {
    let Ok((edited, _)) = edit::set(doc, &entry.key, VALUE, Policy::Replace) else {
        return;
    };
    let span_end = entry
        .disputed
        .as_ref()
        .map_or(entry.value.end, |d| d.end.max(entry.value.end));
    let expected = [&bytes[..entry.value.start], VALUE, &bytes[span_end..]].concat();
    assert_eq!(
        edited.bytes(),
        expected.as_slice(),
        "replacing {} changed bytes outside its value",
        entry.key
    );
}
