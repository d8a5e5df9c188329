//! The matcher: keyword prefilter (one Aho-Corasick pass) -> lazily compiled regex near each hit
//! -> validators (entropy, checksum, placeholders). It knows nothing of files or git.
//!
//! Being built: the public API below is the contract the sources and the scan command use.

use crate::rules::RuleSet;

/// One validated match of a rule in a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index of the rule in the matcher's [`RuleSet`].
    pub rule: usize,
    /// Byte offset of the secret's first byte in the scanned buffer.
    pub start: usize,
    /// Byte offset one past the secret's last byte.
    pub end: usize,
}

/// Compiled rules, ready to scan many blobs from many threads.
#[derive(Debug)]
pub struct Matcher {
    rules: RuleSet,
}

impl Matcher {
    /// Builds the matcher; regexes are compiled lazily, on the first keyword hit.
    pub fn new(rules: RuleSet) -> Self {
        Matcher { rules }
    }

    /// The rules this matcher runs.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Every validated match in `bytes`, sorted by position.
    pub fn scan(&self, _bytes: &[u8]) -> Vec<Match> {
        Vec::new()
    }
}
