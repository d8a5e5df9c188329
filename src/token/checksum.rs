//! The `crc32-base62` checksum: GitHub's token checksum scheme, also used by npm and by tokhyg's
//! own `--prefix/--checksum` keys.
//!
//! CRC-32/IEEE (zlib's) of the random body only (never the prefix), written in base62 with the
//! digits-first alphabet `0-9A-Za-z`, left-padded with `0` to [`CHECKSUM_LEN`] characters.

use thiserror::Error;

/// Number of characters a `crc32-base62` checksum occupies at the end of a token.
pub const CHECKSUM_LEN: usize = 6;

/// Digits first, then upper case, then lower case: the order GitHub's scheme uses.
const BASE62_DIGITS_FIRST: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A checksum scheme a token format can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Checksum {
    /// CRC-32/IEEE of the body, 6 base62 characters (digits first).
    #[serde(rename = "crc32-base62")]
    Crc32Base62,
}

/// The name given to a checksum scheme that tokhyg does not know.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("unknown checksum `{0}` (known: crc32-base62)")]
pub struct UnknownChecksum(pub String);

impl std::str::FromStr for Checksum {
    type Err = UnknownChecksum;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "crc32-base62" => Ok(Checksum::Crc32Base62),
            other => Err(UnknownChecksum(other.to_string())),
        }
    }
}

impl Checksum {
    /// Length in characters of the checksum tail.
    pub fn tail_len(self) -> usize {
        match self {
            Checksum::Crc32Base62 => CHECKSUM_LEN,
        }
    }

    /// The checksum tail for `body`.
    pub fn compute(self, body: &[u8]) -> String {
        match self {
            Checksum::Crc32Base62 => crc32_base62(body),
        }
    }

    /// Appends to `text` the checksum tail of its body, `text[body_start..]` (the
    /// allocation-free form of [`Checksum::compute`], for generating many tokens).
    ///
    /// # Panics
    /// When `body_start` is past the end of `text`.
    pub fn append_tail(self, text: &mut String, body_start: usize) {
        match self {
            Checksum::Crc32Base62 => {
                let digits = crc32_base62_digits(&text.as_bytes()[body_start..]);
                text.extend(digits.map(char::from));
            }
        }
    }

    /// True when `body_and_tail` ends with the correct checksum of what precedes it.
    pub fn verify(self, body_and_tail: &[u8]) -> bool {
        let len = self.tail_len();
        if body_and_tail.len() < len {
            return false;
        }
        let (body, tail) = body_and_tail.split_at(body_and_tail.len() - len);
        match self {
            Checksum::Crc32Base62 => crc32_base62_digits(body) == tail,
        }
    }
}

/// CRC-32/IEEE of `body`, in base62 (digits first), left-padded with `0` to 6 characters.
pub fn crc32_base62(body: &[u8]) -> String {
    crc32_base62_digits(body)
        .iter()
        .copied()
        .map(char::from)
        .collect()
}

/// The six ASCII digits of [`crc32_base62`], without allocating.
fn crc32_base62_digits(body: &[u8]) -> [u8; CHECKSUM_LEN] {
    let mut value = crc32fast::hash(body);
    let mut digits = [b'0'; CHECKSUM_LEN];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62_DIGITS_FIRST[(value % 62) as usize];
        value /= 62;
    }
    // 62^6 > 2^32, so every CRC-32 fits in six digits.
    debug_assert_eq!(value, 0);
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_test_vector() {
        assert_eq!(crc32fast::hash(b"hello"), 907_060_870);
        assert_eq!(crc32_base62(b"hello"), "0zNvy2");
    }

    #[test]
    fn pads_small_values_with_zeros() {
        assert_eq!(crc32fast::hash(b""), 0);
        assert_eq!(crc32_base62(b""), "000000");
    }

    #[test]
    fn append_tail_writes_what_compute_returns() {
        let mut out = String::from("key_hello");
        Checksum::Crc32Base62.append_tail(&mut out, 4);
        assert_eq!(out, "key_hello0zNvy2");
        assert_eq!(Checksum::Crc32Base62.compute(b"hello"), "0zNvy2");
    }

    #[test]
    fn verify_accepts_the_right_tail_and_rejects_a_changed_one() {
        assert!(Checksum::Crc32Base62.verify(b"hello0zNvy2"));
        assert!(!Checksum::Crc32Base62.verify(b"hello0zNvy3"));
        assert!(!Checksum::Crc32Base62.verify(b"hellp0zNvy2"));
        assert!(!Checksum::Crc32Base62.verify(b"0zNvy"));
    }
}
