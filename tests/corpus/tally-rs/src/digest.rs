//! Digests and their text forms.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256, Sha512};

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Short id shown in the UI: the first 16 characters of the unpadded base64url SHA-256.
pub fn short_id(bytes: &[u8]) -> String {
    let full = URL_SAFE_NO_PAD.encode(Sha256::digest(bytes));
    full[..16].to_string()
}

/// SHA-512 in hex, used for the archive manifests.
pub fn sha512_hex(bytes: &[u8]) -> String {
    hex::encode(Sha512::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    // FIPS 180-4 examples.
    const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const ABC_SHA512: &str = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn fips_vectors() {
        assert_eq!(sha256_hex(b"abc"), ABC_SHA256);
        assert_eq!(sha512_hex(b"abc"), ABC_SHA512);
        assert_eq!(sha256_hex(b""), EMPTY_SHA256);
    }

    #[test]
    fn short_id_is_a_prefix_of_the_base64url_digest() {
        // base64url(sha256("abc")) = ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0
        assert_eq!(short_id(b"abc"), "ungWv48Bz-pBQUDe");
    }
}
