//! Byte encodings for `--bytes N`: N random bytes written as hex, base64, base64url or base32.
//!
//! Forms (all RFC 4648): `hex`/`HEX` lower/upper case; `base64` with `=` padding (section 4, what
//! `openssl rand -base64` prints); `base64url` without padding (section 5, as JWT and OAuth use
//! it, where `=` would need escaping); `base32` with `=` padding (section 6). Also the Crockford
//! base32 form of a 128-bit number that ULIDs use.

use super::sample::fill_bytes;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::CryptoRng;

/// Random bytes drawn and encoded at a time by [`ByteEncoding::append_random`]: a multiple of 3
/// (base64's group) and of 5 (base32's), so that encoding chunk by chunk writes exactly the text
/// that encoding all the bytes at once would.
const RANDOM_CHUNK: usize = 240;

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Crockford's base32 digits: no I, L, O or U.
pub const CROCKFORD32: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// An encoding of random bytes into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteEncoding {
    /// Lower-case hexadecimal, two characters per byte.
    Hex,
    /// Upper-case hexadecimal, two characters per byte.
    HexUpper,
    /// RFC 4648 base64 with `+/` and `=` padding.
    Base64,
    /// RFC 4648 base64url with `-_`, unpadded.
    Base64Url,
    /// RFC 4648 base32 with `=` padding.
    Base32,
}

impl ByteEncoding {
    /// The encoding's name as `--format` spells it.
    pub fn name(self) -> &'static str {
        match self {
            ByteEncoding::Hex => "hex",
            ByteEncoding::HexUpper => "HEX",
            ByteEncoding::Base64 => "base64",
            ByteEncoding::Base64Url => "base64url",
            ByteEncoding::Base32 => "base32",
        }
    }

    /// Number of characters the encoding of `bytes` bytes takes, padding included.
    pub fn encoded_len(self, bytes: usize) -> usize {
        match self {
            ByteEncoding::Hex | ByteEncoding::HexUpper => bytes * 2,
            ByteEncoding::Base64 => bytes.div_ceil(3) * 4,
            ByteEncoding::Base64Url => (bytes * 8).div_ceil(6),
            ByteEncoding::Base32 => bytes.div_ceil(5) * 8,
        }
    }

    /// Appends the encoding of `count` fresh random bytes to `out`, without a heap buffer.
    pub fn append_random<R: CryptoRng + ?Sized>(self, rng: &mut R, count: usize, out: &mut String) {
        let mut chunk = [0u8; RANDOM_CHUNK];
        let mut remaining = count;
        while remaining > 0 {
            let bytes = &mut chunk[..remaining.min(RANDOM_CHUNK)];
            fill_bytes(rng, bytes);
            self.encode_into(bytes, out);
            remaining -= bytes.len();
        }
    }

    /// Appends the encoding of `bytes` to `out`.
    pub fn encode_into(self, bytes: &[u8], out: &mut String) {
        match self {
            ByteEncoding::Hex => hex_into(HEX_LOWER, bytes, out),
            ByteEncoding::HexUpper => hex_into(HEX_UPPER, bytes, out),
            ByteEncoding::Base64 => STANDARD.encode_string(bytes, out),
            ByteEncoding::Base64Url => URL_SAFE_NO_PAD.encode_string(bytes, out),
            ByteEncoding::Base32 => base32_into(bytes, out),
        }
    }
}

fn hex_into(digits: &[u8; 16], bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(digits[usize::from(b >> 4)]));
        out.push(char::from(digits[usize::from(b & 0x0f)]));
    }
}

/// RFC 4648 section 6: every 5 bytes become 8 characters; a final partial group is written with
/// as many characters as its bits need and padded with `=` to 8.
fn base32_into(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len().div_ceil(5) * 8);
    for group in bytes.chunks(5) {
        let mut buffer = [0u8; 5];
        buffer[..group.len()].copy_from_slice(group);
        let bits = buffer
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let used = (group.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < used {
                let digit = (bits >> (35 - 5 * i)) & 0x1f;
                out.push(char::from(BASE32[digit as usize]));
            } else {
                out.push('=');
            }
        }
    }
}

/// Appends the 26-character Crockford base32 form of a 128-bit number (most significant digit
/// first; the first digit carries the top 3 bits), as ULIDs are written.
pub fn crockford_u128_into(value: u128, out: &mut String) {
    for i in 0..26 {
        let digit = (value >> (125 - 5 * i)) & 0x1f;
        out.push(char::from(CROCKFORD32[digit as usize]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(encoding: ByteEncoding, bytes: &[u8]) -> String {
        let mut out = String::new();
        encoding.encode_into(bytes, &mut out);
        assert_eq!(out.len(), encoding.encoded_len(bytes.len()), "{out}");
        out
    }

    #[test]
    fn rfc4648_test_vectors() {
        // RFC 4648 section 10.
        let inputs = ["", "f", "fo", "foo", "foob", "fooba", "foobar"];
        let base64 = [
            "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy",
        ];
        let base32 = [
            "",
            "MY======",
            "MZXQ====",
            "MZXW6===",
            "MZXW6YQ=",
            "MZXW6YTB",
            "MZXW6YTBOI======",
        ];
        let hex = [
            "",
            "66",
            "666f",
            "666f6f",
            "666f6f62",
            "666f6f6261",
            "666f6f626172",
        ];
        for i in 0..inputs.len() {
            let input = inputs[i].as_bytes();
            assert_eq!(encode(ByteEncoding::Base64, input), base64[i]);
            assert_eq!(
                encode(ByteEncoding::Base64Url, input),
                base64[i].trim_end_matches('=')
            );
            assert_eq!(encode(ByteEncoding::Base32, input), base32[i]);
            assert_eq!(encode(ByteEncoding::Hex, input), hex[i]);
            assert_eq!(encode(ByteEncoding::HexUpper, input), hex[i].to_uppercase());
        }
    }

    #[test]
    fn base64url_uses_the_url_safe_characters() {
        assert_eq!(encode(ByteEncoding::Base64, &[0xfb, 0xff]), "+/8=");
        assert_eq!(encode(ByteEncoding::Base64Url, &[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn base32_round_trips_every_length_through_a_reference_decoder() {
        let mut rng = rand::rng();
        for len in 0..40 {
            let mut bytes = vec![0u8; len];
            rand::RngCore::fill_bytes(&mut rng, &mut bytes);
            let text = encode(ByteEncoding::Base32, &bytes);
            // Decode bit by bit, independently of the encoder's grouping.
            let mut bits = Vec::new();
            for c in text.trim_end_matches('=').bytes() {
                let value = BASE32.iter().position(|&d| d == c).unwrap();
                bits.extend((0..5).rev().map(|k| (value >> k) & 1));
            }
            let decoded: Vec<u8> = bits
                .chunks_exact(8)
                .map(|byte| byte.iter().fold(0u8, |acc, &b| (acc << 1) | b as u8))
                .collect();
            assert_eq!(decoded, bytes);
            // Leftover bits are zero, as RFC 4648 requires.
            assert!(bits[decoded.len() * 8..].iter().all(|&b| b == 0));
        }
    }

    #[test]
    fn random_bytes_encoded_in_chunks_read_as_one_encoding() {
        use rand::SeedableRng;
        use rand::rngs::StdRng;
        let encodings = [
            ByteEncoding::Hex,
            ByteEncoding::HexUpper,
            ByteEncoding::Base64,
            ByteEncoding::Base64Url,
            ByteEncoding::Base32,
        ];
        for encoding in encodings {
            for count in [1, 7, 239, 240, 241, 480, 481, 768] {
                let mut chunked = String::new();
                encoding.append_random(&mut StdRng::seed_from_u64(7), count, &mut chunked);
                let mut bytes = vec![0u8; count];
                rand::RngCore::fill_bytes(&mut StdRng::seed_from_u64(7), &mut bytes);
                assert_eq!(chunked, encode(encoding, &bytes), "{encoding:?} {count}");
            }
        }
    }

    #[test]
    fn encoded_lengths_for_32_bytes() {
        assert_eq!(ByteEncoding::Hex.encoded_len(32), 64);
        assert_eq!(ByteEncoding::Base64.encoded_len(32), 44);
        assert_eq!(ByteEncoding::Base64Url.encoded_len(32), 43);
        assert_eq!(ByteEncoding::Base32.encoded_len(32), 56);
    }

    #[test]
    fn crockford_writes_the_top_three_bits_first() {
        let mut out = String::new();
        crockford_u128_into(u128::MAX, &mut out);
        assert_eq!(out, "7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
        out.clear();
        crockford_u128_into(0, &mut out);
        assert_eq!(out, "0".repeat(26));
        out.clear();
        crockford_u128_into(31, &mut out);
        assert_eq!(out, format!("{}Z", "0".repeat(25)));
    }
}
