//! The history scan with large blobs streamed: the threshold is lowered so that small test
//! blobs take the streaming path, and the scanner's windows are small so that a blob spans
//! many of them.

use super::history::scan_history_with;
use crate::detect::Matcher;
use crate::finding::Finding;
use crate::rules::RuleSet;
use crate::rules::config::Config;
use crate::scan::{Scanner, Windowing};
use crate::source::history::test_repo::{SECRET_A, SECRET_B, TEST_RULES, TestRepo, text_lines};
use crate::source::history::{HistoryOptions, ReadTuning, Selection, scan_with};
use crate::source::{Content, Origin, Problem};
use std::sync::Arc;

const RULES: &str = TEST_RULES;
const SECRET: &str = SECRET_A;
const OTHER_SECRET: &str = SECRET_B;

/// Windows of 1000 new bytes and 256 of overlap: a 100 KB blob spans about a hundred.
const SMALL_WINDOWS: Windowing = Windowing {
    chunk: 1000,
    overlap: 256,
};

/// Every blob of at least one byte is streamed.
const STREAM_ALL: ReadTuning = ReadTuning { large_blob: 1 };

fn scanner() -> Scanner {
    let rules = RuleSet::from_yaml(RULES, "test rules").expect("rules");
    Scanner::new(Arc::new(Matcher::new(rules)), Arc::new(Config::default()))
        .with_windowing(SMALL_WINDOWS)
}

fn all_refs() -> HistoryOptions {
    HistoryOptions {
        selection: Selection::AllRefs,
        threads: 2,
        progress: false,
        paths: crate::source::history::pathspec::PathSpec::all(),
    }
}

/// Text of `lines` lines with the secret on every line in `secret_lines` (1-based), at a
/// column that moves with the line so that secrets fall across window edges at many offsets.
fn text_with_secrets(lines: usize, edits: usize, secret_lines: &[usize]) -> Vec<u8> {
    let base = text_lines(lines, edits);
    let mut out = Vec::new();
    for (i, line) in base.split_inclusive(|&b| b == b'\n').enumerate() {
        if secret_lines.contains(&(i + 1)) {
            out.extend_from_slice(format!("{}key = {SECRET}\n", " ".repeat(i % 13)).as_bytes());
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

/// How many secrets in `text` straddle the end of a window's buffer, and how many the edge
/// between two windows' emission ranges, with [`SMALL_WINDOWS`]: the first window holds
/// `chunk + overlap` bytes and reports matches before `chunk + overlap / 2`; each next one moves
/// both by `chunk` (see `crate::scan::window`).
fn secrets_across_window_edges(text: &[u8]) -> (usize, usize) {
    let Windowing { chunk, overlap } = SMALL_WINDOWS;
    let crosses = |start: usize, first_edge: usize| {
        (start + 1..start + SECRET.len())
            .any(|b| b >= first_edge && (b - first_edge).is_multiple_of(chunk))
    };
    let starts: Vec<usize> = memchr::memmem::find_iter(text, SECRET.as_bytes()).collect();
    let count = |first_edge: usize| starts.iter().filter(|&&s| crosses(s, first_edge)).count();
    (count(chunk + overlap), count(chunk + overlap / 2))
}

/// (line, column) of each finding, sorted.
fn positions(findings: &[Finding]) -> Vec<(usize, usize)> {
    let mut out: Vec<_> = findings.iter().map(|f| (f.line, f.column)).collect();
    out.sort_unstable();
    out
}

#[test]
fn streamed_loose_and_packed_delta_blobs_find_every_secret_once_at_its_line() {
    let secret_lines: Vec<usize> = (5..3000).step_by(37).collect();
    let want: Vec<(usize, usize)> = secret_lines
        .iter()
        .map(|&line| (line, (line - 1) % 13 + 7))
        .collect();
    let repo = TestRepo::new();
    let (mut across_buffer_ends, mut across_emission_edges) = (0, 0);
    for version in 0..6 {
        let text = text_with_secrets(3000 + 20 * version, version, &secret_lines);
        let (buffer_ends, emission_edges) = secrets_across_window_edges(&text);
        across_buffer_ends += buffer_ends;
        across_emission_edges += emission_edges;
        repo.write("config.txt", &text);
        repo.commit(&format!("version {version}"));
    }
    // The text does put secrets where the windows cut it.
    assert!(across_buffer_ends > 0 && across_emission_edges > 0);
    let scanner = scanner();
    for packed in [false, true] {
        if packed {
            repo.git(&["repack", "-adf", "-q", "--depth=50", "--window=50"]);
            let deltas = repo.verify_pack().iter().filter(|o| o.depth > 0).count();
            assert!(deltas >= 4, "{deltas} deltas");
        }
        let nowhere = Origin {
            path: String::new(),
            rule_path: None,
            commit: None,
        };
        let scan = scan_with(
            &repo.dir,
            &all_refs(),
            STREAM_ALL,
            |content: Content<'_>| {
                assert!(matches!(content, Content::Stream { .. }), "{content:?}");
                scanner
                    .content_findings(&nowhere, content)
                    .map(|scan| scan.findings)
            },
        )
        .expect("scan");
        assert!(scan.errors.is_empty(), "{:?}", scan.errors);
        assert_eq!(scan.stats.streamed, scan.stats.blobs, "packed: {packed}");
        // Six versions of config.txt, each holding every secret once.
        assert_eq!(scan.hits.len(), 6, "packed: {packed}");
        for (_, findings) in &scan.hits {
            assert_eq!(positions(findings), want, "packed: {packed}");
        }
    }
}

#[test]
fn a_corrupt_streamed_blob_is_an_error_naming_it_and_other_findings_are_kept() {
    let repo = TestRepo::new();
    repo.write("keep.txt", format!("token = {OTHER_SECRET}\n").as_bytes());
    repo.write("big.txt", &text_with_secrets(4000, 0, &[3999]));
    repo.commit("one");
    repo.git(&["repack", "-adf", "-q"]);
    let big = repo.git(&["rev-parse", "HEAD:big.txt"]);
    let object = repo
        .verify_pack()
        .into_iter()
        .find(|o| o.id == big)
        .expect("packed");
    let mut pack = std::fs::read(repo.pack()).expect("pack");
    let middle = (object.offset + object.size_in_pack / 2) as usize;
    for byte in &mut pack[middle..middle + 4] {
        *byte ^= 0xa5;
    }
    std::fs::write(repo.pack(), pack).expect("write pack");

    // keep.txt is small: read by libgit2. big.txt is streamed, and fails.
    let tuning = ReadTuning { large_blob: 1000 };
    let found = scan_history_with(&scanner(), &repo.dir, &all_refs(), tuning, false)
        .expect("the scan itself completes");
    assert_eq!(found.findings.len(), 1, "{:?}", found.findings);
    assert_eq!(found.findings[0].path, "keep.txt");
    let errors: Vec<&String> = found
        .problems
        .iter()
        .filter_map(|p| match p {
            Problem::Error(message) => Some(message),
            Problem::Warning(_) => None,
        })
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let message = errors[0];
    assert!(message.contains(&big), "{message}");
    assert!(message.contains("`big.txt`"), "{message}");
    assert!(
        message.contains(&format!("entry at offset {}", object.offset)),
        "{message}"
    );
}
