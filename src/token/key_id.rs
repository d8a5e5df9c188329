//! A key's short identifier: safe to log, enough to tell one key from another.
//!
//! The id is the first 8 hexadecimal digits (32 bits) of the SHA-256 of the key's exact bytes
//! (its UTF-8 text, prefix and checksum included, no trailing newline). Any language computes it
//! with its standard library, e.g. `printf %s "$KEY" | sha256sum | cut -c1-8`, Python
//! `hashlib.sha256(key.encode()).hexdigest()[:8]`, Node
//! `crypto.createHash('sha256').update(key).digest('hex').slice(0, 8)`.
//!
//! The id reveals nothing useful about a strong key: finding a key with a given id by brute force
//! means trying about as many keys as the key has possible values. A weak key is another matter:
//! with fewer than [`MIN_ID_BITS`] bits of randomness, an attacker who reads the id in a log can
//! try every key until one hashes to it, so such a key gets no id.

use sha2::{Digest, Sha256};
use std::fmt;

/// Keys with less randomness than this get no id.
pub const MIN_ID_BITS: f64 = 64.0;

/// Hexadecimal digits in an id.
pub const KEY_ID_LEN: usize = 8;

/// Why a key has no id.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TooWeakForId {
    /// The key's randomness, in bits.
    pub bits: f64,
}

impl fmt::Display for TooWeakForId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no key id: the key has {} bits of randomness, under the {MIN_ID_BITS} bits needed \
             to keep a logged id from giving the key away by brute force",
            super::spec::format_bits(self.bits)
        )
    }
}

impl std::error::Error for TooWeakForId {}

/// The id of a key drawn with `bits` bits of randomness, or why it has none.
pub fn key_id(key: &str, bits: f64) -> Result<String, TooWeakForId> {
    if bits < MIN_ID_BITS {
        return Err(TooWeakForId { bits });
    }
    Ok(key_id_unchecked(key))
}

/// The id of `key` whatever its strength: for keys found in files, whose strength the caller has
/// judged by other means (audit names values this way).
pub fn key_id_unchecked(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    hex::encode(&digest[..KEY_ID_LEN / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_the_start_of_the_sha256_hex_digest() {
        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assert_eq!(key_id_unchecked("abc"), "ba7816bf");
        // sha256("") = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
        assert_eq!(key_id_unchecked(""), "e3b0c442");
    }

    #[test]
    fn a_strong_key_has_an_id_and_a_weak_one_has_none() {
        assert_eq!(key_id("abc", 128.0).as_deref(), Ok("ba7816bf"));
        assert_eq!(key_id("abc", 64.0).as_deref(), Ok("ba7816bf"));
        let refusal = key_id("1234", 13.3).unwrap_err();
        assert_eq!(refusal.bits, 13.3);
        assert!(refusal.to_string().contains("13.3 bits"), "{refusal}");
    }

    #[test]
    fn different_keys_have_different_ids() {
        assert_ne!(key_id_unchecked("sk_live_a"), key_id_unchecked("sk_live_b"));
        assert_eq!(key_id_unchecked("k").len(), KEY_ID_LEN);
    }
}
