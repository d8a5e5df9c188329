//! The prefilter of rules woken by a run of characters rather than a keyword (`run:` in the
//! schema): every maximal run of at least N characters of an alphabet, optionally right after
//! one of a few bytes.
//!
//! The search skips: it looks at the byte N-1 ahead, and when that one is outside the alphabet
//! no run of N can cover it, so it moves N bytes on. Code is made of short words, so it reads a
//! few bytes per N (a 28-character base62 run in a line of Rust is found reading about one byte
//! in five) instead of stopping at every `_` and `-` as a search for a separator would.
//!
//! When the run is the secret itself and carries a checksum (`is_secret: true`), a run that
//! fails the checksum is dropped here: code is full of long identifiers and base62 ids (830
//! runs of 22 or more per MB of crate sources), and none of them should cost a regex search.

use crate::rules::RunPrefilter;
use crate::token::checksum::Checksum;

/// Finds the runs of one [`RunPrefilter`].
#[derive(Debug)]
pub(crate) struct RunFinder {
    /// Bytes of the run's alphabet.
    in_run: [bool; 256],
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
            before,
            any_before: prefilter.preceded_by.is_empty(),
            min_length: prefilter.min_length.max(1),
            checksum: prefilter.checksum,
        }
    }

    /// Appends the span of every qualifying run to `out`, the byte before it included when the
    /// prefilter names the bytes allowed there.
    pub(crate) fn find_all(&self, hay: &[u8], out: &mut Vec<(usize, usize)>) {
        let n = self.min_length;
        let in_run = |at: usize| self.in_run[usize::from(hay[at])];
        // Invariant: `start` is 0 or follows a byte outside the alphabet, so a run found
        // starting there is maximal on the left.
        let mut start = 0;
        while start + n <= hay.len() {
            let probe = start + n - 1;
            if !in_run(probe) {
                start = probe + 1;
                continue;
            }
            let mut first = probe;
            while first > start && in_run(first - 1) {
                first -= 1;
            }
            if first > start {
                start = first; // hay[first - 1] is outside the alphabet
                continue;
            }
            let mut end = probe + 1;
            while end < hay.len() && in_run(end) {
                end += 1;
            }
            if self
                .checksum
                .is_some_and(|checksum| !checksum.verify(&hay[start..end]))
            {
                // Not this rule's secret.
            } else if self.any_before {
                out.push((start, end));
            } else if let Some(before) = start.checked_sub(1)
                && self.before[usize::from(hay[before])]
            {
                out.push((before, end));
            }
            start = end + 1; // hay[end] is outside the alphabet, or the end
        }
    }
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
        let class = b"ab";
        for n in [1, 2, 3, 5, 8] {
            for _ in 0..200 {
                let len = rng.random_range(0..80);
                let hay: Vec<u8> = (0..len)
                    .map(|_| b"aab_-x"[rng.random_range(0..6)])
                    .collect();
                for before in [&b""[..], b"_-"] {
                    let f = finder("ab", n, std::str::from_utf8(before).unwrap());
                    assert_eq!(
                        runs(&f, &hay),
                        expected(&hay, class, n, before),
                        "n={n} before={before:?} hay={:?}",
                        String::from_utf8_lossy(&hay)
                    );
                }
            }
        }
    }
}
