//! How to write a token as a `.env` value so that python-dotenv, npm dotenv and dotenvy all read
//! back exactly the token. What each parser does with special characters:
//!
//! | in the value            | python-dotenv 1.x          | npm dotenv 17           | dotenvy 0.15                |
//! |-------------------------|----------------------------|-------------------------|-----------------------------|
//! | unquoted `#`            | comment only after a blank | comment anywhere        | comment only after a blank  |
//! | unquoted `'` `"` `\`    | literal                    | literal                 | start a quote / an escape   |
//! | `$X`, `${X}`            | `${X}` expanded everywhere, single quotes too | never expanded | expanded unless single-quoted |
//! | `'…'` with `\\` or `\'` | unescaped                  | kept                    | kept (but `\'` hides the end) |
//! | `"…"` with `\`          | escapes decoded            | only `\n` `\r` decoded  | escapes decoded, others fail |
//!
//! Hence the rules: a token made only of [`is_bare`] characters is written as is (it is also
//! safe for a shell's `source .env`); otherwise in single quotes when it has no `'` and no
//! backslash pair or final backslash; otherwise in double quotes when it has no `"`, `\` or `$`.
//! Anything else has no spelling all three agree on, and is refused rather than written
//! ambiguously. A token containing `${…}` is refused too: python-dotenv expands it in every
//! quoting and has no escape for `$`.

use thiserror::Error;

/// How a value is quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quoting {
    /// Written as is.
    Bare,
    /// Between single quotes: literal in all three parsers (given the rules above).
    Single,
    /// Between double quotes: for tokens that contain `'`.
    Double,
}

/// Why a token cannot be written so that every common parser reads it back unchanged. The
/// messages never contain the token.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum Unwritable {
    /// Empty tokens are not tokens.
    #[error("the token is empty")]
    Empty,
    /// Control characters and whitespace are trimmed, split or rejected by the parsers.
    #[error(
        "the token contains whitespace or a control character, which .env parsers trim or split"
    )]
    Unprintable,
    /// python-dotenv expands `${NAME}` in every quoting.
    #[error(
        "the token contains `${{…}}`, which python-dotenv expands as a variable whatever the quoting"
    )]
    Interpolation,
    /// `'` together with `"`, `\` or `$`: neither quoting is read the same by all parsers.
    #[error(
        "the token contains `'` together with `{0}`; no quoting reads back the same in python-dotenv, npm dotenv and dotenvy"
    )]
    NoCommonQuoting(char),
    /// Every spelling holds a quote that a line above opens and never closes.
    #[error(
        "every spelling of the token holds `{0}`, which would close a quote left open above (a line that opens `{0}` and never closes it)"
    )]
    OpenQuoteAbove(char),
    /// A backslash pair or a final backslash inside single quotes, and no double quoting either.
    #[error(
        "the token contains `\\\\` or ends with `\\`, which python-dotenv unescapes and dotenvy misreads inside single quotes"
    )]
    Backslashes,
}

/// Characters written without quotes: alphanumerics and `_ - . + / = : , @ %`, which covers
/// base62, hex, base64, base64url, base58, base32, UUIDs, ULIDs and `--prefix` prefixes.
pub fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '_' | '-' | '.' | '+' | '/' | '=' | ':' | ',' | '@' | '%')
}

/// Whether python-dotenv's variable pattern `\$\{[^}:]*(?::-[^}]*)?\}` occurs in `token`.
pub fn has_interpolation(token: &str) -> bool {
    let bytes = token.as_bytes();
    let closes = |from: usize| -> bool {
        let mut at = from;
        while at < bytes.len() && bytes[at] != b'}' && bytes[at] != b':' {
            at += 1;
        }
        match bytes.get(at) {
            Some(b'}') => true,
            Some(b':') if bytes.get(at + 1) == Some(&b'-') => bytes[at + 2..].contains(&b'}'),
            _ => false,
        }
    };
    bytes
        .windows(2)
        .enumerate()
        .any(|(at, pair)| pair == b"${" && closes(at + 2))
}

/// The quoting that makes all three parsers read back exactly `token`.
pub fn quoting(token: &str) -> Result<Quoting, Unwritable> {
    if token.is_empty() {
        return Err(Unwritable::Empty);
    }
    if token.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Unwritable::Unprintable);
    }
    if has_interpolation(token) {
        return Err(Unwritable::Interpolation);
    }
    if token.chars().all(is_bare) {
        return Ok(Quoting::Bare);
    }
    let single_ok = !token.contains('\'') && !token.contains("\\\\") && !token.ends_with('\\');
    if single_ok {
        return Ok(Quoting::Single);
    }
    if token.contains('\'') {
        if let Some(bad) = ['"', '\\', '$'].into_iter().find(|c| token.contains(*c)) {
            return Err(Unwritable::NoCommonQuoting(bad));
        }
        return Ok(Quoting::Double);
    }
    Err(Unwritable::Backslashes)
}

/// `token` spelled as a `.env` value that contains none of the quote characters in `avoid`,
/// which lines above it open and never close (`Document::open_quotes`): a value holding such a
/// quote would close it for python-dotenv and npm dotenv, which would then read that line's
/// value, and this one, differently. Tries the quotings in the order of [`quoting`], and double
/// quotes also for tokens without `'` (read alike when the token has no `"`, `\` or `$`).
pub fn render_avoiding(token: &str, avoid: &[u8]) -> Result<String, Unwritable> {
    let preferred = render(token)?;
    if !preferred.bytes().any(|b| avoid.contains(&b)) {
        return Ok(preferred);
    }
    let doubled = format!("\"{token}\"");
    let double_reads_alike = !token.contains(['"', '\\', '$']);
    if double_reads_alike && !doubled.bytes().any(|b| avoid.contains(&b)) {
        return Ok(doubled);
    }
    let quote = avoid
        .iter()
        .copied()
        .find(|&q| preferred.as_bytes().contains(&q))
        .map_or('\'', char::from);
    Err(Unwritable::OpenQuoteAbove(quote))
}

/// `token` spelled as a `.env` value (see [`quoting`]).
pub fn render(token: &str) -> Result<String, Unwritable> {
    Ok(match quoting(token)? {
        Quoting::Bare => token.to_owned(),
        Quoting::Single => format!("'{token}'"),
        Quoting::Double => format!("\"{token}\""),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_encodings_stay_bare() {
        for token in [
            "abcXYZ019",
            "sk_live_Ab3",
            "a+b/c==",
            "a-b_c",
            "0190f6b2-7c1e-7",
        ] {
            assert_eq!(quoting(token), Ok(Quoting::Bare), "{token}");
        }
    }

    #[test]
    fn symbols_go_in_single_quotes() {
        assert_eq!(render("a#b$c!\"d`e\\f"), Ok("'a#b$c!\"d`e\\f'".to_owned()));
        assert_eq!(render("${x"), Ok("'${x'".to_owned()));
        assert_eq!(render("$}{"), Ok("'$}{'".to_owned()));
    }

    #[test]
    fn a_single_quote_falls_back_to_double_quotes() {
        assert_eq!(render("it's#`"), Ok("\"it's#`\"".to_owned()));
    }

    #[test]
    fn ambiguous_tokens_are_refused() {
        assert_eq!(quoting("a'b\"c"), Err(Unwritable::NoCommonQuoting('"')));
        assert_eq!(quoting("a'b$c"), Err(Unwritable::NoCommonQuoting('$')));
        assert_eq!(quoting("a'b\\c"), Err(Unwritable::NoCommonQuoting('\\')));
        assert_eq!(quoting("a\\\\b"), Err(Unwritable::Backslashes));
        assert_eq!(quoting("ab\\"), Err(Unwritable::Backslashes));
        assert_eq!(quoting("a b"), Err(Unwritable::Unprintable));
        assert_eq!(quoting("a\u{1}b"), Err(Unwritable::Unprintable));
        assert_eq!(quoting(""), Err(Unwritable::Empty));
    }

    #[test]
    fn below_an_open_quote_the_other_quoting_is_chosen() {
        // Below an unclosed `'`: double quotes where they read alike, else refused.
        assert_eq!(render_avoiding("a#b", b"'"), Ok("\"a#b\"".to_owned()));
        assert_eq!(render_avoiding("abc", b"'\""), Ok("abc".to_owned()));
        assert_eq!(
            render_avoiding("a$b", b"'"),
            Err(Unwritable::OpenQuoteAbove('\''))
        );
        assert_eq!(
            render_avoiding("it's", b"'"),
            Err(Unwritable::OpenQuoteAbove('\''))
        );
        // Below an unclosed `"`: single quotes, as without one.
        assert_eq!(render_avoiding("a#b", b"\""), Ok("'a#b'".to_owned()));
        assert_eq!(
            render_avoiding("it's", b"\""),
            Err(Unwritable::OpenQuoteAbove('"'))
        );
        assert_eq!(render_avoiding("a#b", b""), render("a#b"));
    }

    #[test]
    fn python_interpolation_pattern_is_detected_exactly() {
        assert!(has_interpolation("a${B}c"));
        assert!(has_interpolation("${}"));
        assert!(has_interpolation("${A:-x}"));
        assert!(has_interpolation("x${A:-}"));
        assert!(!has_interpolation("${A:x}"));
        assert!(!has_interpolation("${A"));
        assert!(!has_interpolation("$A}"));
        assert!(!has_interpolation("}${"));
        assert_eq!(quoting("a${B}c"), Err(Unwritable::Interpolation));
    }
}
