//! From what the user asked for (character set, size, prefix, checksum) to a [`Generator`] that
//! draws such tokens, knows their exact strength, and refuses requests that make no sense with
//! an error that names the flag to change.

use super::alphabet::{Alphabet, AlphabetError, CharClass};
use super::checksum::Checksum;
use super::draw::CharDrawer;
use super::each_class::{ClassMap, log2_qualifying};
use super::encode::ByteEncoding;
use super::format::TokenFormat;
use super::id;
use super::key_shape;
use rand::CryptoRng;
use std::fmt;
use thiserror::Error;

/// Shortest token body, in characters.
pub const MIN_LENGTH: usize = 4;
/// Longest token body, in characters.
pub const MAX_LENGTH: usize = 1024;
/// Entropy below which a key is weak (and `generate` warns): the accepted minimum for a key.
pub const MIN_SECURE_BITS: f64 = 128.0;
/// Size when none is asked for.
pub const DEFAULT_BITS: u32 = 256;
/// Longest accepted `--prefix`.
pub const MAX_PREFIX_LEN: usize = 64;

/// A named format of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `A-Za-z0-9` (also called alphanumeric).
    Base62,
    /// `0-9a-f`; a byte encoding.
    Hex,
    /// `0-9A-F`; a byte encoding.
    HexUpper,
    /// `A-Za-z0-9+/`; a byte encoding (padded with `=` for `--bytes`).
    Base64,
    /// `A-Za-z0-9-_`; a byte encoding (unpadded).
    Base64Url,
    /// Bitcoin's base58: alphanumerics without `0 O I l`.
    Base58,
    /// RFC 4648 `A-Z2-7`; a byte encoding (padded with `=` for `--bytes`).
    Base32,
    /// Crockford's base32: `0-9` and upper case without `I L O U`.
    Crockford32,
    /// A version 4 UUID.
    Uuid,
    /// A ULID: millisecond timestamp and 80 random bits.
    Ulid,
}

impl Format {
    /// The format's name, as `--format` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Base62 => "base62",
            Format::Hex => "hex",
            Format::HexUpper => "HEX",
            Format::Base64 => "base64",
            Format::Base64Url => "base64url",
            Format::Base58 => "base58",
            Format::Base32 => "base32",
            Format::Crockford32 => "crockford32",
            Format::Uuid => "uuid",
            Format::Ulid => "ulid",
        }
    }

    /// The byte encoding of the same name, for the formats `--bytes` accepts.
    pub fn byte_encoding(self) -> Option<ByteEncoding> {
        match self {
            Format::Hex => Some(ByteEncoding::Hex),
            Format::HexUpper => Some(ByteEncoding::HexUpper),
            Format::Base64 => Some(ByteEncoding::Base64),
            Format::Base64Url => Some(ByteEncoding::Base64Url),
            Format::Base32 => Some(ByteEncoding::Base32),
            _ => None,
        }
    }
}

/// The characters a token is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Charset {
    /// Nothing asked: base62, or lower+upper+digits when `--no-ambiguous`/`--each-class` need
    /// classes.
    Default,
    /// `--format NAME`.
    Named(Format),
    /// `--alphabet CHARS`.
    Custom(String),
    /// `--lower`, `--upper`, `--digits`, `--symbols` (at least one).
    Classes(Vec<CharClass>),
}

/// How big the token should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// `--length N`: characters of random body.
    Length(usize),
    /// `--bits B`: the shortest body with at least B bits of entropy.
    Bits(u32),
    /// `--bytes N`: N random bytes in a byte encoding.
    Bytes(usize),
}

/// What the user asked `generate` for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The characters.
    pub charset: Charset,
    /// `--no-ambiguous`: drop look-alike characters.
    pub no_ambiguous: bool,
    /// `--each-class`: at least one character of every class.
    pub each_class: bool,
    /// The size; `None` means [`DEFAULT_BITS`] bits.
    pub size: Option<Size>,
    /// `--prefix P`.
    pub prefix: Option<String>,
    /// `--checksum`: append the `crc32-base62` of the body. Any body alphabet works (the tail
    /// is always base62), but token rules for checksummed keys expect a base62 body.
    pub checksum: bool,
}

impl Default for Request {
    /// One 256-bit base62 token.
    fn default() -> Self {
        Request {
            charset: Charset::Default,
            no_ambiguous: false,
            each_class: false,
            size: None,
            prefix: None,
            checksum: false,
        }
    }
}

/// Why a request cannot be generated. Messages name the flag to change.
#[derive(Debug, Error, PartialEq)]
pub enum SpecError {
    /// The custom alphabet is invalid, or `--no-ambiguous` left too little of it.
    #[error("--alphabet: {0}")]
    Alphabet(AlphabetError),
    /// `--bytes` with a format that is not a byte encoding.
    #[error(
        "--bytes works only with the byte encodings (--format hex, HEX, base64, base64url or \
         base32), not with {0}: use --length or --bits"
    )]
    NotByteEncoding(String),
    /// A size flag with a fixed-size format.
    #[error("--format {0} has a fixed size: drop --length, --bits and --bytes")]
    FixedSize(&'static str),
    /// A size flag with a fixed-size format.
    #[error("--format {0} is a fixed layout: --no-ambiguous and --each-class do not apply")]
    FixedLayout(&'static str),
    /// The body would be shorter or longer than allowed.
    #[error(
        "{asked} makes a token of {length} characters, but the length must be {MIN_LENGTH} to \
         {MAX_LENGTH}"
    )]
    LengthOutOfRange {
        /// What the user asked, e.g. `--bits 16`.
        asked: String,
        /// The resulting length.
        length: usize,
    },
    /// `--bits 0`.
    #[error("--bits must be at least 1")]
    ZeroBits,
    /// `--each-class` without classes to cover.
    #[error(
        "--each-class needs character classes (--lower, --upper, --digits, --symbols, or none for \
         lower+upper+digits), not --format or --alphabet"
    )]
    EachClassNeedsClasses,
    /// `--no-ambiguous` with a named format.
    #[error(
        "--no-ambiguous applies to character classes and --alphabet, not to --format {0}; \
         base58 and crockford32 are formats without look-alikes"
    )]
    NoAmbiguousWithFormat(&'static str),
    /// `--each-class` with fewer characters than classes.
    #[error(
        "--each-class with {classes} classes needs at least {classes} characters, but the length \
         is {length}"
    )]
    EachClassTooShort {
        /// Number of classes to cover.
        classes: usize,
        /// The body length.
        length: usize,
    },
    /// `--checksum` on a token whose body or missing prefix `scan`'s `tokhyg-key` rule could not
    /// find: `scan` must report every key `generate --checksum` makes.
    #[error("--checksum: {0}")]
    Unfindable(&'static str),
    /// An empty prefix, or one with a character other than letters, digits, `_` and `-`.
    #[error(
        "--prefix {prefix:?}: a prefix is 1 to {MAX_PREFIX_LEN} ASCII letters, digits, `_` or `-`"
    )]
    BadPrefix {
        /// The refused prefix.
        prefix: String,
    },
    /// `--checksum` with a prefix whose keys `scan`'s built-in `tokhyg-key` rule cannot find.
    #[error(
        "--prefix {prefix:?} with --checksum: {reason}; scan would not recognise these keys. Use \
         1 to {max_segments} parts of 1 to {max_segment_len} letters or digits, each followed by \
         `_` or `-` (e.g. acme_live_)",
        max_segments = key_shape::MAX_SEGMENTS,
        max_segment_len = key_shape::MAX_SEGMENT_LEN
    )]
    UnrecognisedKeyPrefix {
        /// The refused prefix.
        prefix: String,
        /// What about it the rule cannot read.
        reason: String,
    },
}

/// Draws tokens of one requested kind and describes them.
#[derive(Debug, Clone)]
pub struct Generator {
    prefix: String,
    body: Body,
    checksum: Option<Checksum>,
    name: String,
    body_len: usize,
    bits: f64,
    each_class: bool,
}

#[derive(Debug, Clone)]
enum Body {
    Chars {
        drawer: CharDrawer,
        length: usize,
    },
    Bytes {
        encoding: ByteEncoding,
        count: usize,
    },
    Uuid,
    Ulid,
}

impl Generator {
    /// Checks `request` and prepares to generate it.
    pub fn new(request: &Request) -> Result<Self, SpecError> {
        let prefix = match &request.prefix {
            Some(prefix) => valid_prefix(prefix)?,
            None => String::new(),
        };
        if request.checksum
            && !prefix.is_empty()
            && let Some(reason) = key_shape::checksummed_prefix_problem(&prefix)
        {
            return Err(SpecError::UnrecognisedKeyPrefix { prefix, reason });
        }
        let (body, name, body_len, bits) = plan_body(request)?;
        if request.checksum {
            findable_with_checksum(&prefix, &body, body_len)?;
        }
        Ok(Generator {
            prefix,
            body,
            checksum: request.checksum.then_some(Checksum::Crc32Base62),
            name,
            body_len,
            bits,
            each_class: request.each_class,
        })
    }

    /// Appends one new token to `out`: prefix, random body, checksum tail.
    pub fn append_token<R: CryptoRng + ?Sized>(&self, rng: &mut R, out: &mut String) {
        out.push_str(&self.prefix);
        let body_start = out.len();
        match &self.body {
            Body::Chars { drawer, length } => drawer.append(rng, *length, out),
            Body::Bytes { encoding, count } => encoding.append_random(rng, *count, out),
            Body::Uuid => id::uuid_v4_into(rng, out),
            Body::Ulid => id::ulid_into(rng, out),
        }
        if let Some(checksum) = self.checksum {
            checksum.append_tail(out, body_start);
        }
    }

    /// One new token.
    pub fn token<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> String {
        let mut out = String::with_capacity(self.token_len() * 4);
        self.append_token(rng, &mut out);
        out
    }

    /// Entropy of a token in bits: of the random body only (prefix and checksum add none),
    /// exact for `--each-class`.
    pub fn bits(&self) -> f64 {
        self.bits
    }

    /// True below [`MIN_SECURE_BITS`].
    pub fn is_weak(&self) -> bool {
        self.bits < MIN_SECURE_BITS
    }

    /// Characters in a whole token: prefix, body and checksum tail.
    pub fn token_len(&self) -> usize {
        self.prefix.len() + self.body_len + self.checksum.map_or(0, |c| c.tail_len())
    }

    /// Characters of the body (what `--length` counts).
    pub fn body_len(&self) -> usize {
        self.body_len
    }

    /// Name of the body's format or alphabet (`base62`, `hex`, `custom`, `lower+digits`, `uuid`).
    pub fn format_name(&self) -> &str {
        &self.name
    }

    /// The prefix, empty when none was asked for.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The checksum scheme, if any.
    pub fn checksum(&self) -> Option<Checksum> {
        self.checksum
    }

    /// The structured format of these tokens, which `scan` can recognise, when the body is
    /// plain characters drawn from one alphabet (not byte encodings, UUIDs or ULIDs).
    pub fn token_format(&self) -> Option<TokenFormat> {
        match &self.body {
            Body::Chars { drawer, length } => Some(TokenFormat {
                prefix: self.prefix.clone(),
                alphabet: drawer.alphabet().clone(),
                length: *length,
                checksum: self.checksum,
            }),
            _ => None,
        }
    }

    /// The classes every body covers (`--each-class`), when the body is drawn characters.
    pub fn body_classes(&self) -> Option<&ClassMap> {
        match &self.body {
            Body::Chars { drawer, .. } => drawer.classes(),
            _ => None,
        }
    }

    /// One line describing the tokens' strength, e.g. `256.0 bits, base62, 43 chars`.
    pub fn strength(&self) -> String {
        self.strength_at(self.bits)
    }

    /// [`Generator::strength`] for tokens redrawn down to a subset of `bits` bits of entropy
    /// (`--into` keeps only tokens a `.env` file can hold).
    pub fn strength_at(&self, bits: f64) -> String {
        let mut line = format!("{} bits, {}", format_bits(bits), self.name);
        if self.each_class {
            line.push_str(" (each class)");
        }
        if let Body::Bytes { count, .. } = self.body {
            line.push_str(&format!(" of {count} random bytes"));
        }
        line.push_str(&format!(", {} chars", self.token_len()));
        let mut extras = Vec::new();
        if !self.prefix.is_empty() {
            extras.push(format!("prefix {}", self.prefix));
        }
        if self.checksum.is_some() {
            extras.push("crc32-base62 checksum".to_string());
        }
        if !extras.is_empty() {
            line.push_str(&format!(" ({})", extras.join(", ")));
        }
        line
    }
}

impl fmt::Display for Generator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.strength())
    }
}

/// Bits with one decimal, rounded down so that a figure never overstates the strength (127.96
/// bits shows as 127.9, not as 128.0), and whole numbers without decimals.
pub fn format_bits(bits: f64) -> String {
    if (bits - bits.round()).abs() < 1e-9 {
        format!("{}", bits.round())
    } else {
        format!("{:.1}", (bits * 10.0).floor() / 10.0)
    }
}

/// Shortest body `--checksum` accepts: the `tokhyg-key` rule wakes on a run of 22 base62
/// characters, body and 6-character checksum.
pub const MIN_CHECKSUM_BODY: usize = 16;

/// Refuses a checksummed token the `tokhyg-key` rule (rules/tokhyg.yaml) could not find for a
/// reason other than its prefix's shape (see [`key_shape`]): no prefix at all, a body that is
/// not a run of letters and digits, or one too short for the rule to look at.
fn findable_with_checksum(prefix: &str, body: &Body, body_len: usize) -> Result<(), SpecError> {
    if prefix.is_empty() {
        return Err(SpecError::Unfindable(
            "give a --prefix ending in `_` or `-` (such as acme_live_): scan tells a key's \
             prefix from its body by that separator",
        ));
    }
    let base62_body = match body {
        Body::Chars { drawer, .. } => drawer
            .alphabet()
            .chars()
            .iter()
            .all(char::is_ascii_alphanumeric),
        Body::Bytes { encoding, .. } => {
            matches!(encoding, ByteEncoding::Hex | ByteEncoding::HexUpper)
        }
        Body::Ulid => true,
        Body::Uuid => false,
    };
    if !base62_body {
        return Err(SpecError::Unfindable(
            "the body must be letters and digits only (the default, --format hex, base58, \
             crockford32, ulid, or such an --alphabet): scan finds the checksum at the end of a \
             run of them",
        ));
    }
    if body_len < MIN_CHECKSUM_BODY {
        return Err(SpecError::Unfindable(
            "the body must be at least 16 characters: shorter runs are everywhere in code, so \
             scan does not look at them",
        ));
    }
    Ok(())
}

fn valid_prefix(prefix: &str) -> Result<String, SpecError> {
    let ok = !prefix.is_empty()
        && prefix.len() <= MAX_PREFIX_LEN
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(prefix.to_string())
    } else {
        Err(SpecError::BadPrefix {
            prefix: prefix.to_string(),
        })
    }
}

/// The body, its name, its length in characters and its entropy in bits.
fn plan_body(request: &Request) -> Result<(Body, String, usize, f64), SpecError> {
    if request.size == Some(Size::Bits(0)) {
        return Err(SpecError::ZeroBits);
    }
    let classes: Vec<CharClass> = match &request.charset {
        Charset::Named(format) => return plan_named(*format, request),
        Charset::Custom(chars) => return plan_custom(chars, request),
        Charset::Default if !request.no_ambiguous && !request.each_class => {
            let alphabet = Alphabet::named("base62").map_err(SpecError::Alphabet)?;
            return plan_chars(alphabet, None, request);
        }
        Charset::Default => vec![CharClass::Lower, CharClass::Upper, CharClass::Digits],
        Charset::Classes(classes) => classes.clone(),
    };
    let alphabet =
        Alphabet::from_classes(&classes, request.no_ambiguous).map_err(SpecError::Alphabet)?;
    let cover = request
        .each_class
        .then(|| class_partition(&alphabet, &classes));
    plan_chars(alphabet, cover, request)
}

fn plan_named(format: Format, request: &Request) -> Result<(Body, String, usize, f64), SpecError> {
    let name = format.name();
    if request.each_class {
        return Err(match format {
            Format::Uuid | Format::Ulid => SpecError::FixedLayout(name),
            _ => SpecError::EachClassNeedsClasses,
        });
    }
    if request.no_ambiguous {
        return Err(match format {
            Format::Uuid | Format::Ulid => SpecError::FixedLayout(name),
            _ => SpecError::NoAmbiguousWithFormat(name),
        });
    }
    match (format, request.size) {
        (Format::Uuid, None) => Ok((
            Body::Uuid,
            name.into(),
            id::UUID_LEN,
            f64::from(id::UUID_RANDOM_BITS),
        )),
        (Format::Ulid, None) => Ok((
            Body::Ulid,
            name.into(),
            id::ULID_LEN,
            f64::from(id::ULID_RANDOM_BITS),
        )),
        (Format::Uuid | Format::Ulid, Some(_)) => Err(SpecError::FixedSize(name)),
        (_, Some(Size::Bytes(count))) => {
            let encoding = format
                .byte_encoding()
                .ok_or_else(|| SpecError::NotByteEncoding(name.to_string()))?;
            let length = encoding.encoded_len(count);
            check_length(length, || format!("--bytes {count} in {name}"))?;
            let bits = 8.0 * count as f64;
            Ok((Body::Bytes { encoding, count }, name.into(), length, bits))
        }
        _ => {
            let alphabet = Alphabet::named(name).map_err(SpecError::Alphabet)?;
            plan_chars(alphabet, None, request)
        }
    }
}

fn plan_custom(chars: &str, request: &Request) -> Result<(Body, String, usize, f64), SpecError> {
    if request.each_class {
        return Err(SpecError::EachClassNeedsClasses);
    }
    let mut alphabet = Alphabet::custom(chars).map_err(SpecError::Alphabet)?;
    if request.no_ambiguous {
        alphabet = alphabet.without_ambiguous().map_err(SpecError::Alphabet)?;
    }
    plan_chars(alphabet, None, request)
}

/// Class sizes and the index-to-class map of an alphabet built by [`Alphabet::from_classes`].
fn class_partition(alphabet: &Alphabet, classes: &[CharClass]) -> (Vec<usize>, ClassMap) {
    let mut chosen = classes.to_vec();
    chosen.sort();
    chosen.dedup();
    let class_of: Vec<u8> = alphabet
        .chars()
        .iter()
        .map(|&c| {
            // Every character of a class-built alphabet belongs to exactly one chosen class.
            chosen
                .iter()
                .position(|class| class.chars().contains(c))
                .map_or(0, |i| i as u8)
        })
        .collect();
    let sizes = (0..chosen.len())
        .map(|i| class_of.iter().filter(|&&c| usize::from(c) == i).count())
        .collect();
    let map = ClassMap::new(class_of).expect("at most four classes");
    (sizes, map)
}

fn plan_chars(
    alphabet: Alphabet,
    cover: Option<(Vec<usize>, ClassMap)>,
    request: &Request,
) -> Result<(Body, String, usize, f64), SpecError> {
    let name = alphabet.name().to_string();
    let class_sizes = cover.as_ref().map(|(sizes, _)| sizes.clone());
    let bits_of = |length: usize| -> Option<f64> {
        match &class_sizes {
            Some(sizes) => log2_qualifying(sizes, length),
            None => Some(length as f64 * alphabet.bits_per_char()),
        }
    };
    let length = match request.size {
        Some(Size::Length(length)) => {
            check_length(length, || format!("--length {length}"))?;
            length
        }
        Some(Size::Bytes(_)) => return Err(SpecError::NotByteEncoding(name)),
        bits => {
            let wanted = f64::from(match bits {
                Some(Size::Bits(b)) => b,
                _ => DEFAULT_BITS,
            });
            let mut length = (wanted / alphabet.bits_per_char() - 1e-9).ceil().max(1.0) as usize;
            // With --each-class a token carries a little less than length * bits_per_char:
            // lengthen until the exact figure reaches the target.
            while bits_of(length).is_none_or(|b| b < wanted - 1e-9) && length <= MAX_LENGTH {
                length += 1;
            }
            check_length(length, || match request.size {
                Some(Size::Bits(b)) => format!("--bits {b} in {name}"),
                _ => format!("the default {DEFAULT_BITS} bits in {name}"),
            })?;
            length
        }
    };
    let drawer = CharDrawer::new(alphabet.clone())
        .map_err(|_| SpecError::Alphabet(AlphabetError::TooSmall(alphabet.len())))?;
    let (drawer, bits) = match cover {
        Some((sizes, map)) => {
            let bits = log2_qualifying(&sizes, length).ok_or(SpecError::EachClassTooShort {
                classes: sizes.len(),
                length,
            })?;
            (drawer.with_classes(map), bits)
        }
        None => (drawer, length as f64 * alphabet.bits_per_char()),
    };
    Ok((Body::Chars { drawer, length }, name, length, bits))
}

fn check_length(length: usize, asked: impl FnOnce() -> String) -> Result<(), SpecError> {
    if (MIN_LENGTH..=MAX_LENGTH).contains(&length) {
        Ok(())
    } else {
        Err(SpecError::LengthOutOfRange {
            asked: asked(),
            length,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::alphabet::SYMBOLS;

    fn generator(request: Request) -> Generator {
        Generator::new(&request).unwrap()
    }

    fn error(request: Request) -> SpecError {
        Generator::new(&request).unwrap_err()
    }

    fn classes(list: &[CharClass]) -> Charset {
        Charset::Classes(list.to_vec())
    }

    #[test]
    fn the_default_is_a_256_bit_base62_token_of_43_characters() {
        let g = generator(Request::default());
        assert_eq!(g.token_len(), 43);
        assert_eq!(g.format_name(), "base62");
        assert!((g.bits() - 43.0 * 62f64.log2()).abs() < 1e-9);
        assert_eq!(g.strength(), "256.0 bits, base62, 43 chars");
        let token = g.token(&mut rand::rng());
        assert_eq!(token.len(), 43);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn bits_pick_the_shortest_length_that_reaches_them() {
        let cases = [
            (Format::Hex, 256, 64),
            (Format::Base64Url, 256, 43),
            (Format::Base64, 128, 22),
            (Format::Base32, 160, 32),
            (Format::Base58, 128, 22),
            (Format::Base62, 129, 22),
            (Format::Base62, 130, 22),
            (Format::Base62, 131, 23),
        ];
        for (format, bits, length) in cases {
            let g = generator(Request {
                charset: Charset::Named(format),
                size: Some(Size::Bits(bits)),
                ..Request::default()
            });
            assert_eq!(g.body_len(), length, "{format:?} {bits}");
            assert!(g.bits() >= f64::from(bits), "{format:?} {bits}");
        }
    }

    #[test]
    fn bytes_are_encoded_with_their_exact_bit_count() {
        let g = generator(Request {
            charset: Charset::Named(Format::Hex),
            size: Some(Size::Bytes(32)),
            ..Request::default()
        });
        assert_eq!((g.token_len(), g.bits()), (64, 256.0));
        assert_eq!(g.strength(), "256 bits, hex of 32 random bytes, 64 chars");
        let token = g.token(&mut rand::rng());
        assert!(token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()));

        let g = generator(Request {
            charset: Charset::Named(Format::Base64),
            size: Some(Size::Bytes(32)),
            ..Request::default()
        });
        let token = g.token(&mut rand::rng());
        assert!(token.len() == 44 && token.ends_with('='), "{token}");
        for format in [Format::Base62, Format::Base58, Format::Crockford32] {
            let e = error(Request {
                charset: Charset::Named(format),
                size: Some(Size::Bytes(32)),
                ..Request::default()
            });
            assert_eq!(e, SpecError::NotByteEncoding(format.name().into()));
        }
        assert!(matches!(
            error(Request {
                size: Some(Size::Bytes(16)),
                ..Request::default()
            }),
            SpecError::NotByteEncoding(_)
        ));
    }

    #[test]
    fn lengths_outside_4_to_1024_are_refused_with_what_was_asked() {
        for size in [Size::Length(3), Size::Length(1025), Size::Bits(8)] {
            let e = error(Request {
                size: Some(size),
                ..Request::default()
            });
            assert!(matches!(e, SpecError::LengthOutOfRange { .. }), "{e}");
        }
        let e = error(Request {
            charset: Charset::Named(Format::Hex),
            size: Some(Size::Bytes(1)),
            ..Request::default()
        });
        assert_eq!(
            e.to_string(),
            "--bytes 1 in hex makes a token of 2 characters, but the length must be 4 to 1024"
        );
        assert_eq!(
            error(Request {
                size: Some(Size::Bits(0)),
                ..Request::default()
            }),
            SpecError::ZeroBits
        );
        for length in [4, 1024] {
            let g = generator(Request {
                size: Some(Size::Length(length)),
                ..Request::default()
            });
            assert_eq!(g.token(&mut rand::rng()).len(), length);
        }
    }

    #[test]
    fn weak_tokens_are_flagged_but_generated() {
        let g = generator(Request {
            size: Some(Size::Length(8)),
            ..Request::default()
        });
        assert!(g.is_weak());
        assert_eq!(g.token(&mut rand::rng()).len(), 8);
        assert!(!generator(Request::default()).is_weak());
    }

    #[test]
    fn classes_combine_and_each_class_reports_the_exact_smaller_entropy() {
        let all = classes(&CharClass::ALL);
        let g = generator(Request {
            charset: all.clone(),
            size: Some(Size::Length(32)),
            ..Request::default()
        });
        assert!((g.bits() - 32.0 * 88f64.log2()).abs() < 1e-9);
        let each = generator(Request {
            charset: all,
            size: Some(Size::Length(32)),
            each_class: true,
            ..Request::default()
        });
        let exact = log2_qualifying(&[26, 26, 10, 26], 32).unwrap();
        assert_eq!(each.bits(), exact);
        assert!(each.bits() < g.bits());
        assert!(each.strength().contains("(each class)"));
        let mut rng = rand::rng();
        for _ in 0..200 {
            let token = each.token(&mut rng);
            assert!(token.bytes().any(|b| b.is_ascii_lowercase()), "{token}");
            assert!(token.bytes().any(|b| b.is_ascii_uppercase()), "{token}");
            assert!(token.bytes().any(|b| b.is_ascii_digit()), "{token}");
            assert!(token.chars().any(|c| SYMBOLS.contains(c)), "{token}");
        }
    }

    #[test]
    fn each_class_with_bits_lengthens_until_the_exact_entropy_suffices() {
        let digits_symbols = |bits| {
            generator(Request {
                charset: classes(&[CharClass::Digits, CharClass::Symbols]),
                each_class: true,
                size: Some(Size::Bits(bits)),
                ..Request::default()
            })
        };
        // 4 chars: log2(36^4 - 26^4 - 10^4) = 20.21 bits, enough for 20.
        let g = digits_symbols(20);
        assert_eq!(g.body_len(), 4);
        let exact = (36f64.powi(4) - 26f64.powi(4) - 10f64.powi(4)).log2();
        assert!((g.bits() - exact).abs() < 1e-9);
        // 6 chars carry 31.02 bits unconstrained but only 30.80 with both classes required:
        // 31 bits need a seventh character.
        let g = digits_symbols(31);
        assert_eq!(g.body_len(), 7);
        assert!(g.bits() >= 31.0);
    }

    #[test]
    fn each_class_fits_all_four_classes_in_the_shortest_token() {
        // The minimum length (4) equals the largest number of classes (4): never impossible.
        let g = generator(Request {
            charset: classes(&CharClass::ALL),
            each_class: true,
            size: Some(Size::Length(4)),
            ..Request::default()
        });
        assert_eq!(g.body_len(), 4);
        let exact = (24.0 * 26f64.powi(3) * 10.0).log2();
        assert!(
            (g.bits() - exact).abs() < 1e-9,
            "4! * 26 * 26 * 10 * 26 tokens"
        );
        assert_eq!(
            error(Request {
                charset: Charset::Custom("abc".into()),
                each_class: true,
                ..Request::default()
            }),
            SpecError::EachClassNeedsClasses
        );
        assert_eq!(
            error(Request {
                charset: Charset::Named(Format::Hex),
                each_class: true,
                ..Request::default()
            }),
            SpecError::EachClassNeedsClasses
        );
    }

    #[test]
    fn no_ambiguous_drops_look_alikes_from_classes_and_custom_alphabets() {
        let g = generator(Request {
            no_ambiguous: true,
            size: Some(Size::Length(1024)),
            ..Request::default()
        });
        assert_eq!(g.format_name(), "base62 without look-alikes");
        let mut rng = rand::rng();
        let token = g.token(&mut rng);
        assert!(!token.contains(['0', 'O', 'o', '1', 'l', 'I']), "{token}");
        let g = generator(Request {
            charset: Charset::Custom("ab0O".into()),
            no_ambiguous: true,
            size: Some(Size::Length(64)),
            ..Request::default()
        });
        assert!(g.token(&mut rng).bytes().all(|b| b == b'a' || b == b'b'));
        assert_eq!(g.bits(), 64.0);
        assert_eq!(
            error(Request {
                charset: Charset::Named(Format::Hex),
                no_ambiguous: true,
                ..Request::default()
            }),
            SpecError::NoAmbiguousWithFormat("hex")
        );
    }

    #[test]
    fn custom_alphabets_are_validated() {
        for (chars, expected) in [
            ("aa", AlphabetError::Duplicate('a')),
            ("a b", AlphabetError::Invisible(' ')),
            ("a", AlphabetError::TooSmall(1)),
        ] {
            assert_eq!(
                error(Request {
                    charset: Charset::Custom(chars.into()),
                    ..Request::default()
                }),
                SpecError::Alphabet(expected)
            );
        }
        let g = generator(Request {
            charset: Charset::Custom("xyz".into()),
            size: Some(Size::Length(12)),
            ..Request::default()
        });
        assert_eq!(g.format_name(), "custom");
        assert!(
            g.token(&mut rand::rng())
                .bytes()
                .all(|b| b"xyz".contains(&b))
        );
    }

    #[test]
    fn prefix_and_checksum_wrap_the_body_and_verify() {
        let g = generator(Request {
            prefix: Some("sk_live_".into()),
            checksum: true,
            ..Request::default()
        });
        assert_eq!(g.token_len(), 8 + 43 + 6);
        let format = g.token_format().unwrap();
        let mut rng = rand::rng();
        for _ in 0..100 {
            let token = g.token(&mut rng);
            assert!(token.starts_with("sk_live_"));
            assert!(format.verify(&token), "{token}");
            let body_and_tail = &token["sk_live_".len()..];
            assert!(Checksum::Crc32Base62.verify(body_and_tail.as_bytes()));
        }
        assert_eq!(
            g.strength(),
            "256.0 bits, base62, 57 chars (prefix sk_live_, crc32-base62 checksum)"
        );
        for bad in ["", "sk live", "sk.live", "clé", &"a".repeat(65)] {
            assert!(
                matches!(
                    error(Request {
                        prefix: Some(bad.into()),
                        ..Request::default()
                    }),
                    SpecError::BadPrefix { .. }
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn checksums_apply_to_byte_and_id_bodies_scan_can_find() {
        let mut rng = rand::rng();
        for charset in [Charset::Named(Format::Ulid), Charset::Named(Format::Hex)] {
            let g = generator(Request {
                charset,
                checksum: true,
                prefix: Some("k-".into()),
                ..Request::default()
            });
            let token = g.token(&mut rng);
            assert_eq!(token.len(), g.token_len());
            assert!(Checksum::Crc32Base62.verify(&token.as_bytes()["k-".len()..]));
        }
        for charset in [Charset::Named(Format::Uuid), Charset::Named(Format::Base64)] {
            let refused = Generator::new(&Request {
                charset,
                checksum: true,
                prefix: Some("k-".into()),
                ..Request::default()
            });
            assert!(matches!(refused, Err(SpecError::Unfindable(_))));
        }
    }

    #[test]
    fn uuid_and_ulid_have_fixed_sizes_and_layouts() {
        let g = generator(Request {
            charset: Charset::Named(Format::Uuid),
            ..Request::default()
        });
        assert_eq!((g.token_len(), g.bits()), (36, 122.0));
        assert!(g.is_weak());
        let g = generator(Request {
            charset: Charset::Named(Format::Ulid),
            ..Request::default()
        });
        assert_eq!((g.token_len(), g.bits()), (26, 80.0));
        assert_eq!(g.token(&mut rand::rng()).len(), 26);
        for format in [Format::Uuid, Format::Ulid] {
            assert_eq!(
                error(Request {
                    charset: Charset::Named(format),
                    size: Some(Size::Length(10)),
                    ..Request::default()
                }),
                SpecError::FixedSize(format.name())
            );
            assert_eq!(
                error(Request {
                    charset: Charset::Named(format),
                    no_ambiguous: true,
                    ..Request::default()
                }),
                SpecError::FixedLayout(format.name())
            );
        }
    }

    #[test]
    fn bits_are_shown_rounded_down() {
        assert_eq!(format_bits(256.0), "256");
        assert_eq!(format_bits(256.03), "256.0");
        assert_eq!(format_bits(127.96), "127.9");
    }
}
