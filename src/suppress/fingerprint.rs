//! The identity of a leaked secret, for suppression: it depends on the rule id and the secret
//! bytes only, never on the file, line or commit, so an entry in `.tokhygignore` or a baseline
//! survives edits, moves and renames.
//!
//! Recipe (version 1, stable; changing it would orphan every user's ignore file):
//! `hex(sha256("tokhyg-fp-v1" || 0x00 || rule_id || 0x00 || secret))[..32]`, lowercase. The NUL
//! separators keep `("ab", "c")` and `("a", "bc")` apart; 128 bits are plenty to avoid collisions
//! among the secrets of one organisation while keeping lines short.

use sha2::{Digest, Sha256};

/// Domain separation tag of the version-1 recipe.
const DOMAIN: &[u8] = b"tokhyg-fp-v1";

/// Number of hexadecimal characters in a fingerprint.
pub const FINGERPRINT_LEN: usize = 32;

/// The fingerprint of `secret` found by rule `rule_id`: 32 lowercase hexadecimal characters.
pub fn fingerprint(rule_id: &str, secret: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update([0]);
    hasher.update(rule_id.as_bytes());
    hasher.update([0]);
    hasher.update(secret);
    let digest = hasher.finalize();
    hex::encode(&digest[..FINGERPRINT_LEN / 2])
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
    fn shape_check_rejects_other_text() {
        assert!(!is_fingerprint("abc"));
        assert!(!is_fingerprint(&"A".repeat(32)));
        assert!(!is_fingerprint(&"g".repeat(32)));
        assert!(is_fingerprint(&"0".repeat(32)));
    }
}
