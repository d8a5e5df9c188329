//! The finding: what every source and the matcher produce together, and what every report
//! writer and suppression mechanism consumes. It holds the raw secret; writers redact it unless
//! the user asked for `--show-secrets`.

use crate::rules::Severity;
use serde::Serialize;

/// The commit a finding was first introduced in (history and staged scans only).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct CommitInfo {
    /// Full hexadecimal commit id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// Author date, RFC 3339 (`2024-05-01T12:00:00Z`).
    pub date: String,
}

/// Another part of a multi-part credential found near a finding (the access key id beside an
/// AWS secret access key): reported with the finding instead of on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedPart {
    /// The rule that found the part.
    pub rule_id: String,
    /// That rule's title (`AWS access key id`).
    pub title: String,
    /// 1-based line of the part's first byte, in the finding's file.
    pub line: usize,
    /// 1-based column in bytes.
    pub column: usize,
    /// 1-based column in UTF-16 code units (SARIF's).
    pub column_utf16: usize,
}

/// One leaked secret at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule id, such as `github-pat-classic`.
    pub rule_id: String,
    /// Human title of the rule.
    pub title: String,
    /// What to do about it, one line.
    pub remediation: Option<String>,
    /// Who issued the secret (`GitHub`), for provider-specific rules.
    pub provider: Option<String>,
    /// The rule's family (`cloud`, `password-hash`, `custom`).
    pub category: String,
    /// How grave it is.
    pub severity: Severity,
    /// Path relative to the scan root, `/`-separated (`-` for standard input).
    pub path: String,
    /// 1-based line of the secret's first byte.
    pub line: usize,
    /// 1-based column (in bytes) of the secret's first byte.
    pub column: usize,
    /// 1-based column of the secret's first byte in UTF-16 code units, as SARIF counts them
    /// (equal to `column` on ASCII lines).
    pub column_utf16: usize,
    /// The commit that introduced it, for history scans.
    pub commit: Option<CommitInfo>,
    /// History scans only: how many places of the scanned history hold the same secret, this
    /// one included (each place a commit, path, line and column where a new version of a file
    /// holds it): what `--all-occurrences` lists. `None` for other scans, where every place is
    /// a finding of its own.
    pub occurrences: Option<usize>,
    /// Identity of the secret for suppression: depends on the rule and the secret only.
    pub fingerprint: String,
    /// The raw secret. Never print it without redaction unless the user asked.
    pub secret: String,
    /// How many leading bytes of `secret` are its provider's public prefix (`ghp_`), which
    /// redaction shows whole (see [`crate::rules::Rule::public_prefix_len`]); 0 for none.
    pub public_prefix: usize,
    /// The other parts of the credential found near it (rules with `pairs:`), nearest first.
    pub related: Vec<RelatedPart>,
    /// The encodings the secret was found under, outermost first (`["base64"]` for a token in
    /// a Kubernetes Secret's data); empty when it stands in the text as it is.
    pub decoded: Vec<&'static str>,
}

impl Finding {
    /// The order reports use: path, line, column, rule, then commit.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, Option<&str>) {
        (
            &self.path,
            self.line,
            self.column,
            &self.rule_id,
            self.commit.as_ref().map(|c| c.id.as_str()),
        )
    }
}
