//! Multi-part credentials through the real binary: a secret whose rule `pairs` with the rules
//! of its other parts is reported once, carrying their places, in every report format.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

/// A key id (a finding of its own), an application id (a part only) and a secret pairing with
/// both within three lines.
const CONFIG: &str = r#"rules:
  - id: acme-key-id
    title: Acme key id
    token: {prefix: AKID, alphabet: upper, length: 16}
  - id: acme-app-id
    title: Acme application id
    part: true
    keywords: [acme_app_id]
    pattern: 'acme_app_id\s*=\s*([A-Z0-9]{10})\b'
  - id: acme-secret
    title: Acme secret key
    pairs: {with: [acme-key-id, acme-app-id], lines: 3}
    keywords: [acme_secret]
    pattern: 'acme_secret\s*=\s*([A-Za-z0-9]{32})\b'
    min_entropy: 3.5
"#;

const KEY_ID: &str = "AKIDQWMZRTXPLKVBNHJG";
const APP_ID: &str = "K7Q2M9X4ZP";
const SECRET: &str = "q7Rz2LmX4pT8nV1bY6cH3dG5fJ0sAeUo";

fn scan(dir: &Path, format: &str) -> (i32, String) {
    let output = Command::cargo_bin("tokhyg")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["scan", "--format", format, "."])
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

fn project(credentials: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".tokhyg.yaml"), CONFIG).unwrap();
    fs::write(dir.path().join("credentials.ini"), credentials).unwrap();
    dir
}

#[test]
fn near_parts_are_one_finding_with_their_places_in_json_text_and_sarif() {
    let dir = project(&format!(
        "[default]\nkey_id = {KEY_ID}\nacme_app_id = {APP_ID}\nacme_secret = {SECRET}\n"
    ));
    let (code, json) = scan(dir.path(), "json");
    assert_eq!(code, 1);
    let findings: Value = serde_json::from_str(&json).unwrap();
    let findings = findings.as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!(findings[0]["rule"], "acme-secret");
    assert_eq!(findings[0]["line"], 4);
    assert_eq!(
        findings[0]["related"],
        serde_json::json!([
            {"rule": "acme-key-id", "title": "Acme key id", "line": 2, "column": 10},
            {"rule": "acme-app-id", "title": "Acme application id", "line": 3, "column": 15},
        ])
    );
    assert!(
        !json.contains(KEY_ID) && !json.contains(APP_ID),
        "parts are not printed"
    );

    let (_, text) = scan(dir.path(), "text");
    assert!(
        text.contains("    with         Acme key id at 2:10\n"),
        "{text}"
    );
    assert!(
        text.contains("    with         Acme application id at 3:15\n"),
        "{text}"
    );

    let (_, sarif) = scan(dir.path(), "sarif");
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let related = &sarif["runs"][0]["results"][0]["relatedLocations"];
    assert_eq!(related[0]["physicalLocation"]["region"]["startLine"], 2);
    assert_eq!(related[1]["message"]["text"], "Acme application id");
}

#[test]
fn far_parts_stay_apart_and_a_part_alone_is_not_reported() {
    let dir = project(&format!(
        "key_id = {KEY_ID}\nacme_app_id = {APP_ID}\n\n\n\n\nacme_secret = {SECRET}\n"
    ));
    let (code, json) = scan(dir.path(), "json");
    assert_eq!(code, 1);
    let findings: Value = serde_json::from_str(&json).unwrap();
    let rules: Vec<(&str, &Value)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), &f["related"]))
        .collect();
    let none = serde_json::json!([]);
    assert_eq!(rules, [("acme-key-id", &none), ("acme-secret", &none)]);

    let alone = project(&format!("acme_app_id = {APP_ID}\n"));
    assert_eq!(scan(alone.path(), "json"), (0, "[]\n".to_owned()));
}

/// Built-in rules: `api_key: <Confluent key id>` names a secret, so the generic YAML rule reads
/// it as one; the key id rule (a part) wins that overlap, and the id is only shown beside the
/// API secret it belongs to.
#[test]
fn a_key_id_under_a_secret_sounding_name_is_a_part_not_a_generic_secret() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "q7Vb2XkR9pLmN4sT6wYz1Ac3Ef5Gh8Jk0Mn2Pq4Rs6Tu8Vw0Xy2Za4Bc6De8Fg9Q";
    fs::write(
        dir.path().join("kafka.yaml"),
        format!("confluent:\n  api_key: HN3QZ7W4XTK2RB8M\n  api_secret: {secret}\n"),
    )
    .unwrap();
    let (code, json) = scan(dir.path(), "json");
    assert_eq!(code, 1);
    let findings: Value = serde_json::from_str(&json).unwrap();
    let findings = findings.as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!(findings[0]["rule"], "confluent-api-secret");
    assert_eq!(findings[0]["related"][0]["rule"], "confluent-api-key");
    assert_eq!(findings[0]["related"][0]["line"], 2);

    fs::write(
        dir.path().join("kafka.yaml"),
        "confluent:\n  api_key: HN3QZ7W4XTK2RB8M\n",
    )
    .unwrap();
    assert_eq!(scan(dir.path(), "json"), (0, "[]\n".to_owned()));
}
