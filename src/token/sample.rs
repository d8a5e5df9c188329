//! Unbiased sampling of alphabet indices from a cryptographically secure generator.
//!
//! `random_byte % n` is the classic mistake: unless `n` divides 256, the first `256 % n` indices
//! come up more often (for base62, `0..8` would be 25% more likely than the rest). The sampler
//! here uses rejection instead: a random value is used only when it falls below the largest
//! multiple of `n` that fits in its range, so every index in `0..n` is backed by exactly the
//! same number of accepted values and is exactly equally likely. Rejected values are drawn again.
//!
//! Alphabets of at most 256 characters consume one random byte per accepted draw (a lookup table
//! maps accepted bytes to indices, so the hot loop has no division); larger alphabets (custom
//! Unicode sets) use 32-bit words the same way.
//!
//! Every entry point takes an [`rand::CryptoRng`]: the type system keeps a fast statistical
//! generator from ever producing a secret. In the binary that generator is `rand::rng()`, a
//! ChaCha generator seeded from the operating system and periodically reseeded from it.

use rand::CryptoRng;
use thiserror::Error;

/// Bytes requested from the generator at a time: large enough that the per-call overhead of the
/// generator vanishes, small enough to live on the stack.
const CHUNK: usize = 256;

/// Why an index sampler cannot be built.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SampleError {
    /// Drawing from fewer than two choices carries no randomness.
    #[error("cannot sample from {0} choices: at least 2 are needed")]
    TooFew(usize),
    /// More choices than a 32-bit word can index.
    #[error("cannot sample from {0} choices: at most 2^32 - 1 are supported")]
    TooMany(usize),
}

/// Draws indices uniformly from `0..n`, without modulo bias.
#[derive(Debug, Clone)]
pub struct IndexSampler {
    n: u32,
    strategy: Strategy,
}

#[derive(Debug, Clone)]
enum Strategy {
    /// `n <= 256`: a byte `b` is accepted when `b < limit` (the largest multiple of `n` that is
    /// at most 256) and maps to `table[b] == b % n`.
    Byte { limit: u16, table: Box<[u8; 256]> },
    /// `n > 256`: a word `w` is accepted when `w < limit` (the largest multiple of `n` at most
    /// 2^32) and maps to `w % n`.
    Word { limit: u64 },
}

impl IndexSampler {
    /// A sampler over `0..n`; `n` must be at least 2 and fit in 32 bits.
    pub fn new(n: usize) -> Result<Self, SampleError> {
        if n < 2 {
            return Err(SampleError::TooFew(n));
        }
        let n32 = u32::try_from(n).map_err(|_| SampleError::TooMany(n))?;
        let strategy = if n <= 256 {
            let limit = 256 - (256 % n as u16);
            let mut table = Box::new([0u8; 256]);
            for (b, slot) in table.iter_mut().enumerate() {
                // Entries at or above `limit` are never read: those bytes are rejected first.
                *slot = (b % n) as u8;
            }
            Strategy::Byte { limit, table }
        } else {
            let span = 1u64 << 32;
            Strategy::Word {
                limit: span - span % u64::from(n32),
            }
        };
        Ok(IndexSampler { n: n32, strategy })
    }

    /// Number of choices: indices are drawn from `0..n`.
    pub fn n(&self) -> usize {
        self.n as usize
    }

    /// Probability that one raw draw is rejected and drawn again (0 when `n` divides the range).
    pub fn rejection_rate(&self) -> f64 {
        match &self.strategy {
            Strategy::Byte { limit, .. } => f64::from(256 - limit) / 256.0,
            Strategy::Word { limit } => ((1u64 << 32) - limit) as f64 / (1u64 << 32) as f64,
        }
    }

    /// Fills `out` with independent indices, each uniform over `0..n`.
    pub fn fill<R: CryptoRng + ?Sized>(&self, rng: &mut R, out: &mut [u32]) {
        match &self.strategy {
            Strategy::Byte { limit, table } => fill_from_bytes(rng, *limit, table, out),
            Strategy::Word { limit } => fill_from_words(rng, *limit, self.n, out),
        }
    }

    /// One index, uniform over `0..n`.
    pub fn sample<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> usize {
        let mut one = [0u32; 1];
        self.fill(rng, &mut one);
        one[0] as usize
    }
}

fn fill_from_bytes<R: CryptoRng + ?Sized>(
    rng: &mut R,
    limit: u16,
    table: &[u8; 256],
    out: &mut [u32],
) {
    let mut filled = 0;
    let mut bytes = [0u8; CHUNK];
    while filled < out.len() {
        // Ask for exactly what is missing (plus nothing): with rejection rates of at most 1/2
        // the loop ends after a few rounds, and no random bytes are wasted on the last token.
        let want = (out.len() - filled).min(CHUNK);
        rng.fill_bytes(&mut bytes[..want]);
        for &b in &bytes[..want] {
            if u16::from(b) < limit {
                out[filled] = u32::from(table[b as usize]);
                filled += 1;
            }
        }
    }
}

fn fill_from_words<R: CryptoRng + ?Sized>(rng: &mut R, limit: u64, n: u32, out: &mut [u32]) {
    for slot in out.iter_mut() {
        *slot = loop {
            let w = rng.next_u32();
            if u64::from(w) < limit {
                break w % n;
            }
        };
    }
}

/// Fills `out` with random bytes from the secure generator (for byte encodings, UUIDs, ULIDs).
pub fn fill_bytes<R: CryptoRng + ?Sized>(rng: &mut R, out: &mut [u8]) {
    rng.fill_bytes(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_fewer_than_two_choices() {
        assert_eq!(IndexSampler::new(0).unwrap_err(), SampleError::TooFew(0));
        assert_eq!(IndexSampler::new(1).unwrap_err(), SampleError::TooFew(1));
    }

    #[test]
    fn byte_acceptance_zone_is_the_largest_multiple_of_n() {
        for n in 2..=256usize {
            let sampler = IndexSampler::new(n).unwrap();
            let Strategy::Byte { limit, table } = &sampler.strategy else {
                panic!("{n} should use bytes");
            };
            let limit = usize::from(*limit);
            assert_eq!(limit % n, 0, "{n}");
            assert!(limit <= 256 && 256 - limit < n, "{n}");
            // Each index is the image of exactly limit / n accepted bytes: exact uniformity.
            let mut preimages = vec![0usize; n];
            for b in 0..limit {
                preimages[usize::from(table[b])] += 1;
            }
            assert!(preimages.iter().all(|&c| c == limit / n), "{n}");
        }
    }

    #[test]
    fn word_acceptance_zone_is_the_largest_multiple_of_n() {
        for n in [257usize, 1000, 65_537, 3_000_000_019] {
            let sampler = IndexSampler::new(n).unwrap();
            let Strategy::Word { limit } = sampler.strategy else {
                panic!("{n} should use words");
            };
            assert_eq!(limit % n as u64, 0, "{n}");
            assert!(limit <= 1 << 32 && (1u64 << 32) - limit < n as u64, "{n}");
        }
    }

    #[test]
    fn powers_of_two_never_reject_and_62_rejects_8_in_256() {
        assert_eq!(IndexSampler::new(64).unwrap().rejection_rate(), 0.0);
        assert_eq!(IndexSampler::new(256).unwrap().rejection_rate(), 0.0);
        assert_eq!(IndexSampler::new(62).unwrap().rejection_rate(), 8.0 / 256.0);
    }

    #[test]
    fn every_index_is_in_range_and_every_value_appears() {
        let mut rng = rand::rng();
        for n in [2usize, 3, 10, 62, 255, 256, 300, 5000] {
            let sampler = IndexSampler::new(n).unwrap();
            let mut out = vec![0u32; 200 * n];
            sampler.fill(&mut rng, &mut out);
            assert!(out.iter().all(|&i| (i as usize) < n), "{n}");
            let mut seen = vec![false; n];
            for &i in &out {
                seen[i as usize] = true;
            }
            // Each value is missed with probability (1 - 1/n)^(200 n) < e^-200.
            assert!(seen.iter().all(|&s| s), "{n}: a value never came up");
            assert!(sampler.sample(&mut rng) < n);
        }
    }
}
