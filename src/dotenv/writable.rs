//! How many tokens of a character format can be written to a `.env` file (see
//! [`quote::quoting`]): `generate --into` redraws the others, so the tokens it writes are
//! uniform over the writable ones, and their true entropy is `log2` of that count, which this
//! module computes exactly by dynamic programming over the characters of a token.
//!
//! A token is writable when it has no whitespace or control character, no `${…}` that
//! python-dotenv would expand, and either no `'` (then no `\\` pair and no final `\`: single
//! quotes), or a `'` and none of `"`, `\`, `$` (double quotes).

use super::quote;
use crate::token::spec::Generator;

/// One character position of a whole token.
#[derive(Clone, Copy, Debug)]
pub enum Position<'a> {
    /// A character known in advance (the prefix).
    Fixed(char),
    /// A character that behaves like a letter here (a checksum tail character).
    Plain,
    /// A character drawn uniformly from the alphabet.
    Drawn(&'a [char]),
}

/// The class of every alphabet character and the mask of all classes, for `--each-class`
/// tokens, which count only when they hold a character of every class.
#[derive(Clone, Copy, Debug)]
pub struct Classes<'a> {
    /// Class number of each alphabet character, in alphabet order (below 8).
    pub class_of: &'a [u8],
    /// The mask with one bit for every class.
    pub all: u32,
}

/// `log2` of the number of writable tokens with these positions (counting only those with every
/// class when `classes` is given), or `None` when there is none.
pub fn log2_writable(positions: &[Position<'_>], classes: Option<Classes<'_>>) -> Option<f64> {
    let unquoted = log2_count(positions, classes, &SingleQuoted);
    let quoted = log2_count(positions, classes, &DoubleQuoted);
    match (unquoted, quoted) {
        (Some(a), Some(b)) => Some(a.max(b) + (1.0 + 2f64.powf(-(a - b).abs())).log2()),
        (one, other) => one.or(other),
    }
}

/// A finite automaton over the characters of a token that accepts one kind of writable token.
trait Automaton {
    /// Number of states; state 0 is the start.
    const STATES: usize;
    /// The state after `c` in `state`, or `None` when no token continuing so is accepted.
    fn step(&self, state: usize, c: char) -> Option<usize>;
    /// Whether a token ending in `state` is accepted.
    fn accepts(&self, state: usize) -> bool;
}

/// Tokens without `'`, without `\\`, not ending in `\` and without `${…}` (bare or single
/// quotes). State: `3 * mode + previous`, where mode tracks python-dotenv's pattern
/// `\$\{[^}:]*(?::-[^}]*)?\}` (0 none open, 1 inside `${`, 2 just after its `:`, 3 after
/// `:-`) and previous is 0 (other), 1 (`$`) or 2 (`\`).
struct SingleQuoted;

impl Automaton for SingleQuoted {
    const STATES: usize = 12;

    fn step(&self, state: usize, c: char) -> Option<usize> {
        let (mode, previous) = (state / 3, state % 3);
        if c == '\'' || !printable(c) || (c == '\\' && previous == 2) {
            return None;
        }
        let mode = match (mode, c) {
            (1 | 3, '}') => return None,
            (0, '{') if previous == 1 => 1,
            (1, ':') => 2,
            (2, '-') => 3,
            (2, _) => 0,
            (mode, _) => mode,
        };
        let previous = match c {
            '$' => 1,
            '\\' => 2,
            _ => 0,
        };
        Some(3 * mode + previous)
    }

    fn accepts(&self, state: usize) -> bool {
        state % 3 != 2
    }
}

/// Tokens with a `'` and none of `"`, `\`, `$` (double quotes). State 1: a `'` was seen.
struct DoubleQuoted;

impl Automaton for DoubleQuoted {
    const STATES: usize = 2;

    fn step(&self, state: usize, c: char) -> Option<usize> {
        if matches!(c, '"' | '\\' | '$') || !printable(c) {
            return None;
        }
        Some(if c == '\'' { 1 } else { state })
    }

    fn accepts(&self, state: usize) -> bool {
        state == 1
    }
}

fn printable(c: char) -> bool {
    !c.is_control() && !c.is_whitespace()
}

/// `log2` of the number of tokens the automaton accepts. The counts are kept as weights
/// rescaled at every position (their logarithm carried apart), so 1,024 characters of a large
/// alphabet do not overflow.
fn log2_count<A: Automaton>(
    positions: &[Position<'_>],
    classes: Option<Classes<'_>>,
    automaton: &A,
) -> Option<f64> {
    let masks = classes.map_or(1, |c| c.all as usize + 1);
    let index = |state: usize, mask: u32| state * masks + mask as usize;
    let mut weights = vec![0.0f64; A::STATES * masks];
    weights[0] = 1.0;
    let mut log2_scale = 0.0;
    for position in positions {
        let mut next = vec![0.0f64; weights.len()];
        for state in 0..A::STATES {
            for mask in 0..masks as u32 {
                let weight = weights[index(state, mask)];
                if weight == 0.0 {
                    continue;
                }
                let mut add = |c: char, mask: u32| {
                    if let Some(to) = automaton.step(state, c) {
                        next[index(to, mask)] += weight;
                    }
                };
                match position {
                    Position::Fixed(c) => add(*c, mask),
                    Position::Plain => add('a', mask),
                    Position::Drawn(chars) => {
                        for (i, &c) in chars.iter().enumerate() {
                            let seen = classes.map_or(0, |k| mask | 1 << k.class_of[i]);
                            add(c, seen);
                        }
                    }
                }
            }
        }
        let total: f64 = next.iter().sum();
        if total == 0.0 {
            return None;
        }
        next.iter_mut().for_each(|w| *w /= total);
        log2_scale += total.log2();
        weights = next;
    }
    let complete = classes.map_or(0, |k| k.all);
    let accepted: f64 = (0..A::STATES)
        .filter(|&state| automaton.accepts(state))
        .map(|state| weights[index(state, complete)])
        .sum();
    (accepted > 0.0).then(|| log2_scale + accepted.log2())
}

/// Most bits `generate --into` gives up to redraw unwritable tokens: at most one in 2^16
/// tokens may be writable, so the redraws stay quick.
pub const MAX_LOSS_BITS: f64 = 16.0;

/// The true entropy in bits of the tokens of `generator` that can be written to a `.env` file
/// (all of them for byte encodings, UUIDs and ULIDs, whose characters need no quotes), or
/// `None` when none can.
pub fn writable_bits(generator: &Generator) -> Option<f64> {
    let Some(format) = generator.token_format() else {
        return Some(generator.bits());
    };
    let chars = format.alphabet.chars();
    let mut positions: Vec<Position> = format.prefix.chars().map(Position::Fixed).collect();
    positions.extend(std::iter::repeat_n(Position::Drawn(chars), format.length));
    let tail = format.checksum.map_or(0, |c| c.tail_len());
    positions.extend(std::iter::repeat_n(Position::Plain, tail));
    let classes = generator.body_classes().map(|map| Classes {
        class_of: map.class_of(),
        all: map.all(),
    });
    log2_writable(&positions, classes)
}

/// Whether `token` is writable: what [`log2_writable`] counts, as [`quote::quoting`] decides it.
pub fn is_writable(token: &str) -> bool {
    quote::quoting(token).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts by listing every token: the reference the dynamic programming must equal.
    fn brute_force(prefix: &str, alphabet: &[char], length: usize) -> usize {
        let mut count = 0;
        let mut digits = vec![0usize; length];
        loop {
            let token: String = prefix
                .chars()
                .chain(digits.iter().map(|&d| alphabet[d]))
                .collect();
            count += usize::from(is_writable(&token));
            let Some(at) = digits.iter().rposition(|&d| d + 1 < alphabet.len()) else {
                return count;
            };
            digits[at] += 1;
            digits[at + 1..].iter_mut().for_each(|d| *d = 0);
        }
    }

    #[test]
    fn counts_equal_a_full_listing_for_every_awkward_character() {
        let alphabets = [
            "ab'\"",
            "a$\\{}",
            "a${}:-",
            "x'\\$\"",
            "a' #`",
            "a$\\'{}:-\"",
        ];
        for alphabet in alphabets {
            let chars: Vec<char> = alphabet.chars().collect();
            for length in 1..=5 {
                for prefix in ["", "k_"] {
                    let mut positions: Vec<Position> =
                        prefix.chars().map(Position::Fixed).collect();
                    positions.extend(std::iter::repeat_n(Position::Drawn(&chars), length));
                    let expected = brute_force(prefix, &chars, length);
                    let counted = log2_writable(&positions, None).map_or(0.0, f64::exp2);
                    assert!(
                        (counted - expected as f64).abs() < 1e-6 * expected.max(1) as f64,
                        "{alphabet:?} {prefix:?} x{length}: {counted} != {expected}"
                    );
                }
            }
        }
    }

    #[test]
    fn long_tokens_of_large_alphabets_do_not_overflow() {
        let chars: Vec<char> = (33u8..127).map(char::from).collect();
        let positions = vec![Position::Drawn(&chars); 1024];
        let bits = log2_writable(&positions, None).unwrap();
        let all = 1024.0 * (chars.len() as f64).log2();
        assert!(bits < all && bits > all - 200.0, "{bits} of {all}");
    }
}
