//! How strong a value found in a file is, measured as the engine measures the keys it
//! generates: length times log2 of the alphabet the characters come from (hex, digits, or the
//! classes lower/upper/digits/symbols that appear), so a key from `tokhyg generate` scores what
//! `generate` said it had. A value that repeats itself (`aaaa...`, `abcabc...`) scores its
//! Shannon entropy instead, which is lower.

use crate::token::entropy::shannon;

/// A key needs at least this many bits.
pub const MIN_KEY_BITS: f64 = 128.0;

/// Defaults and placeholders that stand in for a secret (compared case-insensitively).
const DEFAULTS: &[&str] = &[
    "changeme",
    "change-me",
    "change_me",
    "changeit",
    "secret",
    "password",
    "passw0rd",
    "p@ssw0rd",
    "admin",
    "root",
    "toor",
    "123456",
    "12345678",
    "1234567890",
    "test",
    "testing",
    "default",
    "example",
    "letmein",
    "qwerty",
    "pass",
    "foobar",
    "dummy",
    "demo",
    "guest",
    "todo",
    "tbd",
    "fixme",
    "replace-me",
    "replace_me",
    "replaceme",
    "none",
    "null",
    "0000",
    "postgres",
    "mysql",
    "redis",
    "mongodb",
    "abc123",
    "secret123",
    "password123",
    "mysecret",
    "supersecret",
    "yoursecret",
    "your-secret",
    "your_secret",
];

/// Documented example keys, published by their providers (never valid).
const DOCUMENTED_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
];

/// What is wrong with a secret's value, or `None` when it is strong.
pub fn weakness(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    if DEFAULTS.contains(&lower.as_str()) {
        return Some("a default or placeholder value".into());
    }
    if DOCUMENTED_EXAMPLES.contains(&value) || lower.contains("example") {
        return Some("a documented example key".into());
    }
    if lower.starts_with("your") || lower.starts_with('<') || lower.chars().all(|c| c == 'x') {
        return Some("a placeholder".into());
    }
    let bits = bits(value);
    (bits < MIN_KEY_BITS).then(|| {
        format!(
            "about {} bits of randomness, under the {MIN_KEY_BITS} a key needs",
            bits.floor()
        )
    })
}

/// Whether `value` reads as a placeholder or default rather than a real secret.
pub fn is_placeholder(value: &str) -> bool {
    matches!(weakness(value), Some(why) if !why.starts_with("about"))
}

/// The value's strength in bits (see the module documentation).
pub fn bits(value: &str) -> f64 {
    let chars: Vec<char> = value.chars().collect();
    if chars.is_empty() {
        return 0.0;
    }
    let alphabet = alphabet_size(&chars);
    let per_char = (alphabet as f64).log2().min(shannon(value.as_bytes()));
    // Shannon entropy of a short string is capped by log2 of its length: only use it to lower
    // the score of a value that repeats itself, never below what its distinct characters allow.
    let distinct = {
        let mut seen = chars.clone();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    let repetitive = distinct * 2 < chars.len().min(alphabet);
    let per_char = if repetitive {
        per_char
    } else {
        (alphabet as f64).log2()
    };
    chars.len() as f64 * per_char
}

/// The size of the smallest common alphabet holding every character of `chars`.
fn alphabet_size(chars: &[char]) -> usize {
    if chars.iter().all(char::is_ascii_digit) {
        return 10;
    }
    if chars.iter().all(char::is_ascii_hexdigit)
        && (chars.iter().all(|c| !c.is_ascii_uppercase())
            || chars.iter().all(|c| !c.is_ascii_lowercase()))
    {
        return 16;
    }
    let mut size = 0;
    if chars.iter().any(char::is_ascii_lowercase) {
        size += 26;
    }
    if chars.iter().any(char::is_ascii_uppercase) {
        size += 26;
    }
    if chars.iter().any(char::is_ascii_digit) {
        size += 10;
    }
    if chars.iter().any(|c| !c.is_ascii_alphanumeric()) {
        size += 32;
    }
    size.max(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_score_what_generate_says() {
        // 43 base62 characters: 43 * log2(62) = 256.0 bits.
        let key = "kQ3vZ8pL1xR7mN2bT9wY4cH6jF0aS5dGuE3rT6yU8iO";
        assert!((bits(key) - 256.0).abs() < 1.0, "{}", bits(key));
        assert_eq!(weakness(key), None);
        // 32 hex digits: 128 bits exactly, the minimum.
        assert_eq!(bits("3fa9c2e1b7d04f6a8e2c9b1d5f7a3e60"), 128.0);
        assert_eq!(weakness("3fa9c2e1b7d04f6a8e2c9b1d5f7a3e60"), None);
    }

    #[test]
    fn short_repetitive_default_and_example_values_are_weak() {
        assert!(weakness("hunter2x").unwrap().contains("bits"));
        assert!(weakness(&"a".repeat(40)).unwrap().contains("bits"));
        assert!(weakness(&"ab".repeat(30)).unwrap().contains("bits"));
        assert_eq!(
            weakness("ChangeMe").unwrap(),
            "a default or placeholder value"
        );
        assert_eq!(
            weakness("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap(),
            "a documented example key"
        );
        assert!(is_placeholder("your-api-key-here"));
        assert!(!is_placeholder("kQ3vZ8pL1xR7"));
    }
}
