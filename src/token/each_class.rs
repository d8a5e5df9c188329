//! `--each-class`: tokens that contain at least one character of every chosen class.
//!
//! Such a token is drawn by rejection: draw the whole token uniformly, keep it if it covers
//! every class, otherwise draw the whole token again. The result is uniform over the qualifying
//! tokens, which is what makes its entropy exactly `log2` of their number. (Patching one position
//! with a character of the missing class, as many generators do, is not uniform: it makes the
//! rare classes over-represented and positions unequal.)
//!
//! The number of qualifying strings of length `L` over classes of sizes `n_1..n_k` (total `N`)
//! is, by inclusion–exclusion over the set `S` of classes left out,
//! `Q = sum_S (-1)^|S| (N - n_S)^L`. `Q` itself can have thousands of digits, so it is computed
//! as `N^L * p` where `p = sum_S (-1)^|S| (1 - n_S / N)^L` is the probability that a uniform
//! string qualifies. Every term of `p` lies in `[0, 1]` and `p` is never tiny (it is at least
//! `k! * prod(n_i) / N^k` at `L = k` and grows with `L`), so the f64 sum keeps ~14 significant
//! digits; `log2 p` is taken with `ln_1p` of the non-empty-`S` part so that `p` close to 1
//! (long tokens) loses nothing either.

/// Which class each alphabet index belongs to, and the test that a drawn token covers all.
#[derive(Debug, Clone)]
pub struct ClassMap {
    class_of: Vec<u8>,
    all: u32,
}

impl ClassMap {
    /// A map from alphabet index to class number (`0..k`, `k <= 32`). Returns `None` when a
    /// class number is 32 or more.
    pub fn new(class_of: Vec<u8>) -> Option<Self> {
        let classes = class_of
            .iter()
            .map(|&c| usize::from(c) + 1)
            .max()
            .unwrap_or(0);
        if classes > 32 {
            return None;
        }
        let all = if classes == 32 {
            u32::MAX
        } else {
            (1u32 << classes) - 1
        };
        Some(ClassMap { class_of, all })
    }

    /// True when the token (given as alphabet indices) has at least one character of every
    /// class.
    pub fn covers(&self, indices: &[u32]) -> bool {
        self.is_complete(self.mask(indices))
    }

    /// The set of classes present in `indices`, as a bit mask (bit `c` for class `c`); masks of
    /// consecutive pieces of a token combine with `|`.
    pub fn mask(&self, indices: &[u32]) -> u32 {
        indices
            .iter()
            .fold(0, |seen, &i| seen | 1 << self.class_of[i as usize])
    }

    /// The class number of each alphabet character, in alphabet order.
    pub fn class_of(&self) -> &[u8] {
        &self.class_of
    }

    /// The mask with one bit for every class.
    pub fn all(&self) -> u32 {
        self.all
    }

    /// True when `mask` (from [`ClassMap::mask`]) has every class.
    pub fn is_complete(&self, mask: u32) -> bool {
        mask == self.all
    }
}

/// `log2` of the number of strings of `length` characters over disjoint classes of the given
/// sizes that contain at least one character of every class. `None` when there is no such
/// string (a class is empty, there are no classes, or `length` is shorter than their number).
pub fn log2_qualifying(class_sizes: &[usize], length: usize) -> Option<f64> {
    if class_sizes.is_empty() || class_sizes.contains(&0) || length < class_sizes.len() {
        return None;
    }
    let total: usize = class_sizes.iter().sum();
    let rest = excluded_sum(class_sizes, length, None);
    let log2_p = rest.ln_1p() / std::f64::consts::LN_2;
    Some(length as f64 * (total as f64).log2() + log2_p)
}

/// Probability that one given position of a token, drawn uniformly from the qualifying strings,
/// holds one given character of class `class` (the same for every position, by symmetry). The
/// unit and integration tests compare observed frequencies with it.
///
/// # Panics
/// When `class` is out of range or no string qualifies.
pub fn symbol_probability(class_sizes: &[usize], length: usize, class: usize) -> f64 {
    assert!(class < class_sizes.len() && length >= class_sizes.len() && length > 0);
    let total: usize = class_sizes.iter().sum();
    // Strings with that character at that position qualify when the other L - 1 positions cover
    // every other class: count them as N^(L-1) * p_others and divide by N^L * p_all.
    let p_all = 1.0 + excluded_sum(class_sizes, length, None);
    let p_others = 1.0 + excluded_sum(class_sizes, length - 1, Some(class));
    p_others / (total as f64 * p_all)
}

/// `sum over non-empty S (-1)^|S| (1 - n_S / N)^length`, over subsets `S` of the classes that
/// do not contain `skip`. `N` is the size of the whole alphabet either way.
fn excluded_sum(class_sizes: &[usize], length: usize, skip: Option<usize>) -> f64 {
    let total = class_sizes.iter().sum::<usize>() as f64;
    let k = class_sizes.len();
    let exponent = i32::try_from(length).unwrap_or(i32::MAX);
    let mut sum = 0.0;
    for subset in 1u32..(1 << k) {
        if skip.is_some_and(|s| subset & (1 << s) != 0) {
            continue;
        }
        let left_out: usize = (0..k)
            .filter(|i| subset & (1 << i) != 0)
            .map(|i| class_sizes[i])
            .sum();
        let term = (1.0 - left_out as f64 / total).powi(exponent);
        if subset.count_ones() % 2 == 1 {
            sum -= term;
        } else {
            sum += term;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact count by inclusion–exclusion in 128-bit integers (small cases only).
    fn exact_count(class_sizes: &[usize], length: u32) -> i128 {
        let total: i128 = class_sizes.iter().map(|&n| n as i128).sum();
        let k = class_sizes.len();
        (0u32..(1 << k))
            .map(|subset| {
                let left_out: i128 = (0..k)
                    .filter(|i| subset & (1 << i) != 0)
                    .map(|i| class_sizes[i] as i128)
                    .sum();
                let term = (total - left_out).pow(length);
                if subset.count_ones() % 2 == 1 {
                    -term
                } else {
                    term
                }
            })
            .sum()
    }

    /// Count by enumerating every string (tiny cases only).
    fn brute_force(class_sizes: &[usize], length: u32) -> (u64, Vec<Vec<u64>>) {
        let class_of: Vec<u8> = class_sizes
            .iter()
            .enumerate()
            .flat_map(|(class, &n)| std::iter::repeat_n(class as u8, n))
            .collect();
        let n = class_of.len() as u64;
        let map = ClassMap::new(class_of.clone()).unwrap();
        let mut qualifying = 0;
        let mut per_position = vec![vec![0u64; class_of.len()]; length as usize];
        for code in 0..n.pow(length) {
            let mut rest = code;
            let indices: Vec<u32> = (0..length)
                .map(|_| {
                    let i = rest % n;
                    rest /= n;
                    i as u32
                })
                .collect();
            if map.covers(&indices) {
                qualifying += 1;
                for (position, &i) in indices.iter().enumerate() {
                    per_position[position][i as usize] += 1;
                }
            }
        }
        (qualifying, per_position)
    }

    #[test]
    fn matches_brute_force_enumeration() {
        for sizes in [
            &[1usize, 1][..],
            &[2, 3],
            &[2, 3, 1],
            &[1, 1, 1, 2],
            &[4, 1],
        ] {
            for length in sizes.len() as u32..=6 {
                let (count, per_position) = brute_force(sizes, length);
                assert_eq!(
                    count as i128,
                    exact_count(sizes, length),
                    "{sizes:?} {length}"
                );
                let log2 = log2_qualifying(sizes, length as usize).unwrap();
                assert!(
                    (log2 - (count as f64).log2()).abs() < 1e-12,
                    "{sizes:?} {length}"
                );
                let mut index = 0;
                for (class, &n) in sizes.iter().enumerate() {
                    let p = symbol_probability(sizes, length as usize, class);
                    for _ in 0..n {
                        for position in &per_position {
                            let observed = position[index] as f64 / count as f64;
                            assert!((observed - p).abs() < 1e-12, "{sizes:?} {length} {class}");
                        }
                        index += 1;
                    }
                }
            }
        }
    }

    #[test]
    fn matches_exact_integers_for_the_real_classes() {
        // lower, upper, digits, symbols; and the same without look-alikes.
        for sizes in [
            &[26usize, 26, 10, 26][..],
            &[24, 24, 8, 25],
            &[26, 10],
            &[10, 26, 26],
        ] {
            for length in sizes.len()..=18 {
                let exact = exact_count(sizes, length as u32) as f64;
                let log2 = log2_qualifying(sizes, length).unwrap();
                assert!((log2 - exact.log2()).abs() < 1e-11, "{sizes:?} {length}");
            }
        }
    }

    #[test]
    fn long_tokens_lose_almost_nothing_and_stay_exact() {
        // 1024 characters over four classes: p is 1 - 4.5e-46 or so, log2 p rounds to ~0.
        let log2 = log2_qualifying(&[26, 26, 10, 26], 1024).unwrap();
        let full = 1024.0 * 88f64.log2();
        assert!(log2 <= full && full - log2 < 1e-12);
        // 43 base62 characters (lower, upper, digits): written out by hand, the chance that a
        // uniform token lacks a class is dominated by "no digit", (52/62)^43 = 5.19e-4.
        let f = |n: f64| (n / 62.0).powi(43);
        let p = 1.0 - 2.0 * f(36.0) - f(52.0) + 2.0 * f(26.0) + f(10.0);
        let loss = 43.0 * 62f64.log2() - log2_qualifying(&[26, 26, 10], 43).unwrap();
        assert!((loss + p.log2()).abs() < 1e-12, "{loss}");
        assert!((loss - 7.49e-4).abs() < 1e-6, "{loss}");
    }

    #[test]
    fn refuses_impossible_requests() {
        assert_eq!(log2_qualifying(&[26, 26, 10, 26], 3), None);
        assert_eq!(log2_qualifying(&[], 8), None);
        assert_eq!(log2_qualifying(&[3, 0], 8), None);
    }

    #[test]
    fn covers_requires_every_class() {
        let map = ClassMap::new(vec![0, 0, 1, 2]).unwrap();
        assert!(map.covers(&[0, 2, 3]));
        assert!(map.covers(&[3, 1, 1, 2]));
        assert!(!map.covers(&[0, 1, 2]));
        assert!(!map.covers(&[]));
    }
}
