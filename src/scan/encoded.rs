//! Secrets hidden in an encoding: a run of base64 (standard or URL-safe, padded or not), of hex,
//! of percent-encoding or of `\uXXXX` / `\xXX` string escapes is decoded, and when it decodes to
//! text, that text is put back in its line in place of the run and the line is scanned again with
//! every rule. So a Kubernetes Secret's `API_TOKEN: <base64>` is read as `API_TOKEN: <token>`,
//! a docker `"auth": "<base64 of user:password>"` as `"auth": "user:password"`, and a webhook URL
//! percent-encoded in a redirect parameter as the URL. What decodes is decoded again, once
//! (base64 of a percent-encoded URL): [`MAX_DEPTH`] layers in all.
//!
//! A match inside the decoded text is reported at the run's place in the file, with the chain
//! of encodings it was found under, outermost first; its secret is the decoded one, so the same
//! key found plain and encoded has one fingerprint. Runs that overlap a plain match are left
//! alone (a JWT is base64url already found as a JWT), and so is anything that does not decode to
//! text: hashes, images, key material and compressed data are bytes, not text, and end at the
//! first check. Cost is bounded by a budget of decoded bytes per window.

use super::window::{DecodedSecret, Span};
use crate::detect::runs::RunFinder;
use crate::detect::{Matcher, PathScope};
use crate::rules::RunPrefilter;
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use std::ops::Range;
use std::sync::OnceLock;

/// How many encodings deep a secret is looked for (base64 of a percent-encoded URL is two).
pub const MAX_DEPTH: usize = 2;

/// Shortest base64 run decoded: 24 characters are 18 bytes, about the shortest secret with a
/// name in front of it (`user:` + a 12-character password). Identifiers in code are rarely
/// that long, which keeps the candidates few.
const MIN_BASE64: usize = 24;

/// Shortest hex run decoded (16 bytes of text).
const MIN_HEX: usize = 32;

/// Most bytes decoded per window and depth, in all: a file of nothing but base64 text costs at
/// most this much matching on top of its plain scan.
const BUDGET: usize = 1 << 20;

/// How much of the line around a run is kept when the run is put back decoded: the name the
/// value is assigned to is on this side of it.
const LINE_CONTEXT: usize = 256;

/// An encoding a secret was found under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Base64, standard or URL-safe alphabet, padded or not.
    Base64,
    /// Hexadecimal digits, two per byte.
    Hex,
    /// Percent-encoding (`%40` for `@`).
    Percent,
    /// `\uXXXX` and `\xXX` escapes of a string literal.
    Escapes,
}

impl Encoding {
    /// The name reports use (`base64`, `hex`, `percent`, `escapes`).
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Hex => "hex",
            Encoding::Percent => "percent",
            Encoding::Escapes => "escapes",
        }
    }
}

/// A run of the text that decodes to text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedRun {
    /// Where the run is, in the text it was found in.
    pub range: Range<usize>,
    /// How it was encoded.
    pub encoding: Encoding,
    /// What it decodes to (valid UTF-8 without control characters other than tab and line
    /// breaks).
    pub text: Vec<u8>,
}

/// Every run of `text` that decodes to text, in order, skipping runs that overlap one of
/// `taken` (ranges already matched as they are) and stopping when `budget` decoded bytes are
/// spent.
pub fn decoded_runs(text: &[u8], taken: &[Range<usize>], budget: &mut usize) -> Vec<DecodedRun> {
    let mut runs = Vec::new();
    for (range, encoding) in candidates(text) {
        if *budget == 0 {
            break;
        }
        if taken
            .iter()
            .any(|t| t.start < range.end && range.start < t.end)
        {
            continue;
        }
        let Some(decoded) = decode(&text[range.clone()], encoding) else {
            continue;
        };
        if !is_text(&decoded) {
            continue;
        }
        *budget = budget.saturating_sub(decoded.len());
        runs.push(DecodedRun {
            range,
            encoding,
            text: decoded,
        });
    }
    runs
}

/// The runs of `text` worth decoding, sorted by start: long runs of base64 or hex characters
/// (found 64 bytes at a time by the matcher's run finder), and runs around `%` and `\` escapes
/// (found with memchr).
fn candidates(text: &[u8]) -> Vec<(Range<usize>, Encoding)> {
    let mut found = Vec::new();
    let mut runs = Vec::new();
    base64_finder().find_all(text, &mut runs);
    for (start, end) in runs {
        // The finder's alphabet also takes `,` and `.` (one byte range from `+` to `9`):
        // split there.
        let mut piece_start = start;
        let splits = memchr::memchr2_iter(b',', b'.', &text[start..end]).map(|i| start + i);
        for at in splits.chain(std::iter::once(end)) {
            // Padding can only follow the run's last piece.
            let piece_end = if at == end {
                with_padding(text, end)
            } else {
                at
            };
            if piece_end - piece_start >= MIN_BASE64.min(MIN_HEX)
                && let Some(encoding) = classify(&text[piece_start..piece_end])
            {
                found.push((piece_start..piece_end, encoding));
            }
            piece_start = at + 1;
        }
    }
    let mut at = 0;
    while let Some(offset) = memchr::memchr2(b'%', b'\\', &text[at..]) {
        let hit = at + offset;
        let (run, end) = escaped_run(text, hit);
        found.extend(run);
        at = end.max(hit + 1);
    }
    found.sort_by_key(|(range, _)| range.start);
    found
}

/// The run finder for base64 and hex candidates: runs of at least [`MIN_BASE64`] bytes of
/// `+` to `9`, `A` to `Z`, `_` and `a` to `z` (the base64 alphabets of both kinds, plus `,` and
/// `.`, which keeps the alphabet to four byte ranges, the finder's fast path).
fn base64_finder() -> &'static RunFinder {
    static FINDER: OnceLock<RunFinder> = OnceLock::new();
    FINDER.get_or_init(|| {
        let bytes = (b'+'..=b'9')
            .chain(b'A'..=b'Z')
            .chain(std::iter::once(b'_'))
            .chain(b'a'..=b'z')
            .collect();
        RunFinder::new(&RunPrefilter {
            bytes,
            alphabet: "base64 and hex candidates".to_string(),
            min_length: MIN_BASE64.min(MIN_HEX),
            preceded_by: Vec::new(),
            checksum: None,
        })
    })
}

/// The end of a base64 run ending at `end`, over up to two `=` of padding after it.
fn with_padding(text: &[u8], end: usize) -> usize {
    end + text[end..]
        .iter()
        .take(2)
        .take_while(|&&c| c == b'=')
        .count()
}

/// Whether a run of base64 characters is worth decoding, and as what: read once, noting which
/// kinds of characters it holds.
fn classify(run: &[u8]) -> Option<Encoding> {
    const HEX: u8 = 1;
    const UPPER: u8 = 2;
    const LOWER: u8 = 4;
    const DIGIT: u8 = 8;
    const STANDARD: u8 = 16; // `+` `/`
    const URL_SAFE: u8 = 32; // `-` `_`
    const OTHER: u8 = 64;
    let body = run.iter().take_while(|&&c| c != b'=').count();
    let (mut seen, mut all_hex) = (0u8, true);
    for &c in &run[..body] {
        let kind = match c {
            b'0'..=b'9' => DIGIT | HEX,
            b'a'..=b'f' => LOWER | HEX,
            b'A'..=b'F' => UPPER | HEX,
            b'g'..=b'z' => LOWER,
            b'G'..=b'Z' => UPPER,
            b'+' | b'/' => STANDARD,
            b'-' | b'_' => URL_SAFE,
            _ => OTHER,
        };
        seen |= kind;
        all_hex &= kind & HEX != 0;
    }
    if seen & OTHER != 0 {
        return None;
    }
    if all_hex && body >= MIN_HEX && body % 2 == 0 {
        // Hex of ASCII text: the first digit of every pair is 0 to 7.
        let ascii = run[..body].chunks_exact(2).all(|pair| pair[0] <= b'7');
        return ascii.then_some(Encoding::Hex);
    }
    if body < MIN_BASE64 || body % 4 == 1 || seen & (STANDARD | URL_SAFE) == STANDARD | URL_SAFE {
        return None;
    }
    // Identifiers and words are runs of letters too, and never decode to text; a run of one
    // case with no digit (`SOME_CONSTANT_NAME`) is not even tried.
    let cased = seen & (UPPER | LOWER);
    let mixed = cased == UPPER | LOWER || (seen & DIGIT != 0 && cased != 0);
    (mixed && mostly_ascii_base64(&run[..body])).then_some(Encoding::Base64)
}

/// Whether base64 characters can stand for ASCII text, read off the characters without
/// decoding: in each group of four, the bits that become the high bit of a decoded byte (bit 5
/// of the first character's value, bit 3 of the second's, bit 1 of the third's) are clear. A
/// random identifier fails in seven groups of eight; text with a few non-ASCII characters is
/// let through (at most one group in eight may fail).
fn mostly_ascii_base64(body: &[u8]) -> bool {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        _ => 63,
    };
    let groups = body.len() / 4;
    let failing = body
        .chunks_exact(4)
        .filter(|g| value(g[0]) & 32 != 0 || value(g[1]) & 8 != 0 || value(g[2]) & 2 != 0)
        .count();
    failing * 8 <= groups
}

/// A run of URL characters holding percent escapes, or of string characters holding `\u`/`\x`
/// escapes, around the `%` or `\` at `at`, if it has enough of them; and the end of the run
/// looked at, where to look on from either way (each byte of a line of escapes is read once).
fn escaped_run(text: &[u8], at: usize) -> (Option<(Range<usize>, Encoding)>, usize) {
    let (encoding, belongs): (Encoding, fn(u8) -> bool) = if text[at] == b'%' {
        (Encoding::Percent, is_url_byte)
    } else {
        (Encoding::Escapes, is_string_byte)
    };
    let start = at - text[..at].iter().rev().take_while(|&&c| belongs(c)).count();
    let end = at + text[at..].iter().take_while(|&&c| belongs(c)).count();
    let run = &text[start..end];
    let escapes = match encoding {
        Encoding::Percent => run
            .windows(3)
            .filter(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
            .count(),
        _ => run
            .windows(2)
            .filter(|w| w[0] == b'\\' && (w[1] == b'u' || w[1] == b'x'))
            .count(),
    };
    let qualifies = escapes >= 2 && run.len() >= 12;
    // A percent-encoded value starts after the query's `?`, `&` or `=` before its first escape:
    // `next=https%3A%2F%2F...` is reported at `https`.
    let start = match encoding {
        Encoding::Percent => {
            let first = start + run.iter().position(|&c| c == b'%').unwrap_or(0);
            text[start..first]
                .iter()
                .rposition(|&c| matches!(c, b'=' | b'?' | b'&'))
                .map_or(start, |i| start + i + 1)
        }
        _ => start,
    };
    (qualifies.then_some((start..end, encoding)), end)
}

fn is_url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"%-._~:/?#[]@!$&*+,;=".contains(&b)
}

fn is_string_byte(b: u8) -> bool {
    b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'`')
}

/// The bytes `run` stands for in `encoding`, or `None` when it is not valid there.
fn decode(run: &[u8], encoding: Encoding) -> Option<Vec<u8>> {
    match encoding {
        Encoding::Base64 => decode_base64(run),
        Encoding::Hex => hex::decode(run).ok(),
        Encoding::Percent => Some(decode_percent(run)),
        Encoding::Escapes => decode_escapes(run),
    }
}

fn decode_base64(run: &[u8]) -> Option<Vec<u8>> {
    let body: Vec<u8> = run.iter().copied().take_while(|&c| c != b'=').collect();
    let config = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let alphabet = if body.iter().any(|&c| c == b'-' || c == b'_') {
        &base64::alphabet::URL_SAFE
    } else {
        &base64::alphabet::STANDARD
    };
    GeneralPurpose::new(alphabet, config).decode(&body).ok()
}

fn decode_percent(run: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(run.len());
    let mut i = 0;
    while i < run.len() {
        if run[i] == b'%'
            && let Some(byte) = run
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(run[i]);
        i += 1;
    }
    out
}

/// Decodes `\uXXXX` (with surrogate pairs), `\xXX` and the one-character escapes of a string
/// literal; `None` when an escape is malformed.
fn decode_escapes(run: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(run).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let hex = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| -> Option<u32> {
        let digits: String = (0..n).map_while(|_| chars.next()).collect();
        (digits.len() == n)
            .then(|| u32::from_str_radix(&digits, 16).ok())
            .flatten()
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'u' => {
                let unit = hex(&mut chars, 4)?;
                let code = if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate: its low half follows as another \uXXXX.
                    if chars.next()? != '\\' || chars.next()? != 'u' {
                        return None;
                    }
                    let low = hex(&mut chars, 4)?;
                    0x10000 + ((unit - 0xD800) << 10) + (low.checked_sub(0xDC00)?)
                } else {
                    unit
                };
                out.push(char::from_u32(code)?);
            }
            'x' => out.push(char::from_u32(hex(&mut chars, 2)?)?),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            other => out.push(other),
        }
    }
    Some(out.into_bytes())
}

/// Whether decoded bytes are text: valid UTF-8 with no control character but tab and line
/// breaks, and not empty.
fn is_text(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && std::str::from_utf8(bytes).is_ok_and(|text| {
            text.chars()
                .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        })
}

/// The line of `text` around `range` (at most [`LINE_CONTEXT`] bytes either side of it), with
/// the run replaced by `decoded`; returns the new text and where `decoded` is in it.
pub fn substitute(text: &[u8], range: &Range<usize>, decoded: &[u8]) -> (Vec<u8>, Range<usize>) {
    let floor = range.start.saturating_sub(LINE_CONTEXT);
    let line_start =
        memchr::memrchr(b'\n', &text[floor..range.start]).map_or(floor, |i| floor + i + 1);
    let ceiling = range.end.saturating_add(LINE_CONTEXT).min(text.len());
    let line_end =
        memchr::memchr(b'\n', &text[range.end..ceiling]).map_or(ceiling, |i| range.end + i);
    let mut line = Vec::with_capacity(line_end - line_start + decoded.len());
    line.extend_from_slice(&text[line_start..range.start]);
    let at = line.len();
    line.extend_from_slice(decoded);
    let inner = at..line.len();
    line.extend_from_slice(&text[range.end..line_end]);
    (line, inner)
}

/// The matches `matcher` finds in the encoded runs of `window` that its plain matches (`plain`,
/// sorted) leave alone, as spans over the runs carrying the decoded secret.
pub fn encoded_spans(matcher: &Matcher, window: &[u8], plain: &[Span]) -> Vec<Span> {
    let taken: Vec<Range<usize>> = plain.iter().map(|s| s.start..s.end).collect();
    let mut budget = BUDGET;
    let mut found = Vec::new();
    search(matcher, window, &taken, None, &[], &mut budget, &mut found);
    found.sort_by_key(|s: &Span| (s.start, s.rule));
    found.dedup_by(|a, b| a.start == b.start && a.rule == b.rule && a.decoded == b.decoded);
    found
}

/// Decodes the runs of `text` outside `taken`, scans each put back in its line, and recurses
/// into what decoded. `outer` is the run of the window the text came from (`None` at the top),
/// `chain` the encodings around `text`.
fn search(
    matcher: &Matcher,
    text: &[u8],
    taken: &[Range<usize>],
    outer: Option<&Range<usize>>,
    chain: &[&'static str],
    budget: &mut usize,
    found: &mut Vec<Span>,
) {
    for run in decoded_runs(text, taken, budget) {
        let (line, inner) = substitute(text, &run.range, &run.text);
        let mut chain = chain.to_vec();
        chain.push(run.encoding.name());
        let place = outer.unwrap_or(&run.range);
        let mut matched = Vec::new();
        // Decoded text is no file of its own: rules limited to some paths (every value of a
        // `.env` file) do not run on it.
        for m in matcher.scan_at(&line, PathScope::Unknown) {
            if m.start < inner.start || m.end > inner.end {
                continue; // outside the decoded text, or not only in it: the plain scan's
            }
            matched.push(m.start..m.end);
            found.push(Span {
                rule: m.rule,
                start: place.start,
                end: place.end,
                decoded: Some(Box::new(DecodedSecret {
                    secret: line[m.start..m.end].to_vec(),
                    chain: chain.clone(),
                })),
            });
        }
        if chain.len() < MAX_DEPTH {
            // Only the decoded text is searched again, not the line around it.
            let mut inner_taken = vec![0..inner.start, inner.end..line.len()];
            inner_taken.extend(matched);
            inner_taken.sort_by_key(|r| r.start);
            search(
                matcher,
                &line,
                &inner_taken,
                Some(place),
                &chain,
                budget,
                found,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(text: &str) -> Vec<(String, Encoding, String)> {
        let mut budget = BUDGET;
        decoded_runs(text.as_bytes(), &[], &mut budget)
            .into_iter()
            .map(|r| {
                (
                    text[r.range].to_string(),
                    r.encoding,
                    String::from_utf8(r.text).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn base64_runs_that_decode_to_text_are_found_in_both_alphabets() {
        // base64 of "deploy:Passw0rd!2024" and of "key=ab?c>d~~xyz?12345" (URL-safe: - and _)
        let found = runs("auth: \"ZGVwbG95OlBhc3N3MHJkITIwMjQ=\" and a2V5PWFiP2M-ZH5-eHl6PzEyMzQ1");
        assert_eq!(found[0].1, Encoding::Base64);
        assert_eq!(found[0].2, "deploy:Passw0rd!2024");
        assert_eq!(found[0].0, "ZGVwbG95OlBhc3N3MHJkITIwMjQ=");
        assert_eq!(found[1].2, "key=ab?c>d~~xyz?12345");
    }

    #[test]
    fn identifiers_hashes_and_binary_do_not_decode_to_text() {
        for text in [
            "SOME_VERY_LONG_CONSTANT_NAME_HERE",
            "fn parse_the_configuration_file_now()",
            "sha512-9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
            "3f2b8c1e9d4a4e7ba6c50b1d2e3f4a5b3f2b8c1e9d4a4e7b",
        ] {
            assert_eq!(runs(text), [], "{text}");
        }
    }

    #[test]
    fn hex_of_text_is_decoded() {
        let hex = hex::encode("password=Gq7vTz2pL9wXe4Kq");
        let found = runs(&format!("blob {hex} end"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, Encoding::Hex);
        assert_eq!(found[0].2, "password=Gq7vTz2pL9wXe4Kq");
    }

    #[test]
    fn percent_and_string_escapes_are_decoded() {
        let found = runs("next=https%3A%2F%2Fhooks.example.com%2Fservices%2FT0%2FB1 x");
        assert_eq!(found[0].1, Encoding::Percent);
        assert_eq!(found[0].2, "https://hooks.example.com/services/T0/B1");
        let found = runs(r#"s = "\u0073k_live_\x41bc\ud83d\ude00""#);
        assert_eq!(found[0].1, Encoding::Escapes);
        assert_eq!(found[0].2, "sk_live_Abc😀");
    }

    #[test]
    fn runs_overlapping_a_plain_match_are_left_alone() {
        let text = b"ZGVwbG95OlBhc3N3MHJkITIwMjQ=";
        let mut budget = BUDGET;
        let inside = Range { start: 3, end: 9 };
        let outside = Range { start: 40, end: 41 };
        assert!(decoded_runs(text, std::slice::from_ref(&inside), &mut budget).is_empty());
        assert_eq!(
            decoded_runs(text, std::slice::from_ref(&outside), &mut budget).len(),
            1
        );
    }

    #[test]
    fn the_budget_stops_decoding() {
        let text = "ZGVwbG95OlBhc3N3MHJkITIwMjQ= ".repeat(10);
        let mut budget = 30;
        assert_eq!(decoded_runs(text.as_bytes(), &[], &mut budget).len(), 2);
        assert_eq!(budget, 0);
    }

    #[test]
    fn the_decoded_run_is_put_back_in_its_line() {
        let text = b"a: 1\n  API_TOKEN: c2VjcmV0 # note\nb: 2\n";
        let range = 18..26;
        let (line, inner) = substitute(text, &range, b"secret");
        assert_eq!(line, b"  API_TOKEN: secret # note");
        assert_eq!(&line[inner], b"secret");
    }
}
