//! Identifier formats: UUID version 4 and ULID, written from the secure generator's bytes.
//!
//! Both are built here from 16 random bytes rather than through the `uuid`/`ulid` crates, so the
//! randomness provably comes from the same OS-seeded CSPRNG as every other token.

use super::encode::crockford_u128_into;
use super::sample::fill_bytes;
use rand::CryptoRng;
use std::time::{SystemTime, UNIX_EPOCH};

/// Random bits in a version 4 UUID (128 minus 4 version and 2 variant bits).
pub const UUID_RANDOM_BITS: u32 = 122;
/// Random bits in a ULID (after the 48-bit millisecond timestamp).
pub const ULID_RANDOM_BITS: u32 = 80;
/// Characters in a hyphenated UUID.
pub const UUID_LEN: usize = 36;
/// Characters in a ULID.
pub const ULID_LEN: usize = 26;

/// Appends a version 4 UUID (RFC 9562 section 5.4), lower case and hyphenated
/// (`xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx`, `V` one of `8 9 a b`).
pub fn uuid_v4_into<R: CryptoRng + ?Sized>(rng: &mut R, out: &mut String) {
    let mut bytes = [0u8; 16];
    fill_bytes(rng, &mut bytes);
    write_uuid(set_v4_bits(bytes), out);
}

/// Sets the version (0100 in the high nibble of octet 6) and variant (10 in the two high bits
/// of octet 8) fields.
fn set_v4_bits(mut bytes: [u8; 16]) -> [u8; 16] {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    bytes
}

fn write_uuid(bytes: [u8; 16], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
}

/// Appends a ULID for the current time: 48-bit Unix time in milliseconds, then 80 random bits,
/// as 26 Crockford base32 characters. ULIDs made in the same millisecond are not ordered among
/// themselves (this is the spec's plain form, not its monotonic variant, which would trade
/// randomness for order).
pub fn ulid_into<R: CryptoRng + ?Sized>(rng: &mut R, out: &mut String) {
    ulid_at_into(unix_millis(), rng, out);
}

/// Appends a ULID for the given Unix time in milliseconds (only the low 48 bits are used).
pub fn ulid_at_into<R: CryptoRng + ?Sized>(millis: u64, rng: &mut R, out: &mut String) {
    let mut random = [0u8; 10];
    fill_bytes(rng, &mut random);
    let random = random
        .iter()
        .fold(0u128, |acc, &b| (acc << 8) | u128::from(b));
    let value = (u128::from(millis & 0xffff_ffff_ffff) << 80) | random;
    crockford_u128_into(value, out);
}

fn unix_millis() -> u64 {
    // A clock before 1970 is a broken clock; 0 still yields a valid, random ULID.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn uuids_have_the_version_4_layout() {
        let re =
            Regex::new("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
                .unwrap();
        let mut rng = rand::rng();
        let mut variants = std::collections::HashSet::new();
        for _ in 0..2000 {
            let mut out = String::new();
            uuid_v4_into(&mut rng, &mut out);
            assert_eq!(out.len(), UUID_LEN);
            assert!(re.is_match(&out), "{out}");
            variants.insert(out.as_bytes()[19]);
        }
        // The two variant-field bits left random take all four values.
        assert_eq!(variants.len(), 4);
    }

    #[test]
    fn version_and_variant_bits_leave_the_rest_untouched() {
        let mut out = String::new();
        write_uuid(set_v4_bits([0xff; 16]), &mut out);
        assert_eq!(out, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        out.clear();
        write_uuid(set_v4_bits([0; 16]), &mut out);
        assert_eq!(out, "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn ulid_timestamp_matches_the_spec_example() {
        // github.com/ulid/spec: 01ARYZ6S41TSV4RRFFQ69G5FAV has timestamp 1469918176385.
        let mut out = String::new();
        ulid_at_into(1_469_918_176_385, &mut rand::rng(), &mut out);
        assert_eq!(out.len(), ULID_LEN);
        assert_eq!(&out[..10], "01ARYZ6S41");
        assert!(
            out.bytes()
                .all(|c| super::super::encode::CROCKFORD32.contains(&c))
        );
    }

    #[test]
    fn current_ulids_start_with_the_current_time() {
        let before = unix_millis();
        let mut out = String::new();
        ulid_into(&mut rand::rng(), &mut out);
        let decoded = out[..10].bytes().fold(0u64, |acc, c| {
            let digit = super::super::encode::CROCKFORD32
                .iter()
                .position(|&d| d == c)
                .unwrap();
            (acc << 5) | digit as u64
        });
        assert!(decoded >= before && decoded <= unix_millis());
    }
}
