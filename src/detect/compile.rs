//! Compiles one rule into what the matcher runs: a byte regex (ASCII mode), how far from a
//! keyword hit a match can reach, the secret's capture group, the `allow` regexes, or for a path
//! rule a regex on the path.

use super::regex_list::{AnyRegex, compile_list};
use super::shape;
use crate::rules::{Rule, RuleKind};
use regex_automata::meta;
use regex_automata::nfa::thompson::WhichCaptures;
use regex_syntax::hir::Hir;
use std::sync::Arc;

/// A match of an unbounded regex (`\s*`, `+`, `{8,}`) must start on the lines around its keyword
/// hit (within [`LINE_REACH`] bytes) and may run on for at most this many bytes past them. 8 KiB
/// holds a PEM block of an RSA-8192 key.
pub(crate) const MAX_REACH: usize = 8 * 1024;

/// Where an unbounded regex's match may start: on the keyword's line or the lines within this
/// many bytes of the hit.
pub(crate) const LINE_REACH: usize = 256;

/// How far a token may be from a keyword that is not part of it (a token rule with its own
/// `keywords`, such as `datadog` near a bare 32-character hex key): on the keyword's line, or
/// within this many bytes of it.
pub(crate) const KEYWORD_GAP: usize = 128;

/// What the matcher runs for one rule.
#[derive(Debug)]
pub(crate) enum Compiled {
    /// A token or pattern rule.
    Text(TextRule),
    /// A path rule.
    Path(regex::Regex),
}

/// The compiled form of a token or pattern rule.
#[derive(Debug)]
pub(crate) struct TextRule {
    /// Finds candidate matches; run on windows of the blob only.
    pub regex: meta::Regex,
    /// How far from a keyword hit a match can start or end (bounded regexes: their longest
    /// match).
    pub reach: usize,
    /// Windows widen to whole lines (unbounded regexes, keywords beside the token).
    pub line_wide: bool,
    /// False when the regex can match more than [`MAX_REACH`] bytes: a match must then start
    /// in the window but may run on [`MAX_REACH`] bytes past it.
    pub bounded: bool,
    /// Every match holds a keyword hit and lies on one line (see [`super::shape`]): the regex
    /// runs on the hits' lines only.
    pub line_bound: bool,
    /// The most line feeds a match can hold (`None`: no bound). An unbounded match starting in
    /// a window ends within this many lines after it.
    pub max_line_feeds: Option<usize>,
    /// Capture group of the secret (0: the whole match).
    pub secret_group: usize,
    /// Secrets matching one of these are placeholders.
    pub allow: Arc<AnyRegex>,
    /// Whole matches matching one of these are not findings.
    pub allow_match: Arc<AnyRegex>,
    /// A regex every match contains (a context rule's value): a window holding no match of it
    /// is skipped before the larger `regex` runs.
    pub required: Option<meta::Regex>,
    /// For token rules: bytes that may not touch the token on either side (the alphabet and
    /// ASCII alphanumerics), so that a token inside a longer run is not a token.
    pub token_bytes: Option<Box<[bool; 256]>>,
}

/// Compiles `rule`, or says why its regex (or an `allow` regex, or its secret group) is invalid.
pub(crate) fn compile(rule: &Rule) -> Result<Compiled, String> {
    match &rule.kind {
        RuleKind::Token(format) => {
            // Unicode mode only matters for a custom alphabet of non-ASCII characters; the
            // token regex has no `.`, `\w` or case folding.
            let hir = parse(&format.regex_source(), true)
                .map_err(|e| format!("token regex of the format is invalid: {e}"))?;
            let (mut reach, mut line_wide, bounded) = reach_of(&hir);
            let prefix = format.prefix.to_ascii_lowercase();
            if rule
                .keywords
                .iter()
                .any(|keyword| !prefix.contains(keyword.as_str()))
            {
                // The keyword is beside the token, not in it: look around it, line-wide.
                reach += KEYWORD_GAP;
                line_wide = true;
            }
            let line_bound = is_line_bound(&hir, &rule.keywords);
            let regex = build(&hir)?;
            let mut token_bytes = Box::new([false; 256]);
            for byte in 0..=255u8 {
                token_bytes[usize::from(byte)] = byte.is_ascii_alphanumeric()
                    || (byte.is_ascii() && format.alphabet.contains(char::from(byte)));
            }
            Ok(Compiled::Text(TextRule {
                regex,
                reach,
                line_wide,
                bounded,
                line_bound,
                max_line_feeds: shape::max_line_feeds(&hir),
                secret_group: 0,
                allow: build_list(&[], "allow")?,
                allow_match: build_list(&[], "allow_match")?,
                required: None,
                token_bytes: Some(token_bytes),
            }))
        }
        RuleKind::Pattern(pattern) => {
            let hir =
                parse(&pattern.pattern, false).map_err(|e| format!("invalid `pattern`: {e}"))?;
            let (reach, line_wide, bounded) = reach_of(&hir);
            // A `run:` rule's run is inside every match by the schema's contract.
            let line_bound = if pattern.run.is_some() {
                shape::within_one_line(&hir)
            } else {
                is_line_bound(&hir, &rule.keywords)
            };
            let regex = build(&hir)?;
            // captures_len counts group 0, the whole match.
            let groups = regex.captures_len() - 1;
            let secret_group = pattern.secret_group.unwrap_or(usize::from(groups >= 1));
            if secret_group > groups {
                return Err(format!(
                    "`secret_group: {secret_group}` but the pattern has {groups} capture group(s)"
                ));
            }
            let allow = build_list(&pattern.allow, "allow")?;
            let allow_match = build_list(&pattern.allow_match, "allow_match")?;
            let required = match &pattern.required {
                Some(source) => Some(build(
                    &parse(source, false).map_err(|e| format!("invalid `value`: {e}"))?,
                )?),
                None => None,
            };
            Ok(Compiled::Text(TextRule {
                regex,
                reach,
                line_wide,
                bounded,
                line_bound,
                max_line_feeds: shape::max_line_feeds(&hir),
                secret_group,
                allow,
                allow_match,
                required,
                token_bytes: None,
            }))
        }
        RuleKind::Path(path) => regex::Regex::new(&path.pattern)
            .map(Compiled::Path)
            .map_err(|e| format!("invalid `path` regex: {e}")),
    }
}

/// Compiles the regexes of one list field (`allow`, `allow_match`) into one, shared with every
/// rule that has the same list; the error names the field and the regex when one is invalid.
fn build_list(sources: &[String], field: &str) -> Result<Arc<AnyRegex>, String> {
    compile_list(
        sources,
        field,
        |source| parse(source, false).map_err(|e| e.to_string()),
        |hirs| {
            // Only ever asked `is_match` on a short secret or match: no captures, no prefilter
            // (extracting literals from a long alternation was most of its compile time).
            meta::Builder::new()
                .configure(
                    meta::Config::new()
                        .utf8_empty(false)
                        .which_captures(WhichCaptures::None)
                        .auto_prefilter(false),
                )
                .build_many_from_hir(hirs)
                .map_err(|e| format!("regex too large or invalid: {e}"))
        },
    )
}

/// Parses with the schema's conventions: bytes, not text (a match may hold invalid UTF-8);
/// ASCII classes and case folding unless `unicode`, which keeps the automata small and fast.
fn parse(pattern: &str, unicode: bool) -> Result<Hir, Box<regex_syntax::Error>> {
    regex_syntax::ParserBuilder::new()
        .unicode(unicode)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(Box::new)
}

fn build(hir: &Hir) -> Result<meta::Regex, String> {
    meta::Builder::new()
        .configure(meta::Config::new().utf8_empty(false))
        .build_from_hir(hir)
        .map_err(|e| format!("regex too large or invalid: {e}"))
}

/// True when every match holds one of `keywords` and lies on one line.
fn is_line_bound(hir: &Hir, keywords: &[String]) -> bool {
    shape::within_one_line(hir) && shape::always_contains_keyword(hir, keywords)
}

/// (reach, line_wide, bounded) of a regex.
fn reach_of(hir: &Hir) -> (usize, bool, bool) {
    match hir.properties().maximum_len() {
        Some(len) if len <= MAX_REACH => (len, false, true),
        _ => (LINE_REACH, true, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    fn only_rule(yaml: &str) -> Rule {
        RuleSet::from_yaml(yaml, "t.yaml").unwrap().rules()[0].clone()
    }

    /// (reach, line_wide, bounded, secret_group): how a compiled rule is windowed.
    fn window_shape(compiled: &TextRule) -> (usize, bool, bool, usize) {
        (
            compiled.reach,
            compiled.line_wide,
            compiled.bounded,
            compiled.secret_group,
        )
    }

    fn text(compiled: Compiled) -> TextRule {
        match compiled {
            Compiled::Text(text) => text,
            Compiled::Path(_) => panic!("a path rule"),
        }
    }

    #[test]
    fn bounded_patterns_reach_their_maximum_length() {
        let rule =
            only_rule("rules:\n  - {id: a, title: A, keywords: [abc], pattern: 'ab(c{2,5})'}\n");
        let compiled = text(compile(&rule).unwrap());
        assert_eq!(window_shape(&compiled), (7, false, true, 1));
    }

    #[test]
    fn unbounded_patterns_look_line_wide() {
        let rule =
            only_rule("rules:\n  - {id: a, title: A, keywords: [abc], pattern: 'ab\\s*c'}\n");
        let compiled = text(compile(&rule).unwrap());
        assert_eq!(window_shape(&compiled), (LINE_REACH, true, false, 0));
    }

    #[test]
    fn token_rules_reach_their_total_length() {
        let rule = only_rule(
            "rules:\n  - {id: a, title: A, token: {prefix: ghp_, alphabet: base62, length: 30, checksum: crc32-base62}}\n",
        );
        let compiled = text(compile(&rule).unwrap());
        assert_eq!(compiled.reach, 40);
        assert!(compiled.line_bound);
        let table = compiled.token_bytes.unwrap();
        assert!(table[usize::from(b'a')] && table[usize::from(b'9')]);
        assert!(!table[usize::from(b'_')] && !table[usize::from(b'"')]);
    }

    #[test]
    fn invalid_regexes_and_groups_are_reported() {
        for (yaml, expected) in [
            (
                "rules:\n  - {id: a, title: A, keywords: [key], pattern: 'k(unclosed'}\n",
                "invalid `pattern`",
            ),
            (
                "rules:\n  - {id: a, title: A, keywords: [key], pattern: 'k(x)', secret_group: 2}\n",
                "1 capture group",
            ),
            (
                "rules:\n  - {id: a, title: A, keywords: [key], pattern: 'k', allow: ['[']}\n",
                "invalid `allow`",
            ),
            (
                "rules:\n  - {id: a, title: A, path: '(['}\n",
                "invalid `path`",
            ),
        ] {
            let error = compile(&only_rule(yaml)).unwrap_err();
            assert!(error.contains(expected), "expected `{expected}` in {error}");
        }
    }

    #[test]
    fn patterns_run_on_invalid_utf8_in_ascii_mode() {
        let rule =
            only_rule("rules:\n  - {id: a, title: A, keywords: [key], pattern: '(?i)key=(.+)'}\n");
        let compiled = text(compile(&rule).unwrap());
        let hay = b"KEY=\xff\xfe";
        let caps = compiled.regex.captures_iter(&hay[..]).next().unwrap();
        assert_eq!(caps.get_group(1).unwrap().range(), 4..6);
    }
}
