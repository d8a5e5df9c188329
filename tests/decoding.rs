//! Secrets hidden in encodings, through the real binary and the built-in rules: a Kubernetes
//! Secret's base64 `data:`, a percent-encoded webhook in a redirect parameter, base64 of a
//! percent-encoded URL (two layers), `\u` escapes in a JavaScript string, the same key plain and
//! encoded (one fingerprint), a committed base64 secret in history, and `--no-decode`.

#[path = "support/git_repo.rs"]
mod git_repo;

use assert_cmd::Command;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use std::fs;
use std::path::Path;

/// A Stripe live secret key of the right shape (no real account).
const STRIPE: &str = "sk_live_51Hq7XyZ2Lm4Np8Tq1Rv6Sw9Ux3Yz5Ab7Cd0Ef2Gh4Ij6Kl8Mn0Op2Qr4St6Uv8Wx0";
/// A Slack incoming webhook URL of the right shape.
const HOOK: &str =
    "https://hooks.slack.com/services/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";

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `tokhyg scan ARGS --format json` in `dir`: exit code and findings.
fn scan(dir: &Path, args: &[&str]) -> (i32, Vec<Value>) {
    let output = Command::cargo_bin("tokhyg")
        .unwrap()
        .current_dir(dir)
        .args(["scan", "--format", "json", "--show-secrets"])
        .args(args)
        .output()
        .unwrap();
    let findings: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (
        output.status.code().unwrap(),
        findings.as_array().unwrap().clone(),
    )
}

/// (path, line, column, rule, secret, decoded chain) of each finding.
fn summary(findings: &[Value]) -> Vec<(String, u64, u64, String, String, Vec<String>)> {
    findings
        .iter()
        .map(|f| {
            let chain = f["decoded"].as_array().map_or_else(Vec::new, |a| {
                a.iter().map(|e| e.as_str().unwrap().to_owned()).collect()
            });
            (
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_owned(),
                f["secret"].as_str().unwrap().to_owned(),
                chain,
            )
        })
        .collect()
}

#[test]
fn encoded_secrets_are_found_at_the_encoded_run_with_their_chain() {
    let dir = tempfile::tempdir().unwrap();
    let b64 = |s: &str| STANDARD.encode(s);
    fs::write(
        dir.path().join("secret.yaml"),
        format!(
            "apiVersion: v1\nkind: Secret\ndata:\n  STRIPE_KEY: {}\n",
            b64(STRIPE)
        ),
    )
    .unwrap();
    fs::write(
        dir.path().join("access.log"),
        format!("GET /login?next={} HTTP/1.1\n", percent(HOOK)),
    )
    .unwrap();
    fs::write(
        dir.path().join("nested.txt"),
        format!("blob: {}\n", b64(&format!("url={}", percent(HOOK)))),
    )
    .unwrap();
    let escaped: String = STRIPE
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    fs::write(
        dir.path().join("app.js"),
        format!("const k = \"{escaped}\";\n"),
    )
    .unwrap();

    let (code, findings) = scan(dir.path(), &["."]);
    assert_eq!(code, 1);
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        summary(&findings),
        [
            (
                "access.log".into(),
                1,
                17,
                "slack-webhook-url".into(),
                HOOK.into(),
                strings(&["percent"])
            ),
            (
                "app.js".into(),
                1,
                12,
                "stripe-live-secret-key".into(),
                STRIPE.into(),
                strings(&["escapes"])
            ),
            (
                "nested.txt".into(),
                1,
                7,
                "slack-webhook-url".into(),
                HOOK.into(),
                strings(&["base64", "percent"])
            ),
            (
                "secret.yaml".into(),
                4,
                15,
                "stripe-live-secret-key".into(),
                STRIPE.into(),
                strings(&["base64"])
            ),
        ]
    );
}

#[test]
fn a_key_found_plain_and_encoded_is_one_secret_and_no_decode_turns_it_off() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("settings.env"),
        format!(
            "STRIPE_SECRET={STRIPE}\nSTRIPE_SECRET_B64={}\n",
            STANDARD.encode(STRIPE)
        ),
    )
    .unwrap();
    let (_, findings) = scan(dir.path(), &["."]);
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert_eq!(findings[0]["fingerprint"], findings[1]["fingerprint"]);
    assert_eq!(findings[1]["rule"], "stripe-live-secret-key");
    assert_eq!(findings[1]["decoded"], serde_json::json!(["base64"]));
    assert!(
        findings[0].get("decoded").is_none(),
        "a plain finding has no chain"
    );

    let (_, plain) = scan(dir.path(), &["--no-decode", "."]);
    assert!(
        plain.iter().all(|f| f.get("decoded").is_none()),
        "{plain:?}"
    );
    assert_ne!(
        plain.iter().map(|f| &f["secret"]).collect::<Vec<_>>(),
        findings.iter().map(|f| &f["secret"]).collect::<Vec<_>>(),
        "without decoding, the base64 line is not the Stripe key"
    );
}

#[test]
fn text_and_sarif_reports_say_what_was_decoded() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("values.yaml"),
        format!("token: {}\n", STANDARD.encode(STRIPE)),
    )
    .unwrap();
    let text = Command::cargo_bin("tokhyg")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["scan", "."])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("\n    decoded      base64\n"), "{text}");
    let sarif = Command::cargo_bin("tokhyg")
        .unwrap()
        .current_dir(dir.path())
        .args(["scan", "--format", "sarif", "."])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["properties"]["decoded"],
        serde_json::json!(["base64"])
    );
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .ends_with("(found base64-decoded)")
    );
}

#[test]
fn a_committed_encoded_secret_is_found_in_history() {
    let repo = git_repo::GitRepo::new(git_repo::TEST_RULES);
    repo.write(
        "k8s/secret.yaml",
        &format!("data:\n  TOKEN: {}\n", STANDARD.encode(git_repo::SECRET_A)),
    );
    repo.commit("add the secret");
    let rules = repo.rules.to_str().unwrap();
    let (code, findings) = scan(&repo.dir, &["--config", rules, "--history"]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["rule"], "tkh-test-token");
    assert_eq!(findings[0]["secret"], git_repo::SECRET_A);
    assert_eq!(findings[0]["decoded"], serde_json::json!(["base64"]));
    assert_eq!(findings[0]["line"], 2);
}

#[test]
fn text_that_is_not_encoded_text_is_not_decoded() {
    let dir = tempfile::tempdir().unwrap();
    // Long identifiers, hashes, an integrity field, a PNG data URI, a minified name soup.
    fs::write(
        dir.path().join("noise.txt"),
        "fn parse_the_configuration_file_and_return_it()\n\
         \"integrity\": \"sha512-9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"\n\
         img = data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\n\
         a.b.c.d.someVeryLongPropertyNameHere.anotherLongPropertyName\n",
    )
    .unwrap();
    assert_eq!(scan(dir.path(), &["."]), (0, Vec::new()));
}
