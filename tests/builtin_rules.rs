//! Every built-in rule (rules/*.yaml): compiles, reports each of its examples and none of its
//! negative examples through the real matcher (all built-in rules loaded together, as a scan
//! runs them), finds 100 random tokens of every token rule and no token whose checksum is
//! wrong. Also the rules' ids and keywords, and tokhyg's own checksummed keys of every size
//! `tokhyg generate` makes.

use std::collections::HashSet;
use tokhyg::detect::{Matcher, test_rules};
use tokhyg::rules::{RuleKind, RuleSet};

#[test]
fn every_builtin_rule_passes_its_examples_and_random_tokens() {
    let rules = RuleSet::builtin().expect("the built-in rules load");
    let report = test_rules(&rules, 100);
    let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    assert!(
        failures.is_empty(),
        "{} failure(s) in the built-in rules:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let token_rules = rules
        .rules()
        .iter()
        .filter(|r| matches!(r.kind, RuleKind::Token(_)))
        .count();
    assert_eq!(report.random_tokens, 100 * token_rules);
    let examples: usize = rules.rules().iter().map(|r| r.examples.len()).sum();
    assert_eq!(report.examples, examples);
}

#[test]
fn builtin_rule_ids_are_unique_kebab_case() {
    let rules = RuleSet::builtin().unwrap();
    let mut seen = HashSet::new();
    for rule in rules.rules() {
        assert!(seen.insert(rule.id.as_str()), "duplicate id {}", rule.id);
        let kebab = rule.id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        assert!(kebab, "{}: id `{}` is not kebab-case", rule.origin, rule.id);
    }
}

#[test]
fn builtin_keywords_are_selective() {
    // A keyword of one or two common characters hits nearly every file and wakes its rule's
    // regex everywhere, which is what the keyword prefilter exists to avoid. Two characters
    // pass only when one of them is rare in code (`q~`). Loading refuses such rules; this
    // checks the built-in ones once more through the same predicate.
    let rules = RuleSet::builtin().unwrap();
    for rule in rules.rules() {
        for keyword in &rule.keywords {
            assert!(
                tokhyg::rules::is_selective_keyword(keyword),
                "{}: rule `{}`: keyword `{keyword}` is too short to prefilter anything",
                rule.origin,
                rule.id
            );
        }
    }
}

#[test]
fn every_rules_file_on_disk_is_embedded() {
    // The build script lists rules/, so a new file needs no code change.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let builtin = RuleSet::builtin().unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let origin = format!("rules/{}", path.file_name().unwrap().to_string_lossy());
        for rule in RuleSet::from_builtin_file(&text, &origin).unwrap().rules() {
            let embedded = builtin.get(&rule.id);
            assert_eq!(
                embedded,
                Some(rule),
                "{origin}: rule `{}` is not embedded as on disk",
                rule.id
            );
        }
    }
}

/// Keys from `tokhyg generate --prefix P --checksum ARGS`, through the real binary.
fn generated_keys(prefix: &str, args: &[&str], count: usize) -> Vec<String> {
    let output = assert_cmd::Command::cargo_bin("tokhyg")
        .expect("the tokhyg binary is built")
        .args(["generate", "--quiet", "--prefix", prefix, "--checksum"])
        .args(["--count", &count.to_string()])
        .args(args)
        .output()
        .expect("tokhyg generate runs");
    assert!(output.status.success(), "tokhyg generate {args:?} failed");
    String::from_utf8(output.stdout)
        .expect("keys are ASCII")
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn tokhyg_keys_of_every_documented_size_are_found_and_broken_ones_are_not() {
    // Default keys (256 bits, 43 + 6 characters), the 128-bit floor (--bits 128: 22 + 6), the
    // longest body (--length 1024), and prefixes of several segments with `-` or `_`.
    let rules = RuleSet::builtin().unwrap();
    let matcher = Matcher::new(rules.clone());
    let tokhyg_key = rules
        .rules()
        .iter()
        .position(|r| r.id == "tokhyg-key")
        .expect("the built-in tokhyg-key rule");
    let cases: [(&str, &[&str]); 6] = [
        ("acme_live_", &[]),
        ("acme_", &["--bits", "128"]),
        ("sk-prod-", &["--length", "22"]),
        ("x-", &["--length", "1024"]),
        ("billing_v2_prod-", &[]),
        ("K9_", &["--bits", "200"]),
    ];
    for (prefix, args) in cases {
        for key in generated_keys(prefix, args, 20) {
            let line = format!("export API_KEY=\"{key}\" # rotated\n");
            let body_start = line.find(&key).unwrap() + prefix.len();
            let body_end = line.find(&key).unwrap() + key.len();
            let found = matcher.scan(line.as_bytes());
            assert!(
                found
                    .iter()
                    .any(|m| m.rule == tokhyg_key && (m.start, m.end) == (body_start, body_end)),
                "generated key not found as tokhyg-key ({prefix} {args:?}): {line:?} -> {found:?}"
            );
            // One body character changed: the checksum no longer holds.
            let mut broken = key.clone().into_bytes();
            let at = prefix.len();
            broken[at] = if broken[at] == b'a' { b'b' } else { b'a' };
            let broken = String::from_utf8(broken).unwrap();
            let line = format!("export API_KEY=\"{broken}\"\n");
            assert!(
                !matcher
                    .scan(line.as_bytes())
                    .iter()
                    .any(|m| m.rule == tokhyg_key),
                "a key with a wrong checksum is reported: {line:?}"
            );
        }
    }
}

/// Random `--prefix` values, half of them shaped like the prefixes `tokhyg-key` reads (parts of
/// letters and digits joined by `_`/`-`, some parts or counts past its limits), half any string
/// of the characters `--prefix` allows.
fn any_prefix() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let part = "[A-Za-z0-9]{1,36}";
    let shaped = (
        proptest::collection::vec((part, "[_-]"), 1..8),
        proptest::option::of("[_-]"),
        any::<bool>(),
    )
        .prop_map(|(parts, lead, closed)| {
            let mut prefix = lead.unwrap_or_default();
            for (text, separator) in parts {
                prefix.push_str(&text);
                prefix.push_str(&separator);
            }
            if !closed {
                prefix.pop();
            }
            prefix
        })
        .prop_filter("fits --prefix", |p| !p.is_empty() && p.len() <= 64);
    prop_oneof![shaped, "[A-Za-z0-9_-]{1,64}"]
}

/// The built-in rules' matcher and the index of `tokhyg-key`, built once for all cases.
fn tokhyg_key_matcher() -> &'static (Matcher, usize) {
    static MATCHER: std::sync::OnceLock<(Matcher, usize)> = std::sync::OnceLock::new();
    MATCHER.get_or_init(|| {
        let rules = RuleSet::builtin().unwrap();
        let tokhyg_key = rules
            .rules()
            .iter()
            .position(|r| r.id == "tokhyg-key")
            .unwrap();
        (Matcher::new(rules), tokhyg_key)
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

    /// Every key `generate --prefix P --checksum` makes, the built-in `tokhyg-key` rule finds
    /// (body and tail, exactly); a prefix it could not find is refused with the reason.
    #[test]
    fn every_checksummed_key_generate_accepts_is_found_by_scan(prefix in any_prefix()) {
        use tokhyg::token::spec::{Generator, Request, Size, SpecError};
        let (matcher, tokhyg_key) = tokhyg_key_matcher();
        let request = Request {
            prefix: Some(prefix.clone()),
            checksum: true,
            size: Some(Size::Bits(128)),
            ..Request::default()
        };
        match Generator::new(&request) {
            Ok(generator) => {
                let key = generator.token(&mut rand::rng());
                let line = format!("API_KEY={key}\n");
                let span = (8 + prefix.len(), 8 + key.len());
                let found = matcher.scan(line.as_bytes());
                proptest::prop_assert!(
                    found.iter().any(|m| m.rule == *tokhyg_key && (m.start, m.end) == span),
                    "generate made a key scan does not find: {line:?} -> {found:?}"
                );
            }
            Err(SpecError::UnrecognisedKeyPrefix { reason, .. }) => {
                // Refused only for a reason a user can act on, never for a readable shape.
                proptest::prop_assert!(!reason.is_empty());
                let readable = prefix.ends_with(['_', '-'])
                    && prefix[..prefix.len() - 1]
                        .split(['_', '-'])
                        .all(|part| (1..=32).contains(&part.len()))
                    && prefix[..prefix.len() - 1].split(['_', '-']).count() <= 5;
                proptest::prop_assert!(!readable, "{prefix:?} refused: {reason}");
            }
            Err(other) => proptest::prop_assert!(false, "{prefix:?}: unexpected {other}"),
        }
    }
}

#[test]
fn generate_refuses_checksummed_keys_whose_body_or_missing_prefix_scan_could_not_find() {
    for (args, reason) in [
        (&[][..], "give a --prefix ending in `_` or `-`"),
        (
            &["--prefix", "acme_", "--symbols", "--length", "30"][..],
            "letters and digits only",
        ),
        (
            &["--prefix", "acme_", "--format", "uuid"][..],
            "letters and digits only",
        ),
        (
            &["--prefix", "acme_", "--length", "12"][..],
            "at least 16 characters",
        ),
    ] {
        let output = assert_cmd::Command::cargo_bin("tokhyg")
            .unwrap()
            .args(["generate", "--checksum"])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty());
    }
}
