//! `tokhyg scan --history [RANGE...] [-- PATH...]`: the range is the value of `--history`, and
//! paths after `--` limit the scan to the files of history at or below them (`git log -- PATH`).

#[path = "support/git_repo.rs"]
mod git_repo;

use assert_cmd::Command;
use git_repo::{GitRepo, SECRET_A, SECRET_B, SECRET_C, TEST_RULES};
use serde_json::Value;
use std::path::Path;

/// `tokhyg scan --history ARGS --format json` run in `dir`: exit code, sorted finding paths,
/// stderr.
fn scan(repo: &GitRepo, dir: &Path, args: &[&str]) -> (i32, Vec<String>, String) {
    let out = Command::cargo_bin("tokhyg")
        .expect("binary")
        .current_dir(dir)
        .arg("scan")
        .arg("--config")
        .arg(&repo.rules)
        .args(["--format", "json", "--history"])
        .args(args)
        .output()
        .expect("runs");
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let mut paths: Vec<String> = findings
        .as_array()
        .map(|all| {
            all.iter()
                .map(|f| f["path"].as_str().unwrap_or("?").to_owned())
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    (
        out.status.code().unwrap_or(-1),
        paths,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Three commits: a secret in src/app.py, one in config/.env, one in notes.txt.
fn repo() -> GitRepo {
    let repo = GitRepo::new(TEST_RULES);
    repo.write("src/app.py", &format!("k = {SECRET_A}\n"));
    repo.commit("app");
    repo.write("config/.env", &format!("K={SECRET_B}\n"));
    repo.commit("env");
    repo.write("notes.txt", &format!("k = {SECRET_C}\n"));
    repo.commit("notes");
    repo
}

#[test]
fn paths_after_the_double_dash_limit_the_history_scan() {
    let repo = repo();
    let (code, paths, stderr) = scan(&repo, &repo.dir, &[]);
    assert_eq!((code, paths.len()), (1, 3), "{stderr}");
    let (_, paths, _) = scan(&repo, &repo.dir, &["--", "src/app.py"]);
    assert_eq!(paths, ["src/app.py"]);
    let (_, paths, _) = scan(&repo, &repo.dir, &["--", "config", "notes.txt"]);
    assert_eq!(paths, ["config/.env", "notes.txt"]);
    let (code, paths, _) = scan(&repo, &repo.dir, &["--", "src/app"]);
    assert_eq!(
        (code, paths.len()),
        (0, 0),
        "a path matches whole components"
    );
    // Relative to the current directory, like git.
    let (_, paths, _) = scan(
        &repo,
        &repo.dir.join("src"),
        &["--", "app.py", "../notes.txt"],
    );
    assert_eq!(paths, ["notes.txt", "src/app.py"]);
}

#[test]
fn a_range_and_paths_combine() {
    let repo = repo();
    let (_, paths, _) = scan(&repo, &repo.dir, &["HEAD~2..HEAD"]);
    assert_eq!(paths, ["config/.env", "notes.txt"]);
    let (_, paths, _) = scan(&repo, &repo.dir, &["HEAD~2..HEAD", "--", "config"]);
    assert_eq!(paths, ["config/.env"]);
}

#[test]
fn a_path_given_as_a_range_or_outside_the_repository_is_explained() {
    let repo = repo();
    let (code, _, stderr) = scan(&repo, &repo.dir, &["src"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("tokhyg scan --history -- src"), "{stderr}");
    let (code, _, stderr) = scan(&repo, &repo.dir, &["--", "/"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("outside the repository"), "{stderr}");
}

#[test]
fn git_errors_are_said_in_the_users_terms_without_libgit2_internals() {
    let repo = repo();
    let blob = repo.git(&["rev-parse", "HEAD:notes.txt"]);
    for (args, expected) in [
        (
            vec!["nosuch..HEAD"],
            "unknown revision or range `nosuch..HEAD`",
        ),
        (vec![blob.as_str()], "names a blob, not a commit"),
        (
            vec!["HEAD^{tree}"],
            "`HEAD^{tree}` names a tree, not a commit",
        ),
    ] {
        let (code, _, stderr) = scan(&repo, &repo.dir, &args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        for internal in ["class=", "code=", "git_object_t"] {
            assert!(!stderr.contains(internal), "{args:?}: {stderr}");
        }
    }
    let outside = tempfile::tempdir().expect("temp dir");
    let (code, _, stderr) = scan(&repo, outside.path(), &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not in a git repository"), "{stderr}");
    assert!(!stderr.contains("class="), "{stderr}");
}
