//! Statistical tests of the engine's distributions, and proof that the same tests catch the
//! classic mistakes (modulo bias, patching one position for `--each-class`).
//!
//! Every check is a family of chi-square tests (one per position, plus one on all positions
//! pooled when positions are independent) with a family-wise false-alarm rate of
//! [`ALPHA`] = 1e-6: a correct engine fails a test here less than once in a million runs. The
//! critical values are exact quantiles of the chi-square distribution (see
//! [`super::uniformity`]), e.g. 51.2 for df = 9 and 34.1 for df = 2 at 1e-6 / 9.
//!
//! Sample sizes are chosen so that the biased samplers fail with overwhelming probability. For
//! `byte % n` the expected excess of the pooled statistic (the non-centrality) is
//! `draws * sum_i (p_i - 1/n)^2 * n`, which is `draws` times 3.05e-5 (n = 3), 3.66e-4 (10),
//! 1.34e-3 (26), 1.25e-2 (58), 6.59e-3 (62) and 9.77e-3 (88). With 800,000 draws the smallest
//! of those, n = 10, puts the statistic's mean near 302 against a critical value near 51; n = 3
//! gets 4,000,000 draws, a mean near 124 against 34.

use super::alphabet::{Alphabet, CharClass};
use super::each_class::symbol_probability;
use super::sample::IndexSampler;
use super::spec::{Charset, Generator, Request, Size};
use super::uniformity::PositionCounts;
use rand::{Rng, RngCore};

/// Family-wise probability that a correct engine fails one check.
const ALPHA: f64 = 1e-6;

/// Token length of the uniformity checks.
const POSITIONS: usize = 8;

/// Alphabet sizes that are not powers of two: digits, letters, base58, base62, all four
/// classes, and a custom 3-character alphabet.
const SIZES: [(usize, usize); 6] = [
    (10, 100_000),
    (26, 100_000),
    (58, 100_000),
    (62, 100_000),
    (88, 100_000),
    (3, 500_000),
];

/// Draws `tokens` tokens of [`POSITIONS`] indices in `0..n` with `draw` and checks them for
/// uniformity, per position and pooled.
fn check_uniform(n: usize, tokens: usize, mut draw: impl FnMut(&mut [u32])) -> Result<f64, String> {
    let mut counts = PositionCounts::new(POSITIONS, n);
    let mut indices = [0u32; POSITIONS];
    let mut token = [0usize; POSITIONS];
    for _ in 0..tokens {
        draw(&mut indices);
        for (slot, &i) in token.iter_mut().zip(&indices) {
            *slot = i as usize;
        }
        counts.add(&token);
    }
    counts.check(&vec![1.0 / n as f64; n], ALPHA, true)
}

#[test]
fn the_sampler_is_uniform_for_alphabet_sizes_that_are_not_powers_of_two() {
    let mut rng = rand::rng();
    for (n, tokens) in SIZES {
        let sampler = IndexSampler::new(n).unwrap();
        let result = check_uniform(n, tokens, |out| sampler.fill(&mut rng, out));
        assert!(result.is_ok(), "n = {n}: {result:?}");
    }
}

#[test]
fn the_same_check_rejects_a_sampler_with_modulo_bias() {
    let mut rng = rand::rng();
    for (n, tokens) in SIZES {
        let biased = |out: &mut [u32]| {
            let mut bytes = [0u8; POSITIONS];
            rng.fill_bytes(&mut bytes);
            for (slot, b) in out.iter_mut().zip(bytes) {
                *slot = u32::from(b) % n as u32;
            }
        };
        let result = check_uniform(n, tokens, biased);
        assert!(result.is_err(), "n = {n}: byte % n was not caught");
    }
}

#[test]
fn whole_tokens_are_uniform_through_the_generator() {
    // The full path (spec -> drawer -> characters), for a class-built and a custom alphabet.
    let mut rng = rand::rng();
    for (charset, tokens) in [
        (Charset::Classes(CharClass::ALL.to_vec()), 100_000),
        (Charset::Custom("x-y".into()), 100_000),
    ] {
        let generator = Generator::new(&Request {
            charset,
            size: Some(Size::Length(POSITIONS)),
            ..Request::default()
        })
        .unwrap();
        let alphabet = generator.token_format().unwrap().alphabet;
        let index = index_of(&alphabet);
        let mut token = String::new();
        let result = check_uniform(alphabet.len(), tokens, |out| {
            token.clear();
            generator.append_token(&mut rng, &mut token);
            for (slot, b) in out.iter_mut().zip(token.bytes()) {
                *slot = index[usize::from(b)] as u32;
            }
        });
        assert!(result.is_ok(), "{}: {result:?}", alphabet.name());
    }
}

/// Position of each ASCII character in an ASCII alphabet (`usize::MAX` for the others).
fn index_of(alphabet: &Alphabet) -> [usize; 128] {
    let mut index = [usize::MAX; 128];
    for (i, &c) in alphabet.chars().iter().enumerate() {
        index[c as usize] = i;
    }
    index
}

/// An `--each-class` setup: the classes, their alphabet, and each index's class.
struct EachClass {
    classes: Vec<CharClass>,
    alphabet: Alphabet,
    class_of: Vec<usize>,
    sizes: Vec<usize>,
    length: usize,
}

impl EachClass {
    fn new(classes: &[CharClass], length: usize) -> Self {
        let alphabet = Alphabet::from_classes(classes, false).unwrap();
        let class_of: Vec<usize> = alphabet
            .chars()
            .iter()
            .map(|&c| classes.iter().position(|k| k.chars().contains(c)).unwrap())
            .collect();
        let sizes = (0..classes.len())
            .map(|k| class_of.iter().filter(|&&c| c == k).count())
            .collect();
        EachClass {
            classes: classes.to_vec(),
            alphabet,
            class_of,
            sizes,
            length,
        }
    }

    /// The probability of each symbol at any one position, under the uniform distribution over
    /// qualifying tokens.
    fn expected(&self) -> Vec<f64> {
        self.class_of
            .iter()
            .map(|&k| symbol_probability(&self.sizes, self.length, k))
            .collect()
    }

    fn covers(&self, token: &[usize]) -> bool {
        (0..self.classes.len()).all(|k| token.iter().any(|&i| self.class_of[i] == k))
    }

    /// Checks per position against the exact conditional distribution (positions are
    /// dependent here, so there is no pooled test), and that every token covers every class.
    fn check(&self, tokens: usize, mut draw: impl FnMut() -> Vec<usize>) -> Result<f64, String> {
        let mut counts = PositionCounts::new(self.length, self.alphabet.len());
        for _ in 0..tokens {
            let token = draw();
            if !self.covers(&token) {
                return Err(format!("token {token:?} misses a class"));
            }
            counts.add(&token);
        }
        counts.check(&self.expected(), ALPHA, false)
    }
}

/// The setups, with their sample sizes: short tokens, where the constraint changes the
/// distribution most. Patching one position (the first two setups) raises a single position's
/// statistic by about 450 and 130 per 100,000 tokens (measured), against critical values of 94
/// and 133: the sizes put every position of a patched sampler far past them.
fn each_class_setups() -> [(EachClass, usize); 3] {
    [
        (
            EachClass::new(&[CharClass::Digits, CharClass::Symbols], 4),
            100_000,
        ),
        (
            EachClass::new(&[CharClass::Lower, CharClass::Upper, CharClass::Digits], 4),
            200_000,
        ),
        (EachClass::new(&CharClass::ALL, 4), 200_000),
    ]
}

#[test]
fn each_class_tokens_are_uniform_over_the_qualifying_tokens() {
    let mut rng = rand::rng();
    for (setup, tokens) in each_class_setups() {
        let generator = Generator::new(&Request {
            charset: Charset::Classes(setup.classes.clone()),
            each_class: true,
            size: Some(Size::Length(setup.length)),
            ..Request::default()
        })
        .unwrap();
        let index = index_of(&setup.alphabet);
        let result = setup.check(tokens, || {
            generator
                .token(&mut rng)
                .bytes()
                .map(|b| index[usize::from(b)])
                .collect()
        });
        assert!(result.is_ok(), "{}: {result:?}", setup.alphabet.name());
    }
}

#[test]
fn the_same_check_rejects_patching_one_position_instead_of_redrawing() {
    // The first two setups: with four classes in four characters patching happens to leave
    // each position's marginal right (every result is one character per class) and only the
    // joint distribution is off, which a per-position test cannot see.
    let mut rng = rand::rng();
    for (setup, tokens) in each_class_setups().into_iter().take(2) {
        let sampler = IndexSampler::new(setup.alphabet.len()).unwrap();
        let mut drawn = vec![0u32; setup.length];
        let result = setup.check(tokens, || {
            sampler.fill(&mut rng, &mut drawn);
            let mut token: Vec<usize> = drawn.iter().map(|&i| i as usize).collect();
            // The common shortcut: for each missing class, overwrite a random position (one
            // whose class occurs twice, so no other class is lost) with one of its characters.
            for k in 0..setup.classes.len() {
                if !token.iter().any(|&i| setup.class_of[i] == k) {
                    let count = |class| {
                        token
                            .iter()
                            .filter(|&&i| setup.class_of[i] == class)
                            .count()
                    };
                    let spare: Vec<usize> = (0..setup.length)
                        .filter(|&p| count(setup.class_of[token[p]]) > 1)
                        .collect();
                    let members: Vec<usize> = (0..setup.alphabet.len())
                        .filter(|&i| setup.class_of[i] == k)
                        .collect();
                    let position = spare[rng.random_range(0..spare.len())];
                    token[position] = members[rng.random_range(0..members.len())];
                }
            }
            token
        });
        // Every patched token qualifies: what fails is the distribution.
        let error = result.expect_err("patching was not caught");
        assert!(
            error.contains("chi-square"),
            "{}: {error}",
            setup.alphabet.name()
        );
    }
}
