//! Redaction: what tokhyg shows of a secret when the user did not ask for `--show-secrets`.
//!
//! A secret is its provider's public prefix (`ghp_`, `xoxb-`, `AKIA`: see
//! [`crate::rules::Rule::public_prefix_len`]), shown whole, then a random part, of which the
//! first [`DEFAULT_SHOWN`] characters are shown (`--redact N` chooses N), but never more than a
//! fifth of the random part (rounded down), then `…`. `ghp_k3Q9…` and `ghp_Xr2b…` are told
//! apart at a glance, while 4 of 36 random characters are far too few to use or guess the rest;
//! the fifth protects short passwords, of which fewer than 5 characters show nothing at all.
//! The shown part stops early at a character [`printable`] would escape or at whitespace, so
//! redacted text is always printable on one line.

use crate::finding::Finding;
use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters of a secret's random part shown by default (`--redact`).
pub const DEFAULT_SHOWN: usize = 4;

/// The redacted form of `secret`: its first `public_prefix` bytes (the provider's public
/// prefix; ignored unless it is printable and ends on a character boundary), up to `shown`
/// characters of the rest (at most a fifth of it), and `…`.
pub fn redact(secret: &str, public_prefix: usize, shown: usize) -> String {
    let (prefix, rest) = match secret.split_at_checked(public_prefix) {
        Some((prefix, rest)) if !prefix.chars().any(needs_escape) => (prefix, rest),
        _ => ("", secret),
    };
    let limit = shown.min(rest.chars().count() / 5);
    let mut out = String::with_capacity(prefix.len() + 4 * limit + 3);
    out.push_str(prefix);
    out.extend(
        rest.chars()
            .take(limit)
            .take_while(|&c| !needs_escape(c) && !c.is_whitespace()),
    );
    out.push('…');
    out
}

/// A finding's secret as a report shows it: whole when `show_secrets`, else redacted keeping
/// `shown` characters of its random part (see [`redact`]).
pub fn displayed_secret(finding: &Finding, show_secrets: bool, shown: usize) -> Cow<'_, str> {
    if show_secrets {
        Cow::Borrowed(&finding.secret)
    } else {
        Cow::Owned(redact(&finding.secret, finding.public_prefix, shown))
    }
}

/// Whether `c` cannot be shown as it is on a terminal line: a control character (a newline of a
/// PEM key, an escape sequence), a bidirectional formatting character that reorders what
/// follows (the right-to-left override that makes `evil\u{202e}txt.exe` look like
/// `evilexe.txt`), or a line or paragraph separator.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `text` made safe for one line of a terminal: control characters, bidirectional formatting
/// characters and line separators (see [`needs_escape`]) are written as Rust-style escapes
/// (`\n`, `\u{1b}`, `\u{202e}`), so a scanned file or a file name cannot inject terminal
/// commands, fake report lines or show itself reordered.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Redaction with no public prefix and the default count.
    fn plain(secret: &str) -> String {
        redact(secret, 0, DEFAULT_SHOWN)
    }

    #[test]
    fn shows_at_most_four_characters_and_a_fifth() {
        assert_eq!(plain("ghp_0123456789abcdefghijABCDEFGHIJ0zNvy2"), "ghp_…");
        assert_eq!(plain("AKIAIOSFODNN7EXAMPL3"), "AKIA…");
        assert_eq!(plain("hunter2ab"), "h…");
        assert_eq!(plain("abcd"), "…");
        assert_eq!(plain(""), "…");
        assert_eq!(plain("pässwörtchen"), "pä…");
    }

    #[test]
    fn keeps_the_public_prefix_and_tells_two_keys_apart() {
        let one = "ghp_k3Q9abcdefghijABCDEFGHIJ0123450zNvy2";
        let two = "ghp_Xr2babcdefghijABCDEFGHIJ0123450zNvy2";
        assert_eq!(redact(one, 4, DEFAULT_SHOWN), "ghp_k3Q9…");
        assert_eq!(redact(two, 4, DEFAULT_SHOWN), "ghp_Xr2b…");
        assert_eq!(redact(one, 4, 0), "ghp_…");
        assert_eq!(redact(one, 4, 6), "ghp_k3Q9ab…");
        assert_eq!(redact(one, 4, 100), "ghp_k3Q9abc…", "a fifth of 36 is 7");
        assert_eq!(
            redact("AKIAIOSFODNN7ABC", 4, 4),
            "AKIAIO…",
            "a fifth of 12 is 2"
        );
        assert_eq!(redact("hunter2ab", 0, 8), "h…");
        assert_eq!(
            redact("x\u{202e}yz_abcdefghij", 4, 4),
            "x…",
            "unprintable prefix"
        );
        assert_eq!(
            redact("ü_abcdefghijklmnop", 1, 4),
            "ü_a…",
            "prefix off a boundary"
        );
    }

    #[test]
    fn never_leaks_more_than_the_prefix_whatever_the_length() {
        let alphabet: Vec<char> = "aé€😀Z9_-/+=".chars().collect();
        for len in 0..200 {
            let secret: String = (0..len).map(|i| alphabet[i * 7 % alphabet.len()]).collect();
            let shown = redact(&secret, 0, DEFAULT_SHOWN);
            let prefix = shown.strip_suffix('…').unwrap();
            let visible = prefix.chars().count();
            assert!(visible <= 4, "{len}: {shown}");
            assert!(visible * 5 <= len, "{len}: {shown}");
            assert!(secret.starts_with(prefix));
        }
    }

    #[test]
    fn stops_at_control_and_whitespace_characters() {
        let pem = "-----BEGIN\nPRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC";
        assert_eq!(plain(pem), "----…");
        assert_eq!(plain("ab\ncdefghijklmnopqrstuvwxyz"), "ab…");
        assert_eq!(plain("\x1b[31mredredredredredred"), "…");
        assert_eq!(plain("a\u{202e}bcdefghijklmnopqrstuvwxyz"), "a…");
    }

    #[test]
    fn printable_escapes_control_characters_only() {
        assert_eq!(printable("src/main.rs"), "src/main.rs");
        assert_eq!(printable("a\nb\x1b[2Jc\td"), "a\\nb\\u{1b}[2Jc\\td");
        assert_eq!(printable("naïve café"), "naïve café");
        assert_eq!(
            printable("invoice\u{202e}fdp.exe \u{2066}x\u{2069}\u{200f}\u{2028}"),
            "invoice\\u{202e}fdp.exe \\u{2066}x\\u{2069}\\u{200f}\\u{2028}"
        );
    }
}
