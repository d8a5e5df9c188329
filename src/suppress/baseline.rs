//! Baseline file: the findings a repository already had when the team adopted tokhyg, so a scan
//! reports only new leaks (`--baseline`, written by `--write-baseline`).
//!
//! Format (JSON, version 2), deterministic for a given set of findings and salt, and free of raw
//! secrets:
//!
//! ```json
//! {
//!   "version": 2,
//!   "salt": "9f86d081884c7d659a2feaa0c55ad015",
//!   "findings": [
//!     { "fingerprint": "b9a373b3dd5f3e41c0c3a01811c288d3", "rule": "generic-api-key",
//!       "path": "config/dev.env", "line": 3, "commit": null }
//!   ]
//! }
//! ```
//!
//! Fingerprints are keyed with the file's own `salt` (version 2 of [`super::fingerprint`]),
//! random when the file is first written and kept when it is updated, so the fingerprints of a
//! committed baseline cannot be tested against guessed secrets by whoever sees them without
//! the file. Version 1 files (no salt, unkeyed fingerprints) are still read; their entries
//! suppress as before, and an update rewrites the entries it finds again with keyed fingerprints
//! (entries it keeps without finding them stay unkeyed, marked `"unsalted": true`).
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

use super::fingerprint::{Salt, fingerprint, fingerprint_with, is_fingerprint};
use crate::finding::Finding;
use crate::rules::plain_errors::plain;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

/// The baseline format version this build writes; it reads this one and version 1 (no salt).
const VERSION: u32 = 2;

/// One baselined finding on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    rule: String,
    path: String,
    line: usize,
    #[serde(default)]
    commit: Option<String>,
    /// The fingerprint is unkeyed (version 1): an entry of a version-1 file, kept by an update
    /// that did not find its secret.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    unsalted: bool,
}

/// The baseline file on disk.
#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    /// Hex salt of the keyed fingerprints (version 2; absent in version 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    salt: Option<String>,
    findings: Vec<Entry>,
}

/// The findings recorded in a baseline file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    /// The salt of its keyed fingerprints (a new one for a new or version-1 baseline).
    salt: Salt,
    /// Keyed fingerprints of its entries.
    keyed: HashSet<String>,
    /// Unkeyed (version-1) fingerprints of its entries.
    unkeyed: HashSet<String>,
    entries: Vec<Entry>,
}

impl Default for Baseline {
    /// An empty baseline with a new random salt.
    fn default() -> Self {
        Baseline {
            salt: Salt::random(),
            keyed: HashSet::new(),
            unkeyed: HashSet::new(),
            entries: Vec::new(),
        }
    }
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
    /// The entry of `finding`, its fingerprint keyed with `salt`.
    fn of(finding: &Finding, salt: &Salt) -> Entry {
        Entry {
            fingerprint: keyed(salt, finding),
            rule: finding.rule_id.clone(),
            path: finding.path.clone(),
            line: finding.line,
            commit: finding.commit.as_ref().map(|c| c.id.clone()),
            unsalted: false,
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
        let salt = match (file.version, file.salt.as_deref()) {
            (1, _) => None,
            (VERSION, Some(salt)) => Some(Salt::parse(salt).with_context(|| {
                format!(
                    "baseline file {shown}: `salt` must be 32 hexadecimal characters; \
                     regenerate the file with `tokhyg scan --write-baseline {shown}`"
                )
            })?),
            (VERSION, None) => bail!(
                "baseline file {shown} has version {VERSION} but no `salt`; regenerate it with \
                 `tokhyg scan --write-baseline {shown}`"
            ),
            (other, _) => bail!(
                "baseline file {shown} has version {other}, this tokhyg reads versions 1 and \
                 {VERSION}; regenerate it with `tokhyg scan --write-baseline {shown}`"
            ),
        };
        let mut entries = file.findings;
        let mut keyed = HashSet::new();
        let mut unkeyed = HashSet::new();
        for (index, entry) in entries.iter_mut().enumerate() {
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
            entry.unsalted |= salt.is_none();
            if entry.unsalted {
                unkeyed.insert(entry.fingerprint.clone());
            } else {
                keyed.insert(entry.fingerprint.clone());
            }
        }
        Ok(Baseline {
            salt: salt.unwrap_or_else(Salt::random),
            keyed,
            unkeyed,
            entries,
        })
    }

    /// Whether `finding` was already known when the baseline was written (by fingerprint: keyed
    /// with the baseline's salt, or unkeyed for the entries of a version-1 file).
    pub fn contains(&self, finding: &Finding) -> bool {
        self.keyed.contains(&keyed(&self.salt, finding))
            || (!self.unkeyed.is_empty() && self.unkeyed.contains(&unkeyed(finding)))
    }

    /// Number of distinct fingerprints in the baseline.
    pub fn len(&self) -> usize {
        self.keyed.len() + self.unkeyed.len()
    }

    /// Whether the baseline records no finding.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
        let found_keyed: HashSet<String> = findings.iter().map(|f| keyed(&self.salt, f)).collect();
        // Unkeyed fingerprint -> keyed one, to rewrite the version-1 entries found again.
        let found_unkeyed: HashMap<String, String> = if self.unkeyed.is_empty() {
            HashMap::new()
        } else {
            findings
                .iter()
                .map(|f| (unkeyed(f), keyed(&self.salt, f)))
                .collect()
        };
        let (kept, unfound): (Vec<&Entry>, Vec<&Entry>) = self.entries.iter().partition(|entry| {
            if entry.unsalted {
                found_unkeyed.contains_key(&entry.fingerprint)
            } else {
                found_keyed.contains(&entry.fingerprint)
            }
        });
        let kept = kept.into_iter().map(|entry| match entry.unsalted {
            true => Entry {
                fingerprint: found_unkeyed[&entry.fingerprint].clone(),
                unsalted: false,
                ..entry.clone()
            },
            false => entry.clone(),
        });
        let new: Vec<Entry> = findings
            .iter()
            .filter(|f| !self.contains(f))
            .map(|f| Entry::of(f, &self.salt))
            .collect();
        let update = BaselineUpdate {
            kept: kept.len() + if keep_unfound { unfound.len() } else { 0 },
            added: new.len(),
            dropped: if keep_unfound { 0 } else { unfound.len() },
        };
        let mut entries: Vec<Entry> = kept.chain(new).collect();
        if keep_unfound {
            entries.extend(unfound.into_iter().cloned());
        }
        entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        entries.dedup();
        write_file(path, &self.salt, entries)?;
        Ok(update)
    }
}

/// The fingerprint of `finding` keyed with `salt`.
fn keyed(salt: &Salt, finding: &Finding) -> String {
    fingerprint_with(Some(salt), &finding.rule_id, finding.secret.as_bytes())
}

/// The unkeyed (version-1) fingerprint of `finding`.
fn unkeyed(finding: &Finding) -> String {
    fingerprint(&finding.rule_id, finding.secret.as_bytes())
}

/// Writes the baseline file atomically (see [`Baseline::write`]).
fn write_file(path: &Path, salt: &Salt, entries: Vec<Entry>) -> anyhow::Result<()> {
    let file = File {
        version: VERSION,
        salt: Some(salt.to_string()),
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
            decoded: Vec::new(),
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
        let empty = Baseline::default();
        let salt = empty.salt;
        empty
            .write_updated(&one, &[second.clone(), first.clone()], false)
            .unwrap();
        empty
            .write_updated(&two, &[first.clone(), second.clone()], false)
            .unwrap();
        let text = std::fs::read_to_string(&one).unwrap();
        assert_eq!(text, std::fs::read_to_string(&two).unwrap());
        let expected = format!(
            r#"{{
  "version": 2,
  "salt": "{salt}",
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
            keyed(&salt, &first),
            keyed(&salt, &second)
        );
        assert_eq!(text, expected);
        // Keyed: neither the unkeyed fingerprint nor one of another salt.
        assert!(!text.contains(&first.fingerprint), "{text}");
        let other = Baseline::default();
        assert_ne!(keyed(&other.salt, &first), keyed(&salt, &first));
        assert!(!text.contains("secret-one") && !text.contains("secret-two"));
    }

    #[test]
    fn a_version_1_baseline_still_suppresses_and_an_update_keys_what_it_finds_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.json");
        let found = finding("a.env", 3, "r", "found-again-secret-1");
        let unfound = finding("b.env", 4, "r", "not-found-secret-22");
        let v1 = format!(
            r#"{{"version": 1, "findings": [
                {{"fingerprint": "{}", "rule": "r", "path": "a.env", "line": 3}},
                {{"fingerprint": "{}", "rule": "r", "path": "b.env", "line": 4}}]}}"#,
            found.fingerprint, unfound.fingerprint
        );
        std::fs::write(&path, v1).unwrap();
        let old = Baseline::load(&path).unwrap();
        assert!(old.contains(&found) && old.contains(&unfound));
        assert!(!old.contains(&finding("c.env", 1, "r", "a-new-secret-333")));
        // Kept without being found (an incomplete scan): stays unkeyed, marked so.
        old.write_updated(&path, std::slice::from_ref(&found), true)
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"version\": 2"), "{text}");
        assert!(
            !text.contains(&found.fingerprint),
            "found again: rewritten keyed: {text}"
        );
        assert!(text.contains(&unfound.fingerprint), "{text}");
        assert_eq!(text.matches("\"unsalted\": true").count(), 1, "{text}");
        let updated = Baseline::load(&path).unwrap();
        assert_eq!(updated.salt, old.salt, "the salt is kept from then on");
        assert!(updated.contains(&found) && updated.contains(&unfound));
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
