//! What the benchmarks that print their own figures share: the size argument of
//! `cargo bench --bench NAME -- N` and best-of-N wall-clock timing.

use std::time::{Duration, Instant};

/// The first argument that is not a flag (cargo passes `--bench`), parsed as a count;
/// `default` when there is none.
pub fn count_arg(default: usize) -> anyhow::Result<usize> {
    let count = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with('-'))
        .map(|arg| arg.parse())
        .transpose()?;
    Ok(count.unwrap_or(default))
}

/// The shortest of `runs` timed calls of `f` (the least disturbed by other work on the machine).
pub fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// `elapsed` in milliseconds.
pub fn ms(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64() * 1e3
}
