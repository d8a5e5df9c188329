//! Finds every occurrence of every keyword, ASCII case-insensitively, overlapping ones
//! included: the one pass over each blob that decides which rules run.
//!
//! The fast path is a triple filter: each keyword is represented by its rarest three adjacent
//! bytes (a two-byte keyword by itself followed by any byte), and a 256 Ki-bit table says which
//! (case-folded, hashed) triples belong to some keyword. One table lookup per byte of input;
//! only a candidate position compares whole keywords. With the built-in keywords this is several
//! times faster than an Aho-Corasick automaton over them (see `benches/matcher.rs`), which stays
//! the fallback when a keyword is a single byte.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

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
            KeywordFinder::Automaton(automaton) => hits.extend(
                automaton
                    .find_overlapping_iter(hay)
                    .map(|m| (m.pattern().as_usize(), m.start(), m.end())),
            ),
        }
    }
}

/// Folds ASCII letters to lower case three bytes at a time. It also merges a few punctuation
/// bytes with others (`@` with `` ` ``): harmless, candidates are verified exactly.
const FOLD: u32 = 0x0020_2020;

/// log2 of the number of bits of the triple table (32 KiB: stays in the first-level cache).
const TABLE_BITS: u32 = 18;

/// The rare-triple filter.
#[derive(Debug)]
pub(crate) struct TripleFilter {
    /// Bit `h` is set when some keyword's folded triple hashes to `h`.
    table: Box<[u64; 1 << (TABLE_BITS - 6)]>,
    /// (hash of the triple, keyword, offset of the triple in the keyword), sorted.
    entries: Vec<(u32, usize, usize)>,
    keywords: Vec<Vec<u8>>,
    /// Two-byte keywords, also checked at the very end of a haystack where no triple starts.
    short: Vec<usize>,
}

impl TripleFilter {
    fn new(keywords: &[String]) -> TripleFilter {
        let mut table = Box::new([0u64; 1 << (TABLE_BITS - 6)]);
        let mut entries = Vec::with_capacity(keywords.len());
        let mut short = Vec::new();
        for (index, keyword) in keywords.iter().enumerate() {
            let bytes = keyword.as_bytes();
            if bytes.len() == 2 {
                // Any third byte: one entry per folded value.
                short.push(index);
                for third in 0..=255u8 {
                    entries.push((hash(triple(bytes[0], bytes[1], third)), index, 0));
                }
                continue;
            }
            let offset = (0..bytes.len() - 2)
                .min_by_key(|&at| rank(bytes[at]) + rank(bytes[at + 1]) + rank(bytes[at + 2]))
                .unwrap_or(0);
            entries.push((
                hash(triple(bytes[offset], bytes[offset + 1], bytes[offset + 2])),
                index,
                offset,
            ));
        }
        entries.sort_unstable();
        entries.dedup();
        for &(h, _, _) in &entries {
            table[(h >> 6) as usize] |= 1 << (h & 63);
        }
        TripleFilter {
            table,
            entries,
            keywords: keywords.iter().map(|k| k.as_bytes().to_vec()).collect(),
            short,
        }
    }

    fn find_all(&self, hay: &[u8], hits: &mut Vec<Hit>) {
        let table = &*self.table;
        for (at, window) in hay.windows(3).enumerate() {
            let h = hash(triple(window[0], window[1], window[2]));
            if table[(h >> 6) as usize] & (1 << (h & 63)) != 0 {
                self.verify(hay, at, h, hits);
            }
        }
        if let Some(start) = hay.len().checked_sub(2) {
            for &index in &self.short {
                if hay[start..].eq_ignore_ascii_case(&self.keywords[index]) {
                    hits.push((index, start, hay.len()));
                }
            }
        }
    }

    /// Reports the keywords whose triple sits at `at`.
    #[cold]
    fn verify(&self, hay: &[u8], at: usize, h: u32, hits: &mut Vec<Hit>) {
        let first = self.entries.partition_point(|e| e.0 < h);
        for &(_, index, offset) in self.entries[first..].iter().take_while(|e| e.0 == h) {
            let keyword = &self.keywords[index];
            let Some(start) = at.checked_sub(offset) else {
                continue;
            };
            let end = start + keyword.len();
            if hay
                .get(start..end)
                .is_some_and(|found| found.eq_ignore_ascii_case(keyword))
            {
                hits.push((index, start, end));
            }
        }
    }
}

fn triple(a: u8, b: u8, c: u8) -> u32 {
    u32::from_le_bytes([a, b, c, 0]) | FOLD
}

/// Fibonacci hashing of a folded triple into [`TABLE_BITS`] bits.
fn hash(triple: u32) -> u32 {
    triple.wrapping_mul(0x9E37_79B1) >> (32 - TABLE_BITS)
}

/// How common a byte (lower-cased) is in source code and configuration: 255 + 16 log2 of its
/// frequency in 40 MB of crate sources (Rust, C, Python, JavaScript, TOML, JSON, YAML, Markdown
/// under ~/.cargo/registry), 0 when absent. On a log scale the sum of ranks orders triples by
/// the product of their bytes' frequencies, which is what picking a keyword's rarest triple
/// needs.
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

fn rank(byte: u8) -> u32 {
    u32::from(BYTE_RANK[usize::from(byte.to_ascii_lowercase())])
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
