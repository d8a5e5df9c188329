//! SARIF 2.1.0 report, shaped for GitHub code scanning.
//!
//! One run; `tool.driver.rules` holds one reporting descriptor per rule that occurs (sorted by
//! id, so the output is deterministic), with the metadata code scanning displays
//! (`shortDescription`, `fullDescription`, `help`) and uses to classify the alert
//! (`properties.tags` with `security`, `properties.security-severity`). Each result carries the
//! rule, a message (with the redacted secret unless `--show-secrets`), the location as a
//! percent-encoded relative URI under `%SRCROOT%`, and `partialFingerprints["tokhyg/v1"]`: the
//! secret's fingerprint. Code scanning combines partial fingerprints with the file path and rule
//! to track an alert across runs, so an alert follows its secret when lines move, and the same
//! secret in two files is two alerts. History findings carry their commit and the number of
//! places in history holding the same secret (`occurrences`) in `properties`.
//!
//! Columns are in UTF-16 code units ([`Finding::column_utf16`]), SARIF's default column unit,
//! where the other reports give byte columns; the two agree on ASCII lines.
//!
//! Code scanning rejects runs with more than [`MAX_RESULTS`] results. Beyond that the report
//! keeps the first ones, records a warning notification in the run, and says so on stderr.

use super::uri::encode_path;
use super::{ReportOptions, remediation};
use crate::finding::{CommitInfo, Finding};
use crate::rules::Severity;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The most results GitHub code scanning accepts in one run.
pub const MAX_RESULTS: usize = 25_000;

/// `$schema` of the log: the OASIS-published schema of SARIF 2.1.0.
pub(crate) const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Base of every artifact URI: the root of the scanned tree.
pub(crate) const SRCROOT: &str = "%SRCROOT%";

/// Code scanning's severity score (0.0–10.0) for a leaked credential: critical is 9.0 and
/// above, and anyone who reads the code can use the secret.
/// GitHub code scanning's `security-severity` (0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0+
/// critical) and the SARIF level of a finding of this severity: a live credential is critical.
fn sarif_severity(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::High => ("9.0", "error"),
        Severity::Medium => ("6.0", "warning"),
        Severity::Low => ("3.0", "note"),
    }
}

/// Key of our fingerprint in `partialFingerprints`.
const FINGERPRINT_KEY: &str = "tokhyg/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invocations: Vec<Invocation>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help: Text<'a>,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: std::borrow::Cow<'a, str>,
}

impl<'a> Text<'a> {
    fn borrowed(text: &'a str) -> Self {
        Text { text: text.into() }
    }
    fn owned(text: String) -> Self {
        Text { text: text.into() }
    }
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    tags: [&'a str; 3],
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation<'a>>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

/// Another part of the credential (SARIF `relatedLocations`), in the result's file.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    physical_location: PhysicalLocation,
    message: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a CommitInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    occurrences: Option<usize>,
    /// The encodings a secret found in an encoded run was under, outermost first.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    decoded: &'a [&'static str],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text<'static>,
}

/// Writes `findings` as a SARIF 2.1.0 log (pretty-printed, newline-terminated).
pub(super) fn write(
    out: &mut dyn Write,
    findings: &[Finding],
    options: &ReportOptions,
) -> io::Result<()> {
    let kept = &findings[..findings.len().min(MAX_RESULTS)];
    let mut invocations = Vec::new();
    if kept.len() < findings.len() {
        let text = format!(
            "SARIF output capped at {MAX_RESULTS} of {} results, the most GitHub code scanning \
             accepts in one run; use --format json to see them all",
            findings.len()
        );
        eprintln!("tokhyg: warning: {text}");
        invocations.push(Invocation {
            execution_successful: true,
            tool_execution_notifications: vec![Notification {
                level: "warning",
                message: Text::owned(text),
            }],
        });
    }

    let rules = rules_of(kept);
    let index: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let results = kept
        .iter()
        .map(|finding| result_of(finding, index[finding.rule_id.as_str()], options))
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "tokhyg",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules,
                },
            },
            invocations,
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The project's web address, when Cargo.toml declares one (`repository` or `homepage`).
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

/// One descriptor per distinct rule id, sorted by id; metadata from its first finding.
fn rules_of(findings: &[Finding]) -> Vec<Rule<'_>> {
    let mut first: BTreeMap<&str, &Finding> = BTreeMap::new();
    for finding in findings {
        first.entry(finding.rule_id.as_str()).or_insert(finding);
    }
    first
        .into_values()
        .map(|finding| {
            let (security_severity, level) = sarif_severity(finding.severity);
            Rule {
                id: &finding.rule_id,
                name: &finding.rule_id,
                short_description: Text::borrowed(&finding.title),
                full_description: Text::owned(format!(
                    "{}: a credential committed to the code or its history. Anyone who can read \
                 the repository can use it until it is revoked.",
                    finding.title
                )),
                help: Text::borrowed(remediation(finding)),
                default_configuration: Configuration { level },
                properties: RuleProperties {
                    tags: ["security", "secret", &finding.category],
                    precision: "high",
                    security_severity,
                    provider: finding.provider.as_deref(),
                },
            }
        })
        .collect()
}

/// The SARIF result for one finding.
fn result_of<'a>(
    finding: &'a Finding,
    rule_index: usize,
    options: &ReportOptions,
) -> SarifResult<'a> {
    let secret = options.secret(finding);
    let mut message = format!("{} leaked: {secret}", finding.title);
    if let Some(commit) = &finding.commit {
        let short: String = commit.id.chars().take(12).collect();
        message.push_str(&format!(" (introduced in commit {short})"));
    }
    if !finding.decoded.is_empty() {
        message.push_str(&format!(" (found {}-decoded)", finding.decoded.join(" > ")));
    }
    SarifResult {
        rule_id: &finding.rule_id,
        rule_index,
        level: sarif_severity(finding.severity).1,
        message: Text::owned(message),
        locations: [Location {
            physical_location: physical_location(finding, finding.line, finding.column_utf16),
        }],
        related_locations: finding
            .related
            .iter()
            .enumerate()
            .map(|(index, part)| RelatedLocation {
                id: index + 1,
                physical_location: physical_location(finding, part.line, part.column_utf16),
                message: Text::borrowed(&part.title),
            })
            .collect(),
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, finding.fingerprint.as_str())]),
        properties: (finding.commit.is_some() || !finding.decoded.is_empty()).then(|| {
            ResultProperties {
                commit: finding.commit.as_ref(),
                occurrences: finding.occurrences,
                decoded: &finding.decoded,
            }
        }),
    }
}

/// A place in the finding's file: 1-based line and UTF-16 column.
fn physical_location(finding: &Finding, line: usize, column_utf16: usize) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: encode_path(&finding.path),
            uri_base_id: SRCROOT,
        },
        region: Region {
            start_line: line.max(1),
            start_column: column_utf16.max(1),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{render_with, sample_findings};
    use super::*;
    use serde_json::Value;

    fn render(findings: &[Finding], show_secrets: bool) -> String {
        render_with(write, findings, show_secrets, false)
    }

    #[test]
    fn golden_sarif_for_one_history_finding() {
        let findings = sample_findings();
        let text = render(&findings[1..2], false);
        let expected = format!(
            r#"{{
  "$schema": "{SCHEMA_URI}",
  "version": "2.1.0",
  "runs": [
    {{
      "tool": {{
        "driver": {{
          "name": "tokhyg",
          "version": "{version}",
          "semanticVersion": "{version}",{information_uri}
          "rules": [
            {{
              "id": "generic-password",
              "name": "generic-password",
              "shortDescription": {{
                "text": "Password assigned in code"
              }},
              "fullDescription": {{
                "text": "Password assigned in code: a credential committed to the code or its history. Anyone who can read the repository can use it until it is revoked."
              }},
              "help": {{
                "text": "Revoke this secret and rotate it, then remove it from the code and from git history."
              }},
              "defaultConfiguration": {{
                "level": "error"
              }},
              "properties": {{
                "tags": [
                  "security",
                  "secret",
                  "generic"
                ],
                "precision": "high",
                "security-severity": "9.0"
              }}
            }}
          ]
        }}
      }},
      "results": [
        {{
          "ruleId": "generic-password",
          "ruleIndex": 0,
          "level": "error",
          "message": {{
            "text": "Password assigned in code leaked: h… (introduced in commit 0123456789ab)"
          }},
          "locations": [
            {{
              "physicalLocation": {{
                "artifactLocation": {{
                  "uri": "docs/my%20notes%20%C3%BC.md",
                  "uriBaseId": "%SRCROOT%"
                }},
                "region": {{
                  "startLine": 12,
                  "startColumn": 1
                }}
              }}
            }}
          ],
          "partialFingerprints": {{
            "tokhyg/v1": "{fingerprint}"
          }},
          "properties": {{
            "commit": {{
              "id": "0123456789abcdef0123456789abcdef01234567",
              "author": "Ada Lovelace",
              "email": "ada@example.com",
              "date": "2024-05-01T12:00:00Z"
            }},
            "occurrences": 3
          }}
        }}
      ]
    }}
  ]
}}
"#,
            version = env!("CARGO_PKG_VERSION"),
            // Present once Cargo.toml declares `repository` or `homepage`.
            information_uri = information_uri()
                .map(|uri| format!("\n          \"informationUri\": \"{uri}\","))
                .unwrap_or_default(),
            fingerprint = findings[1].fingerprint,
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn rules_are_deduplicated_sorted_and_indexed() {
        let value: Value = serde_json::from_str(&render(&sample_findings(), false)).unwrap();
        let run = &value["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["generic-password", "github-pat-classic"]);
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
            assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        }
        assert!(results[0].get("properties").is_none());
        assert!(run.get("invocations").is_none());
    }

    #[test]
    fn no_raw_secret_unless_asked() {
        let findings = sample_findings();
        let hidden = render(&findings, false);
        let shown = render(&findings, true);
        for finding in &findings {
            assert!(!hidden.contains(&finding.secret));
            assert!(shown.contains(&finding.secret));
        }
    }

    #[test]
    fn zero_findings_is_a_run_with_no_results_and_no_rules() {
        let value: Value = serde_json::from_str(&render(&[], false)).unwrap();
        assert_eq!(value["runs"][0]["results"], Value::Array(vec![]));
        assert_eq!(
            value["runs"][0]["tool"]["driver"]["rules"],
            Value::Array(vec![])
        );
    }

    #[test]
    fn caps_results_at_the_code_scanning_limit_and_says_so() {
        let one = sample_findings().remove(0);
        let many = vec![one; MAX_RESULTS + 2];
        let value: Value = serde_json::from_str(&render(&many, false)).unwrap();
        let run = &value["runs"][0];
        assert_eq!(run["results"].as_array().unwrap().len(), MAX_RESULTS);
        let notification = &run["invocations"][0]["toolExecutionNotifications"][0];
        assert_eq!(notification["level"], "warning");
        assert!(
            notification["message"]["text"]
                .as_str()
                .unwrap()
                .contains("capped at 25000 of 25002 results")
        );
    }
}
