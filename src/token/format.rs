//! A token format: prefix, alphabet, body length and optional checksum. The same value both
//! generates tokens and builds the regex that recognises them, so keys made with
//! `tokhyg generate --prefix P --checksum` are found by `tokhyg scan` with no false positives.

use super::alphabet::Alphabet;
use super::checksum::Checksum;
use super::draw::CharDrawer;
use rand::CryptoRng;

/// A structured token format. `length` counts the random body only; the checksum tail (if any)
/// follows it, and the prefix precedes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenFormat {
    /// Literal text every token starts with, such as `ghp_` or `sk_live_`.
    pub prefix: String,
    /// The characters of the random body.
    pub alphabet: Alphabet,
    /// Number of random body characters.
    pub length: usize,
    /// Checksum tail appended after the body, if any.
    pub checksum: Option<Checksum>,
}

impl TokenFormat {
    /// Total length in characters of a token: prefix, body and checksum tail.
    pub fn total_len(&self) -> usize {
        self.prefix.chars().count() + self.length + self.checksum.map_or(0, |c| c.tail_len())
    }

    /// Entropy in bits of the random body (the checksum and prefix add none).
    pub fn entropy_bits(&self) -> f64 {
        self.length as f64 * self.alphabet.bits_per_char()
    }

    /// Draws a token from a cryptographically secure generator (`&mut rand::rng()`): every
    /// body character uniformly and independently from the alphabet, with no modulo bias (see
    /// [`super::sample`]), then the checksum of the body.
    pub fn generate<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> String {
        let drawer = CharDrawer::new(self.alphabet.clone())
            .expect("a validated alphabet has between 2 and 2^32 - 1 characters");
        let mut token = String::with_capacity(self.total_len() * 4);
        token.push_str(&self.prefix);
        let body_start = token.len();
        drawer.append(rng, self.length, &mut token);
        if let Some(checksum) = self.checksum {
            checksum.append_tail(&mut token, body_start);
        }
        token
    }

    /// Regex source matching one token of this format (no anchors, no boundaries: the caller
    /// adds what its context needs). The whole match is the token.
    pub fn regex_source(&self) -> String {
        let body = self.alphabet.regex_class();
        let tail = match self.checksum {
            Some(Checksum::Crc32Base62) => {
                format!("[0-9A-Za-z]{{{}}}", Checksum::Crc32Base62.tail_len())
            }
            None => String::new(),
        };
        format!(
            "{}{}{{{}}}{}",
            regex::escape(&self.prefix),
            body,
            self.length,
            tail
        )
    }

    /// True when `token` is a token of this format: right prefix, right length, body drawn
    /// from the alphabet and, if the format has one, a correct checksum.
    pub fn verify(&self, token: &str) -> bool {
        let Some(rest) = token.strip_prefix(self.prefix.as_str()) else {
            return false;
        };
        let tail_len = self.checksum.map_or(0, |c| c.tail_len());
        let chars: Vec<char> = rest.chars().collect();
        if chars.len() != self.length + tail_len {
            return false;
        }
        if !chars[..self.length]
            .iter()
            .all(|&c| self.alphabet.contains(c))
        {
            return false;
        }
        match self.checksum {
            Some(checksum) => checksum.verify(rest.as_bytes()),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn github_classic() -> TokenFormat {
        TokenFormat {
            prefix: "ghp_".into(),
            alphabet: Alphabet::named("base62").unwrap(),
            length: 30,
            checksum: Some(Checksum::Crc32Base62),
        }
    }

    #[test]
    fn generated_tokens_verify_and_match_the_regex() {
        let format = github_classic();
        let re = regex::Regex::new(&format!("^{}$", format.regex_source())).unwrap();
        let mut rng = rand::rng();
        for _ in 0..1000 {
            let token = format.generate(&mut rng);
            assert_eq!(token.len(), 40);
            assert!(format.verify(&token), "{token}");
            assert!(re.is_match(&token), "{token}");
        }
    }

    #[test]
    fn a_changed_character_fails_the_checksum() {
        let format = github_classic();
        let token = format.generate(&mut rand::rng());
        let mut bytes = token.into_bytes();
        bytes[10] = if bytes[10] == b'a' { b'b' } else { b'a' };
        assert!(!format.verify(&String::from_utf8(bytes).unwrap()));
    }
}
