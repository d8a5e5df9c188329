//! The prefilter of rules woken by a run of characters rather than a keyword (`run:` in the
//! schema): every maximal run of at least N characters of an alphabet, optionally right after
//! one of a few bytes.
//!
//! The search classifies 64 bytes at a time into a bit mask (one bit per byte: in the alphabet
//! or not), comparing 16 bytes at once with the alphabet's byte ranges (SSE2 on x86-64), and
//! looks for N ones in a row with shifts: code is made of short words, so almost every block is
//! settled by a few word operations and no byte is looked at twice.
//!
//! When the run is the secret itself and carries a checksum (`is_secret: true`), a run that
//! fails the checksum is dropped here: code is full of long identifiers and base62 ids (830
//! runs of 22 or more per MB of crate sources), and none of them should cost a regex search.

use crate::rules::RunPrefilter;
use crate::token::checksum::Checksum;

/// Bytes classified at once: one bit each in a `u64`.
const BLOCK: usize = 64;

/// Blocks classified in one go (4 KiB).
const BATCH: usize = 64;

/// Most byte ranges an alphabet is classified by with comparisons; an alphabet of more ranges
/// is classified by table lookups (same result, slower).
const MAX_RANGES: usize = 4;

/// Finds the runs of one [`RunPrefilter`].
#[derive(Debug)]
pub(crate) struct RunFinder {
    /// Bytes of the run's alphabet.
    in_run: [bool; 256],
    /// The alphabet as byte ranges `(first, count)`, when it has at most [`MAX_RANGES`]; unused
    /// entries repeat the first range.
    ranges: Option<[(u8, u8); MAX_RANGES]>,
    /// Bytes allowed right before a run; all of them when `any_before`.
    before: [bool; 256],
    any_before: bool,
    min_length: usize,
    /// The checksum every run must carry, when the run is the secret.
    checksum: Option<Checksum>,
}

impl RunFinder {
    pub(crate) fn new(prefilter: &RunPrefilter) -> RunFinder {
        let mut in_run = [false; 256];
        for &byte in &prefilter.bytes {
            in_run[usize::from(byte)] = true;
        }
        let mut before = [false; 256];
        for &byte in &prefilter.preceded_by {
            before[usize::from(byte)] = true;
        }
        RunFinder {
            in_run,
            ranges: byte_ranges(&in_run),
            before,
            any_before: prefilter.preceded_by.is_empty(),
            min_length: prefilter.min_length.max(1),
            checksum: prefilter.checksum,
        }
    }

    /// Appends the span of every qualifying run to `out`, the byte before it included when the
    /// prefilter names the bytes allowed there.
    pub(crate) fn find_all(&self, hay: &[u8], out: &mut Vec<(usize, usize)>) {
        // Length of the run of alphabet bytes that ends where the current block starts.
        let mut carry = 0usize;
        let mut masks = [0u64; BATCH];
        for (batch_index, batch) in hay.chunks(BATCH * BLOCK).enumerate() {
            self.masks(batch, &mut masks);
            let batch_base = batch_index * BATCH * BLOCK;
            for (i, &mask) in masks[..batch.len().div_ceil(BLOCK)].iter().enumerate() {
                let base = batch_base + i * BLOCK;
                let len = (hay.len() - base).min(BLOCK);
                carry = self.block_runs(hay, base, mask, len, carry, out);
            }
        }
        if carry >= self.min_length {
            self.emit(hay, hay.len() - carry, hay.len(), out);
        }
    }

    /// Classifies `batch` (at most [`BATCH`] blocks): bit `i` of `masks[k]` set when byte
    /// `64 k + i` is in the alphabet; bits past the end of `batch` are clear.
    fn masks(&self, batch: &[u8], masks: &mut [u64; BATCH]) {
        match &self.ranges {
            Some(ranges) => range_masks(ranges, batch, masks),
            None => {
                for (mask, block) in masks.iter_mut().zip(batch.chunks(BLOCK)) {
                    *mask = block.iter().enumerate().fold(0, |mask, (i, &byte)| {
                        mask | u64::from(self.in_run[usize::from(byte)]) << i
                    });
                }
            }
        }
    }

    /// Reports the runs that end in the block at `base` (of `len` bytes, classified as `mask`),
    /// a run of `carry` bytes reaching into it from before included; returns the length of the
    /// run still open at the block's end.
    fn block_runs(
        &self,
        hay: &[u8],
        base: usize,
        mask: u64,
        len: usize,
        carry: usize,
        out: &mut Vec<(usize, usize)>,
    ) -> usize {
        let full = if len == BLOCK {
            u64::MAX
        } else {
            (1 << len) - 1
        };
        if mask == full {
            return carry + len;
        }
        // The run from before ends at the block's first byte outside the alphabet.
        let head = mask.trailing_ones() as usize;
        if carry + head >= self.min_length {
            self.emit(hay, base - carry, base + head, out);
        }
        // A run reaching the block's last byte goes on into the next block.
        let open = (mask | !full).leading_ones() as usize - (BLOCK - len);
        let inner = mask & !low_bits(head) & low_bits(len - open);
        let mut long = starts_of_long_runs(inner, self.min_length);
        while long != 0 {
            let start = long.trailing_zeros() as usize;
            let run = (inner >> start).trailing_ones() as usize;
            self.emit(hay, base + start, base + start + run, out);
            long &= !low_bits(start + run);
        }
        open
    }

    /// Reports the maximal run `hay[start..end]` if the byte before it and its checksum allow.
    fn emit(&self, hay: &[u8], start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
        if self
            .checksum
            .is_some_and(|checksum| !checksum.verify(&hay[start..end]))
        {
            return; // not this rule's secret
        }
        if self.any_before {
            out.push((start, end));
        } else if let Some(before) = start.checked_sub(1)
            && self.before[usize::from(hay[before])]
        {
            out.push((before, end));
        }
    }
}

/// [`RunFinder::masks`] for an alphabet of byte ranges, 16 bytes per step with SSE2 (part of
/// every x86-64 processor): a byte is in the range `(first, count)` when `byte - first`, with
/// wrap-around, is below `count`.
#[cfg(target_arch = "x86_64")]
fn range_masks(ranges: &[(u8, u8); MAX_RANGES], batch: &[u8], masks: &mut [u64; BATCH]) {
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: `range_masks_avx2` needs AVX2, which the processor was just found to have.
        unsafe { range_masks_avx2(ranges, batch, masks) }
    } else {
        // SAFETY: the only requirement of `range_masks_sse2` is that the processor has SSE2,
        // and SSE2 is part of the x86-64 baseline: Rust enables it for every x86_64 target.
        unsafe { range_masks_sse2(ranges, batch, masks) }
    }
}

/// [`range_masks`] with AVX2: a 64-byte block in two 32-byte loads, its mask in two
/// movemasks (about twice the speed of the SSE2 version).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn range_masks_avx2(ranges: &[(u8, u8); MAX_RANGES], batch: &[u8], masks: &mut [u64; BATCH]) {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_min_epu8, _mm256_movemask_epi8,
        _mm256_or_si256, _mm256_set1_epi8, _mm256_setzero_si256, _mm256_sub_epi8,
    };
    let firsts = ranges.map(|(first, _)| _mm256_set1_epi8(first as i8));
    let lasts = ranges.map(|(_, count)| _mm256_set1_epi8(count.wrapping_sub(1) as i8));
    let classify = |bytes: &[u8; 32]| {
        // SAFETY: `bytes` is 32 readable bytes; the load has no alignment requirement.
        let vector = unsafe { _mm256_loadu_si256(bytes.as_ptr().cast::<__m256i>()) };
        let mut inside = _mm256_setzero_si256();
        for r in 0..MAX_RANGES {
            let offset = _mm256_sub_epi8(vector, firsts[r]);
            let hit = _mm256_cmpeq_epi8(_mm256_min_epu8(offset, lasts[r]), offset);
            inside = _mm256_or_si256(inside, hit);
        }
        u64::from(_mm256_movemask_epi8(inside) as u32)
    };
    let half = |block: &[u8], at: usize| -> [u8; 32] {
        <[u8; 32]>::try_from(&block[at..at + 32]).unwrap_or([0; 32])
    };
    let mut blocks = batch.chunks_exact(BLOCK);
    let mut index = 0;
    for block in blocks.by_ref() {
        masks[index] = classify(&half(block, 0)) | classify(&half(block, 32)) << 32;
        index += 1;
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        let mut padded = [0u8; BLOCK];
        padded[..tail.len()].copy_from_slice(tail);
        let mask = classify(&half(&padded, 0)) | classify(&half(&padded, 32)) << 32;
        masks[index] = mask & low_bits(tail.len());
    }
}

/// See [`range_masks`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn range_masks_sse2(ranges: &[(u8, u8); MAX_RANGES], batch: &[u8], masks: &mut [u64; BATCH]) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x,
        _mm_set1_epi8, _mm_sub_epi8,
    };
    let firsts = ranges.map(|(first, _)| _mm_set1_epi8(first as i8));
    let lasts = ranges.map(|(_, count)| _mm_set1_epi8(count.wrapping_sub(1) as i8));
    let classify = |bytes: &[u8; 16]| {
        let half = |at: usize| {
            i64::from_le_bytes(<[u8; 8]>::try_from(&bytes[at..at + 8]).unwrap_or_default())
        };
        let vector = _mm_set_epi64x(half(8), half(0));
        let inside = (0..MAX_RANGES)
            .map(|r| {
                let offset = _mm_sub_epi8(vector, firsts[r]);
                _mm_cmpeq_epi8(_mm_min_epu8(offset, lasts[r]), offset)
            })
            .reduce(|a, b| _mm_or_si128(a, b))
            .unwrap_or(vector);
        u64::from(_mm_movemask_epi8(inside) as u16)
    };
    // The `step`-th 16 bytes are bits 16 (step % 4) and up of mask step / 4; the first of the
    // four overwrites what an earlier batch left there.
    let mut put = |step: usize, bits: u64| {
        let mask = &mut masks[step / 4];
        *mask = if step.is_multiple_of(4) {
            bits
        } else {
            *mask | bits << (16 * (step % 4))
        };
    };
    let mut chunks = batch.chunks_exact(16);
    let mut step = 0;
    for chunk in chunks.by_ref() {
        put(step, classify(chunk.try_into().unwrap_or(&[0; 16])));
        step += 1;
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut bytes = [0u8; 16];
        bytes[..tail.len()].copy_from_slice(tail);
        put(step, classify(&bytes) & low_bits(tail.len()));
    }
}

/// [`RunFinder::masks`] for an alphabet of byte ranges, a byte at a time.
#[cfg(not(target_arch = "x86_64"))]
fn range_masks(ranges: &[(u8, u8); MAX_RANGES], batch: &[u8], masks: &mut [u64; BATCH]) {
    for (mask, block) in masks.iter_mut().zip(batch.chunks(BLOCK)) {
        *mask = block.iter().enumerate().fold(0, |mask, (i, &byte)| {
            let inside = ranges
                .iter()
                .any(|&(first, count)| byte.wrapping_sub(first) < count);
            mask | u64::from(inside) << i
        });
    }
}

/// The bits below `count` (all 64 when `count` is 64 or more).
fn low_bits(count: usize) -> u64 {
    if count >= BLOCK {
        u64::MAX
    } else {
        (1 << count) - 1
    }
}

/// Bit `i` set when bits `i..i + n` of `mask` are all set: the starts of the runs of `n` or
/// more ones (each run's first `len - n + 1` bits), found by doubling the covered length.
fn starts_of_long_runs(mask: u64, n: usize) -> u64 {
    let mut found = mask;
    let mut covered = 1;
    while covered < n && found != 0 {
        let step = covered.min(n - covered);
        found &= found.checked_shr(step as u32).unwrap_or(0);
        covered += step;
    }
    found
}

/// The bytes of `table` as [`MAX_RANGES`] ranges `(first, count)`, the first one repeated when
/// there are fewer; `None` when they need more, or when there is no byte.
fn byte_ranges(table: &[bool; 256]) -> Option<[(u8, u8); MAX_RANGES]> {
    let mut ranges = [(0u8, 0u8); MAX_RANGES];
    let mut used = 0;
    let mut byte = 0usize;
    while byte < 256 {
        if !table[byte] {
            byte += 1;
            continue;
        }
        let first = byte;
        while byte < 256 && table[byte] && byte - first < 255 {
            byte += 1;
        }
        *ranges.get_mut(used)? = (first as u8, (byte - first) as u8);
        used += 1;
    }
    if used == 0 {
        return None;
    }
    let first_range = ranges[0];
    ranges[used..].fill(first_range);
    Some(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::alphabet::{DIGITS, LOWER, UPPER};

    fn finder(alphabet: &str, min_length: usize, preceded_by: &str) -> RunFinder {
        RunFinder::new(&RunPrefilter {
            bytes: alphabet.as_bytes().to_vec(),
            alphabet: "test".into(),
            min_length,
            preceded_by: preceded_by.as_bytes().to_vec(),
            checksum: None,
        })
    }

    fn runs(finder: &RunFinder, hay: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        finder.find_all(hay, &mut out);
        out
    }

    /// Every maximal run of at least `n` bytes of `class`, the slow way.
    fn expected(hay: &[u8], class: &[u8], n: usize, before: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < hay.len() {
            if !class.contains(&hay[at]) {
                at += 1;
                continue;
            }
            let start = at;
            while at < hay.len() && class.contains(&hay[at]) {
                at += 1;
            }
            if at - start >= n {
                if before.is_empty() {
                    out.push((start, at));
                } else if start > 0 && before.contains(&hay[start - 1]) {
                    out.push((start - 1, at));
                }
            }
        }
        out
    }

    #[test]
    fn finds_maximal_runs_of_the_minimum_length_or_more() {
        let f = finder("abc", 4, "");
        assert_eq!(runs(&f, b"abca"), [(0, 4)]);
        assert_eq!(runs(&f, b"abc"), []);
        assert_eq!(runs(&f, b"xabcabcx abcx aaaa"), [(1, 7), (14, 18)]);
        assert_eq!(runs(&f, b""), []);
    }

    #[test]
    fn a_run_must_follow_one_of_the_bytes_before_when_given() {
        let f = finder("abc", 4, "_-");
        assert_eq!(runs(&f, b"x_abca -aaaa aaaa _ab"), [(1, 6), (7, 12)]);
        assert_eq!(runs(&f, b"abcabc"), []);
    }

    #[test]
    fn a_run_that_is_the_secret_must_carry_its_checksum() {
        let body = "M3nXq7ZtR2vBw9LkP4sYd8Hf";
        let good = format!("{body}{}", Checksum::Crc32Base62.compute(body.as_bytes()));
        let bad = format!("{body}{}", Checksum::Crc32Base62.compute(b"other body"));
        let base62 = [UPPER, LOWER, DIGITS].concat();
        let mut f = finder(&base62, 22, "_");
        f.checksum = Some(Checksum::Crc32Base62);
        let hay = format!("k = \"acme_{bad}\"\nk = \"acme_{good}\"\n");
        let start = hay.rfind(&good).unwrap();
        assert_eq!(runs(&f, hay.as_bytes()), [(start - 1, start + good.len())]);
        f.checksum = None;
        assert_eq!(runs(&f, hay.as_bytes()).len(), 2);
    }

    #[test]
    fn agrees_with_a_plain_scan_on_random_text() {
        use rand::Rng;
        let mut rng = rand::rng();
        // Two ranges (`ab`, `0`): classified by comparisons; `acegikmo` has eight ranges of one
        // byte: classified by table lookups.
        for (class, bytes) in [("ab0", &b"aab0_-x\xe1"[..]), ("acegikmo", b"acegikmo_-x")] {
            // Runs inside a block, across block edges, longer than a block, at the very end.
            for n in [1, 2, 3, 5, 8, 22, 63, 64, 65, 130] {
                for _ in 0..100 {
                    let len = rng.random_range(0..400);
                    // Mostly alphabet bytes, so long runs happen.
                    let hay: Vec<u8> = (0..len)
                        .map(|_| match rng.random_range(0..40) {
                            0 => bytes[bytes.len() - 1],
                            1 => bytes[bytes.len() - 2],
                            2 => bytes[bytes.len() - 3],
                            _ => bytes[rng.random_range(0..bytes.len() - 3)],
                        })
                        .collect();
                    for before in [&b""[..], b"_-"] {
                        let f = finder(class, n, std::str::from_utf8(before).unwrap());
                        assert_eq!(
                            runs(&f, &hay),
                            expected(&hay, class.as_bytes(), n, before),
                            "class={class} n={n} before={before:?} hay={:?}",
                            String::from_utf8_lossy(&hay)
                        );
                    }
                }
            }
        }
    }
}
