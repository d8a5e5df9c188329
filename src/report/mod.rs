//! Report writers: text for people, JSON and JSON Lines for programs, SARIF 2.1.0 for code
//! scanning. Every writer keeps the order of the findings it is given (callers sort them with
//! [`Finding::sort_key`]) and shows secrets redacted unless [`ReportOptions::show_secrets`].

pub(crate) mod color;
mod json;
mod redact;
pub(crate) mod sarif;
mod text;
pub(crate) mod uri;

pub use color::{ColorChoice, color_wanted};
pub use redact::{DEFAULT_SHOWN, displayed_secret, printable, redact};
pub use sarif::MAX_RESULTS as SARIF_MAX_RESULTS;
pub use uri::encode_path;

use crate::finding::Finding;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// What to say when a rule has no remediation of its own.
pub const DEFAULT_REMEDIATION: &str =
    "Revoke this secret and rotate it, then remove it from the code and from git history.";

/// Output format of a scan (`--format`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Human-readable text (the default).
    #[default]
    Text,
    /// A JSON array of findings.
    Json,
    /// One JSON object per finding per line.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
}

/// How to render findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportOptions {
    /// Print secrets whole (`--show-secrets`) instead of redacted.
    pub show_secrets: bool,
    /// Characters of a secret's random part a redacted secret shows, after the provider's
    /// public prefix (`--redact N`; see [`redact`]).
    pub redact: usize,
    /// Color the text report (ignored by the other formats).
    pub color: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            show_secrets: false,
            redact: DEFAULT_SHOWN,
            color: false,
        }
    }
}

impl ReportOptions {
    /// The secret of `finding` as reports show it: whole, or redacted as these options say.
    fn secret<'a>(&self, finding: &'a Finding) -> std::borrow::Cow<'a, str> {
        displayed_secret(finding, self.show_secrets, self.redact)
    }
}

/// Writes `findings` to `out` in `format`, in the order given. With no findings, the text
/// format writes nothing, JSON writes `[]`, JSON Lines nothing, and SARIF a run without results.
pub fn write(
    out: &mut dyn Write,
    findings: &[Finding],
    format: Format,
    options: &ReportOptions,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(out, findings, options),
        Format::Json => json::write_json(out, findings, options),
        Format::Jsonl => json::write_jsonl(out, findings, options),
        Format::Sarif => sarif::write(out, findings, options),
    }?;
    out.flush()
}

/// `1 secret`, `2 secrets`: a count and a noun made plural with `s` unless the count is 1.
pub fn plural(count: impl std::fmt::Display, noun: &str) -> String {
    let count = count.to_string();
    let s = if count == "1" { "" } else { "s" };
    format!("{count} {noun}{s}")
}

/// Creates the report file `path` (emptied if it exists). A report that holds secrets whole
/// (`holds_secrets`, as with `--show-secrets`) is readable by its owner only: created with mode
/// 0600, and an existing file set to 0600 before anything is written to it.
pub fn create_file(path: &Path, holds_secrets: bool) -> io::Result<File> {
    let mut options = File::options();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if holds_secrets {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        return Ok(file);
    }
    #[cfg(not(unix))]
    let _ = holds_secrets; // no modes to set
    options.open(path)
}

/// The remediation of a finding's rule, or [`DEFAULT_REMEDIATION`].
fn remediation(finding: &Finding) -> &str {
    finding
        .remediation
        .as_deref()
        .unwrap_or(DEFAULT_REMEDIATION)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::finding::CommitInfo;
    use crate::suppress::fingerprint;

    /// A writer's output for `findings` with the given options, as a string.
    pub(crate) fn render_with(
        writer: fn(&mut dyn Write, &[Finding], &ReportOptions) -> io::Result<()>,
        findings: &[Finding],
        show_secrets: bool,
        color: bool,
    ) -> String {
        let mut out = Vec::new();
        let options = ReportOptions {
            show_secrets,
            color,
            ..ReportOptions::default()
        };
        writer(&mut out, findings, &options).expect("writing to a Vec cannot fail");
        String::from_utf8(out).expect("reports are UTF-8")
    }

    /// Three findings in report order: a file finding, a history finding without a rule
    /// remediation, and a second finding in a path with a space and a non-ASCII letter.
    pub(crate) fn sample_findings() -> Vec<Finding> {
        let pat = |path: &str, line, column, secret: &str| Finding {
            rule_id: "github-pat-classic".to_owned(),
            title: "GitHub personal access token (classic)".to_owned(),
            remediation: Some("Revoke it in the GitHub token settings, then rotate.".to_owned()),
            provider: Some("GitHub".to_owned()),
            category: "vcs-ci".to_owned(),
            severity: crate::rules::Severity::High,
            path: path.to_owned(),
            line,
            column,
            column_utf16: column,
            commit: None,
            occurrences: None,
            fingerprint: fingerprint("github-pat-classic", secret.as_bytes()),
            secret: secret.to_owned(),
            public_prefix: 4,
            related: Vec::new(),
            decoded: Vec::new(),
        };
        let password = Finding {
            rule_id: "generic-password".to_owned(),
            title: "Password assigned in code".to_owned(),
            remediation: None,
            provider: None,
            category: "generic".to_owned(),
            severity: crate::rules::Severity::High,
            path: "docs/my notes ü.md".to_owned(),
            line: 12,
            column: 1,
            column_utf16: 1,
            commit: Some(CommitInfo {
                id: "0123456789abcdef0123456789abcdef01234567".to_owned(),
                author: "Ada Lovelace".to_owned(),
                email: "ada@example.com".to_owned(),
                date: "2024-05-01T12:00:00Z".to_owned(),
            }),
            occurrences: Some(3),
            fingerprint: fingerprint("generic-password", b"hunter2ab"),
            secret: "hunter2ab".to_owned(),
            public_prefix: 0,
            related: Vec::new(),
            decoded: Vec::new(),
        };
        vec![
            pat(
                "config/dev.env",
                3,
                14,
                "ghp_0123456789abcdefghijABCDEFGHIJ0zNvy2",
            ),
            password,
            pat(
                "docs/my notes ü.md",
                20,
                7,
                "ghp_zyxwvutsrqponmlkjiZYXWVUTSRQ0aBcDe",
            ),
        ]
    }

    #[test]
    fn every_format_keeps_the_given_order() {
        let mut reversed = sample_findings();
        reversed.reverse();
        let needles: [(Format, [&str; 3]); 4] = [
            (Format::Text, ["ü.md:20:7", "ü.md:12:1", "dev.env:3:14"]),
            (
                Format::Json,
                ["\"line\": 20,", "\"line\": 12,", "\"line\": 3,"],
            ),
            (
                Format::Jsonl,
                ["\"line\":20,", "\"line\":12,", "\"line\":3,"],
            ),
            (
                Format::Sarif,
                ["\"startLine\": 20", "\"startLine\": 12", "\"startLine\": 3"],
            ),
        ];
        for (format, needles) in needles {
            let mut out = Vec::new();
            write(&mut out, &reversed, format, &ReportOptions::default()).unwrap();
            let text = String::from_utf8(out).unwrap();
            let positions: Vec<usize> = needles
                .iter()
                .map(|needle| {
                    text.find(needle)
                        .unwrap_or_else(|| panic!("{needle} in {text}"))
                })
                .collect();
            assert!(positions.is_sorted(), "{format:?}: {positions:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn report_files_holding_secrets_are_private_even_when_they_existed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let fresh = dir.path().join("fresh.json");
        create_file(&fresh, true).unwrap();
        assert_eq!(mode(&fresh), 0o600);
        let existing = dir.path().join("existing.json");
        std::fs::write(&existing, "old report, longer than the new one").unwrap();
        std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut file = create_file(&existing, true).unwrap();
        file.write_all(b"new").unwrap();
        assert_eq!(mode(&existing), 0o600);
        assert_eq!(std::fs::read(&existing).unwrap(), b"new");
        let redacted = dir.path().join("redacted.json");
        std::fs::write(&redacted, "").unwrap();
        std::fs::set_permissions(&redacted, std::fs::Permissions::from_mode(0o644)).unwrap();
        create_file(&redacted, false).unwrap();
        assert_eq!(mode(&redacted), 0o644, "a redacted report keeps its mode");
    }

    #[test]
    fn output_is_deterministic() {
        let findings = sample_findings();
        for format in [Format::Text, Format::Json, Format::Jsonl, Format::Sarif] {
            let render = || {
                let mut out = Vec::new();
                write(&mut out, &findings, format, &ReportOptions::default()).unwrap();
                out
            };
            assert_eq!(render(), render(), "{format:?}");
        }
    }

    #[test]
    fn every_format_redacts_alike_keeping_the_public_prefix_and_n_characters() {
        let findings = sample_findings();
        for format in [Format::Text, Format::Json, Format::Jsonl, Format::Sarif] {
            let render = |redact| {
                let mut out = Vec::new();
                let options = ReportOptions {
                    redact,
                    ..ReportOptions::default()
                };
                write(&mut out, &findings, format, &options).unwrap();
                String::from_utf8(out).unwrap()
            };
            let default = render(DEFAULT_SHOWN);
            assert!(default.contains("ghp_0123…"), "{format:?}: {default}");
            assert!(default.contains("ghp_zyxw…"), "{format:?}: {default}");
            assert!(default.contains("h…"), "{format:?}: {default}");
            let prefix_only = render(0);
            assert!(prefix_only.contains("ghp_…"), "{format:?}: {prefix_only}");
            assert!(!prefix_only.contains("ghp_0"), "{format:?}: {prefix_only}");
            let more = render(6);
            assert!(more.contains("ghp_012345…"), "{format:?}: {more}");
        }
    }
}
