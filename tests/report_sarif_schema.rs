//! tokhyg's SARIF output validates against the official SARIF 2.1.0 JSON schema
//! (`tests/data/sarif-schema-2.1.0.json`, see the `.md` beside it), checked with Python
//! `jsonschema` (with URI format checks) from `.test-deps/venv`, and carries what GitHub code
//! scanning needs.

#[path = "support/sarif_validator.rs"]
mod sarif_validator;
#[path = "support/test_deps.rs"]
mod test_deps;

use sarif_validator::validate;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tokhyg::finding::{CommitInfo, Finding, RelatedPart};
use tokhyg::report::{self, Format, ReportOptions, SARIF_MAX_RESULTS};
use tokhyg::rules::Severity;
use tokhyg::suppress::fingerprint;
use tokhyg::token::checksum::crc32_base62;

fn commit() -> CommitInfo {
    CommitInfo {
        id: "89abcdef0123456789abcdef0123456789abcdef".to_owned(),
        author: "Grace Hopper".to_owned(),
        email: "grace@example.com".to_owned(),
        date: "2023-11-30T08:15:00+01:00".to_owned(),
    }
}

fn finding(rule: &str, path: &str, line: usize, secret: &str, with_commit: bool) -> Finding {
    Finding {
        rule_id: rule.to_owned(),
        title: format!("Title of {rule}"),
        remediation: (rule != "generic-secret").then(|| format!("Revoke the {rule} and rotate.")),
        provider: (rule != "generic-secret").then(|| "Acme".to_owned()),
        category: if rule.starts_with("password-hash") {
            "password-hash"
        } else {
            "custom"
        }
        .to_owned(),
        severity: if rule.starts_with("password-hash") {
            Severity::Low
        } else {
            Severity::High
        },
        path: path.to_owned(),
        line,
        column: 3,
        column_utf16: 3,
        commit: with_commit.then(commit),
        occurrences: with_commit.then_some(2),
        fingerprint: fingerprint(rule, secret.as_bytes()),
        secret: secret.to_owned(),
        public_prefix: 0,
        related: Vec::new(),
        decoded: Vec::new(),
    }
}

/// Findings covering every shape the writer handles.
fn representative() -> Vec<Finding> {
    vec![
        finding(
            "github-pat-classic",
            "src/config.rs",
            10,
            "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0zNvy2",
            false,
        ),
        finding(
            "aws-access-key-id",
            "deploy/prod.env",
            2,
            "AKIAQWERTYUIOPASDFGH",
            true,
        ),
        finding(
            "generic-secret",
            "docs/my notes ü/ключ.env",
            1,
            "s3cr3t-\"quoted\"\nnext",
            false,
        ),
        finding(
            "generic-secret",
            "bad\u{fffd}name.env",
            4,
            "0123456789abcdef",
            true,
        ),
        finding(
            "slack-webhook-url",
            "100%#?[x] y.env",
            7,
            "https://hooks.slack.com/services/T0/B0/x",
            false,
        ),
        finding(
            "stripe-secret-key",
            "-",
            1,
            "sk_live_0123456789abcdefghijklmn",
            false,
        ),
        finding(
            "password-hash-bcrypt",
            "db/seed.sql",
            4,
            "$2b$12$1XIT0XJX7HKPxeC4Yapv6sp4LKvpWoP83ROGAzdPLq9usOuFrr3t8",
            false,
        ),
        Finding {
            related: vec![RelatedPart {
                rule_id: "aws-access-key-id".to_owned(),
                title: "AWS access key id".to_owned(),
                line: 6,
                column: 19,
                column_utf16: 19,
            }],
            ..finding(
                "aws-secret-access-key",
                "deploy/credentials",
                7,
                "Zr2Lm4Xp8Tn1Vb6Yc3Hd5Gf0JsAeUoQ7mZ2kR9vT",
                false,
            )
        },
    ]
}

fn write_sarif(dir: &Path, name: &str, findings: &[Finding], show_secrets: bool) -> PathBuf {
    let mut out = Vec::new();
    let options = ReportOptions {
        show_secrets,
        ..ReportOptions::default()
    };
    report::write(&mut out, findings, Format::Sarif, &options).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, out).unwrap();
    path
}

fn read(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let dir = tempfile::tempdir().unwrap();
    let all = representative();
    let mut files = vec![
        write_sarif(dir.path(), "all.sarif", &all, false),
        write_sarif(dir.path(), "all-shown.sarif", &all, true),
        write_sarif(dir.path(), "empty.sarif", &[], false),
    ];
    for (index, one) in all.iter().enumerate() {
        let name = format!("one-{index}.sarif");
        files.push(write_sarif(
            dir.path(),
            &name,
            std::slice::from_ref(one),
            false,
        ));
    }
    let (ok, output) = validate(&files);
    assert!(ok, "{output}");
    assert!(
        output.contains(&format!("{} files, 0 errors", files.len())),
        "{output}"
    );
}

#[test]
fn a_capped_report_validates_too() {
    let dir = tempfile::tempdir().unwrap();
    let one = finding("github-pat-classic", "a.env", 1, "ghp_x", false);
    let many = vec![one; SARIF_MAX_RESULTS + 1];
    let path = write_sarif(dir.path(), "capped.sarif", &many, false);
    let log = read(&path);
    assert_eq!(
        log["runs"][0]["results"].as_array().unwrap().len(),
        SARIF_MAX_RESULTS
    );
    let (ok, output) = validate(&[path]);
    assert!(ok, "{output}");
}

#[test]
fn the_validator_rejects_invalid_sarif() {
    // Guards the guard: were jsonschema or its URI format check not working, the tests above
    // would pass whatever tokhyg wrote.
    let dir = tempfile::tempdir().unwrap();
    let good = read(&write_sarif(
        dir.path(),
        "good.sarif",
        &representative(),
        false,
    ));

    let mut raw_space = good.clone();
    raw_space["runs"][0]["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        Value::from("docs/my notes/a b.env");
    let mut no_message = good.clone();
    no_message["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    let mut bad_level = good;
    bad_level["runs"][0]["results"][1]["level"] = Value::from("critical");

    for (name, document, expected) in [
        ("space.sarif", raw_space, "is not a 'uri-reference'"),
        (
            "message.sarif",
            no_message,
            "'message' is a required property",
        ),
        ("level.sarif", bad_level, "'critical' is not one of"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec(&document).unwrap()).unwrap();
        let (ok, output) = validate(&[path]);
        assert!(!ok, "{name} should be rejected:\n{output}");
        assert!(output.contains(expected), "{name}: {output}");
    }
}

#[test]
fn sarif_carries_what_github_code_scanning_uses() {
    let dir = tempfile::tempdir().unwrap();
    let findings = representative();
    let log = read(&write_sarif(dir.path(), "all.sarif", &findings, false));
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "tokhyg");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));

    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut expected_ids: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    expected_ids.sort_unstable();
    expected_ids.dedup();
    assert_eq!(
        ids, expected_ids,
        "one descriptor per rule that occurs, sorted"
    );
    for rule in rules {
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        let finding = findings
            .iter()
            .find(|f| rule["id"] == f.rule_id.as_str())
            .unwrap();
        let (level, floor, ceiling) = match finding.severity {
            Severity::High => ("error", 9.0, 10.0),
            Severity::Medium => ("warning", 4.0, 6.9),
            Severity::Low => ("note", 0.1, 3.9),
        };
        assert_eq!(rule["defaultConfiguration"]["level"], level);
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.contains(&Value::from("security")) && tags.contains(&Value::from("secret")));
        assert!(tags.contains(&Value::from(finding.category.as_str())));
        assert_eq!(
            rule["properties"]["provider"].as_str(),
            finding.provider.as_deref()
        );
        let severity: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            (floor..=ceiling).contains(&severity),
            "{severity} for {level}"
        );
    }
    assert!(
        findings.iter().any(|f| f.severity == Severity::Low),
        "the sample holds a low-severity finding"
    );

    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    for (result, finding) in results.iter().zip(&findings) {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], finding.rule_id.as_str());
        assert_eq!(result["ruleId"], finding.rule_id.as_str());
        let message = result["message"]["text"].as_str().unwrap();
        assert!(!message.is_empty());
        assert!(
            !message.contains(&finding.secret),
            "raw secret in {message}"
        );
        assert_eq!(
            result["partialFingerprints"]["tokhyg/v1"],
            finding.fingerprint.as_str()
        );
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.contains(' ') && !uri.starts_with('/'), "{uri}");
        assert_eq!(location["region"]["startLine"], finding.line);
        assert_eq!(location["region"]["startColumn"], finding.column);
        match &finding.commit {
            Some(commit) => assert_eq!(result["properties"]["commit"]["id"], commit.id.as_str()),
            None => assert!(result.get("properties").is_none()),
        }
        let related = result["relatedLocations"].as_array();
        assert_eq!(related.map_or(0, Vec::len), finding.related.len());
        for (location, part) in related.into_iter().flatten().zip(&finding.related) {
            let region = &location["physicalLocation"]["region"];
            assert_eq!(region["startLine"], part.line);
            assert_eq!(region["startColumn"], part.column_utf16);
            assert_eq!(location["message"]["text"], part.title.as_str());
        }
    }
    assert!(findings.iter().any(|f| !f.related.is_empty()));
    let uri_of = |i: usize| {
        results[i]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        uri_of(2),
        "docs/my%20notes%20%C3%BC/%D0%BA%D0%BB%D1%8E%D1%87.env"
    );
    assert_eq!(uri_of(4), "100%25%23%3F%5Bx%5D%20y.env");
}

#[test]
fn sarif_from_the_binary_validates() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(root.join("my dir")).unwrap();
    let config = "rules:\n  - id: schema-test-key\n    title: Schema test key\n    \
                  token: {prefix: sch_, alphabet: base62, length: 30, checksum: crc32-base62}\n";
    std::fs::write(root.join(".tokhyg.yaml"), config).unwrap();
    let body = "Zr2Lm4Xp8Tn1Vb6Yc3Hd5Gf0JsAeUo";
    let key = format!("sch_{body}{}", crc32_base62(body.as_bytes()));
    std::fs::write(root.join("my dir/ü #1.env"), format!("A=1\nKEY={key}\n")).unwrap();
    let mut files = Vec::new();
    for (name, args) in [
        ("found.sarif", vec!["scan", "--format", "sarif"]),
        (
            "clean.sarif",
            vec!["scan", "--format", "sarif", ".tokhyg.yaml"],
        ),
    ] {
        let output = assert_cmd::Command::cargo_bin("tokhyg")
            .unwrap()
            .current_dir(&root)
            .args(&args)
            .output()
            .unwrap();
        assert!(
            output.status.code() != Some(2),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let path = dir.path().join(name);
        std::fs::write(&path, &output.stdout).unwrap();
        files.push(path);
    }
    let found = read(&files[0]);
    let result = &found["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "schema-test-key");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "my%20dir/%C3%BC%20%231.env"
    );
    assert_eq!(read(&files[1])["runs"][0]["results"], Value::Array(vec![]));
    let (ok, output) = validate(&files);
    assert!(ok, "{output}");
}
