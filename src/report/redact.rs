//! Redaction: what tokhyg shows of a secret when the user did not ask for `--show-secrets`.
//!
//! The visible prefix is at most 4 characters and at most a fifth of the secret (rounded down),
//! then `…`. Four characters are enough to recognise a token kind (`ghp_`, `sk_l`, `AKIA`) and
//! far too few to use or guess the rest; the 20% cap protects short passwords, of which fewer
//! than 5 characters show nothing at all. The prefix stops early at a control or whitespace
//! character, so redacted text is always printable on one line.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Longest visible prefix, in characters.
const MAX_PREFIX: usize = 4;

/// The redacted form of `secret`: a short prefix followed by `…`.
pub fn redact(secret: &str) -> String {
    let limit = MAX_PREFIX.min(secret.chars().count() / 5);
    let mut shown: String = secret
        .chars()
        .take(limit)
        .take_while(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    shown.push('…');
    shown
}

/// The secret as a report shows it: whole when the user asked for it, redacted otherwise.
pub fn displayed_secret(secret: &str, show_secrets: bool) -> Cow<'_, str> {
    if show_secrets {
        Cow::Borrowed(secret)
    } else {
        Cow::Owned(redact(secret))
    }
}

/// `text` made safe for one line of a terminal: control characters (newlines of a PEM key, an
/// escape sequence in a hostile file name) are written as Rust-style escapes (`\n`, `\u{1b}`),
/// so a scanned file cannot inject terminal commands or fake report lines.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
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

    #[test]
    fn shows_at_most_four_characters_and_a_fifth() {
        assert_eq!(redact("ghp_0123456789abcdefghijABCDEFGHIJ0zNvy2"), "ghp_…");
        assert_eq!(redact("AKIAIOSFODNN7EXAMPL3"), "AKIA…");
        assert_eq!(redact("hunter2ab"), "h…");
        assert_eq!(redact("abcd"), "…");
        assert_eq!(redact(""), "…");
        assert_eq!(redact("pässwörtchen"), "pä…");
    }

    #[test]
    fn never_leaks_more_than_the_prefix_whatever_the_length() {
        let alphabet: Vec<char> = "aé€😀Z9_-/+=".chars().collect();
        for len in 0..200 {
            let secret: String = (0..len).map(|i| alphabet[i * 7 % alphabet.len()]).collect();
            let shown = redact(&secret);
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
        assert_eq!(redact(pem), "----…");
        assert_eq!(redact("ab\ncdefghijklmnopqrstuvwxyz"), "ab…");
        assert_eq!(redact("\x1b[31mredredredredredred"), "…");
    }

    #[test]
    fn displayed_secret_honours_show_secrets() {
        assert_eq!(
            displayed_secret("sk_live_abcdefghijkl", true),
            "sk_live_abcdefghijkl"
        );
        assert_eq!(displayed_secret("sk_live_abcdefghijkl", false), "sk_l…");
    }

    #[test]
    fn printable_escapes_control_characters_only() {
        assert_eq!(printable("src/main.rs"), "src/main.rs");
        assert_eq!(printable("a\nb\x1b[2Jc\td"), "a\\nb\\u{1b}[2Jc\\td");
        assert_eq!(printable("naïve café"), "naïve café");
    }
}
