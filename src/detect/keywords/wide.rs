//! The triple filter's table lookups eight positions at a time, with AVX2 (x86-64 processors
//! since 2013): the eight triples are assembled with one byte shuffle, hashed with one vector
//! multiply, and their table bits fetched with one gather. The scalar loop does the same work
//! one position at a time; this is the same filter, only wider, and it is used only where the
//! processor has AVX2 (checked once, when the filter is built).

use super::{FOLD, TABLE_BITS, TABLE_WORDS};

/// Lookups in the filter's table eight positions at a time, for a processor with AVX2. It
/// exists only on such a processor: that is what makes [`WideLookup::candidates`] safe to call.
#[derive(Debug)]
pub(super) struct WideLookup {
    multiplier: u32,
}

impl WideLookup {
    /// Lookups for triples hashed with `multiplier`, or `None` when the processor lacks AVX2.
    pub(super) fn new(multiplier: u32) -> Option<WideLookup> {
        has_avx2().then_some(WideLookup { multiplier })
    }

    /// Bit `k` set when the triple at offset `k` (0 to 7) of `bytes` has its bit set in
    /// `table`.
    pub(super) fn candidates(&self, table: &[u32; TABLE_WORDS], bytes: &[u8; 16]) -> u32 {
        #[cfg(target_arch = "x86_64")]
        {
            // SAFETY: a `WideLookup` is only built when the processor has AVX2 (`new`), the
            // one requirement of `candidates_avx2`.
            unsafe { candidates_avx2(self.multiplier, table, bytes) }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            // Never built on other processors; if it were, every position is a candidate.
            let _ = (table, bytes);
            0xFF
        }
    }
}

#[cfg(target_arch = "x86_64")]
fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

#[cfg(not(target_arch = "x86_64"))]
fn has_avx2() -> bool {
    false
}

/// See [`WideLookup::candidates`].
///
/// # Safety
///
/// The processor must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn candidates_avx2(multiplier: u32, table: &[u32; TABLE_WORDS], bytes: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{
        _mm_loadu_si128, _mm256_and_si256, _mm256_broadcastsi128_si256, _mm256_castsi256_ps,
        _mm256_i32gather_epi32, _mm256_movemask_ps, _mm256_mullo_epi32, _mm256_or_si256,
        _mm256_set1_epi32, _mm256_setr_epi8, _mm256_shuffle_epi8, _mm256_slli_epi32,
        _mm256_srli_epi32, _mm256_srlv_epi32,
    };
    // SAFETY: `bytes` is 16 readable bytes; the load has no alignment requirement.
    let loaded = unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) };
    // Both 128-bit halves hold the 16 bytes, so the in-half shuffle can reach bytes 0 to 9.
    let both = _mm256_broadcastsi128_si256(loaded);
    // Lane k gets bytes k, k + 1, k + 2 and a zero (-128 selects zero).
    #[rustfmt::skip]
    let spread = _mm256_setr_epi8(
        0, 1, 2, -128, 1, 2, 3, -128, 2, 3, 4, -128, 3, 4, 5, -128,
        4, 5, 6, -128, 5, 6, 7, -128, 6, 7, 8, -128, 7, 8, 9, -128,
    );
    let triples = _mm256_or_si256(
        _mm256_shuffle_epi8(both, spread),
        _mm256_set1_epi32(FOLD as i32),
    );
    let products = _mm256_mullo_epi32(triples, _mm256_set1_epi32(multiplier as i32));
    // The scalar `hash`: the product's top TABLE_BITS bits.
    let hashes = _mm256_srli_epi32::<{ 32 - TABLE_BITS as i32 }>(products);
    let word_index = _mm256_srli_epi32::<5>(hashes);
    // SAFETY: every index is a hash of TABLE_BITS bits shifted right by 5, so below
    // 2^(TABLE_BITS - 5) = TABLE_WORDS, the length of `table`; a gather of 4-byte elements
    // reads only those words.
    let words = unsafe { _mm256_i32gather_epi32::<4>(table.as_ptr().cast(), word_index) };
    let bits = _mm256_srlv_epi32(words, _mm256_and_si256(hashes, _mm256_set1_epi32(31)));
    // Each lane's bit 0 to its sign bit, then one bit per lane.
    _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_slli_epi32::<31>(bits))) as u32
}
