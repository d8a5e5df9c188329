//! The progress bar of a history scan: commits walked, blobs read, bytes and throughput, on
//! stderr, and only when stderr is a terminal (CI logs and pipes get nothing).

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Counters the walk and the readers bump, and the bar shows.
#[derive(Debug, Default)]
pub struct Counters {
    /// Commits whose trees were walked.
    pub commits: AtomicU64,
    /// Unique blobs found so far.
    pub blobs_found: AtomicU64,
    /// Unique blobs read and scanned.
    pub blobs_read: AtomicU64,
    /// Bytes of blobs read.
    pub bytes: AtomicU64,
    /// Blobs read as streams (large blobs).
    pub streamed: AtomicU64,
    /// Set when the scan is over.
    pub done: AtomicBool,
}

impl Counters {
    /// Adds `n` to a counter.
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

/// Draws the bar until `counters.done` is set; returns at once when stderr is not a terminal.
pub fn run(counters: &Counters, total_commits: u64) {
    if !std::io::stderr().is_terminal() {
        return;
    }
    let bar = ProgressBar::with_draw_target(Some(total_commits), ProgressDrawTarget::stderr());
    let style =
        ProgressStyle::with_template("{spinner} history [{bar:30}] {pos}/{len} commits  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
    bar.set_style(style);
    let start = Instant::now();
    loop {
        let finished = counters.done.load(Ordering::Relaxed);
        let bytes = counters.bytes.load(Ordering::Relaxed);
        let secs = start.elapsed().as_secs_f64().max(1e-3);
        bar.set_position(counters.commits.load(Ordering::Relaxed));
        bar.set_message(format!(
            "{}/{} blobs  {}  {}/s",
            counters.blobs_read.load(Ordering::Relaxed),
            counters.blobs_found.load(Ordering::Relaxed),
            HumanBytes(bytes),
            HumanBytes((bytes as f64 / secs) as u64),
        ));
        if finished {
            break;
        }
        std::thread::sleep(Duration::from_millis(120));
    }
    bar.finish_and_clear();
}
