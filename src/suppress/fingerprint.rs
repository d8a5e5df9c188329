//! The identity of a leaked secret, for suppression: it depends on the rule id and the secret
//! bytes (and the repository's salt) only, never on the file, line or commit, so an entry in
//! `.tokhygignore` or a baseline survives edits, moves and renames.
//!
//! Version 2 (keyed, what reports print when the repository has a salt):
//! `hex(sha256("tokhyg-fp-v2" || 0x00 || salt || 0x00 || rule_id || 0x00 || secret))[..32]`,
//! where `salt` is the 16 random bytes of the repository's `# tokhyg-salt:` line in
//! `.tokhygignore` (or of a baseline's `salt`). Without the salt, a fingerprint seen in a report,
//! a CI log or an uploaded SARIF file cannot be tested against guesses, nor compared with the
//! fingerprints of another repository.
//!
//! Version 1 (unkeyed, stable; still read so that old ignore files and baselines keep working):
//! `hex(sha256("tokhyg-fp-v1" || 0x00 || rule_id || 0x00 || secret))[..32]`, lowercase. A weak
//! secret's version-1 fingerprint can be reversed by guessing (a password fell to 3,309
//! guesses). The NUL separators keep `("ab", "c")` and `("a", "bc")` apart; 128 bits are plenty
//! to avoid collisions among the secrets of one organisation while keeping lines short.

use sha2::{Digest, Sha256};
use std::fmt;

/// Domain separation tag of the version-1 recipe.
const DOMAIN: &[u8] = b"tokhyg-fp-v1";

/// Domain separation tag of the version-2 (keyed) recipe.
const DOMAIN_KEYED: &[u8] = b"tokhyg-fp-v2";

/// Number of hexadecimal characters in a fingerprint.
pub const FINGERPRINT_LEN: usize = 32;

/// A repository's fingerprint salt: 16 random bytes, written as 32 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Salt([u8; 16]);

impl Salt {
    /// A new salt from the operating system's CSPRNG (through `rand`'s OS-seeded generator).
    pub fn random() -> Salt {
        Salt(rand::random())
    }

    /// The salt written as `text` (32 hexadecimal characters, either case).
    pub fn parse(text: &str) -> Option<Salt> {
        let mut bytes = [0u8; 16];
        (text.len() == 32)
            .then(|| hex::decode_to_slice(text, &mut bytes).ok())
            .flatten()
            .map(|()| Salt(bytes))
    }
}

impl fmt::Display for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Salt({self})")
    }
}

/// The version-1 (unkeyed) fingerprint of `secret` found by rule `rule_id`: 32 lowercase
/// hexadecimal characters. What a repository without a salt prints, and what old entries hold.
pub fn fingerprint(rule_id: &str, secret: &[u8]) -> String {
    digest(&[DOMAIN, rule_id.as_bytes(), secret])
}

/// The fingerprint of `secret` found by `rule_id` in a repository salted with `salt` (version 2),
/// or the version-1 one when there is no salt.
pub fn fingerprint_with(salt: Option<&Salt>, rule_id: &str, secret: &[u8]) -> String {
    match salt {
        Some(salt) => digest(&[DOMAIN_KEYED, &salt.0, rule_id.as_bytes(), secret]),
        None => fingerprint(rule_id, secret),
    }
}

/// The first 128 bits, in hex, of the SHA-256 of `parts` joined by NUL bytes.
fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            hasher.update([0]);
        }
        hasher.update(part);
    }
    hex::encode(&hasher.finalize()[..FINGERPRINT_LEN / 2])
}

/// Whether `text` has the shape of a fingerprint (32 lowercase hexadecimal characters).
pub fn is_fingerprint(text: &str) -> bool {
    text.len() == FINGERPRINT_LEN && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_documented_recipe() {
        let mut input = b"tokhyg-fp-v1\0github-pat-classic\0".to_vec();
        input.extend_from_slice(b"ghp_secret");
        let full = hex::encode(Sha256::digest(&input));
        assert_eq!(fingerprint("github-pat-classic", b"ghp_secret"), full[..32]);
    }

    #[test]
    fn known_vector_is_stable() {
        // Pinned so an accidental change of the recipe fails loudly: ignore files depend on it.
        // The value was computed independently with Python's hashlib.
        assert_eq!(
            fingerprint("generic-api-key", b"s3cr3t"),
            "a2872c14b128eb2070c4f372ed55e25f"
        );
    }

    #[test]
    fn depends_on_rule_and_secret_and_is_well_formed() {
        let a = fingerprint("rule-a", b"secret");
        assert!(is_fingerprint(&a));
        assert_ne!(a, fingerprint("rule-b", b"secret"));
        assert_ne!(a, fingerprint("rule-a", b"secreT"));
        assert_ne!(fingerprint("ab", b"c"), fingerprint("a", b"bc"));
    }

    #[test]
    fn keyed_fingerprints_follow_the_documented_recipe_and_the_salt() {
        let salt = Salt::parse("00112233445566778899AABBCCDDEEFF").unwrap();
        assert_eq!(salt.to_string(), "00112233445566778899aabbccddeeff");
        let mut input = b"tokhyg-fp-v2\0".to_vec();
        input.extend_from_slice(&hex::decode("00112233445566778899aabbccddeeff").unwrap());
        input.extend_from_slice(b"\0generic-api-key\0s3cr3t");
        let full = hex::encode(Sha256::digest(&input));
        let keyed = fingerprint_with(Some(&salt), "generic-api-key", b"s3cr3t");
        assert_eq!(keyed, full[..32]);
        // Pinned (computed independently with Python's hashlib): ignore files depend on it.
        assert_eq!(keyed, "b9a373b3dd5f3e41c0c3a01811c288d3");
        assert_ne!(keyed, fingerprint("generic-api-key", b"s3cr3t"));
        let other = Salt::parse(&"0".repeat(32)).unwrap();
        assert_ne!(
            keyed,
            fingerprint_with(Some(&other), "generic-api-key", b"s3cr3t")
        );
        assert_eq!(
            fingerprint_with(None, "generic-api-key", b"s3cr3t"),
            "a2872c14b128eb2070c4f372ed55e25f"
        );
    }

    #[test]
    fn salts_are_random_and_parse_only_from_32_hex_characters() {
        assert_ne!(Salt::random(), Salt::random());
        let salt = Salt::random();
        assert_eq!(Salt::parse(&salt.to_string()), Some(salt));
        for bad in [
            "",
            "0011",
            &"g".repeat(32),
            &"0".repeat(33),
            &"é".repeat(16),
        ] {
            assert_eq!(Salt::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn shape_check_rejects_other_text() {
        assert!(!is_fingerprint("abc"));
        assert!(!is_fingerprint(&"A".repeat(32)));
        assert!(!is_fingerprint(&"g".repeat(32)));
        assert!(is_fingerprint(&"0".repeat(32)));
    }
}
