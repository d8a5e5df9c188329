//! Alphabets: the set of characters a token's random body is drawn from.
//!
//! Named alphabets cover the usual encodings; character classes (lower, upper, digits, symbols)
//! combine into one; a custom alphabet is validated so that every character is distinct and
//! visible, since a duplicate would silently bias the draw.

use std::collections::HashSet;
use std::fmt;
use thiserror::Error;

/// Lower-case ASCII letters.
pub const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
/// Upper-case ASCII letters.
pub const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// ASCII digits.
pub const DIGITS: &str = "0123456789";
/// The symbol class of `--symbols`.
pub const SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|;:,.<>?";

/// Look-alike characters that `--no-ambiguous` drops: zero and the letter O (both cases), one,
/// lower-case L, upper-case i and the bar, and the quote characters that are easy to confuse
/// with each other or with an apostrophe when a key is read aloud or retyped.
pub const AMBIGUOUS: &str = "0Oo1lI|`'\"";

/// A character class that `--lower`, `--upper`, `--digits` and `--symbols` choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CharClass {
    /// `a-z`.
    Lower,
    /// `A-Z`.
    Upper,
    /// `0-9`.
    Digits,
    /// The characters of [`SYMBOLS`].
    Symbols,
}

impl CharClass {
    /// The classes whose switch is on, in [`CharClass::ALL`]'s order: what `--lower`,
    /// `--upper`, `--digits`, `--symbols` (and the interactive toggles) choose.
    pub fn chosen(lower: bool, upper: bool, digits: bool, symbols: bool) -> Vec<CharClass> {
        CharClass::ALL
            .into_iter()
            .zip([lower, upper, digits, symbols])
            .filter_map(|(class, on)| on.then_some(class))
            .collect()
    }

    /// Every class, in the order alphabets built from classes list them.
    pub const ALL: [CharClass; 4] = [
        CharClass::Lower,
        CharClass::Upper,
        CharClass::Digits,
        CharClass::Symbols,
    ];

    /// The class's characters.
    pub fn chars(self) -> &'static str {
        match self {
            CharClass::Lower => LOWER,
            CharClass::Upper => UPPER,
            CharClass::Digits => DIGITS,
            CharClass::Symbols => SYMBOLS,
        }
    }

    /// The class's name, as its command-line flag spells it.
    pub fn name(self) -> &'static str {
        match self {
            CharClass::Lower => "lower",
            CharClass::Upper => "upper",
            CharClass::Digits => "digits",
            CharClass::Symbols => "symbols",
        }
    }

    /// The class's characters, without [`AMBIGUOUS`] ones when `no_ambiguous` is set.
    pub fn members(self, no_ambiguous: bool) -> impl Iterator<Item = char> {
        self.chars()
            .chars()
            .filter(move |&c| !(no_ambiguous && AMBIGUOUS.contains(c)))
    }
}

/// Why an alphabet was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum AlphabetError {
    /// Fewer than two distinct characters carry no randomness.
    #[error("an alphabet needs at least 2 characters, this one has {0}")]
    TooSmall(usize),
    /// A repeated character would be drawn twice as often as the others.
    #[error("the alphabet repeats `{0}`: every character must appear once")]
    Duplicate(char),
    /// Whitespace and control characters do not survive copy, paste and config files.
    #[error("the alphabet contains whitespace or a control character ({0:?})")]
    Invisible(char),
    /// A name that is not one of [`Alphabet::NAMES`].
    #[error("unknown alphabet `{0}` (known: {known})", known = Alphabet::NAMES.join(", "))]
    UnknownName(String),
}

/// A validated, ordered set of distinct visible characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Alphabet {
    name: String,
    chars: Vec<char>,
}

impl Alphabet {
    /// The names [`Alphabet::named`] accepts.
    pub const NAMES: &'static [&'static str] = &[
        "base62",
        "alphanumeric",
        "hex",
        "HEX",
        "base64",
        "base64url",
        "base58",
        "base32",
        "crockford32",
        "lower",
        "upper",
        "digits",
    ];

    /// One of the named alphabets (see [`Alphabet::NAMES`]).
    pub fn named(name: &str) -> Result<Self, AlphabetError> {
        let chars: String = match name {
            "base62" | "alphanumeric" => [UPPER, LOWER, DIGITS].concat(),
            "hex" => "0123456789abcdef".into(),
            "HEX" => "0123456789ABCDEF".into(),
            "base64" => [UPPER, LOWER, DIGITS, "+/"].concat(),
            "base64url" => [UPPER, LOWER, DIGITS, "-_"].concat(),
            "base58" => "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".into(),
            "base32" => [UPPER, "234567"].concat(),
            "crockford32" => "0123456789ABCDEFGHJKMNPQRSTVWXYZ".into(),
            "lower" => LOWER.into(),
            "upper" => UPPER.into(),
            "digits" => DIGITS.into(),
            other => return Err(AlphabetError::UnknownName(other.to_string())),
        };
        let canonical = if name == "alphanumeric" {
            "base62"
        } else {
            name
        };
        Self::with_name(canonical, &chars)
    }

    /// A user-given alphabet; refuses duplicates, whitespace, control characters and sets of
    /// fewer than two characters.
    pub fn custom(chars: &str) -> Result<Self, AlphabetError> {
        Self::with_name("custom", chars)
    }

    /// The union of distinct character classes, listed in [`CharClass::ALL`] order whatever the
    /// order of `classes`, without look-alikes when `no_ambiguous` is set. Named `base62` when
    /// the classes are exactly lower, upper and digits, else by its classes (`lower+digits`),
    /// with a ` without look-alikes` suffix when `no_ambiguous` is set.
    pub fn from_classes(classes: &[CharClass], no_ambiguous: bool) -> Result<Self, AlphabetError> {
        let mut sorted = classes.to_vec();
        sorted.sort();
        sorted.dedup();
        let mut name = if sorted == [CharClass::Lower, CharClass::Upper, CharClass::Digits] {
            "base62".to_string()
        } else {
            sorted
                .iter()
                .map(|c| c.name())
                .collect::<Vec<_>>()
                .join("+")
        };
        if no_ambiguous {
            name.push_str(" without look-alikes");
        }
        let chars: String = sorted
            .iter()
            .flat_map(|c| c.members(no_ambiguous))
            .collect();
        Self::with_name(&name, &chars)
    }

    /// This alphabet without its [`AMBIGUOUS`] characters, named with a ` without look-alikes`
    /// suffix; refused when fewer than two characters remain.
    pub fn without_ambiguous(&self) -> Result<Self, AlphabetError> {
        let chars: String = self
            .chars
            .iter()
            .filter(|&&c| !AMBIGUOUS.contains(c))
            .collect();
        Self::with_name(&format!("{} without look-alikes", self.name), &chars)
    }

    /// The characters as bytes when they are all ASCII (every named alphabet), which lets the
    /// generator write a token without UTF-8 encoding each character.
    pub fn ascii_bytes(&self) -> Option<Vec<u8>> {
        self.chars
            .iter()
            .map(|&c| u8::try_from(c).ok().filter(u8::is_ascii))
            .collect()
    }

    fn with_name(name: &str, chars: &str) -> Result<Self, AlphabetError> {
        let mut seen = HashSet::new();
        let mut list = Vec::new();
        for c in chars.chars() {
            if c.is_whitespace() || c.is_control() {
                return Err(AlphabetError::Invisible(c));
            }
            if !seen.insert(c) {
                return Err(AlphabetError::Duplicate(c));
            }
            list.push(c);
        }
        if list.len() < 2 {
            return Err(AlphabetError::TooSmall(list.len()));
        }
        Ok(Alphabet {
            name: name.to_string(),
            chars: list,
        })
    }

    /// The alphabet's name (`custom` for user-given ones).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The characters, in a fixed order.
    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    /// Number of distinct characters.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Always false: a valid alphabet has at least two characters.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// True when `c` belongs to the alphabet.
    pub fn contains(&self, c: char) -> bool {
        self.chars.contains(&c)
    }

    /// Bits of entropy each uniformly drawn character carries: log2 of the size.
    pub fn bits_per_char(&self) -> f64 {
        (self.chars.len() as f64).log2()
    }

    /// A regex character class (`[...]`) matching exactly the alphabet's characters.
    pub fn regex_class(&self) -> String {
        let mut class = String::from("[");
        for &c in &self.chars {
            // regex::escape escapes every character that is special inside a class too.
            class.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
        }
        class.push(']');
        class
    }
}

impl fmt::Display for Alphabet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} characters)", self.name, self.chars.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_alphabets_have_their_documented_sizes() {
        for (name, size) in [
            ("base62", 62),
            ("hex", 16),
            ("HEX", 16),
            ("base64", 64),
            ("base64url", 64),
            ("base58", 58),
            ("base32", 32),
            ("crockford32", 32),
        ] {
            assert_eq!(Alphabet::named(name).unwrap().len(), size, "{name}");
        }
    }

    #[test]
    fn custom_alphabets_refuse_duplicates_whitespace_and_tiny_sets() {
        assert_eq!(Alphabet::custom("abca"), Err(AlphabetError::Duplicate('a')));
        assert_eq!(Alphabet::custom("ab c"), Err(AlphabetError::Invisible(' ')));
        assert_eq!(Alphabet::custom("a"), Err(AlphabetError::TooSmall(1)));
        assert_eq!(Alphabet::custom("ab").unwrap().len(), 2);
    }

    #[test]
    fn classes_combine_in_a_fixed_order_and_drop_look_alikes() {
        let all = Alphabet::from_classes(&CharClass::ALL, false).unwrap();
        assert_eq!(all.len(), 26 + 26 + 10 + 26);
        assert_eq!(all.name(), "lower+upper+digits+symbols");
        let reversed = Alphabet::from_classes(
            &[CharClass::Digits, CharClass::Lower, CharClass::Digits],
            false,
        )
        .unwrap();
        assert_eq!(reversed.name(), "lower+digits");
        assert_eq!(reversed.chars().first(), Some(&'a'));
        let base62 = Alphabet::from_classes(
            &[CharClass::Upper, CharClass::Digits, CharClass::Lower],
            false,
        )
        .unwrap();
        assert_eq!(base62.name(), "base62");
        let named: HashSet<char> = Alphabet::named("base62")
            .unwrap()
            .chars()
            .iter()
            .copied()
            .collect();
        assert_eq!(
            base62.chars().iter().copied().collect::<HashSet<_>>(),
            named
        );

        let clear = Alphabet::from_classes(&CharClass::ALL, true).unwrap();
        for c in "0Oo1lI|".chars() {
            assert!(all.contains(c) && !clear.contains(c), "{c}");
        }
        // 0 O o 1 l I | are the look-alikes present in the four classes.
        assert_eq!(clear.len(), all.len() - 7);
        assert_eq!(
            clear.name(),
            "lower+upper+digits+symbols without look-alikes"
        );
    }

    #[test]
    fn without_ambiguous_filters_any_alphabet_and_refuses_what_is_left_too_small() {
        let custom = Alphabet::custom("ab'\"`0x")
            .unwrap()
            .without_ambiguous()
            .unwrap();
        assert_eq!(custom.chars(), ['a', 'b', 'x']);
        assert_eq!(
            Alphabet::custom("0O1x").unwrap().without_ambiguous(),
            Err(AlphabetError::TooSmall(1))
        );
    }

    #[test]
    fn ascii_bytes_only_for_ascii_alphabets() {
        assert_eq!(
            Alphabet::custom("ab").unwrap().ascii_bytes(),
            Some(b"ab".to_vec())
        );
        assert_eq!(Alphabet::custom("aé").unwrap().ascii_bytes(), None);
    }

    #[test]
    fn regex_class_matches_exactly_the_alphabet() {
        for name in Alphabet::NAMES {
            let alphabet = Alphabet::named(name).unwrap();
            let re = regex::Regex::new(&format!("^{}$", alphabet.regex_class())).unwrap();
            for code in 0x20u8..0x7f {
                let c = code as char;
                assert_eq!(
                    re.is_match(&c.to_string()),
                    alphabet.contains(c),
                    "{name} {c:?}"
                );
            }
        }
        let symbols = Alphabet::custom(SYMBOLS).unwrap();
        let re = regex::Regex::new(&format!("^{}+$", symbols.regex_class())).unwrap();
        assert!(re.is_match(SYMBOLS));
        assert!(!re.is_match("a"));
    }
}
