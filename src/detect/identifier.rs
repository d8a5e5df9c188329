//! Is a value an identifier rather than a secret? `RD_KAFKAP_Metadata`,
//! `UnimplementedOKPCurveKey`, `sentinel_pass` are names of things (constants, types, users)
//! assigned to secret-like names in code; a generated secret is not made of words. The test:
//! enough letters; split at non-letters and camelCase humps into parts of three letters or more
//! (random mixed case leaves one- and two-letter parts); most letters in pronounceable parts;
//! and the letter pairs of the lower-case words mostly ones that are common in English. Random
//! strings fail one of these almost always (below 0.3% at 8 to 12 characters, 0.1% from 16).
//! Passwords made by pwgen (`Mai9ohgh6ahxee0j...`) are pronounceable too, but put digits
//! between letters, which identifiers almost never do twice.

/// Fewest letters for a value to be judged: shorter ones are too short to tell.
const MIN_LETTERS: usize = 8;

/// For each letter `a`..`z`, the letters that commonly follow it in English words and in the
/// words of identifiers: the most frequent pairs, together 90% of the pairs in a sample of code
/// and prose. A random string has about a quarter of its pairs here; a word almost all.
const COMMON_NEXT: [&str; 26] = [
    "bcdgilmnprstu",   // a
    "aeilosu",         // b
    "aehklopt",        // c
    "aeio",            // d
    "acdeflmnoprstx",  // e
    "aiortu",          // f
    "ehor",            // g
    "aeiopt",          // h
    "abcdefglmnorstv", // i
    "",                // j
    "e",               // k
    "adefilostu",      // l
    "aeiops",          // m
    "acdegiostuy",     // n
    "cdflmnoprstuv",   // o
    "aeiloprtuy",      // p
    "u",               // q
    "acegimnorsty",    // r
    "ehiopstu",        // s
    "aehiorstuwy",     // t
    "delmnprst",       // u
    "aei",             // v
    "ai",              // w
    "",                // x
    "r",               // y
    "",                // z
];

/// True when `value` reads as an identifier made of words.
pub(crate) fn is_identifier_like(value: &[u8]) -> bool {
    if digits_between_letters(value) >= 2 {
        return false;
    }
    let letters = value.iter().filter(|b| b.is_ascii_alphabetic()).count();
    if letters < MIN_LETTERS || letters * 5 < value.len() * 3 {
        return false; // fewer than 8 letters, or under 60% of the value
    }
    let (mut words, mut in_words) = (0, 0);
    let (mut pairs, mut common_pairs) = (0, 0);
    for chunk in value
        .split(|b| !b.is_ascii_alphabetic())
        .filter(|chunk| !chunk.is_empty())
    {
        // An all-capitals run (`RD`, `KAFKAP`) is one part, often an abbreviation: it need
        // not be long nor made of common pairs.
        let screaming = chunk.iter().all(u8::is_ascii_uppercase);
        let parts = if screaming {
            vec![chunk]
        } else {
            camel_parts(chunk)
        };
        for part in parts {
            let short_word = part.len() == 2 && is_short_word(part);
            if !screaming && part.len() < 3 && !short_word {
                return false;
            }
            if short_word || is_word(part) {
                words += 1;
                in_words += part.len();
            }
            if !screaming {
                for pair in part.windows(2) {
                    pairs += 1;
                    common_pairs += usize::from(is_common_pair(pair[0], pair[1]));
                }
            }
        }
    }
    words >= 2 && in_words * 4 >= letters * 3 && pairs > 0 && common_pairs * 10 >= pairs * 7
}

/// Two-letter words common in identifiers (`InitProducerId`, `auth-request-type/at`,
/// `InterpolationInJSX`); any other part under three letters marks random mixed case.
const SHORT_WORDS: [&[u8; 2]; 19] = [
    b"at", b"as", b"be", b"by", b"do", b"id", b"if", b"in", b"io", b"is", b"it", b"my", b"no",
    b"of", b"ok", b"on", b"or", b"to", b"up",
];

fn is_short_word(part: &[u8]) -> bool {
    let lower = part.to_ascii_lowercase();
    SHORT_WORDS.iter().any(|word| lower == word[..])
}

fn is_common_pair(first: u8, second: u8) -> bool {
    let (first, second) = (first.to_ascii_lowercase(), second.to_ascii_lowercase());
    first.is_ascii_lowercase()
        && COMMON_NEXT[usize::from(first - b'a')]
            .as_bytes()
            .contains(&second)
}

/// Places where digits sit between two letters (`a9o`), counted without overlap.
fn digits_between_letters(value: &[u8]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < value.len() {
        if value[i].is_ascii_alphabetic() {
            let digits = value[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let after = i + 1 + digits;
            if digits > 0 && value.get(after).is_some_and(u8::is_ascii_alphabetic) {
                count += 1;
                i = after + 1;
                continue;
            }
        }
        i += 1;
    }
    count
}

/// The words of a run of letters: an all-capitals run is one word (`KAFKAP`); otherwise split
/// at camelCase humps, an acronym keeping its capitals (`OKPCurve` is `OKP`, `Curve`).
fn camel_parts(chunk: &[u8]) -> Vec<&[u8]> {
    if chunk.iter().all(u8::is_ascii_uppercase) {
        return vec![chunk];
    }
    let mut parts = Vec::new();
    let mut i = 0;
    while i < chunk.len() {
        let lower_run = |from: usize| {
            chunk[from..]
                .iter()
                .take_while(|b| b.is_ascii_lowercase())
                .count()
        };
        let len = if chunk[i].is_ascii_lowercase() {
            lower_run(i)
        } else if chunk.get(i + 1).is_some_and(u8::is_ascii_lowercase) {
            1 + lower_run(i + 1)
        } else {
            let upper = chunk[i..]
                .iter()
                .take_while(|b| b.is_ascii_uppercase())
                .count();
            // Before a lower-case letter, the last capital starts the next word.
            if i + upper < chunk.len() {
                upper - 1
            } else {
                upper
            }
        };
        parts.push(&chunk[i..i + len]);
        i += len;
    }
    parts
}

fn is_vowel(b: u8) -> bool {
    matches!(
        b.to_ascii_lowercase(),
        b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
    )
}

/// A pronounceable word: three letters or more, a vowel, and no five consonants in a row.
fn is_word(part: &[u8]) -> bool {
    part.len() >= 3
        && part.iter().copied().any(is_vowel)
        && part
            .split(|&b| is_vowel(b))
            .all(|consonants| consonants.len() < 5)
}

#[cfg(test)]
mod tests {
    use super::is_identifier_like;

    #[test]
    fn identifiers_are_identifier_like() {
        for s in [
            "RD_KAFKAP_Metadata",
            "?InterpolationInTemplate",
            "auth-request-type/at",
            "auth-request-type/it",
            "?InterpolationInJSX",
            "id_CryptoPro_modules",
            "UnimplementedOKPCurveKey",
            "sentinel_pass",
            "V1SecretVolumeSource",
            "identitytoolkit#VerifyPasswordResponse",
            "loadAWSCredentials",
            "auth/invalid-custom-token",
        ] {
            assert!(is_identifier_like(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn secrets_are_not_identifier_like() {
        for s in [
            "Mai9ohgh6ahxee0jutheew0pungoozil",
            "jMqRDgxSsBqqznfmddGdu1TmmZOJQxdM",
            "fpKL54jvWmEGVoRdCNjG",
            "lucWJjEhlxZW01cXI3YmVlcYnpxNGhzk",
            "kQ3vZ8pL1xR7mN2bT9wY4cH6jF0aS5dG",
            "x/gfuL?4Zuj{n73m}eeJt1",
            "S3CuR1Ty",
            "8f14e45fceea167a5a36dedd4bea2543",
            "vTJcEolnmOpbgDVTleurJhGE",
            "ReTllpYQYfIZu2Jnf2lAPFjD",
            "IswDl6fVCVbcasTpyODRZIAE",
        ] {
            assert!(!is_identifier_like(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn random_values_are_rarely_identifier_like() {
        use rand::Rng;
        use rand::distr::Alphanumeric;
        let mut rng = rand::rng();
        for len in [12, 16, 24, 40] {
            let flagged = (0..2000)
                .filter(|_| {
                    let value: Vec<u8> = (&mut rng).sample_iter(Alphanumeric).take(len).collect();
                    is_identifier_like(&value)
                })
                .count();
            // 0.1% expected at 12 characters; 1% would mean the test lost its edge.
            assert!(
                flagged < 20,
                "{flagged} of 2000 random {len}-character values"
            );
        }
    }
}
