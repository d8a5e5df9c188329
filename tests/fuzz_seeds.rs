//! The seed corpora of the fuzz targets (`fuzz/corpus/TARGET/`), replayed through the same
//! harnesses (`tokhyg::fuzzing`) as ordinary tests, so that CI runs them on stable. The matcher
//! seeds carry `tokhyg:allow` on their secrets' lines (so the repository itself scans clean);
//! they are replayed as written and with the markers removed, so the findings are checked too.

use std::path::{Path, PathBuf};

/// The files of one target's corpus, sorted.
fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 5,
        "{}: a seed corpus of a few files",
        dir.display()
    );
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("a readable seed");
            (path, bytes)
        })
        .collect()
}

/// `bytes` without its `tokhyg:allow` markers.
fn without_allow_markers(bytes: &[u8]) -> Vec<u8> {
    let marker = b"tokhyg:allow";
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(at) = memchr::memmem::find(rest, marker) {
        out.extend_from_slice(&rest[..at]);
        rest = &rest[at + marker.len()..];
    }
    out.extend_from_slice(rest);
    out
}

#[test]
fn dotenv_parse_seeds_replay() {
    for (path, bytes) in corpus("dotenv_parse") {
        eprintln!("{}", path.display());
        tokhyg::fuzzing::dotenv_parse(&bytes);
    }
}

#[test]
fn rules_config_seeds_replay() {
    for (path, bytes) in corpus("rules_config") {
        eprintln!("{}", path.display());
        tokhyg::fuzzing::rules_config(&bytes);
    }
}

#[test]
fn matcher_seeds_replay_as_written_and_with_their_secrets_unallowed() {
    let mut findings = 0;
    for (path, bytes) in corpus("matcher") {
        eprintln!("{}", path.display());
        assert_eq!(
            tokhyg::fuzzing::matcher(&bytes),
            0,
            "{}: every secret of a committed seed carries tokhyg:allow",
            path.display()
        );
        findings += tokhyg::fuzzing::matcher(&without_allow_markers(&bytes));
    }
    assert!(
        findings >= 100,
        "the seeds hold secrets to locate: {findings}"
    );
}
