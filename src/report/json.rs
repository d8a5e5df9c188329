//! JSON and JSON Lines reports: one object per finding with the fields of the output contract
//! (`rule`, `title`, `provider`, `category`, `severity`, `path`, `line`, `column`, `commit`,
//! `occurrences`, `fingerprint`, `secret`, `remediation`, `related`: the other parts of a
//! multi-part credential, `{rule, title, line, column}`, and `decoded` for a secret found in an
//! encoded run: the encodings, outermost first, `["base64"]`), in that key order; `provider` is null
//! for generic rules; `commit` and `occurrences` are null outside history
//! scans. JSON is a pretty-printed array (`[]` when nothing was
//! found); JSON Lines is one compact object per line (nothing when nothing was found).

use super::{ReportOptions, remediation};
use crate::finding::{CommitInfo, Finding};
use crate::rules::Severity;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

/// A finding as JSON shows it.
#[derive(Serialize)]
struct Record<'a> {
    rule: &'a str,
    title: &'a str,
    provider: Option<&'a str>,
    category: &'a str,
    severity: Severity,
    path: &'a str,
    line: usize,
    column: usize,
    commit: Option<&'a CommitInfo>,
    occurrences: Option<usize>,
    fingerprint: &'a str,
    secret: Cow<'a, str>,
    remediation: &'a str,
    related: Vec<RelatedRecord<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    decoded: &'a [&'static str],
}

/// Another part of the credential, as JSON shows it.
#[derive(Serialize)]
struct RelatedRecord<'a> {
    rule: &'a str,
    title: &'a str,
    line: usize,
    column: usize,
}

impl<'a> Record<'a> {
    fn new(finding: &'a Finding, options: &ReportOptions) -> Self {
        Record {
            rule: &finding.rule_id,
            title: &finding.title,
            provider: finding.provider.as_deref(),
            category: &finding.category,
            severity: finding.severity,
            path: &finding.path,
            line: finding.line,
            column: finding.column,
            commit: finding.commit.as_ref(),
            occurrences: finding.occurrences,
            fingerprint: &finding.fingerprint,
            secret: options.secret(finding),
            remediation: remediation(finding),
            related: finding
                .related
                .iter()
                .map(|part| RelatedRecord {
                    rule: &part.rule_id,
                    title: &part.title,
                    line: part.line,
                    column: part.column,
                })
                .collect(),
            decoded: &finding.decoded,
        }
    }
}

/// Writes `findings` as one pretty-printed JSON array.
pub(super) fn write_json(
    out: &mut dyn Write,
    findings: &[Finding],
    options: &ReportOptions,
) -> io::Result<()> {
    // Each record is made as it is written: the report holds no second copy of the findings.
    let records = Records { findings, options };
    serde_json::to_writer_pretty(&mut *out, &records)?;
    writeln!(out)
}

/// The findings as a JSON array whose records are made one at a time, while serializing.
struct Records<'a> {
    findings: &'a [Finding],
    options: &'a ReportOptions,
}

impl Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.findings.iter().map(|f| Record::new(f, self.options)))
    }
}

/// Writes `findings` as JSON Lines: one compact object per line.
pub(super) fn write_jsonl(
    out: &mut dyn Write,
    findings: &[Finding],
    options: &ReportOptions,
) -> io::Result<()> {
    for finding in findings {
        serde_json::to_writer(&mut *out, &Record::new(finding, options))?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{render_with, sample_findings};
    use super::*;
    use serde_json::Value;

    fn render(
        writer: fn(&mut dyn Write, &[Finding], &ReportOptions) -> io::Result<()>,
        findings: &[Finding],
        show_secrets: bool,
    ) -> String {
        render_with(writer, findings, show_secrets, true)
    }

    #[test]
    fn golden_jsonl() {
        let findings = sample_findings();
        let text = render(write_jsonl, &findings[..2], false);
        let expected = format!(
            concat!(
                r#"{{"rule":"github-pat-classic","title":"GitHub personal access token (classic)","#,
                r#""provider":"GitHub","category":"vcs-ci","severity":"high","#,
                r#""path":"config/dev.env","line":3,"column":14,"commit":null,"occurrences":null,"#,
                r#""fingerprint":"{}","secret":"ghp_0123…","#,
                r#""remediation":"Revoke it in the GitHub token settings, then rotate.","related":[]}}"#,
                "\n",
                r#"{{"rule":"generic-password","title":"Password assigned in code","#,
                r#""provider":null,"category":"generic","severity":"high","#,
                r#""path":"docs/my notes ü.md","line":12,"column":1,"#,
                r#""commit":{{"id":"0123456789abcdef0123456789abcdef01234567","#,
                r#""author":"Ada Lovelace","email":"ada@example.com","date":"2024-05-01T12:00:00Z"}},"occurrences":3,"#,
                r#""fingerprint":"{}","secret":"h…","#,
                r#""remediation":"Revoke this secret and rotate it, then remove it from the code and from git history.","related":[]}}"#,
                "\n"
            ),
            findings[0].fingerprint, findings[1].fingerprint
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn json_is_a_pretty_array_with_the_contract_fields() {
        let findings = sample_findings();
        let text = render(write_json, &findings, false);
        assert!(text.starts_with("[\n  {\n    \"rule\": \"github-pat-classic\",\n"));
        assert!(text.ends_with("}\n]\n"));
        let value: Value = serde_json::from_str(&text).unwrap();
        let array = value.as_array().unwrap();
        assert_eq!(array.len(), 3);
        for (record, finding) in array.iter().zip(&findings) {
            let keys: Vec<&str> = record
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let mut expected = vec![
                "category",
                "provider",
                "related",
                "severity",
                "column",
                "commit",
                "fingerprint",
                "line",
                "occurrences",
                "path",
                "remediation",
                "rule",
                "secret",
                "title",
            ];
            expected.sort_unstable();
            assert_eq!(keys, expected);
            assert_eq!(record["rule"], finding.rule_id.as_str());
            assert_eq!(record["path"], finding.path.as_str());
            assert_eq!(record["line"], finding.line);
            assert_eq!(record["column"], finding.column);
            assert_eq!(record["fingerprint"], finding.fingerprint.as_str());
            assert_ne!(record["secret"], finding.secret.as_str());
        }
        assert!(array[0]["commit"].is_null());
        assert!(array[0]["occurrences"].is_null());
        assert_eq!(array[1]["occurrences"], 3);
        assert_eq!(array[1]["commit"]["author"], "Ada Lovelace");
        assert_eq!(array[1]["commit"]["email"], "ada@example.com");
    }

    #[test]
    fn secrets_are_redacted_unless_asked() {
        let findings = sample_findings();
        for writer in [write_json, write_jsonl] {
            let hidden = render(writer, &findings, false);
            let shown = render(writer, &findings, true);
            for finding in &findings {
                assert!(!hidden.contains(&finding.secret));
                assert!(shown.contains(&finding.secret));
            }
        }
    }

    #[test]
    fn jsonl_is_one_object_per_line_and_empty_when_nothing_found() {
        let text = render(write_jsonl, &sample_findings(), false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        for line in lines {
            assert!(serde_json::from_str::<Value>(line).unwrap().is_object());
        }
        assert_eq!(render(write_jsonl, &[], false), "");
        assert_eq!(render(write_json, &[], false), "[]\n");
    }
}
