//! `.tokhygignore`: fingerprints of findings a team has judged harmless (test fixtures, revoked
//! keys kept for history), one per line, and the repository's fingerprint salt.
//!
//! Format: a fingerprint (see [`super::fingerprint`]) per line, optionally followed by whitespace
//! and a `#` comment; lines that are blank or start with `#` are comments. Leading and trailing
//! whitespace (also a Windows `\r`) is ignored, and so is a UTF-8 byte order mark. Upper-case hex
//! is accepted and folded to lower case. Anything else is an error naming the file and the line,
//! because a silently skipped line would let a secret the user meant to track go unreported — or
//! the reverse.
//!
//! The salt is the comment line `# tokhyg-salt: HEX` (32 hexadecimal characters, conventionally
//! the first line; a comment, so that older tokhyg versions read the file too). With it, reports
//! print keyed fingerprints (version 2); entries of either version suppress.

use super::fingerprint::{FINGERPRINT_LEN, Salt, fingerprint, is_fingerprint};
use crate::finding::Finding;
use anyhow::Context;
use std::collections::HashSet;
use std::path::Path;

/// The comment that introduces the salt line, as tokhyg writes it.
pub const SALT_PREFIX: &str = "# tokhyg-salt:";

/// What a comment must start with to be the salt line (spaces after `#` are free).
const SALT_KEY: &str = "tokhyg-salt:";

/// A line of an ignore file that cannot be read. An entry is never shown: a secret pasted by
/// mistake can be made of hexadecimal digits too (a hex API key), and an error message ends up in
/// CI logs. Its length and whether it is hexadecimal are enough to fix it.
#[derive(Debug, thiserror::Error)]
pub enum IgnoreFileError {
    /// An entry that is not a fingerprint.
    #[error(
        "{file}:{line}: the entry (not shown: it may be a pasted secret) is not a fingerprint: it \
         has {length} {kind}, expected {FINGERPRINT_LEN} hexadecimal characters (as printed in \
         tokhyg's reports), optionally followed by a `# comment`",
        kind = if *hexadecimal { "hexadecimal characters" } else { "characters, not all hexadecimal" }
    )]
    NotAFingerprint {
        /// The file, as given.
        file: String,
        /// 1-based line number.
        line: usize,
        /// Length of the entry in characters.
        length: usize,
        /// Whether the entry is made of hexadecimal digits only.
        hexadecimal: bool,
    },
    /// A salt line whose value is not 32 hexadecimal characters, or a second, different salt.
    #[error(
        "{file}:{line}: {problem}: the line `{SALT_PREFIX} HEX` takes 32 hexadecimal characters, \
         once per file (remove the line to have tokhyg print a new one)"
    )]
    BadSalt {
        /// The file, as given.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        problem: &'static str,
    },
}

impl IgnoreFileError {
    /// The 1-based line the error is about.
    pub fn line(&self) -> usize {
        match self {
            IgnoreFileError::NotAFingerprint { line, .. }
            | IgnoreFileError::BadSalt { line, .. } => *line,
        }
    }
}

/// The set of fingerprints listed in an ignore file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreList {
    fingerprints: HashSet<String>,
    salt: Option<Salt>,
}

impl IgnoreList {
    /// Reads and parses the ignore file at `path`.
    pub fn load(path: &Path) -> anyhow::Result<IgnoreList> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read ignore file {} (it must be UTF-8 text)",
                path.display()
            )
        })?;
        Ok(IgnoreList::parse(&text, &path.display().to_string())?)
    }

    /// Parses the text of an ignore file; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<IgnoreList, IgnoreFileError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut fingerprints = HashSet::new();
        let mut salt: Option<Salt> = None;
        for (index, raw) in text.lines().enumerate() {
            let salt_value = raw
                .trim()
                .strip_prefix('#')
                .and_then(|comment| comment.trim_start().strip_prefix(SALT_KEY));
            if let Some(value) = salt_value {
                let bad = |problem| IgnoreFileError::BadSalt {
                    file: file.to_owned(),
                    line: index + 1,
                    problem,
                };
                let parsed = Salt::parse(value.trim()).ok_or_else(|| bad("not a salt"))?;
                if salt.is_some_and(|known| known != parsed) {
                    return Err(bad("a second, different salt"));
                }
                salt = Some(parsed);
                continue;
            }
            let entry = match raw.find('#') {
                Some(hash) => &raw[..hash],
                None => raw,
            }
            .trim();
            if entry.is_empty() {
                continue;
            }
            let lower = entry.to_ascii_lowercase();
            if !is_fingerprint(&lower) {
                return Err(IgnoreFileError::NotAFingerprint {
                    file: file.to_owned(),
                    line: index + 1,
                    length: entry.chars().count(),
                    hexadecimal: entry.bytes().all(|b| b.is_ascii_hexdigit()),
                });
            }
            fingerprints.insert(lower);
        }
        Ok(IgnoreList { fingerprints, salt })
    }

    /// The repository's fingerprint salt, from the `# tokhyg-salt:` line.
    pub fn salt(&self) -> Option<&Salt> {
        self.salt.as_ref()
    }

    /// Whether `fingerprint` is listed.
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }

    /// Whether `finding` is listed: by its fingerprint (keyed with this file's salt when it has
    /// one), or by the unkeyed version-1 fingerprint of its rule and secret, which entries written
    /// before the salt hold.
    pub fn suppresses(&self, finding: &Finding) -> bool {
        self.contains(&finding.fingerprint)
            || (self.salt.is_some()
                && !self.fingerprints.is_empty()
                && self.contains(&fingerprint(&finding.rule_id, finding.secret.as_bytes())))
    }

    /// The listed unkeyed fingerprint that alone suppresses `finding`, if one does: an entry of
    /// a salted file written before its salt, to be replaced with the finding's (keyed) one.
    pub fn unkeyed_entry_for(&self, finding: &Finding) -> Option<String> {
        if self.salt.is_none() || self.contains(&finding.fingerprint) {
            return None;
        }
        let unkeyed = fingerprint(&finding.rule_id, finding.secret.as_bytes());
        self.contains(&unkeyed).then_some(unkeyed)
    }

    /// Number of distinct fingerprints listed.
    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    /// Whether the file lists no fingerprint.
    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "a2872c14b128eb2070c4f372ed55e25f";
    const B: &str = "00112233445566778899aabbccddeeff";

    #[test]
    fn parses_entries_comments_blank_lines_and_whitespace() {
        let text = format!(
            "\u{feff}# test fixtures\n\n{A}   \r\n  {} # old staging key, revoked\n#{B}\n",
            B.to_ascii_uppercase()
        );
        let list = IgnoreList::parse(&text, ".tokhygignore").unwrap();
        assert_eq!(list.len(), 2);
        assert!(list.contains(A));
        assert!(list.contains(B));
        assert!(!list.contains("ffffffffffffffffffffffffffffffff"));
    }

    #[test]
    fn an_invalid_line_names_file_and_line() {
        let text = format!("{A}\n# ok\n{}0 # oops\n", &A[..20]);
        let error = IgnoreList::parse(&text, "repo/.tokhygignore").unwrap_err();
        assert_eq!(error.line(), 3);
        let message = error.to_string();
        let expected = "repo/.tokhygignore:3: the entry (not shown: it may be a pasted secret) \
                        is not a fingerprint: it has 21 hexadecimal characters, expected 32";
        assert!(message.starts_with(expected), "{message}");
    }

    #[test]
    fn a_too_long_or_short_entry_is_an_error() {
        assert!(IgnoreList::parse(&format!("{A}0"), "f").is_err());
        assert!(IgnoreList::parse(&A[1..], "f").is_err());
        assert!(IgnoreList::parse(&format!("{A} {B}"), "f").is_err());
    }

    #[test]
    fn the_error_never_echoes_what_may_be_a_pasted_secret() {
        let pasted = "ghp_k7Qw9Zr2Lm4Xp8Tn1Vb6Yc3Hd5Gf0JsAeU";
        let message = IgnoreList::parse(&format!("\n{pasted}\n"), "f")
            .unwrap_err()
            .to_string();
        assert!(!message.contains("ghp_"), "{message}");
        assert!(
            message.starts_with("f:2: the entry (not shown"),
            "{message}"
        );
        assert!(
            message.contains("38 characters, not all hexadecimal"),
            "{message}"
        );
        // A hex secret (40 characters, as many API keys) is not echoed either.
        let hex_secret = "3f9a1c7e5b2d4f608a1b3c5d7e9f0a2b4c6d8e0f";
        let message = IgnoreList::parse(hex_secret, "f").unwrap_err().to_string();
        assert!(!message.contains(hex_secret), "{message}");
        assert!(!message.contains(&hex_secret[..16]), "{message}");
        assert!(message.contains("40 hexadecimal characters"), "{message}");
    }

    fn finding(rule: &str, secret: &str, fingerprint: String) -> Finding {
        Finding {
            rule_id: rule.to_owned(),
            secret: secret.to_owned(),
            fingerprint,
            ..crate::report::tests::sample_findings().remove(0)
        }
    }

    #[test]
    fn the_salt_line_keys_the_list_and_unkeyed_entries_still_suppress() {
        let salt = Salt::random();
        let keyed_secret = "keyed-secret-value-1";
        let old_secret = "old-secret-value-22";
        let keyed = crate::suppress::fingerprint_with(Some(&salt), "r", keyed_secret.as_bytes());
        let old = fingerprint("r", old_secret.as_bytes());
        let text = format!("{SALT_PREFIX} {salt}\n{keyed}\n{old}  # from before the salt\n");
        let list = IgnoreList::parse(&text, "f").unwrap();
        assert_eq!(list.salt(), Some(&salt));
        assert_eq!(list.len(), 2);
        let found = |secret: &str| {
            let fingerprint =
                crate::suppress::fingerprint_with(Some(&salt), "r", secret.as_bytes());
            list.suppresses(&finding("r", secret, fingerprint))
        };
        assert!(found(keyed_secret));
        assert!(found(old_secret), "an unkeyed entry still suppresses");
        assert!(!found("another-secret-333"));
        let by_old_entry = finding(
            "r",
            old_secret,
            crate::suppress::fingerprint_with(Some(&salt), "r", old_secret.as_bytes()),
        );
        assert_eq!(list.unkeyed_entry_for(&by_old_entry), Some(old.clone()));
        let by_keyed_entry = finding("r", keyed_secret, keyed.clone());
        assert_eq!(list.unkeyed_entry_for(&by_keyed_entry), None);
        assert!(IgnoreList::parse(&old, "f").unwrap().salt().is_none());
    }

    #[test]
    fn a_bad_or_second_salt_is_an_error_naming_the_line() {
        let salt = Salt::random();
        for (text, line, problem) in [
            (format!("{SALT_PREFIX} 0011\n"), 1, "not a salt"),
            (
                format!(
                    "{SALT_PREFIX} {salt}\n{A}\n{SALT_PREFIX} {}\n",
                    Salt::random()
                ),
                3,
                "a second, different salt",
            ),
        ] {
            let error = IgnoreList::parse(&text, "f").unwrap_err();
            assert_eq!(error.line(), line);
            assert!(error.to_string().contains(problem), "{error}");
        }
        let twice = format!("{SALT_PREFIX} {salt}\n#tokhyg-salt:   {salt}\n");
        assert_eq!(IgnoreList::parse(&twice, "f").unwrap().salt(), Some(&salt));
    }

    #[test]
    fn load_reports_a_missing_file_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".tokhygignore");
        let error = IgnoreList::load(&path).unwrap_err();
        assert!(format!("{error:#}").contains(".tokhygignore"), "{error:#}");
        std::fs::write(&path, format!("{A}\n")).unwrap();
        assert!(IgnoreList::load(&path).unwrap().contains(A));
    }
}
