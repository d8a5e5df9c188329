//! What the matcher may assume about a rule's matches, read off its regex's syntax tree.
//!
//! A rule whose every match contains one of its keywords, and whose matches cannot run over a
//! line break, only ever matches on the lines of its keyword hits. The matcher then runs its
//! regex on those lines alone, instead of on a window as wide as the longest match either side
//! of the hit: a generic `secret = "..."` rule with a 600-byte reach looks at one line of code
//! per hit instead of 1.2 KB. Both properties are decided conservatively: `false` when unsure.

use regex_syntax::hir::{Class, Hir, HirKind};
use std::cell::Cell;

/// Most strings a sub-expression may stand for when looking for a keyword in it (a
/// case-insensitive `sk-proj-` is 16 strings of one shape; `[0-9a-f]` next to a prefix is 16).
const MAX_STRINGS: usize = 512;

/// Most characters a class may have to be expanded into single-character strings.
const MAX_CLASS: usize = 64;

/// Longest repetition count expanded (`[_.-]?`, `\d{2}`), beyond which a repetition is opaque.
const MAX_REPEAT: u32 = 4;

/// True when every match of `hir` contains, ASCII-case-insensitively, one of `keywords`
/// (lower-case). Then a keyword hit lies inside every match, so no match is far from a hit.
pub(crate) fn always_contains_keyword(hir: &Hir, keywords: &[String]) -> bool {
    let has_keyword = |text: &[u8]| {
        keywords
            .iter()
            .any(|k| !k.is_empty() && text.windows(k.len()).any(|w| w == k.as_bytes()))
    };
    contains(hir, &has_keyword, &Cell::new(MAX_SPLITS))
}

/// How many times, in all, an alternation inside a concatenation may be split into one
/// concatenation per branch (`<(?:a|b)` into `<a` and `<b`; the parser itself lifts a common
/// prefix out of an alternation, so the keyword `<add` of `(?:<x>|<add)` is only seen this way).
const MAX_SPLITS: usize = 64;

fn contains(hir: &Hir, has_keyword: &dyn Fn(&[u8]) -> bool, splits: &Cell<usize>) -> bool {
    match hir.kind() {
        HirKind::Capture(capture) => contains(&capture.sub, has_keyword, splits),
        HirKind::Alternation(subs) => subs.iter().all(|sub| contains(sub, has_keyword, splits)),
        HirKind::Repetition(repetition) if repetition.min >= 1 => {
            contains(&repetition.sub, has_keyword, splits)
        }
        HirKind::Concat(subs) => {
            if subs.iter().any(|sub| contains(sub, has_keyword, splits))
                || concat_run_contains(subs, has_keyword)
            {
                return true;
            }
            subs.iter().enumerate().any(|(at, sub)| {
                let HirKind::Alternation(branches) = sub.kind() else {
                    return false;
                };
                branches.iter().all(|branch| {
                    let Some(left) = splits.get().checked_sub(1) else {
                        return false;
                    };
                    splits.set(left);
                    let mut split = subs.clone();
                    split[at] = branch.clone();
                    contains(&Hir::concat(split), has_keyword, splits)
                })
            })
        }
        _ => finite_strings(hir).is_some_and(|strings| strings.iter().all(|s| has_keyword(s))),
    }
}

/// True when a run of consecutive parts of a concatenation holds a keyword in each of the
/// strings it can match.
fn concat_run_contains(subs: &[Hir], has_keyword: &dyn Fn(&[u8]) -> bool) -> bool {
    // A keyword may straddle several parts (`(?i)sk` is two classes, then `-proj-`):
    // expand runs of consecutive parts of finitely many strings. A repetition of at
    // least one copy (`[0-9a-f]{32}`) may open a run with its last copy or close one
    // with its first.
    (0..subs.len()).any(|first| {
        let mut product: Vec<Vec<u8>> = vec![Vec::new()];
        for (index, sub) in subs[first..].iter().enumerate() {
            let (strings, open) = match (finite_strings(sub), sub.kind()) {
                (Some(strings), _) => (strings, true),
                (None, HirKind::Repetition(repetition)) if repetition.min >= 1 => {
                    match finite_strings(&repetition.sub) {
                        Some(strings) => (strings, index == 0),
                        None => return false,
                    }
                }
                (None, _) => return false,
            };
            product = match cross(&product, &strings) {
                Some(product) => product,
                None => return false,
            };
            if product.iter().all(|s| has_keyword(s)) {
                return true;
            }
            if !open {
                return false;
            }
        }
        false
    })
}

/// Every string `hir` can match, lower-cased, when there are few of them (zero-width
/// assertions match the empty string).
fn finite_strings(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Literal(literal) => Some(vec![literal.0.to_ascii_lowercase()]),
        HirKind::Class(class) => {
            let mut bytes: Vec<u8> = class_bytes(class)?
                .into_iter()
                .map(|b| b.to_ascii_lowercase())
                .collect();
            bytes.sort_unstable();
            bytes.dedup();
            Some(bytes.into_iter().map(|b| vec![b]).collect())
        }
        HirKind::Capture(capture) => finite_strings(&capture.sub),
        HirKind::Concat(subs) => subs.iter().try_fold(vec![Vec::new()], |product, sub| {
            cross(&product, &finite_strings(sub)?)
        }),
        HirKind::Alternation(subs) => {
            let mut all = Vec::new();
            for sub in subs {
                all.extend(finite_strings(sub)?);
                if all.len() > MAX_STRINGS {
                    return None;
                }
            }
            Some(all)
        }
        HirKind::Repetition(repetition) => {
            let max = repetition.max?;
            if max > MAX_REPEAT {
                return None;
            }
            let once = finite_strings(&repetition.sub)?;
            let mut all = Vec::new();
            let mut power: Vec<Vec<u8>> = vec![Vec::new()];
            for count in 0..=max {
                if count >= repetition.min {
                    all.extend(power.iter().cloned());
                }
                if count < max {
                    power = cross(&power, &once)?;
                }
            }
            (all.len() <= MAX_STRINGS).then_some(all)
        }
    }
}

/// The bytes of a class of ASCII characters, when it has at most [`MAX_CLASS`] of them.
fn class_bytes(class: &Class) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    match class {
        Class::Bytes(class) => {
            for range in class.ranges() {
                if usize::from(range.end() - range.start()) >= MAX_CLASS {
                    return None;
                }
                bytes.extend(range.start()..=range.end());
            }
        }
        Class::Unicode(class) => {
            for range in class.ranges() {
                let (start, end) = (u32::from(range.start()), u32::from(range.end()));
                if end > 0x7F || end - start >= MAX_CLASS as u32 {
                    return None;
                }
                bytes.extend((start..=end).filter_map(|c| u8::try_from(c).ok()));
            }
        }
    }
    (bytes.len() <= MAX_CLASS).then_some(bytes)
}

/// Every concatenation of a string of `a` and one of `b`, unless there would be too many.
fn cross(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len().saturating_mul(b.len()) > MAX_STRINGS {
        return None;
    }
    Some(
        a.iter()
            .flat_map(|x| {
                b.iter().map(move |y| {
                    let mut joined = x.clone();
                    joined.extend_from_slice(y);
                    joined
                })
            })
            .collect(),
    )
}

/// True when a match of `hir` can hold a line feed only as its first or its last byte (the
/// `(?:^|[^0-9A-Za-z])` in front of a token and the boundary after it may be one): such a match
/// lies on one line, give or take the line feeds around it.
pub(crate) fn within_one_line(hir: &Hir) -> bool {
    if !can_match_newline(hir) {
        return true;
    }
    let HirKind::Concat(subs) = hir.kind() else {
        return false;
    };
    // `None` (unbounded) must not count as short: `Option`'s order puts it below `Some(1)`.
    let edge_ok = |sub: &Hir| {
        !can_match_newline(sub) || matches!(sub.properties().maximum_len(), Some(len) if len <= 1)
    };
    match subs.as_slice() {
        [] => true,
        [only] => edge_ok(only),
        [first, inner @ .., last] => {
            edge_ok(first) && edge_ok(last) && !inner.iter().any(can_match_newline)
        }
    }
}

/// The most line feeds one match of `hir` can hold, or `None` when there is no bound (a `\s*`).
/// A context rule with `near_lines: N` holds at most N + 1: its matches end within a few lines
/// of where they start, however long those lines, so the matcher need not search far past a
/// window for the end of a match.
pub(crate) fn max_line_feeds(hir: &Hir) -> Option<usize> {
    if !can_match_newline(hir) {
        return Some(0);
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(0),
        HirKind::Literal(literal) => Some(literal.0.iter().filter(|&&b| b == b'\n').count()),
        HirKind::Class(_) => Some(1),
        HirKind::Repetition(repetition) => {
            let max = usize::try_from(repetition.max?).ok()?;
            max_line_feeds(&repetition.sub)?.checked_mul(max)
        }
        HirKind::Capture(capture) => max_line_feeds(&capture.sub),
        HirKind::Concat(subs) => subs
            .iter()
            .try_fold(0usize, |sum, sub| sum.checked_add(max_line_feeds(sub)?)),
        HirKind::Alternation(subs) => subs
            .iter()
            .try_fold(0usize, |most, sub| Some(most.max(max_line_feeds(sub)?))),
    }
}

/// True when some match of `hir` may contain a line feed.
fn can_match_newline(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(literal) => literal.0.contains(&b'\n'),
        HirKind::Class(Class::Bytes(class)) => class
            .ranges()
            .iter()
            .any(|r| (r.start()..=r.end()).contains(&b'\n')),
        HirKind::Class(Class::Unicode(class)) => class
            .ranges()
            .iter()
            .any(|r| (r.start()..=r.end()).contains(&'\n')),
        HirKind::Repetition(repetition) => {
            repetition.max != Some(0) && can_match_newline(&repetition.sub)
        }
        HirKind::Capture(capture) => can_match_newline(&capture.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(can_match_newline),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hir(pattern: &str) -> Hir {
        regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(pattern)
            .unwrap()
    }

    fn keywords(list: &[&str]) -> Vec<String> {
        list.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn keywords_inside_every_match_are_recognised() {
        let yes = [
            (r"\b(sk_live_[0-9A-Za-z]{24,247})\b", &["sk_live_"][..]),
            (
                r"(?i)(?:^|[^0-9A-Za-z_-])(sk-proj-[0-9A-Za-z_-]{40,250})",
                &["sk-proj-"],
            ),
            (
                r"\b(SK[0-9a-f]{32})\b",
                &[
                    "sk0", "sk1", "sk2", "sk3", "sk4", "sk5", "sk6", "sk7", "sk8", "sk9", "ska",
                    "skb", "skc", "skd", "ske", "skf",
                ],
            ),
            (
                r"(?i)(?:secret|api[_-]?key)\s*=\s*(\w+)",
                &["secret", "api_key", "apikey", "api-key"],
            ),
            (r"\b(xox[ab]-[0-9]+)", &["xoxa-", "xoxb-"]),
            (r"(?i)x(?:secret)+y", &["secret"]),
            (r"(?:ab){2,}cd", &["bcd"]),
            (r"ab(?:cd){3}", &["bcdc"]),
            (r"(?i)(?:<(x+)>|<add key=(y+))", &["x", "<add"]),
        ];
        for (pattern, list) in yes {
            assert!(
                always_contains_keyword(&hir(pattern), &keywords(list)),
                "{pattern}"
            );
        }
        let no = [
            // `api.key` holds no keyword.
            (
                r"(?i)(?:secret|api[_.-]?key)\s*=\s*(\w+)",
                &["secret", "api_key", "apikey"][..],
            ),
            // The keyword is beside the match, not in it.
            (r"\b([0-9a-f]{32}) ?# ?trailkey", &["datadog"]),
            (r"(?i)x(?:secret)*y", &["secret"]),
            (r"\b(SK[0-9a-f]{32})\b", &["sk0", "sk1"]),
            (r"(?:ab)+cd", &["bab"]),
            (r"ab(?:cd)+", &["dc"]),
        ];
        for (pattern, list) in no {
            assert!(
                !always_contains_keyword(&hir(pattern), &keywords(list)),
                "{pattern}"
            );
        }
    }

    #[test]
    fn line_feeds_in_a_match_are_counted_when_bounded() {
        for (pattern, expected) in [
            ("key=[0-9a-f]{32}", Some(0)),
            ("a\\nb", Some(1)),
            ("a[^x]b", Some(1)),
            ("x(?:[ \\t]*\\S[^\\n]*\\n){0,2}y", Some(2)),
            ("(?:a\\n|b\\n\\n)c", Some(2)),
            ("key\\s*=", None),
            ("(?s)a.*b", None),
        ] {
            assert_eq!(max_line_feeds(&hir(pattern)), expected, "{pattern}");
        }
        let context =
            crate::rules::context::context_pattern(&["acme".to_string()], "[0-9a-f]{32}", 3);
        assert_eq!(max_line_feeds(&hir(&context)), Some(4), "{context}");
    }

    #[test]
    fn matches_within_one_line_allow_line_feeds_only_at_their_edges() {
        for pattern in [
            r"\b(ghp_[0-9A-Za-z]{36})\b",
            r"(?:^|[^0-9A-Za-z_-])(re_[0-9A-Za-z]{8})(?:[^0-9A-Za-z_-]|$)",
            r#"(?im)^[ \t]{0,8}(?:ENV|ARG)[ \t]{1,8}(\w+)[ \t]*\r?$"#,
            r"(?i)key[ \t]*=[ \t]*([^\s]+)",
        ] {
            assert!(within_one_line(&hir(pattern)), "{pattern}");
        }
        for pattern in [
            r"(?i)key\s*=\s*(\w+)",
            r"-----BEGIN[^-]+-----[A-Za-z0-9+/=\n]+",
            r"(?s)key.{0,20}value",
            r"(?:^|[^0-9A-Za-z])\n?(x)",
            // An unbounded first or last part that can hold a line feed spans lines.
            r"(?i)(?:key|hubspot[^\n]*\n[ \t]*key)[ \t]*=[ \t]*(\w+)",
            r"(?i)key[ \t]*=[ \t]*(\w+)\s*",
        ] {
            assert!(!within_one_line(&hir(pattern)), "{pattern}");
        }
    }
}
