//! Fuzz harnesses: the bodies of the cargo-fuzz targets under `fuzz/` (run where a nightly
//! toolchain and cargo-fuzz exist), kept in the library so that `tests/fuzz_seeds.rs` replays
//! their seed corpora as ordinary tests on stable. Each takes arbitrary bytes, must never panic
//! on them, and panics when an invariant of the code it drives is broken.

use crate::detect::Matcher;
use crate::rules::RuleSet;
use crate::rules::config::Config;
use crate::scan::{Scanner, Windowing};
use crate::source::{Content, Origin};
use std::sync::{Arc, OnceLock};

mod dotenv;
pub use dotenv::dotenv_parse;

/// The rules/config loader: `data` read as a `.tokhyg.yaml` and as a rules file. What loads
/// must build a matcher, and that matcher must scan the document itself and the rules'
/// examples with well-formed matches.
pub fn rules_config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut loaded = Vec::new();
    if let Ok(config) = Config::from_yaml(text, "fuzz.yaml") {
        loaded.push(config.rules.clone());
    }
    // A rules file's regexes are checked when it is loaded for use (`rules test`, a config).
    if let Ok(rules) = RuleSet::from_yaml(text, "fuzz-rules.yaml")
        && crate::detect::check_rules(&rules).is_ok()
    {
        loaded.push(rules);
    }
    for rules in loaded {
        let examples: Vec<String> = rules
            .rules()
            .iter()
            .flat_map(|rule| rule.examples.iter().chain(&rule.negative_examples))
            .cloned()
            .collect();
        let matcher = Matcher::new(rules);
        check_matches(&matcher, data);
        for example in examples {
            check_matches(&matcher, example.as_bytes());
        }
    }
}

/// The matcher and the scan pipeline, with the built-in rules: matches are sorted, disjoint and
/// inside the input, and every finding's line and column point at its secret, whether the
/// input is read in one window or in windows of 64 bytes. Returns the number of findings of the
/// scan in one window (in small windows a long line is cut, and may lose its `tokhyg:allow`).
pub fn matcher(data: &[u8]) -> usize {
    static MATCHER: OnceLock<Arc<Matcher>> = OnceLock::new();
    let matcher = MATCHER.get_or_init(|| {
        let rules = RuleSet::builtin().expect("the built-in rules load");
        Arc::new(Matcher::new(rules))
    });
    check_matches(matcher, data);
    let scanner = Scanner::new(Arc::clone(matcher), Arc::new(Config::default()));
    let small = Windowing {
        chunk: 64,
        overlap: 64,
    };
    let mut found = Vec::new();
    for scanner in [scanner.clone(), scanner.with_windowing(small)] {
        let origin = Origin {
            path: "fuzz".to_owned(),
            rule_path: None,
            commit: None,
        };
        let scan = scanner
            .content_findings(&origin, Content::Bytes(data))
            .expect("reading bytes cannot fail");
        for finding in &scan.findings {
            check_place(data, finding.line, finding.column, &finding.secret);
        }
        found.push(scan.findings.len());
    }
    found[0]
}

/// Matches of `matcher` in `data` are sorted, disjoint, non-empty and inside `data`.
fn check_matches(matcher: &Matcher, data: &[u8]) {
    let matches = matcher.scan(data);
    for m in &matches {
        assert!(
            m.start < m.end && m.end <= data.len(),
            "match out of bounds: {m:?}"
        );
    }
    for pair in matches.windows(2) {
        assert!(
            pair[0].end <= pair[1].start,
            "overlapping or unsorted: {pair:?}"
        );
    }
}

/// The secret `secret` (lossy text of its bytes) starts at 1-based `line` and byte `column`.
fn check_place(data: &[u8], line: usize, column: usize, secret: &str) {
    let line_start = if line == 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', data)
            .nth(line - 2)
            .map(|newline| newline + 1)
            .unwrap_or_else(|| panic!("line {line} is past the end"))
    };
    let at = line_start + column - 1;
    assert!(
        at < data.len(),
        "line {line} column {column} is past the end"
    );
    assert!(
        !data[line_start..at].contains(&b'\n'),
        "column {column} runs past line {line}"
    );
    // A secret that is not valid UTF-8 was made lossy: its bytes cannot be compared.
    if !secret.contains('\u{fffd}') {
        assert!(
            data[at..].starts_with(secret.as_bytes()),
            "line {line} column {column} does not hold the finding's secret"
        );
    }
}
