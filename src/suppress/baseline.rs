//! Baseline file: the findings a repository already had when the team adopted tokhyg, so a scan
//! reports only new leaks (`--baseline`, written by `--write-baseline`).
//!
//! Format (JSON, version 1), deterministic for a given set of findings and free of raw secrets:
//!
//! ```json
//! {
//!   "version": 1,
//!   "findings": [
//!     { "fingerprint": "a2872c14b128eb2070c4f372ed55e25f", "rule": "github-pat-classic",
//!       "path": "config/dev.env", "line": 3, "commit": null }
//!   ]
//! }
//! ```
//!
//! Matching is by fingerprint only (rule + secret), like `.tokhygignore`: a baselined secret
//! that moves to another file or line stays baselined, and the same secret pasted somewhere new
//! is not reported again either — it is the same leak, already known. `rule`, `path`, `line` and
//! `commit` are there for people reviewing the file and for diffs.
//!
//! Updating (`--update-baseline B`, or `--baseline B --write-baseline B`) keeps the entries
//! whose secret the scan still finds, as they were (so the file's diff shows only what
//! changed), adds an entry for each finding of a secret it did not know, and drops the entries
//! whose secret was not found, counting each kind.

use super::fingerprint::is_fingerprint;
use crate::finding::Finding;
use crate::rules::plain_errors::plain;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

/// The only baseline format version this build reads and writes.
const VERSION: u32 = 1;

/// One baselined finding on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    rule: String,
    path: String,
    line: usize,
    #[serde(default)]
    commit: Option<String>,
}

/// The baseline file on disk.
#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// The findings recorded in a baseline file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    fingerprints: HashSet<String>,
    entries: Vec<Entry>,
}

/// What updating a baseline did, in entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BaselineUpdate {
    /// Old entries whose secret the scan still found.
    pub kept: usize,
    /// New entries, for findings of secrets the baseline did not know.
    pub added: usize,
    /// Old entries whose secret the scan did not find.
    pub dropped: usize,
}

impl Entry {
    fn of(finding: &Finding) -> Entry {
        Entry {
            fingerprint: finding.fingerprint.clone(),
            rule: finding.rule_id.clone(),
            path: finding.path.clone(),
            line: finding.line,
            commit: finding.commit.as_ref().map(|c| c.id.clone()),
        }
    }

    /// The order of entries in the file: as in reports, then by fingerprint.
    fn sort_key(&self) -> (&str, usize, &str, Option<&str>, &str) {
        (
            &self.path,
            self.line,
            &self.rule,
            self.commit.as_deref(),
            &self.fingerprint,
        )
    }
}

impl Baseline {
    /// Reads the baseline file at `path`. A missing, unreadable or malformed file is an error
    /// naming it: a scan must not quietly report everything (or nothing) instead.
    pub fn load(path: &Path) -> anyhow::Result<Baseline> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read baseline file {shown}"))?;
        let file: File = serde_json::from_str(&text)
            .map_err(|error| anyhow::anyhow!(plain(error)))
            .with_context(|| {
                format!(
                    "baseline file {shown} is not a tokhyg baseline; \
                 regenerate it with `tokhyg scan --write-baseline {shown}`"
                )
            })?;
        if file.version != VERSION {
            bail!(
                "baseline file {shown} has version {}, this tokhyg reads version {VERSION}; \
                 regenerate it with `tokhyg scan --write-baseline {shown}`",
                file.version
            );
        }
        let mut fingerprints = HashSet::with_capacity(file.findings.len());
        for (index, entry) in file.findings.iter().enumerate() {
            if !is_fingerprint(&entry.fingerprint) {
                // Never echo the value: a secret pasted by mistake may be hexadecimal too.
                bail!(
                    "baseline file {shown}: entry {} has an invalid fingerprint (not shown: it \
                     may be a pasted secret) of {} characters; expected 32 lowercase \
                     hexadecimal characters",
                    index + 1,
                    entry.fingerprint.chars().count(),
                );
            }
            fingerprints.insert(entry.fingerprint.clone());
        }
        Ok(Baseline {
            fingerprints,
            entries: file.findings,
        })
    }

    /// Whether `finding` was already known when the baseline was written (by fingerprint).
    pub fn contains(&self, finding: &Finding) -> bool {
        self.fingerprints.contains(&finding.fingerprint)
    }

    /// Number of distinct fingerprints in the baseline.
    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    /// Whether the baseline records no finding.
    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    /// Writes a baseline of `findings` to `path` atomically (a temporary file in the same
    /// directory, then a rename), so an interrupted write never leaves a truncated baseline.
    /// Entries are sorted in report order; raw secrets are not written.
    pub fn write(path: &Path, findings: &[Finding]) -> anyhow::Result<()> {
        Baseline::default()
            .write_updated(path, findings, false)
            .map(|_| ())
    }

    /// Writes to `path` this baseline updated with `findings` (a scan's, before the baseline
    /// suppressed any): entries whose secret was found are kept as they were, findings of
    /// unknown secrets are added, entries whose secret was not found are dropped, unless
    /// `keep_unfound` (the scan was incomplete, so "not found" proves nothing). Written like
    /// [`Baseline::write`].
    pub fn write_updated(
        &self,
        path: &Path,
        findings: &[Finding],
        keep_unfound: bool,
    ) -> anyhow::Result<BaselineUpdate> {
        let found: HashSet<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
        let (kept, unfound): (Vec<&Entry>, Vec<&Entry>) = self
            .entries
            .iter()
            .partition(|entry| found.contains(entry.fingerprint.as_str()));
        let new: Vec<Entry> = findings
            .iter()
            .filter(|f| !self.fingerprints.contains(&f.fingerprint))
            .map(Entry::of)
            .collect();
        let update = BaselineUpdate {
            kept: kept.len() + if keep_unfound { unfound.len() } else { 0 },
            added: new.len(),
            dropped: if keep_unfound { 0 } else { unfound.len() },
        };
        let mut entries: Vec<Entry> = kept.into_iter().cloned().chain(new).collect();
        if keep_unfound {
            entries.extend(unfound.into_iter().cloned());
        }
        entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        entries.dedup();
        write_file(path, entries)?;
        Ok(update)
    }
}

/// Writes the baseline file atomically (see [`Baseline::write`]).
fn write_file(path: &Path, entries: Vec<Entry>) -> anyhow::Result<()> {
    let file = File {
        version: VERSION,
        findings: entries,
    };
    let mut json = serde_json::to_vec_pretty(&file).context("cannot encode the baseline")?;
    json.push(b'\n');

    let shown = path.display();
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir).with_context(|| {
        format!(
            "cannot create a temporary file in {} to write baseline {shown}",
            dir.display()
        )
    })?;
    temp.write_all(&json)
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write baseline {shown}"))?;
    temp.persist(path)
        .with_context(|| format!("cannot replace baseline {shown}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::CommitInfo;
    use crate::suppress::fingerprint;

    fn finding(path: &str, line: usize, rule: &str, secret: &str) -> Finding {
        Finding {
            rule_id: rule.to_owned(),
            title: "Some token".to_owned(),
            remediation: None,
            provider: None,
            category: "custom".to_owned(),
            severity: crate::rules::Severity::High,
            path: path.to_owned(),
            line,
            column: 5,
            column_utf16: 5,
            commit: None,
            occurrences: None,
            fingerprint: fingerprint(rule, secret.as_bytes()),
            secret: secret.to_owned(),
            public_prefix: 0,
            related: Vec::new(),
        }
    }

    #[test]
    fn round_trip_matches_by_fingerprint_even_after_a_move() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let old = finding("a.env", 3, "github-pat-classic", "ghp_old_secret_value");
        Baseline::write(&path, std::slice::from_ref(&old)).unwrap();
        let baseline = Baseline::load(&path).unwrap();
        assert_eq!(baseline.len(), 1);
        assert!(baseline.contains(&old));
        let moved = finding(
            "moved/b.env",
            40,
            "github-pat-classic",
            "ghp_old_secret_value",
        );
        assert!(baseline.contains(&moved));
        let new = finding("a.env", 3, "github-pat-classic", "ghp_new_secret_value");
        assert!(!baseline.contains(&new));
    }

    #[test]
    fn output_is_sorted_deterministic_and_has_no_raw_secret() {
        let dir = tempfile::tempdir().unwrap();
        let mut second = finding("b.env", 1, "rule-b", "secret-two-zzzz");
        second.commit = Some(CommitInfo {
            id: "0123456789abcdef0123456789abcdef01234567".to_owned(),
            author: "A".to_owned(),
            email: "a@example.com".to_owned(),
            date: "2024-05-01T12:00:00Z".to_owned(),
        });
        let first = finding("a.env", 2, "rule-a", "secret-one-yyyy");
        let one = dir.path().join("one.json");
        let two = dir.path().join("two.json");
        Baseline::write(&one, &[second.clone(), first.clone()]).unwrap();
        Baseline::write(&two, &[first.clone(), second.clone()]).unwrap();
        let text = std::fs::read_to_string(&one).unwrap();
        assert_eq!(text, std::fs::read_to_string(&two).unwrap());
        let expected = format!(
            r#"{{
  "version": 1,
  "findings": [
    {{
      "fingerprint": "{}",
      "rule": "rule-a",
      "path": "a.env",
      "line": 2,
      "commit": null
    }},
    {{
      "fingerprint": "{}",
      "rule": "rule-b",
      "path": "b.env",
      "line": 1,
      "commit": "0123456789abcdef0123456789abcdef01234567"
    }}
  ]
}}
"#,
            first.fingerprint, second.fingerprint
        );
        assert_eq!(text, expected);
        assert!(!text.contains("secret-one") && !text.contains("secret-two"));
    }

    #[test]
    fn an_update_keeps_what_is_still_found_adds_the_new_and_drops_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let old_kept = finding("a.env", 3, "r", "kept-secret-1111");
        let old_gone = finding("b.env", 1, "r", "gone-secret-2222");
        Baseline::write(&path, &[old_kept.clone(), old_gone.clone()]).unwrap();
        let baseline = Baseline::load(&path).unwrap();

        let moved = finding("moved.env", 9, "r", "kept-secret-1111");
        let new = finding("c.env", 2, "r", "new-secret-3333");
        let update = baseline
            .write_updated(&path, &[moved.clone(), new.clone()], false)
            .unwrap();
        assert_eq!(
            update,
            BaselineUpdate {
                kept: 1,
                added: 1,
                dropped: 1
            }
        );
        let text = std::fs::read_to_string(&path).unwrap();
        // The kept entry is the old one, not the moved finding: the diff shows only changes.
        assert!(
            text.contains("\"a.env\"") && !text.contains("moved.env"),
            "{text}"
        );
        assert!(
            text.contains("\"c.env\"") && !text.contains("b.env"),
            "{text}"
        );
        let updated = Baseline::load(&path).unwrap();
        assert!(updated.contains(&moved) && updated.contains(&new));
        assert!(!updated.contains(&old_gone));

        // An incomplete scan proves nothing about what it did not find: nothing is dropped.
        let update = updated.write_updated(&path, &[], true).unwrap();
        assert_eq!(
            update,
            BaselineUpdate {
                kept: 2,
                added: 0,
                dropped: 0
            }
        );
        assert_eq!(Baseline::load(&path).unwrap().len(), 2);
    }

    #[test]
    fn write_replaces_an_existing_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        std::fs::write(&path, "old contents").unwrap();
        Baseline::write(&path, &[]).unwrap();
        assert!(Baseline::load(&path).unwrap().is_empty());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn malformed_files_are_clear_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("base.json");
        let cases = [
            ("not json", "not a tokhyg baseline"),
            (r#"{"version": 1}"#, "missing field `findings`"),
            (
                r#"{"version": "1", "findings": []}"#,
                "expected a whole number, 0 or more",
            ),
            (r#"{"version": 2, "findings": []}"#, "has version 2"),
            (
                r#"{"version": 1, "findings": [{"fingerprint": "ABC", "rule": "r", "path": "p", "line": 1}]}"#,
                "entry 1 has an invalid fingerprint (not shown: it may be a pasted secret) of 3 characters",
            ),
            (
                r#"{"version": 1, "findings": [{"fingerprint": "ghp_x", "rule": "r", "path": "p", "line": 1}]}"#,
                "entry 1 has an invalid fingerprint (not shown: it may be a pasted secret) of 5 characters",
            ),
        ];
        for (text, expected) in cases {
            std::fs::write(&path, text).unwrap();
            let message = format!("{:#}", Baseline::load(&path).unwrap_err());
            assert!(message.contains("base.json"), "{message}");
            assert!(message.contains(expected), "{message}");
        }
        let missing = format!(
            "{:#}",
            Baseline::load(&dir.path().join("nope.json")).unwrap_err()
        );
        assert!(missing.contains("nope.json"), "{missing}");
    }
}
