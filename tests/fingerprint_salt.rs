//! Keyed fingerprints (issue 10, item 10): with a `# tokhyg-salt:` line in `.tokhygignore`, every
//! kind of scan prints fingerprints keyed with it, the same from run to run; entries of either
//! kind suppress; an ignore file without a salt gets a warning with a line to add; baselines
//! carry a salt of their own.

#[path = "support/git_repo.rs"]
mod git_repo;

use assert_cmd::Command;
use git_repo::{GitRepo, SECRET_A, SECRET_B, SECRET_C, TEST_RULES};
use serde_json::Value;
use tokhyg::suppress::{Salt, fingerprint, fingerprint_with};

const RULE: &str = "tkh-test-token";

/// `tokhyg scan --config RULES --format json ARGS` in the work tree: exit code, findings, stderr.
fn scan(repo: &GitRepo, args: &[&str]) -> (i32, Vec<Value>, String) {
    let out = Command::cargo_bin("tokhyg")
        .unwrap()
        .current_dir(&repo.dir)
        .arg("scan")
        .arg("--config")
        .arg(&repo.rules)
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        findings.as_array().cloned().unwrap_or_default(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fingerprints(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_salted_ignore_file_keys_every_scan_and_old_entries_still_suppress() {
    let repo = GitRepo::new(TEST_RULES);
    let salt = Salt::random();
    let keyed = |secret: &str| fingerprint_with(Some(&salt), RULE, secret.as_bytes());
    repo.write(
        ".tokhygignore",
        &format!(
            "# tokhyg-salt: {salt}\n{}  # keyed\n{}  # written before the salt\n",
            keyed(SECRET_A),
            fingerprint(RULE, SECRET_B.as_bytes())
        ),
    );
    repo.write(
        "app.env",
        &format!("A={SECRET_A}\nB={SECRET_B}\nC={SECRET_C}\n"),
    );
    let want = vec![keyed(SECRET_C)];

    let (code, findings, stderr) = scan(&repo, &["."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(fingerprints(&findings), want, "only C, keyed");
    assert!(!stderr.contains("no salt"), "{stderr}");
    let replace = format!(
        ".tokhygignore: entry {} is an unkeyed fingerprint written before the salt; it still \
         suppresses, but replace it with {}",
        fingerprint(RULE, SECRET_B.as_bytes()),
        keyed(SECRET_B)
    );
    assert!(stderr.contains(&replace), "{stderr}");
    assert_eq!(stderr.matches("unkeyed fingerprint").count(), 1, "{stderr}");
    assert_eq!(
        fingerprints(&scan(&repo, &["."]).1),
        want,
        "stable across runs"
    );
    assert_ne!(want[0], fingerprint(RULE, SECRET_C.as_bytes()));

    repo.git(&["add", "-A"]);
    let (_, staged, stderr) = scan(&repo, &["--staged"]);
    assert_eq!(fingerprints(&staged), want, "{stderr}");
    repo.git(&["commit", "-q", "--no-verify", "-m", "keys"]);
    let (_, history, stderr) = scan(&repo, &["--history"]);
    assert_eq!(fingerprints(&history), want, "{stderr}");
}

#[test]
fn an_ignore_file_without_salt_warns_with_a_line_to_add_and_keeps_working() {
    let repo = GitRepo::new(TEST_RULES);
    repo.write(
        ".tokhygignore",
        &format!("{}\n", fingerprint(RULE, SECRET_A.as_bytes())),
    );
    repo.write("app.env", &format!("A={SECRET_A}\nC={SECRET_C}\n"));
    let (code, findings, stderr) = scan(&repo, &["."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        fingerprints(&findings),
        [fingerprint(RULE, SECRET_C.as_bytes())]
    );
    assert!(
        stderr.contains(".tokhygignore has no salt line"),
        "{stderr}"
    );
    let line = stderr
        .split('`')
        .find(|part| part.starts_with("# tokhyg-salt: "))
        .unwrap_or_else(|| panic!("a salt line to add: {stderr}"));
    let salt = Salt::parse(&line["# tokhyg-salt: ".len()..]).expect("32 hex characters");
    // Adding the suggested line keys the reports; the old entry still suppresses.
    let old = std::fs::read_to_string(repo.dir.join(".tokhygignore")).unwrap();
    repo.write(".tokhygignore", &format!("{line}\n{old}"));
    let (_, findings, stderr) = scan(&repo, &["."]);
    assert_eq!(
        fingerprints(&findings),
        [fingerprint_with(Some(&salt), RULE, SECRET_C.as_bytes())],
        "{stderr}"
    );
}

#[test]
fn a_baseline_is_keyed_with_a_salt_of_its_own_and_suppresses_what_it_lists() {
    let repo = GitRepo::new(TEST_RULES);
    repo.write("app.env", &format!("A={SECRET_A}\n"));
    let (code, _, stderr) = scan(&repo, &["--write-baseline", "base.json", "app.env"]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(repo.dir.join("base.json")).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(file["version"], 2);
    let salt = Salt::parse(file["salt"].as_str().unwrap()).unwrap();
    assert_eq!(
        file["findings"][0]["fingerprint"],
        fingerprint_with(Some(&salt), RULE, SECRET_A.as_bytes()).as_str()
    );
    assert!(
        !text.contains(&fingerprint(RULE, SECRET_A.as_bytes())),
        "{text}"
    );
    repo.write("app.env", &format!("A={SECRET_A}\nC={SECRET_C}\n"));
    let (code, findings, stderr) = scan(&repo, &["--baseline", "base.json", "app.env"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["line"], 2);
}
