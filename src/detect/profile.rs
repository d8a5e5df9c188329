//! Where a scan's regex time goes, rule by rule: with `TOKHYG_PROFILE_RULES=1` in the
//! environment, the matcher times every rule's windows and prints the costliest rules on
//! standard error when it is dropped (at the end of the scan). For rule authors: a rule woken
//! by a frequent keyword shows up at the top. Off, it costs one branch per rule and blob.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The environment variable that turns profiling on.
pub const PROFILE_VAR: &str = "TOKHYG_PROFILE_RULES";

/// How many rules the report lists.
const SHOWN: usize = 25;

/// Time and windows spent per rule; empty when profiling is off.
#[derive(Debug, Default)]
pub(crate) struct RuleProfile {
    nanos: Vec<AtomicU64>,
    windows: Vec<AtomicU64>,
}

impl RuleProfile {
    /// A profile of `rules` rules when [`PROFILE_VAR`] is set, else an empty one.
    pub(crate) fn from_env(rules: usize) -> Self {
        if std::env::var_os(PROFILE_VAR).is_none_or(|v| v.is_empty() || v == "0") {
            return RuleProfile::default();
        }
        RuleProfile {
            nanos: (0..rules).map(|_| AtomicU64::new(0)).collect(),
            windows: (0..rules).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// A start time when profiling is on.
    pub(crate) fn start(&self) -> Option<Instant> {
        (!self.nanos.is_empty()).then(Instant::now)
    }

    /// Adds the time since `started` and `windows` windows to `rule`'s account.
    pub(crate) fn record(&self, rule: usize, started: Option<Instant>, windows: u64) {
        if let Some(started) = started {
            let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
            self.nanos[rule].fetch_add(nanos, Ordering::Relaxed);
            self.windows[rule].fetch_add(windows, Ordering::Relaxed);
        }
    }

    /// The report: total regex time, then the costliest rules (time, windows, id).
    pub(crate) fn report(&self, ids: &[&str]) -> Option<String> {
        if self.nanos.is_empty() {
            return None;
        }
        let mut rows: Vec<(u64, u64, &str)> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let load = |v: &[AtomicU64]| v[i].load(Ordering::Relaxed);
                (load(&self.nanos), load(&self.windows), *id)
            })
            .filter(|row| row.1 > 0)
            .collect();
        rows.sort_unstable_by(|a, b| b.cmp(a));
        let total: u64 = rows.iter().map(|row| row.0).sum();
        let mut out = format!(
            "tokhyg: rule profile: {:.1} ms in the regexes of {} rules (CPU time, all threads)\n",
            millis(total),
            rows.len()
        );
        for (nanos, windows, id) in rows.iter().take(SHOWN) {
            out.push_str(&format!(
                "  {:>9.2} ms {windows:>9} windows  {id}\n",
                millis(*nanos)
            ));
        }
        Some(out)
    }
}

fn millis(nanos: u64) -> f64 {
    nanos as f64 / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_profile_records_nothing_and_reports_nothing() {
        let profile = RuleProfile::default();
        assert!(profile.start().is_none());
        profile.record(0, None, 3);
        assert_eq!(profile.report(&["a"]), None);
    }

    #[test]
    fn the_report_lists_rules_by_time_and_leaves_out_idle_ones() {
        let profile = RuleProfile {
            nanos: (0..3).map(|_| AtomicU64::new(0)).collect(),
            windows: (0..3).map(|_| AtomicU64::new(0)).collect(),
        };
        profile.nanos[1].store(5_000_000, Ordering::Relaxed);
        profile.windows[1].store(7, Ordering::Relaxed);
        profile.nanos[2].store(1_000_000, Ordering::Relaxed);
        profile.windows[2].store(2, Ordering::Relaxed);
        let report = profile.report(&["idle", "slow", "fast"]).unwrap();
        let lines: Vec<&str> = report.lines().collect();
        assert!(
            lines[0].contains("6.0 ms") && lines[0].contains("2 rules"),
            "{report}"
        );
        assert!(lines[1].ends_with("7 windows  slow"), "{report}");
        assert!(lines[2].ends_with("2 windows  fast"), "{report}");
        assert!(!report.contains("idle"));
    }
}
