//! `generate --preset`, the key id, and `--pair`, through the real binary.

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Runs `tokhyg ARGS` in `dir`: (exit code, stdout, stderr).
fn tokhyg_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("tokhyg")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn tokhyg(args: &[&str]) -> (i32, String, String) {
    tokhyg_in(Path::new("."), args)
}

/// The key id as the README says to compute it anywhere.
fn sha256_id(key: &str) -> String {
    Sha256::digest(key.as_bytes())[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A preset, its token length, and the characters its tokens may hold.
type PresetCase = (&'static str, usize, fn(char) -> bool);

#[test]
fn each_preset_makes_its_kind_of_token_and_says_what_it_chose() {
    let cases: [PresetCase; 7] = [
        ("api-key", 43, |c| c.is_ascii_alphanumeric()),
        ("webhook-secret", 64, |c| {
            c.is_ascii_digit() || ('a'..='f').contains(&c)
        }),
        ("jwt-secret", 43, |c| {
            c.is_ascii_alphanumeric() || c == '-' || c == '_'
        }),
        ("session", 43, |c| {
            c.is_ascii_alphanumeric() || c == '-' || c == '_'
        }),
        ("password", 20, |c| c.is_ascii_graphic()),
        ("invite-code", 12, |c| {
            (c.is_ascii_uppercase() || c.is_ascii_digit()) && !"0O1I".contains(c)
        }),
        ("pin", 6, |c| c.is_ascii_digit()),
    ];
    for (preset, len, allowed) in cases {
        for _ in 0..20 {
            let (code, out, err) = tokhyg(&["generate", "--preset", preset]);
            assert_eq!(code, 0, "{preset}: {err}");
            let token = out.trim_end();
            assert_eq!(token.chars().count(), len, "{preset}: {token}");
            assert!(token.chars().all(allowed), "{preset}: {token}");
            assert!(err.contains(&format!("preset {preset}: ")), "{err}");
            if preset == "password" {
                assert!(token.chars().any(|c| c.is_ascii_lowercase()));
                assert!(token.chars().any(|c| c.is_ascii_uppercase()));
                assert!(token.chars().any(|c| c.is_ascii_digit()));
                assert!(token.chars().any(|c| !c.is_ascii_alphanumeric()), "{token}");
            }
        }
    }
}

#[test]
fn flags_beside_a_preset_replace_the_parts_they_name() {
    let (_, out, _) = tokhyg(&["generate", "--preset", "password", "--length", "32"]);
    assert_eq!(out.trim_end().chars().count(), 32);
    let (_, out, _) = tokhyg(&["generate", "--preset", "api-key", "--prefix", "acme_"]);
    assert!(
        out.starts_with("acme_") && out.trim_end().len() == 48,
        "{out}"
    );
    let (_, out, _) = tokhyg(&[
        "generate",
        "--preset",
        "webhook-secret",
        "--format",
        "base62",
    ]);
    assert_eq!(out.trim_end().len(), 43, "{out}");
}

#[test]
fn every_key_has_its_id_on_stderr_and_in_json_unless_too_weak() {
    let (_, out, err) = tokhyg(&["generate"]);
    let id = sha256_id(out.trim_end());
    assert!(err.contains(&format!("key id: {id} ")), "{err}");
    let (_, out, _) = tokhyg(&["generate", "--count", "3", "--json"]);
    let tokens: Value = serde_json::from_str(&out).unwrap();
    for token in tokens.as_array().unwrap() {
        assert_eq!(token["id"], sha256_id(token["token"].as_str().unwrap()));
    }
    let (_, out, err) = tokhyg(&["generate", "--preset", "pin", "--json"]);
    let pin: Value = serde_json::from_str(&out).unwrap();
    assert!(pin[0].get("id").is_none(), "{pin}");
    assert!(
        pin[0]["no_id"]
            .as_str()
            .unwrap()
            .contains("under the 64 bits")
    );
    assert!(err.contains("warning: 19.9 bits is below"), "{err}");
}

#[test]
fn a_pair_is_an_id_and_a_secret_and_scan_reports_only_the_secret() {
    let (code, out, err) = tokhyg(&["generate", "--pair", "--prefix", "acme", "--checksum"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    let (id, secret) = (lines[0], lines[1]);
    assert!(
        id.starts_with("acme_id_") && id.len() == "acme_id_".len() + 16,
        "{id}"
    );
    assert!(secret.starts_with("acme_sk_"), "{secret}");
    assert!(
        err.contains(&format!("key id: {} ", sha256_id(secret))),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("settings.py"),
        format!("ACME_KEY_ID = \"{id}\"\nACME_SECRET = \"{secret}\"\n"),
    )
    .unwrap();
    let (code, out, _) = tokhyg_in(dir.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(code, 1);
    let findings: Value = serde_json::from_str(&out).unwrap();
    let findings = findings.as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["line"], 2);
    assert_eq!(findings[0]["rule"], "tokhyg-key");
}

#[test]
fn a_pair_into_a_env_writes_name_id_and_name_secret_and_stamps_only_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = tokhyg_in(
        dir.path(),
        &[
            "generate", "--pair", "--prefix", "acme_", "--into", ".env", "ACME", "--show",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    let id = out
        .lines()
        .find_map(|l| l.strip_prefix("ACME_ID="))
        .unwrap();
    let secret = out
        .lines()
        .find_map(|l| l.strip_prefix("ACME_SECRET="))
        .unwrap();
    assert!(
        id.starts_with("acme_id_") && secret.starts_with("acme_sk_"),
        "{out}"
    );
    assert!(
        text.contains(&format!("\nACME_ID={id}\n")) || text.starts_with(&format!("ACME_ID={id}\n")),
        "{text}"
    );
    assert!(!text.contains("# tokhyg: ACME_ID "), "{text}");
    assert!(text.contains("# tokhyg: ACME_SECRET generated "), "{text}");
    assert!(
        err.contains("ACME_ID") && err.contains("public key id, not a secret"),
        "{err}"
    );
    let (code, _, err) = tokhyg_in(
        dir.path(),
        &["generate", "--pair", "--into", ".env", "A", "B"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("takes one NAME"), "{err}");
    // Two parts do not fit one clipboard.
    let (code, out, err) = tokhyg(&["generate", "--pair", "--copy"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("cannot be used with"), "{err}");
}
