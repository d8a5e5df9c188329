//! The text report, for people:
//!
//! ```text
//! config/dev.env:3:14  github-pat-classic  GitHub personal access token (classic)
//!     secret       ghp_k3Q9…
//!     fingerprint  5d0e6f1b2a3c4d5e6f708192a3b4c5d6
//!     commit       0123456789ab  Alice <alice@example.com>  2024-05-01T12:00:00Z
//!     also         at 2 other places in history (--all-occurrences lists them)
//!     fix          Revoke it in the GitHub token settings, then rotate.
//!
//! 1 secret found in 1 file
//! ```
//!
//! The fingerprint identifies the secret (rule and secret) for `.tokhygignore` and baselines.
//! A `with` line names each other part of a multi-part credential found beside the secret (the
//! access key id of an AWS secret key). The `commit` line appears for history findings only, the `also` line for history findings
//! whose secret other places hold too (saying whether this report lists them). The summary
//! counts secrets (fingerprints) and, when a secret is listed at several places, the places. Nothing at all is written when there
//! are no findings, so `tokhyg scan > out` leaves `out` empty on a clean tree (the command may
//! say so on standard error). Text from scanned files (paths, secrets) is escaped so it cannot
//! inject terminal control sequences.

use super::color::{PATH, RULE, paint};
use super::redact::printable;
use super::{ReportOptions, plural, remediation};
use crate::finding::Finding;
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

/// Characters of a commit id shown in text output.
const SHORT_ID: usize = 12;

/// Writes the text report of `findings`, in the given order.
pub(super) fn write(
    out: &mut dyn Write,
    findings: &[Finding],
    options: &ReportOptions,
) -> io::Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    let mut listed: HashMap<&str, usize> = HashMap::new();
    for finding in findings {
        *listed.entry(finding.fingerprint.as_str()).or_default() += 1;
    }
    for finding in findings {
        let others_listed = listed[finding.fingerprint.as_str()] > 1;
        write_finding(out, finding, others_listed, options)?;
    }
    writeln!(out, "{}", summary(findings))
}

/// One finding: the location line, then its indented details and a blank line. `others_listed`:
/// the report also lists the other places of its secret (`--all-occurrences`).
fn write_finding(
    out: &mut dyn Write,
    finding: &Finding,
    others_listed: bool,
    options: &ReportOptions,
) -> io::Result<()> {
    let path = paint(&printable(&finding.path), PATH, options.color);
    let rule = paint(&printable(&finding.rule_id), RULE, options.color);
    writeln!(
        out,
        "{path}:{}:{}  {rule}  {}",
        finding.line,
        finding.column,
        printable(&finding.title)
    )?;
    let secret = options.secret(finding);
    writeln!(out, "    secret       {}", printable(&secret))?;
    writeln!(out, "    fingerprint  {}", printable(&finding.fingerprint))?;
    if !finding.decoded.is_empty() {
        writeln!(out, "    decoded      {}", finding.decoded.join(" > "))?;
    }
    for part in &finding.related {
        writeln!(
            out,
            "    with         {} at {}:{}",
            printable(&part.title),
            part.line,
            part.column
        )?;
    }
    if let Some(commit) = &finding.commit {
        let short: String = commit.id.chars().take(SHORT_ID).collect();
        writeln!(
            out,
            "    commit       {}  {} <{}>  {}",
            printable(&short),
            printable(&commit.author),
            printable(&commit.email),
            printable(&commit.date)
        )?;
    }
    if let Some(others) = finding.occurrences.map(|n| n.saturating_sub(1))
        && others > 0
    {
        let places = if others == 1 { "place" } else { "places" };
        let listed = if others_listed {
            "listed in this report"
        } else {
            "--all-occurrences lists them"
        };
        writeln!(
            out,
            "    also         at {others} other {places} in history ({listed})"
        )?;
    }
    writeln!(out, "    fix          {}", printable(remediation(finding)))?;
    writeln!(out)
}

/// `3 secrets found in 2 files`; when a secret is listed at several places (the same secret in
/// two files, or `--all-occurrences`), `2 secrets found at 5 places in 3 files`. A secret is a
/// fingerprint (rule and secret); a place is a finding.
fn summary(findings: &[Finding]) -> String {
    let distinct = |key: fn(&Finding) -> &str| findings.iter().map(key).collect::<HashSet<_>>();
    let files = distinct(|f| f.path.as_str()).len();
    let secrets = distinct(|f| f.fingerprint.as_str()).len();
    let places = if secrets == findings.len() {
        String::new()
    } else {
        format!(" at {}", plural(findings.len(), "place"))
    };
    format!(
        "{} found{places} in {}",
        plural(secrets, "secret"),
        plural(files, "file")
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::{render_with, sample_findings};
    use super::*;

    fn render(findings: &[Finding], show_secrets: bool, color: bool) -> String {
        render_with(write, findings, show_secrets, color)
    }

    #[test]
    fn golden_output_without_color() {
        let findings = sample_findings();
        let expected = format!(
            "\
config/dev.env:3:14  github-pat-classic  GitHub personal access token (classic)
    secret       ghp_0123…
    fingerprint  {}
    fix          Revoke it in the GitHub token settings, then rotate.

docs/my notes ü.md:12:1  generic-password  Password assigned in code
    secret       h…
    fingerprint  {}
    commit       0123456789ab  Ada Lovelace <ada@example.com>  2024-05-01T12:00:00Z
    also         at 2 other places in history (--all-occurrences lists them)
    fix          Revoke this secret and rotate it, then remove it from the code and from git history.

docs/my notes ü.md:20:7  github-pat-classic  GitHub personal access token (classic)
    secret       ghp_zyxw…
    fingerprint  {}
    fix          Revoke it in the GitHub token settings, then rotate.

3 secrets found in 2 files
",
            findings[0].fingerprint, findings[1].fingerprint, findings[2].fingerprint
        );
        assert_eq!(render(&findings, false, false), expected);
    }

    #[test]
    fn colors_only_the_path_and_rule_id() {
        let text = render(&sample_findings()[..1], false, true);
        assert!(text.starts_with(
            "\x1b[35mconfig/dev.env\x1b[0m:3:14  \x1b[1;31mgithub-pat-classic\x1b[0m  GitHub"
        ));
        assert_eq!(text.matches('\x1b').count(), 4);
    }

    #[test]
    fn shows_secrets_only_when_asked_and_escaped() {
        let findings = sample_findings();
        let hidden = render(&findings, false, false);
        for finding in &findings {
            assert!(!hidden.contains(&finding.secret));
        }
        let shown = render(&findings, true, false);
        assert!(shown.contains("    secret       ghp_0123456789abcdefghijABCDEFGHIJ0zNvy2\n"));
        let mut pem = findings[0].clone();
        pem.secret = "-----BEGIN KEY-----\nMIIE\x1b[2J".to_owned();
        let text = render(&[pem], true, false);
        assert!(
            text.contains("    secret       -----BEGIN KEY-----\\nMIIE\\u{1b}[2J\n"),
            "{text}"
        );
    }

    #[test]
    fn hostile_paths_cannot_inject_lines() {
        let mut finding = sample_findings().remove(0);
        finding.path = "evil\n\x1b[2Jname.env".to_owned();
        let text = render(&[finding], false, false);
        assert!(
            text.starts_with("evil\\n\\u{1b}[2Jname.env:3:14  "),
            "{text}"
        );
    }

    #[test]
    fn nothing_found_writes_nothing() {
        assert_eq!(render(&[], false, true), "");
    }

    #[test]
    fn all_occurrences_counts_secrets_and_places_and_says_they_are_listed() {
        let mut findings = sample_findings();
        let mut copy = findings[1].clone();
        copy.path = "old/notes.md".to_owned();
        copy.line = 2;
        let mut third = copy.clone();
        third.line = 9;
        findings.extend([copy, third]);
        let text = render(&findings, false, false);
        assert_eq!(
            text.matches("also         at 2 other places in history (listed in this report)")
                .count(),
            3,
            "{text}"
        );
        assert!(!text.contains("--all-occurrences"), "{text}");
        assert!(
            text.ends_with("\n3 secrets found at 5 places in 3 files\n"),
            "{text}"
        );
    }

    #[test]
    fn summary_uses_singular_and_plural() {
        assert_eq!(summary(&sample_findings()[..1]), "1 secret found in 1 file");
        assert_eq!(summary(&sample_findings()), "3 secrets found in 2 files");
    }
}
