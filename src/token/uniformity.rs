//! Chi-square goodness-of-fit checks for the engine's distribution claims.
//!
//! The engine promises that every character of a token is uniform over its alphabet (and, for
//! `--each-class`, that tokens are uniform over the set that qualifies). These functions are how
//! the unit tests and the integration tests hold it to that promise, with a false-alarm rate that
//! is computed rather than guessed:
//!
//! - [`survival`] is the exact upper tail of the chi-square distribution, from the regularized
//!   upper incomplete gamma function `Q(df/2, x/2)` (series below `a + 1`, Lentz's continued
//!   fraction above, Lanczos `ln Γ`; relative error around 1e-13 in the tails used here).
//! - [`critical_value`] inverts it by bisection: the statistic a correct sampler exceeds with
//!   probability exactly `alpha`.
//! - [`PositionCounts::check`] runs one test per token position (plus, for independent draws, one
//!   on all positions pooled) and splits the family's `alpha` across them (Bonferroni), so a
//!   whole check wrongly fails with probability at most `alpha`.

/// Counts of symbols observed at each position of many sampled tokens.
#[derive(Debug, Clone)]
pub struct PositionCounts {
    symbols: usize,
    counts: Vec<Vec<u64>>,
    samples: u64,
}

impl PositionCounts {
    /// Empty counts for tokens of `positions` characters over `symbols` distinct symbols.
    pub fn new(positions: usize, symbols: usize) -> Self {
        PositionCounts {
            symbols,
            counts: vec![vec![0; symbols]; positions],
            samples: 0,
        }
    }

    /// Records one token, given as the index of each of its symbols.
    ///
    /// # Panics
    /// When the token has the wrong length or an index is out of range: test input is wrong.
    pub fn add(&mut self, token: &[usize]) {
        assert_eq!(token.len(), self.counts.len(), "token length");
        for (position, &symbol) in token.iter().enumerate() {
            self.counts[position][symbol] += 1;
        }
        self.samples += 1;
    }

    /// Number of tokens recorded.
    pub fn samples(&self) -> u64 {
        self.samples
    }

    /// Tests every position against the symbol probabilities `expected` (the same at each
    /// position) and, when `pooled` is true (only valid when positions are independent), all
    /// positions together. The family of tests wrongly fails with probability at most `alpha`.
    /// Returns the largest statistic-to-critical ratio seen, or a description of the failure.
    pub fn check(&self, expected: &[f64], alpha: f64, pooled: bool) -> Result<f64, String> {
        if expected.len() != self.symbols {
            return Err(format!(
                "{} expected probabilities for {} symbols",
                expected.len(),
                self.symbols
            ));
        }
        let tests = self.counts.len() + usize::from(pooled);
        let critical = critical_value(self.symbols - 1, alpha / tests as f64);
        let mut worst: f64 = 0.0;
        let mut run = |label: String, observed: &[u64], total: u64| {
            let expected_counts: Vec<f64> = expected.iter().map(|p| p * total as f64).collect();
            if let Some(small) = expected_counts.iter().find(|&&e| e < 5.0) {
                return Err(format!(
                    "{label}: expected count {small:.2} is below 5, use more samples"
                ));
            }
            let statistic = chi_square(observed, &expected_counts);
            worst = worst.max(statistic / critical);
            if statistic > critical {
                return Err(format!(
                    "{label}: chi-square {statistic:.2} > critical {critical:.2} \
                     (df {}, alpha {:.3e} per test)",
                    self.symbols - 1,
                    alpha / tests as f64
                ));
            }
            Ok(())
        };
        for (position, observed) in self.counts.iter().enumerate() {
            run(format!("position {position}"), observed, self.samples)?;
        }
        if pooled {
            let mut all = vec![0u64; self.symbols];
            for observed in &self.counts {
                for (sum, count) in all.iter_mut().zip(observed) {
                    *sum += count;
                }
            }
            let total = self.samples * self.counts.len() as u64;
            run("all positions".to_string(), &all, total)?;
        }
        Ok(worst)
    }
}

/// Pearson's statistic `sum (observed - expected)^2 / expected`.
pub fn chi_square(observed: &[u64], expected: &[f64]) -> f64 {
    observed
        .iter()
        .zip(expected)
        .map(|(&o, &e)| {
            let d = o as f64 - e;
            d * d / e
        })
        .sum()
}

/// Probability that a chi-square variable with `df` degrees of freedom exceeds `x`.
pub fn survival(x: f64, df: usize) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    upper_regularized_gamma(df as f64 / 2.0, x / 2.0)
}

/// The value a chi-square variable with `df` degrees of freedom exceeds with probability
/// `alpha` (for example `critical_value(61, 1e-6)` for one position of a base62 token).
pub fn critical_value(df: usize, alpha: f64) -> f64 {
    let (mut low, mut high) = (0.0, df as f64 + 10.0);
    while survival(high, df) > alpha {
        high *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if survival(mid, df) > alpha {
            low = mid;
        } else {
            high = mid;
        }
    }
    high
}

/// `Q(a, x) = Γ(a, x) / Γ(a)`.
fn upper_regularized_gamma(a: f64, x: f64) -> f64 {
    if x < a + 1.0 {
        1.0 - lower_series(a, x)
    } else {
        upper_continued_fraction(a, x)
    }
}

/// `P(a, x)` by its power series; converges fast for `x < a + 1`.
fn lower_series(a: f64, x: f64) -> f64 {
    let mut term = 1.0 / a;
    let mut sum = term;
    let mut denominator = a;
    for _ in 0..10_000 {
        denominator += 1.0;
        term *= x / denominator;
        sum += term;
        if term.abs() < sum.abs() * 1e-17 {
            break;
        }
    }
    sum * (-x + a * x.ln() - ln_gamma(a)).exp()
}

/// `Q(a, x)` by Lentz's continued fraction; converges fast for `x >= a + 1` and keeps full
/// relative precision far into the tail, where `1 - P` would round to zero.
fn upper_continued_fraction(a: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..10_000 {
        let an = -(i as f64) * (i as f64 - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < TINY {
            d = TINY;
        }
        c = b + an / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h * (-x + a * x.ln() - ln_gamma(a)).exp()
}

/// `ln Γ(x)` for `x > 0`, Lanczos approximation (g = 7, 9 terms).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the approximation in its accurate range.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, &c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relative(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn ln_gamma_matches_factorials_and_half_integers() {
        let mut factorial = 1.0f64;
        for n in 1..30u32 {
            assert!(
                relative(ln_gamma(f64::from(n) + 1.0).exp(), {
                    factorial *= f64::from(n);
                    factorial
                }) < 1e-12
            );
        }
        let sqrt_pi = std::f64::consts::PI.sqrt();
        assert!(relative(ln_gamma(0.5).exp(), sqrt_pi) < 1e-13);
        assert!(relative(ln_gamma(1.5).exp(), sqrt_pi / 2.0) < 1e-13);
    }

    #[test]
    fn survival_matches_closed_forms() {
        // Even degrees of freedom: Q = e^{-x/2} sum_{i<k} (x/2)^i / i!.
        for df in [2usize, 4, 10, 60, 88] {
            for x in [0.5, 3.0, 20.0, 60.0, 150.0, 300.0] {
                let half = x / 2.0;
                let (mut term, mut sum) = (1.0f64, 0.0f64);
                for i in 0..df / 2 {
                    if i > 0 {
                        term *= half / i as f64;
                    }
                    sum += term;
                }
                let exact = (-half).exp() * sum;
                assert!(relative(survival(x, df), exact) < 1e-10, "df {df} x {x}");
            }
        }
    }

    #[test]
    fn critical_values_match_published_tables() {
        // NIST/SEMATECH e-Handbook, table of upper critical values of the chi-square distribution.
        assert!((critical_value(1, 0.001) - 10.828).abs() < 1e-3);
        assert!((critical_value(10, 0.001) - 29.588).abs() < 1e-3);
        assert!((critical_value(100, 0.001) - 149.449).abs() < 1e-3);
        assert!((critical_value(1, 0.05) - 3.841).abs() < 1e-3);
        // df = 2 has the closed form -2 ln(alpha).
        for alpha in [1e-3, 1e-6, 1e-9] {
            assert!(relative(critical_value(2, alpha), -2.0 * f64::ln(alpha)) < 1e-9);
        }
    }

    #[test]
    fn chi_square_is_zero_on_a_perfect_fit_and_grows_with_the_misfit() {
        assert_eq!(chi_square(&[10, 10, 10], &[10.0, 10.0, 10.0]), 0.0);
        assert_eq!(chi_square(&[12, 8, 10], &[10.0, 10.0, 10.0]), 0.8);
    }

    #[test]
    fn check_fails_on_a_skewed_position_and_passes_a_fair_one() {
        let mut fair = PositionCounts::new(1, 2);
        let mut skewed = PositionCounts::new(1, 2);
        for i in 0..10_000 {
            fair.add(&[i % 2]);
            skewed.add(&[usize::from(i % 10 < 6)]);
        }
        assert!(fair.check(&[0.5, 0.5], 1e-6, true).is_ok());
        let error = skewed.check(&[0.5, 0.5], 1e-6, true).unwrap_err();
        assert!(error.contains("position 0"), "{error}");
    }

    #[test]
    fn check_refuses_too_few_samples() {
        let mut counts = PositionCounts::new(1, 4);
        counts.add(&[0]);
        assert!(
            counts
                .check(&[0.25; 4], 1e-6, false)
                .unwrap_err()
                .contains("below 5")
        );
    }
}
