//! Random strings from a rule's regex: a fresh token for every pattern rule whose secret has a
//! distinctive literal prefix (`github_pat_`, `glpat-`, `xoxb-`, ...), so that those formats are
//! planted like `token:` rules are. Built on regex-syntax's HIR; characters are drawn from
//! printable ASCII only, look-around assertions emit nothing.

use rand::Rng;
use regex_syntax::hir::{Class, Hir, HirKind};

/// Why no sample can be drawn for a rule.
#[derive(Debug)]
pub enum NoSample {
    /// The pattern does not parse (the rule test reports it).
    Parse(String),
    /// The secret group is not in the pattern.
    NoGroup(usize),
    /// The secret does not start with a literal of at least 3 characters: it is found by
    /// context, which the hand-written context plantings exercise.
    NoLiteralPrefix,
    /// A class has no printable ASCII character to draw.
    NonAscii,
    /// The sample is not token-like (escapes, PEM armour): a structure the context plantings
    /// write properly.
    NotTokenLike,
}

impl std::fmt::Display for NoSample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoSample::Parse(e) => write!(f, "the pattern does not parse: {e}"),
            NoSample::NoGroup(g) => write!(f, "the pattern has no group {g}"),
            NoSample::NoLiteralPrefix => write!(f, "found by context (no literal prefix)"),
            NoSample::NonAscii => write!(f, "a class has no printable ASCII character"),
            NoSample::NotTokenLike => {
                write!(f, "structured secret (PEM, escapes): context-planted")
            }
        }
    }
}

/// The HIR of the capture group `group` (0: the whole pattern).
fn find_group(hir: &Hir, group: usize) -> Option<&Hir> {
    if group == 0 {
        return Some(hir);
    }
    match hir.kind() {
        HirKind::Capture(capture) if capture.index as usize == group => Some(hir),
        HirKind::Capture(capture) => find_group(&capture.sub, group),
        HirKind::Repetition(repetition) => find_group(&repetition.sub, group),
        HirKind::Concat(items) | HirKind::Alternation(items) => {
            items.iter().find_map(|item| find_group(item, group))
        }
        _ => None,
    }
}

/// True when the pattern has at least one capture group (the schema's default secret group is
/// then 1, else 0).
fn has_group(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Capture(_) => true,
        HirKind::Repetition(repetition) => has_group(&repetition.sub),
        HirKind::Concat(items) | HirKind::Alternation(items) => items.iter().any(has_group),
        _ => false,
    }
}

/// The characters of a one-character class, when it is a letter and its other case (what
/// `(?i)` makes of a literal letter).
fn case_folded_letter(class: &Class) -> Option<char> {
    let Class::Unicode(unicode) = class else {
        return None;
    };
    let chars: Vec<char> = unicode
        .ranges()
        .iter()
        .flat_map(|r| r.start()..=r.end())
        .take(4)
        .collect();
    match chars.as_slice() {
        [a, b] if a.eq_ignore_ascii_case(b) && a != b => Some(a.to_ascii_lowercase()),
        _ => None,
    }
}

/// Length of the literal text the group starts with (literals and case-folded letters).
fn literal_prefix_len(hir: &Hir) -> usize {
    match hir.kind() {
        HirKind::Literal(literal) => literal.0.len(),
        HirKind::Class(class) => usize::from(case_folded_letter(class).is_some()),
        HirKind::Capture(capture) => literal_prefix_len(&capture.sub),
        HirKind::Concat(items) => {
            let mut total = 0;
            for item in items {
                let len = literal_prefix_len(item);
                total += len;
                let whole_literal = matches!(item.kind(), HirKind::Literal(_))
                    || matches!(item.kind(), HirKind::Class(c) if case_folded_letter(c).is_some())
                    || matches!(item.kind(), HirKind::Look(_));
                if !whole_literal {
                    break;
                }
            }
            total
        }
        _ => 0,
    }
}

fn sample_into<R: Rng + ?Sized>(hir: &Hir, rng: &mut R, out: &mut String) -> Result<(), NoSample> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
        HirKind::Class(class) => {
            if let Some(letter) = case_folded_letter(class) {
                out.push(letter);
                return Ok(());
            }
            let printable: Vec<char> = match class {
                Class::Unicode(unicode) => unicode
                    .ranges()
                    .iter()
                    .flat_map(|r| r.start().max('!')..=r.end().min('~'))
                    .collect(),
                Class::Bytes(bytes) => bytes
                    .ranges()
                    .iter()
                    .flat_map(|r| r.start().max(b'!')..=r.end().min(b'~'))
                    .map(char::from)
                    .collect(),
            };
            if printable.is_empty() {
                return Err(NoSample::NonAscii);
            }
            out.push(printable[rng.random_range(0..printable.len())]);
        }
        HirKind::Repetition(repetition) => {
            let min = repetition.min;
            let max = repetition.max.unwrap_or(min + 24).min(min + 40);
            for _ in 0..rng.random_range(min..=max) {
                sample_into(&repetition.sub, rng, out)?;
            }
        }
        HirKind::Capture(capture) => sample_into(&capture.sub, rng, out)?,
        HirKind::Concat(items) => {
            for item in items {
                sample_into(item, rng, out)?;
            }
        }
        HirKind::Alternation(items) => {
            sample_into(&items[rng.random_range(0..items.len())], rng, out)?;
        }
    }
    Ok(())
}

/// A random secret of the rule's pattern: what its secret group would capture.
pub fn sample_secret(pattern: &str, secret_group: Option<usize>) -> Result<String, NoSample> {
    let hir = regex_syntax::parse(pattern).map_err(|e| NoSample::Parse(e.to_string()))?;
    let group = secret_group.unwrap_or(usize::from(has_group(&hir)));
    let secret_hir = find_group(&hir, group).ok_or(NoSample::NoGroup(group))?;
    if literal_prefix_len(secret_hir) < 3 {
        return Err(NoSample::NoLiteralPrefix);
    }
    let mut out = String::new();
    sample_into(secret_hir, &mut rand::rng(), &mut out)?;
    let token_like = out
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-.+/=:~@%".contains(c));
    if !token_like || out.starts_with("-----") {
        return Err(NoSample::NotTokenLike);
    }
    Ok(out)
}
