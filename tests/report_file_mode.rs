//! `--output FILE`: a report that holds secrets whole (`--show-secrets`) is written readable by
//! its owner only (issue 10, item 9).

#[path = "support/git_repo.rs"]
mod git_repo;

use assert_cmd::Command;
use git_repo::{GitRepo, SECRET_A, TEST_RULES};

#[cfg(unix)]
#[test]
fn a_report_with_whole_secrets_is_mode_0600_even_over_an_existing_file() {
    use std::os::unix::fs::PermissionsExt;
    let repo = GitRepo::new(TEST_RULES);
    repo.write("app.env", &format!("KEY={SECRET_A}\n"));
    let report = repo.tmp.path().join("report.json");
    std::fs::write(&report, "").unwrap();
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o644)).unwrap();
    let scan = |extra: &[&str]| {
        let out = Command::cargo_bin("tokhyg")
            .unwrap()
            .current_dir(&repo.dir)
            .arg("scan")
            .arg("--config")
            .arg(&repo.rules)
            .args(["--format", "json", "--output"])
            .arg(&report)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        std::fs::metadata(&report).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(scan(&[]), 0o644, "a redacted report keeps the file's mode");
    assert_eq!(scan(&["--show-secrets"]), 0o600);
    assert!(std::fs::read_to_string(&report).unwrap().contains(SECRET_A));
}
