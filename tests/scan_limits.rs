//! Limits that keep a scan's memory proportional to what it reports (issue 10, item 7): at most
//! `MAX_FINDINGS_PER_RULE` findings of one rule in one file, with a warning naming the file and
//! the rule, in file, standard input, staged and history scans; and user rules whose keyword is
//! shorter than the documented minimum refused with a clear error.

#[path = "support/git_repo.rs"]
mod git_repo;

use assert_cmd::Command;
use git_repo::{GitRepo, TEST_RULES};
use serde_json::Value;
use std::path::Path;
use tokhyg::scan::MAX_FINDINGS_PER_RULE;

/// The `n`-th of many distinct, random-looking secrets of the test rule (`tkhtest_` + 32 hex).
fn secret(n: u64) -> String {
    let mix = |salt: u64| {
        let mut x = (n + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt;
        x ^= x >> 31;
        x.wrapping_mul(0xBF58_476D_1CE4_E5B9)
    };
    format!("tkhtest_{:016x}{:016x}", mix(0x1234_5678), mix(0x8765_4321))
}

/// `count` secrets, one per line.
fn data_file(count: usize) -> String {
    (0..count as u64)
        .map(|n| format!("key = {}\n", secret(n)))
        .collect()
}

/// Runs tokhyg in `dir` with `--config RULES --format json` and `args`; exit code, findings,
/// stderr.
fn run(repo: &GitRepo, dir: &Path, args: &[&str], stdin: &str) -> (i32, Vec<Value>, String) {
    let out = Command::cargo_bin("tokhyg")
        .expect("binary")
        .current_dir(dir)
        .arg("scan")
        .arg("--config")
        .arg(&repo.rules)
        .args(["--format", "json"])
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("runs");
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        findings.as_array().cloned().unwrap_or_default(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn count_in(findings: &[Value], path: &str) -> usize {
    findings.iter().filter(|f| f["path"] == path).count()
}

#[test]
fn findings_of_one_rule_in_one_file_are_capped_with_a_warning_naming_both() {
    let repo = GitRepo::new(TEST_RULES);
    let over = MAX_FINDINGS_PER_RULE + 7;
    repo.write("dump/keys.txt", &data_file(over));
    repo.write(
        "app.env",
        &format!("A={}\nB={}\n", secret(5000), secret(5001)),
    );
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "data"]);
    let head = repo.git(&["rev-parse", "HEAD"]);

    let (code, findings, stderr) = run(&repo, &repo.dir, &["."], "");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(count_in(&findings, "dump/keys.txt"), MAX_FINDINGS_PER_RULE);
    assert_eq!(
        count_in(&findings, "app.env"),
        2,
        "another file has its own count"
    );
    let first_lines: Vec<u64> = findings
        .iter()
        .filter(|f| f["path"] == "dump/keys.txt")
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = (1..=MAX_FINDINGS_PER_RULE as u64).collect();
    assert_eq!(
        first_lines, expected,
        "the first ones in file order are kept"
    );
    let warning = format!(
        "warning: dump/keys.txt: rule `tkh-test-token` matched {over} times; only the first \
         {MAX_FINDINGS_PER_RULE} are reported"
    );
    assert!(stderr.contains(&warning), "{stderr}");
    assert!(
        !stderr.contains(&secret(0)),
        "no secret in the warning: {stderr}"
    );

    let (code, findings, stderr) = run(&repo, &repo.dir, &["-"], &data_file(over));
    assert_eq!(
        (code, findings.len()),
        (1, MAX_FINDINGS_PER_RULE),
        "{stderr}"
    );
    assert!(
        stderr.contains("standard input: rule `tkh-test-token`"),
        "{stderr}"
    );

    let (code, findings, stderr) = run(&repo, &repo.dir, &["--history"], "");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(count_in(&findings, "dump/keys.txt"), MAX_FINDINGS_PER_RULE);
    let warning = format!(
        "dump/keys.txt (commit {}): rule `tkh-test-token`",
        &head[..12]
    );
    assert!(stderr.contains(&warning), "{stderr}");

    repo.write("dump/more.txt", &data_file(over));
    repo.git(&["add", "dump/more.txt"]);
    let (code, findings, stderr) = run(&repo, &repo.dir, &["--staged"], "");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(count_in(&findings, "dump/more.txt"), MAX_FINDINGS_PER_RULE);
    assert!(
        stderr.contains("dump/more.txt: rule `tkh-test-token` matched"),
        "{stderr}"
    );
}

#[test]
fn a_user_rule_with_a_keyword_below_the_minimum_is_refused() {
    let rules = "rules:\n  - id: short-kw\n    title: Short keyword\n    keywords: [k]\n    \
                 pattern: 'k=(\\w{8,})'\n";
    let repo = GitRepo::new(rules);
    repo.write("a.txt", "k=abcdefgh1234\n");
    let (code, findings, stderr) = run(&repo, &repo.dir, &["."], "");
    assert_eq!(code, 2, "{stderr}");
    assert!(findings.is_empty());
    assert!(stderr.contains("rules.yaml: rule `short-kw`"), "{stderr}");
    assert!(stderr.contains("keyword `k` is too short"), "{stderr}");
    assert!(stderr.contains("at least 3 characters"), "{stderr}");
}
