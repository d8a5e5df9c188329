//! Shannon entropy of a byte string, in bits per character.
//!
//! The scanner uses it to tell a random-looking secret (`min_entropy` in a rule) from a word, a
//! path or a run of one repeated character. It is a property of the observed string, not of the
//! generator that made it: a 43-character base62 token scores about 5 bits per character, while
//! `passwordpassword` scores under 3.

/// Shannon entropy of the byte frequencies of `bytes`, in bits per byte (character): 0 for an
/// empty string or one repeated byte, at most `log2(len)` and at most 8.
pub fn shannon(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let total = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = f64::from(n) / total;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::shannon;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn empty_and_constant_strings_have_no_entropy() {
        assert_eq!(shannon(b""), 0.0);
        assert_eq!(shannon(b"a"), 0.0);
        assert_eq!(shannon(b"xxxxxxxxxxxx"), 0.0);
    }

    #[test]
    fn equally_frequent_symbols_give_log2_of_their_number() {
        assert!(close(shannon(b"ab"), 1.0));
        assert!(close(shannon(b"abababab"), 1.0));
        assert!(close(shannon(b"abcd"), 2.0));
        assert!(close(shannon(b"0123456789abcdef"), 4.0));
        let all: Vec<u8> = (0..=255).collect();
        assert!(close(shannon(&all), 8.0));
    }

    #[test]
    fn skewed_frequencies_follow_the_formula() {
        // p = 3/4, 1/4: -(0.75 log2 0.75 + 0.25 log2 0.25) = 0.811278...
        let expected = -(0.75f64 * 0.75f64.log2() + 0.25 * 0.25f64.log2());
        assert!(close(shannon(b"aaab"), expected));
        assert!((shannon(b"aaab") - 0.811_278_124_459_132_8).abs() < 1e-12);
    }

    #[test]
    fn a_word_scores_lower_than_a_random_token() {
        assert!(shannon(b"passwordpassword") < 3.0);
        assert!(shannon(b"kQ3vZ8pL1xR7mN2bT9wY4cH6jF0aS5dG") > 4.5);
    }
}
