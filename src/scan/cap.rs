//! The cap on findings of one rule in one blob. Past [`MAX_FINDINGS_PER_RULE`] hits of one rule,
//! a file is a data file (a dump of keys, a generated fixture, a word list), not that many
//! leaks, and keeping every finding cost about a kilobyte each: 1.6 million of them held 1.5 GB.
//! The rest are counted, not kept, and named in a warning.

/// Most findings of one rule kept for one blob.
pub const MAX_FINDINGS_PER_RULE: usize = 1000;

/// Counts the findings of each rule in one blob and says which to keep.
#[derive(Debug, Default)]
pub(super) struct FindingCap {
    /// Findings seen so far, by rule index (grown on demand: most blobs have none).
    counts: Vec<usize>,
}

impl FindingCap {
    /// Counts one more finding of `rule`; true while the rule is within the cap.
    pub(super) fn admit(&mut self, rule: usize) -> bool {
        if self.counts.len() <= rule {
            self.counts.resize(rule + 1, 0);
        }
        self.counts[rule] += 1;
        self.counts[rule] <= MAX_FINDINGS_PER_RULE
    }

    /// The rules that went past the cap, with their counts; `rule_id` names a rule by index.
    pub(super) fn capped<'r>(&self, rule_id: impl Fn(usize) -> &'r str) -> Vec<CappedRule> {
        self.counts
            .iter()
            .enumerate()
            .filter(|&(_, &found)| found > MAX_FINDINGS_PER_RULE)
            .map(|(rule, &found)| CappedRule {
                rule_id: rule_id(rule).to_owned(),
                found,
            })
            .collect()
    }
}

/// A rule that found more than [`MAX_FINDINGS_PER_RULE`] secrets in one blob: only the first
/// ones, in blob order, are reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CappedRule {
    /// The rule's id.
    pub rule_id: String,
    /// How many findings it had in the blob (the reported ones included).
    pub found: usize,
}

impl CappedRule {
    /// The warning for this rule in the blob shown as `path`.
    pub fn warning(&self, path: &str) -> String {
        format!(
            "{path}: rule `{}` matched {} times; only the first {MAX_FINDINGS_PER_RULE} are \
             reported. So many hits of one rule in one file usually mean a data file (a key dump, \
             a fixture): check it, revoke what is real, then list the file in `allow_paths` of \
             .tokhyg.yaml",
            self.rule_id, self.found
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_findings_of_each_rule_and_counts_the_rest() {
        let mut cap = FindingCap::default();
        let kept = (0..MAX_FINDINGS_PER_RULE + 5)
            .filter(|_| cap.admit(3))
            .count();
        assert_eq!(kept, MAX_FINDINGS_PER_RULE);
        assert!(cap.admit(0), "another rule has its own count");
        let ids = ["a", "b", "c", "many"];
        let capped = cap.capped(|rule| ids[rule]);
        assert_eq!(
            capped,
            [CappedRule {
                rule_id: "many".to_owned(),
                found: MAX_FINDINGS_PER_RULE + 5
            }]
        );
        let warning = capped[0].warning("data/keys.txt");
        assert!(
            warning
                .starts_with("data/keys.txt: rule `many` matched 1005 times; only the first 1000"),
            "{warning}"
        );
    }
}
