//! Decodings under which a placeholder hides: percent-encoding (`p%40ss%3Aword` in a URL) and
//! base64 of printable text (`enhjdg==` is `zxcv`). The placeholder filter looks at the decoded
//! text as well as at the secret: random bytes almost never decode to printable text, so a
//! real secret is not affected.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use std::borrow::Cow;

/// `secret` with every `%XX` escape decoded; borrowed when it has none. A `%` not followed by
/// two hex digits (`%s`, `100%`) is kept as it is.
pub(crate) fn percent_decoded(secret: &[u8]) -> Cow<'_, [u8]> {
    if !secret.contains(&b'%') {
        return Cow::Borrowed(secret);
    }
    let hex = |b: u8| {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    let mut out = Vec::with_capacity(secret.len());
    let mut i = 0;
    let mut changed = false;
    while i < secret.len() {
        if secret[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                secret.get(i + 1).copied().and_then(hex),
                secret.get(i + 2).copied().and_then(hex),
            )
        {
            out.push(hi << 4 | lo);
            changed = true;
            i += 3;
        } else {
            out.push(secret[i]);
            i += 1;
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(secret)
    }
}

/// The smallest piece worth decoding: 8 base64 characters give 6 bytes, fewer could be a word
/// that happens to be valid base64.
const MIN_PIECE: usize = 8;

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'=')
}

fn is_text(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|&b| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'))
}

/// One canonical base64 piece (standard or URL-safe alphabet, padding optional) decoded.
fn decode_piece(piece: &[u8]) -> Option<Vec<u8>> {
    let body = piece
        .strip_suffix(b"==")
        .or_else(|| piece.strip_suffix(b"="))
        .unwrap_or(piece);
    if body.contains(&b'=') {
        return None;
    }
    STANDARD_NO_PAD
        .decode(body)
        .or_else(|_| URL_SAFE_NO_PAD.decode(body))
        .ok()
}

/// The secret with each of its base64 pieces (runs of base64 characters between separators such
/// as `|`, `:` or `.`) replaced by the printable text it encodes, or `None` when a piece is not
/// base64 of text or no piece is long enough to tell. `enhjdg==|MTIzNA==` gives `zxcv|1234`.
pub(crate) fn base64_text(secret: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(secret.len());
    let mut decoded_any = false;
    for (is_piece, run) in runs(secret) {
        if !is_piece {
            out.extend_from_slice(run);
            continue;
        }
        let text = decode_piece(run).filter(|text| is_text(text))?;
        decoded_any |= run.len() >= MIN_PIECE;
        out.extend_from_slice(&text);
    }
    decoded_any.then_some(out)
}

/// Splits `s` into alternating runs of base64 characters (`true`) and of other bytes (`false`).
fn runs(s: &[u8]) -> impl Iterator<Item = (bool, &[u8])> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = *rest.first()?;
        let kind = is_base64_byte(first);
        let len = rest
            .iter()
            .position(|&b| is_base64_byte(b) != kind)
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(len);
        rest = tail;
        Some((kind, run))
    })
}

#[cfg(test)]
mod tests {
    use super::{base64_text, percent_decoded};

    #[test]
    fn percent_escapes_are_decoded_and_other_percents_kept() {
        assert_eq!(&*percent_decoded(b"p%40ss%3Aword"), b"p@ss:word");
        assert_eq!(
            &*percent_decoded(b"correct%20horse%20battery%20staple"),
            b"correct horse battery staple"
        );
        assert_eq!(&*percent_decoded(b"%s:%d 100%"), b"%s:%d 100%");
        assert_eq!(&*percent_decoded(b"abc%2"), b"abc%2");
    }

    #[test]
    fn base64_of_text_is_decoded_piece_by_piece() {
        assert_eq!(
            base64_text(b"enhjdg==|MTIzNA==").as_deref(),
            Some(&b"zxcv|1234"[..])
        );
        assert_eq!(
            base64_text(b"QWxhZGRpbjpvcGVuIHNlc2FtZQ==").as_deref(),
            Some(&b"Aladdin:open sesame"[..])
        );
        assert_eq!(
            base64_text(b"dXNlcjpwYXNzd29yZA").as_deref(),
            Some(&b"user:password"[..])
        );
    }

    #[test]
    fn random_values_are_not_text() {
        for s in [
            "kQ3vZ8pL1xR7mN2bT9wY4cH6jF0aS5dG",
            "8f14e45fceea167a5a36dedd4bea2543",
            "ILQMESfEW0p6i6gIJcEWvO65TP5hg6B99hGFZ2lxrIs=",
            "test", // valid base64, but too short to tell (and not text)
        ] {
            assert_eq!(base64_text(s.as_bytes()), None, "{s}");
        }
    }
}
