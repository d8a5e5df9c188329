//! Finds every occurrence of every keyword, ASCII case-insensitively, overlapping ones
//! included (overlapping occurrences of one keyword come as one hit spanning them): the one
//! pass over each blob that decides which rules run.
//!
//! The fast path is a triple filter: each keyword is represented by its rarest three adjacent
//! bytes (a two-byte keyword by itself followed by any byte), and a 256 Ki-bit table says which
//! (case-folded, hashed) triples belong to some keyword. "Rarest" is measured: a table of the
//! triples common in code, and of which of them share a table bit with the keyword's. One table
//! lookup per byte of input (eight at once with AVX2, see [`wide`]); only a candidate position
//! compares whole keywords. With the built-in keywords this is several times faster than an
//! Aho-Corasick automaton over them (see `benches/matcher.rs`), which stays the fallback when a
//! keyword is a single byte.

mod wide;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rayon::prelude::*;
use wide::WideLookup;

/// One keyword occurrence: keyword index, start and end in the haystack.
pub(crate) type Hit = (usize, usize, usize);

/// The keyword pass.
#[derive(Debug)]
pub(crate) enum KeywordFinder {
    /// Rare byte triple table, for keywords of two bytes or more.
    Triples(TripleFilter),
    /// Any keywords.
    Automaton(AhoCorasick),
}

impl KeywordFinder {
    /// A finder for `keywords` (lower-case, non-empty, distinct).
    ///
    /// # Panics
    ///
    /// Only if the keywords exceed aho-corasick's limits (billions of states), which no
    /// rules file read into memory can reach.
    pub(crate) fn new(keywords: &[String]) -> KeywordFinder {
        if keywords.iter().all(|k| k.len() >= 2) {
            return KeywordFinder::Triples(TripleFilter::new(keywords));
        }
        let mut builder = AhoCorasick::builder();
        builder
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA));
        let automaton = builder
            .build(keywords)
            // A DFA has a size limit; the automatic choice falls back to an NFA.
            .or_else(|_| builder.kind(None).build(keywords))
            .expect("keyword automaton within aho-corasick's limits");
        KeywordFinder::Automaton(automaton)
    }

    /// Appends every keyword occurrence in `hay` to `hits`.
    pub(crate) fn find_all(&self, hay: &[u8], hits: &mut Vec<Hit>) {
        match self {
            KeywordFinder::Triples(filter) => filter.find_all(hay, hits),
            KeywordFinder::Automaton(automaton) => {
                for m in automaton.find_overlapping_iter(hay) {
                    push_hit(hits, (m.pattern().as_usize(), m.start(), m.end()));
                }
            }
        }
    }
}

/// Folds ASCII letters to lower case three bytes at a time. It also merges a few punctuation
/// bytes with others (`@` with `` ` ``): harmless, candidates are verified exactly.
const FOLD: u32 = 0x0020_2020;

/// log2 of the number of bits of the triple table (32 KiB: stays in the first-level cache).
const TABLE_BITS: u32 = 18;

/// The table's 32-bit words (bit `h` is bit `h % 32` of word `h / 32`, the layout the AVX2
/// gather reads).
const TABLE_WORDS: usize = 1 << (TABLE_BITS - 5);

/// Entries are looked up by the top bits of their hash: `1 << BUCKET_BITS` buckets.
const BUCKET_BITS: u32 = 10;

/// Odd multipliers for the triple hash. The filter takes the one under which the chosen
/// triples share their table bits with the fewest common triples of code, so that a keyword's
/// triple is not woken by `ion` or `the` landing on the same bit.
const MULTIPLIERS: [u32; 8] = [
    0x9E37_79B1,
    0x85EB_CA6B,
    0xC2B2_AE35,
    0x27D4_EB2F,
    0x1656_67B1,
    0xD6E8_FEB7,
    0x2545_F491,
    0x7FEB_352D,
];

/// The 4096 most common folded triples of source code and configuration with their frequency:
/// 4-byte records, three folded bytes and 16 log2 of occurrences per MB, measured on 105 MB of
/// crate sources (Rust, C, Python, JavaScript, TOML, JSON, YAML, Markdown under
/// ~/.cargo/registry). Regenerate with `cargo bench --bench matcher -- --write-triples PATH`.
const COMMON_TRIPLES: &[u8] = include_bytes!("common_triples.bin");

/// Occurrences per MB assumed for a triple rarer than every common one.
const RARE_TRIPLE_PER_MB: f64 = 20.0;

/// The rare-triple filter.
#[derive(Debug)]
pub(crate) struct TripleFilter {
    /// Bit `h` is set when some keyword's folded triple hashes to `h`.
    table: Box<[u32; TABLE_WORDS]>,
    /// The hash multiplier, one of [`MULTIPLIERS`].
    multiplier: u32,
    /// Lookups of eight positions at a time in `table`, where the processor allows.
    wide: Option<WideLookup>,
    /// One per keyword (256 per two-byte keyword), sorted by hash.
    entries: Vec<Entry>,
    /// `entries[buckets[b]..buckets[b + 1]]` are the entries whose hash has top bits `b`.
    buckets: Vec<u32>,
    keywords: Vec<Vec<u8>>,
    /// Two-byte keywords, also checked at the very end of a haystack where no triple starts.
    short: Vec<usize>,
}

/// A keyword's triple in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    /// Hash of the triple.
    hash: u32,
    /// Index of the keyword.
    keyword: u32,
    /// Offset of the triple in the keyword.
    offset: u32,
    /// The keyword's first eight bytes (fewer when it is shorter), each with its 0x20 bit set
    /// as [`FOLD`] does, and the mask of those bytes: one comparison turns away most of the
    /// candidates that only share the triple's table bit, before the exact comparison.
    head: u64,
    head_mask: u64,
}

impl Entry {
    fn new(hash: u32, keyword: usize, offset: usize, bytes: &[u8]) -> Entry {
        let mut head = [0u8; 8];
        let mut mask = [0u8; 8];
        for (i, &byte) in bytes.iter().take(8).enumerate() {
            head[i] = byte | 0x20;
            mask[i] = 0xFF;
        }
        Entry {
            hash,
            keyword: u32::try_from(keyword).expect("fewer than 2^32 keywords"),
            offset: u32::try_from(offset).expect("keywords shorter than 4 GiB"),
            head: u64::from_le_bytes(head),
            head_mask: u64::from_le_bytes(mask),
        }
    }
}

impl TripleFilter {
    fn new(keywords: &[String]) -> TripleFilter {
        let common = CommonTriples::load();
        // Each multiplier is costed on its own: in parallel, as start-up waits for this.
        let (multiplier, offsets) = MULTIPLIERS
            .par_iter()
            .map(|&multiplier| {
                let (cost, offsets) = choose_triples(keywords, &common, multiplier);
                (cost, multiplier, offsets)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, multiplier, offsets)| (multiplier, offsets))
            .expect("MULTIPLIERS is not empty");
        let hash = |t: u32| hash(t, multiplier);
        let mut entries = Vec::with_capacity(keywords.len());
        let mut short = Vec::new();
        for (index, (keyword, offset)) in keywords.iter().zip(offsets).enumerate() {
            let bytes = keyword.as_bytes();
            if bytes.len() == 2 {
                // Any third byte: one entry per folded value.
                short.push(index);
                for third in 0..=255u8 {
                    let h = hash(triple(bytes[0], bytes[1], third));
                    entries.push(Entry::new(h, index, 0, bytes));
                }
                continue;
            }
            let h = hash(triple(bytes[offset], bytes[offset + 1], bytes[offset + 2]));
            entries.push(Entry::new(h, index, offset, bytes));
        }
        entries.sort_unstable();
        entries.dedup();
        let mut table = Box::new([0u32; TABLE_WORDS]);
        for entry in &entries {
            table[(entry.hash >> 5) as usize] |= 1 << (entry.hash & 31);
        }
        let buckets = (0..=1u32 << BUCKET_BITS)
            .map(|bucket| {
                let first =
                    entries.partition_point(|e| e.hash >> (TABLE_BITS - BUCKET_BITS) < bucket);
                u32::try_from(first).expect("fewer than 2^32 keyword entries")
            })
            .collect();
        TripleFilter {
            wide: WideLookup::new(multiplier),
            table,
            multiplier,
            entries,
            buckets,
            keywords: keywords.iter().map(|k| k.as_bytes().to_vec()).collect(),
            short,
        }
    }

    fn find_all(&self, hay: &[u8], hits: &mut Vec<Hit>) {
        let (table, multiplier) = (&*self.table, self.multiplier);
        // `wrapping_shr` takes the shift modulo 32, which is the bit's place in its word.
        let is_set = |h: u32| table[(h >> 5) as usize].wrapping_shr(h) & 1 != 0;
        let last = hay.len().saturating_sub(3);
        let mut at = 0;
        if let Some(wide) = &self.wide {
            // Eight positions per step, from the sixteen bytes that hold their triples.
            while at + 16 <= hay.len() {
                let bytes = <&[u8; 16]>::try_from(&hay[at..at + 16]).unwrap_or(&[0; 16]);
                let mut candidates = wide.candidates(table, bytes);
                while candidates != 0 {
                    let offset = candidates.trailing_zeros() as usize;
                    let (a, b, c) = (bytes[offset], bytes[offset + 1], bytes[offset + 2]);
                    self.verify(hay, at + offset, hash(triple(a, b, c), multiplier), hits);
                    candidates &= candidates - 1;
                }
                at += 8;
            }
        }
        // Six positions per eight-byte load: the triples at offsets 0 to 5 of the word.
        while at + 8 <= hay.len() {
            let word = <[u8; 8]>::try_from(&hay[at..at + 8]).map_or(0, u64::from_le_bytes);
            // Fold all eight bytes at once; each triple then only needs a shift and a mask.
            let word = word | 0x2020_2020_2020_2020;
            for offset in 0..6 {
                let h = hash((word >> (8 * offset)) as u32 & 0x00FF_FFFF, multiplier);
                if is_set(h) {
                    self.verify(hay, at + offset, h, hits);
                }
            }
            at += 6;
        }
        // The rest: one unaligned four-byte load per position, its fourth byte masked off
        // (cheaper than three byte loads); the last triple has no fourth byte.
        for at in at..last {
            let bytes = <[u8; 4]>::try_from(&hay[at..at + 4]).map_or(0, u32::from_le_bytes);
            let h = hash((bytes & 0x00FF_FFFF) | FOLD, multiplier);
            if is_set(h) {
                self.verify(hay, at, h, hits);
            }
        }
        if hay.len() >= 3 {
            let h = hash(triple(hay[last], hay[last + 1], hay[last + 2]), multiplier);
            if is_set(h) {
                self.verify(hay, last, h, hits);
            }
        }
        if let Some(start) = hay.len().checked_sub(2) {
            for &index in &self.short {
                if hay[start..].eq_ignore_ascii_case(&self.keywords[index]) {
                    push_hit(hits, (index, start, hay.len()));
                }
            }
        }
    }

    /// Reports the keywords whose triple sits at `at`.
    #[cold]
    #[inline(never)]
    fn verify(&self, hay: &[u8], at: usize, h: u32, hits: &mut Vec<Hit>) {
        let bucket = (h >> (TABLE_BITS - BUCKET_BITS)) as usize;
        let entries =
            &self.entries[self.buckets[bucket] as usize..self.buckets[bucket + 1] as usize];
        for entry in entries.iter().filter(|e| e.hash == h) {
            let Some(start) = at.checked_sub(entry.offset as usize) else {
                continue;
            };
            if let Some(word) = hay.get(start..start + 8) {
                let word = <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes);
                if (word | 0x2020_2020_2020_2020) & entry.head_mask != entry.head {
                    continue;
                }
            }
            let index = entry.keyword as usize;
            let keyword = &self.keywords[index];
            let end = start + keyword.len();
            if hay
                .get(start..end)
                .is_some_and(|found| found.eq_ignore_ascii_case(keyword))
            {
                push_hit(hits, (index, start, end));
            }
        }
    }
}

/// Appends a hit, or extends a recent hit of the same keyword that it overlaps: a run of `a`
/// holds a hit of `aaaaaaaaaaaaaaaaaaaaa` at every byte, and the windows around them are one
/// window anyway.
fn push_hit(hits: &mut Vec<Hit>, hit: Hit) {
    let (keyword, start, end) = hit;
    for recent in hits.iter_mut().rev().take(4) {
        if recent.0 == keyword && recent.1 <= start && start < recent.2 {
            recent.2 = recent.2.max(end);
            return;
        }
    }
    hits.push(hit);
}

/// For each keyword, the offset of the triple that stands for it (the one expected to occur
/// least often, its table bit shared with common triples included), and the expected number of
/// candidates per MB of all of them.
fn choose_triples(
    keywords: &[String],
    common: &CommonTriples,
    multiplier: u32,
) -> (f64, Vec<usize>) {
    let mut load: TripleMap =
        TripleMap::with_capacity_and_hasher(common.triples.len(), <_>::default());
    for &(t, per_mb) in &common.triples {
        *load.entry(hash(t, multiplier)).or_default() += per_mb;
    }
    // What a triple's table bit costs: its own occurrences and those of the common triples
    // hashed to the same bit.
    let cost = |t: u32| {
        let own = common.per_mb(t);
        let shared = load.get(&hash(t, multiplier)).copied().unwrap_or(0.0);
        own + (shared - common.listed(t)).max(0.0)
    };
    let mut total = 0.0;
    let offsets = keywords
        .iter()
        .map(|keyword| {
            let bytes = keyword.as_bytes();
            if bytes.len() < 3 {
                total += (0..=255u8)
                    .map(|c| cost(triple(bytes[0], bytes[1], c)))
                    .sum::<f64>();
                return 0;
            }
            let (best, offset) = (0..bytes.len() - 2)
                .map(|at| (cost(triple(bytes[at], bytes[at + 1], bytes[at + 2])), at))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .unwrap_or((0.0, 0));
            total += best;
            offset
        })
        .collect();
    (total, offsets)
}

/// [`COMMON_TRIPLES`], decoded.
struct CommonTriples {
    /// (folded triple, occurrences per MB).
    triples: Vec<(u32, f64)>,
    index: TripleMap,
}

impl CommonTriples {
    fn load() -> CommonTriples {
        let triples: Vec<(u32, f64)> = COMMON_TRIPLES
            .chunks_exact(4)
            .map(|r| (triple(r[0], r[1], r[2]), f64::from(r[3]) / 16.0))
            .map(|(t, log)| (t, log.exp2()))
            .collect();
        let index = triples.iter().copied().collect();
        CommonTriples { triples, index }
    }

    /// Occurrences per MB of a listed triple, 0 for others.
    fn listed(&self, t: u32) -> f64 {
        self.index.get(&t).copied().unwrap_or(0.0)
    }

    /// Occurrences per MB of a triple: measured when it is common, else estimated from the
    /// frequencies of its bytes, at most [`RARE_TRIPLE_PER_MB`].
    fn per_mb(&self, t: u32) -> f64 {
        self.index.get(&t).copied().unwrap_or_else(|| {
            let [a, b, c, _] = t.to_le_bytes();
            let share = byte_share(a) * byte_share(b) * byte_share(c);
            (1e6 * share).min(RARE_TRIPLE_PER_MB)
        })
    }
}

/// A map keyed by a folded triple or its hash, with a one-multiply hasher: the matcher's
/// start-up looks triples up some hundred thousand times, where SipHash took a fifth of it.
type TripleMap = std::collections::HashMap<u32, f64, std::hash::BuildHasherDefault<TripleHasher>>;

/// Hashes the one `u32` a [`TripleMap`] key is (Fibonacci hashing; keys are not chosen by an
/// attacker: they come from the rules and the built-in table).
#[derive(Default)]
struct TripleHasher(u64);

impl std::hash::Hasher for TripleHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, value: u32) {
        self.0 = u64::from(value).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

fn triple(a: u8, b: u8, c: u8) -> u32 {
    u32::from_le_bytes([a, b, c, 0]) | FOLD
}

/// Multiplicative hashing of a folded triple into [`TABLE_BITS`] bits.
fn hash(triple: u32, multiplier: u32) -> u32 {
    triple.wrapping_mul(multiplier) >> (32 - TABLE_BITS)
}

/// Folded triples with their frequency in `corpus`, most common first, as the records of
/// [`COMMON_TRIPLES`] (at most `count`): for the benchmark that regenerates the table.
pub fn common_triples_table(corpus: &[u8], count: usize) -> Vec<u8> {
    let mut counts = vec![0u32; 1 << 24];
    for w in corpus.windows(3) {
        counts[(triple(w[0], w[1], w[2]) & 0xFF_FFFF) as usize] += 1;
    }
    let mut ranked: Vec<(u32, u32)> = counts
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n > 0)
        .map(|(t, &n)| (n, t as u32))
        .collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    let mb = corpus.len().max(1) as f64 / 1e6;
    ranked
        .into_iter()
        .take(count)
        .flat_map(|(n, t)| {
            let [a, b, c, _] = t.to_le_bytes();
            let log = (16.0 * (f64::from(n) / mb).log2())
                .round()
                .clamp(0.0, 255.0) as u8;
            [a, b, c, log]
        })
        .collect()
}

/// How common a byte (lower-cased) is in source code and configuration: 255 + 16 log2 of its
/// frequency in 40 MB of crate sources (Rust, C, Python, JavaScript, TOML, JSON, YAML, Markdown
/// under ~/.cargo/registry), 0 when absent: how often a triple that is not in
/// [`COMMON_TRIPLES`] is expected, from the product of its bytes' frequencies.
#[rustfmt::skip]
const BYTE_RANK: [u8; 256] = [
      0,   0,   0,   0,   0,   0,   0,   0,   0,  93, 174,   0,   0,  35,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   1,   0,   0,   0,   0,
    216, 103, 148, 141,  70,  16, 105, 112, 148, 148, 110,  73, 164, 119, 135, 152,
    163, 135, 145, 141, 124, 118, 126, 115, 125, 116, 165, 142, 103, 142, 118,  64,
     37,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0, 136,  82, 136,  21, 174,
    115, 176, 158, 171, 164, 189, 160, 148, 149, 176,  83, 129, 167, 156, 178, 175,
    167,  98, 179, 180, 185, 171, 135, 138, 152, 142, 107, 120,  76, 120,  15,   0,
     72,  59,  61,  58,  89,  90,  85,  59,  54,  53,  52,  51,  51,  55,  51,  52,
     60,  60,  52,  49,  51,  65,  60,  59,  46,  53,  54,  49,  48,  63,  55,  51,
     54,  49,  48,  53,  52,  53,  50,  49,  53,  53,  52,  54,  53,  53,  68,  54,
     58,  55,  55,  56,  59,  55,  48,  81,  55,  55,  60,  52,  56,  62,  54,  62,
      1,   1,   1,  77,   1,   1,   1,   1,   1,   1,   1,   1,  79,  32,  35,  14,
      5,   1,   1,   1,   1,   1,  63,   1,  23,  28,   1,   1,   1,   1,   1,   1,
     53, 112,  59,  54,  28,  67,  67,  65,  65,  63,  52,  69,  69,  52,  28,  58,
     77,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   0,   0,   0,
];

/// The share of the bytes of code that fold to `folded` (both cases of a letter, `_` and DEL,
/// ...), from [`BYTE_RANK`].
fn byte_share(folded: u8) -> f64 {
    let share = |byte: u8| match BYTE_RANK[usize::from(byte)] {
        0 => 0.0,
        rank => ((f64::from(rank) - 255.0) / 16.0).exp2(),
    };
    let other = folded & !0x20;
    share(folded) + if other == folded { 0.0 } else { share(other) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_hits(finder: &KeywordFinder, hay: &[u8]) -> Vec<Hit> {
        let mut hits = Vec::new();
        finder.find_all(hay, &mut hits);
        hits.sort_unstable_by_key(|&(k, s, e)| (s, e, k));
        hits
    }

    #[test]
    fn both_finders_report_the_same_overlapping_case_insensitive_hits() {
        let keywords: Vec<String> = [
            "secret",
            "client_secret",
            "ghp_",
            "aws",
            "sk-ant-",
            "-----begin",
            "@@",
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        let triples = KeywordFinder::new(&keywords);
        assert!(matches!(triples, KeywordFinder::Triples(_)));
        let mut with_single = keywords.clone();
        with_single.push("q".into());
        let automaton = KeywordFinder::new(&with_single);
        assert!(matches!(automaton, KeywordFinder::Automaton(_)));
        let hay = b"CLIENT_SECRET=x; Aws ghp_x sk-ANT-y -----BEGIN ``@@ secretsecret at the very end: aws";
        let expected = all_hits(&automaton, hay)
            .into_iter()
            .filter(|&(k, _, _)| k < keywords.len())
            .collect::<Vec<_>>();
        let found = all_hits(&triples, hay);
        assert_eq!(found, expected);
        let names: Vec<&str> = found
            .iter()
            .map(|&(k, _, _)| keywords[k].as_str())
            .collect();
        assert_eq!(
            names,
            [
                "client_secret",
                "secret",
                "aws",
                "ghp_",
                "sk-ant-",
                "-----begin",
                "@@",
                "secret",
                "secret",
                "aws"
            ]
        );
    }

    /// Keywords for the long-text tests, and texts of about 2000 bytes made of them (in
    /// random case) between random fillers, so that keywords sit at every offset.
    const LONG_TEXT_KEYWORDS: [&str; 6] = ["secret", "ghp_", "pat", "://", "ab", "-----begin"];

    fn long_texts() -> impl Iterator<Item = Vec<u8>> {
        use rand::Rng;
        let mut rng = rand::rng();
        std::iter::repeat_with(move || {
            let mut hay = Vec::new();
            while hay.len() < 2000 {
                let filler = rng.random_range(0..9);
                hay.extend((0..filler).map(|_| b"xy z_:/-"[rng.random_range(0..8)]));
                let keyword = LONG_TEXT_KEYWORDS[rng.random_range(0..LONG_TEXT_KEYWORDS.len())];
                hay.extend(keyword.bytes().map(|b| {
                    if rng.random_bool(0.5) {
                        b.to_ascii_uppercase()
                    } else {
                        b
                    }
                }));
            }
            hay
        })
        .take(50)
    }

    fn long_text_keywords() -> Vec<String> {
        LONG_TEXT_KEYWORDS.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn both_finders_agree_on_long_text_with_keywords_at_every_offset() {
        let keywords = long_text_keywords();
        let mut with_single = keywords.clone();
        with_single.push("q".into());
        let (triples, automaton) = (
            KeywordFinder::new(&keywords),
            KeywordFinder::new(&with_single),
        );
        for hay in long_texts() {
            let expected: Vec<Hit> = all_hits(&automaton, &hay)
                .into_iter()
                .filter(|&(k, _, _)| k < keywords.len())
                .collect();
            assert_eq!(all_hits(&triples, &hay), expected);
        }
    }

    #[test]
    fn the_wide_and_the_scalar_table_lookups_find_the_same_hits() {
        let keywords = long_text_keywords();
        let wide = KeywordFinder::Triples(TripleFilter::new(&keywords));
        let mut scalar = TripleFilter::new(&keywords);
        scalar.wide = None;
        let scalar = KeywordFinder::Triples(scalar);
        for hay in long_texts() {
            assert_eq!(all_hits(&wide, &hay), all_hits(&scalar, &hay));
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            assert!(matches!(&wide, KeywordFinder::Triples(f) if f.wide.is_some()));
        }
    }

    #[test]
    fn overlapping_occurrences_of_one_keyword_are_one_hit() {
        let keywords = vec!["aaaa".to_string(), "ab".to_string()];
        let mut with_single = keywords.clone();
        with_single.push("q".into());
        for finder in [
            KeywordFinder::new(&keywords),
            KeywordFinder::new(&with_single),
        ] {
            // A run of nine: one hit over all of it; "ab" after it is another keyword.
            assert_eq!(
                all_hits(&finder, b"xAaaaaaaaAb aaaa aaaa"),
                [(0, 1, 10), (1, 9, 11), (0, 12, 16), (0, 17, 21)]
            );
        }
    }

    #[test]
    fn triples_common_in_code_are_not_chosen_to_stand_for_a_keyword() {
        // `ver` (version, server) is far more common than `rce` or `cel`.
        let filter = TripleFilter::new(&["vercel".to_string()]);
        assert_ne!(filter.entries[0].offset, 0);
        let common = CommonTriples::load();
        assert!(common.per_mb(triple(b'v', b'e', b'r')) > 100.0);
        assert!(common.per_mb(triple(b'q', b'x', b'z')) <= RARE_TRIPLE_PER_MB);
    }

    #[test]
    fn keywords_at_the_edges_of_the_haystack_are_found() {
        let keywords = vec!["ab".to_string(), "xyz".to_string()];
        let finder = KeywordFinder::new(&keywords);
        assert_eq!(all_hits(&finder, b"ab"), [(0, 0, 2)]);
        assert_eq!(all_hits(&finder, b"XYZ..ab"), [(1, 0, 3), (0, 5, 7)]);
        assert_eq!(all_hits(&finder, b"xab"), [(0, 1, 3)]);
        assert_eq!(all_hits(&finder, b"abab"), [(0, 0, 2), (0, 2, 4)]);
        assert!(all_hits(&finder, b"a").is_empty());
        assert!(all_hits(&finder, b"").is_empty());
    }
}
