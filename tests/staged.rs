//! `tokhyg scan --staged` on real temporary git repositories: the index (not the work tree),
//! added lines only, first commit, renames, deletions, binary files and key stores,
//! submodules, merges with and without conflicts, odd paths, `GIT_INDEX_FILE`, suppressions.

#[path = "support/git_repo.rs"]
mod git_repo;

use assert_cmd::Command;
use git_repo::{
    GitRepo, SECRET_A, SECRET_B, SECRET_C, TEST_RULES, add_linked_worktree, git_in, init_repo,
};
use serde_json::Value;
use std::path::Path;
use tempfile::TempDir;

/// A key-store rule of the test's own, beside the shared test token rule, so the tests do not
/// depend on the built-in rule set.
const KEYSTORE_RULE: &str = r#"  - id: tkh-test-keystore
    title: test key store
    path: '(^|/)[^/]+\.tkhstore$'
    examples: ['certs/server.tkhstore']
    negative_examples: ['docs/tkhstore-format.md']
"#;

/// A repository whose rule file holds both test rules.
fn new_repo() -> GitRepo {
    GitRepo::new(&format!("{TEST_RULES}{KEYSTORE_RULE}"))
}

/// What one scan printed.
struct Outcome {
    code: i32,
    findings: Vec<Value>,
    stderr: String,
}

impl Outcome {
    /// (path, line) of each finding, in report order.
    fn places(&self) -> Vec<(String, u64)> {
        self.findings
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap_or_default().to_owned(),
                    f["line"].as_u64().unwrap_or_default(),
                )
            })
            .collect()
    }
}

impl GitRepo {
    /// `tokhyg scan --staged --format json ARGS` in `dir`, with extra environment.
    fn scan_with(&self, dir: &Path, env: &[(&str, &Path)], args: &[&str]) -> Outcome {
        let mut command = Command::cargo_bin("tokhyg").expect("binary");
        command
            .current_dir(dir)
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE")
            .args(["scan", "--staged", "--format", "json", "--config"])
            .arg(&self.rules)
            .args(args);
        for (key, value) in env {
            command.env(key, value);
        }
        let out = command.output().expect("runs");
        let findings: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        Outcome {
            code: out.status.code().unwrap_or(-1),
            findings: findings.as_array().cloned().unwrap_or_default(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn scan(&self, args: &[&str]) -> Outcome {
        self.scan_with(&self.dir, &[], args)
    }
}

fn place(path: &str, line: u64) -> (String, u64) {
    (path.to_owned(), line)
}

#[test]
fn first_commit_reports_a_staged_secret_redacted_with_how_to_fix_it() {
    let repo = new_repo();
    repo.write("config/app.env", &format!("# keys\nAPI_KEY={SECRET_A}\n"));
    repo.write("README", "hello\n");
    repo.git(&["add", "-A"]);

    let out = repo.scan(&[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.places(), [place("config/app.env", 2)]);
    let finding = &out.findings[0];
    assert_eq!(finding["rule"], "tkh-test-token");
    assert_eq!(finding["column"], 9);
    assert_eq!(finding["commit"], Value::Null);
    let fingerprint = finding["fingerprint"].as_str().expect("fingerprint");
    let all_output = format!(
        "{}{}",
        serde_json::to_string(&out.findings).unwrap(),
        out.stderr
    );
    assert!(
        !all_output.contains(SECRET_A),
        "the secret leaked: {all_output}"
    );
    for needle in [
        "commit blocked",
        "tokhyg generate --into .env NAME",
        "revoke and rotate",
        "tokhyg:allow",
        ".tokhygignore",
        &format!("{fingerprint}  # config/app.env:2 tkh-test-token"),
    ] {
        assert!(out.stderr.contains(needle), "{needle} in {}", out.stderr);
    }

    // The text report (what the hook shows) names file, line and rule, the secret redacted.
    let text = Command::cargo_bin("tokhyg")
        .expect("binary")
        .current_dir(&repo.dir)
        .args(["scan", "--staged", "--config"])
        .arg(&repo.rules)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("config/app.env:2:9  tkh-test-token"),
        "{stdout}"
    );
    assert!(stdout.contains("secret       tkht…"), "{stdout}");
    assert!(!stdout.contains(SECRET_A));
}

#[test]
fn the_index_is_scanned_not_the_work_tree() {
    let repo = new_repo();
    repo.write("README", "hello\n");
    repo.commit("start");

    // Staged secret, hidden by an unstaged edit: still blocked.
    repo.write("app.py", &format!("TOKEN = '{SECRET_A}'\n"));
    repo.git(&["add", "app.py"]);
    repo.write("app.py", "TOKEN = os.environ['TOKEN']\n");
    let out = repo.scan(&[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.places(), [place("app.py", 1)]);

    // Clean staged content with a secret only in the work tree (and an untracked file): clean.
    repo.git(&["reset", "-q"]);
    repo.write("app.py", "TOKEN = os.environ['TOKEN']\n");
    repo.git(&["add", "app.py"]);
    repo.write("app.py", &format!("TOKEN = '{SECRET_A}'\n"));
    repo.write("untracked.txt", &format!("{SECRET_B}\n"));
    let out = repo.scan(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.findings.is_empty());
    assert!(!out.stderr.contains("blocked"), "{}", out.stderr);

    // Nothing staged at all: clean.
    repo.git(&["reset", "-q"]);
    assert_eq!(repo.scan(&[]).code, 0);
}

#[test]
fn only_added_or_changed_lines_block_unless_all_lines() {
    let repo = new_repo();
    let old = format!("line 1\nold = {SECRET_A}\nline 3\nline 4\nline 5\n");
    repo.write("settings.ini", &old);
    repo.commit("an old leak");

    // An unrelated edit in the same file does not report the old leak...
    repo.write("settings.ini", &format!("{old}line 6\n"));
    repo.git(&["add", "-A"]);
    let out = repo.scan(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // ...--all-lines does.
    let out = repo.scan(&["--all-lines"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.places(), [place("settings.ini", 2)]);

    // A new secret next to it, and the old line changed (same secret, new comment): both.
    repo.write(
        "settings.ini",
        &format!("line 1\nold = {SECRET_A}  # still here\nline 3\nnew = {SECRET_B}\nline 5\n"),
    );
    repo.git(&["add", "-A"]);
    let out = repo.scan(&[]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.places(),
        [place("settings.ini", 2), place("settings.ini", 4)]
    );

    // Deleting lines above shifts the old leak: it is not an added line.
    repo.write("settings.ini", &format!("old = {SECRET_A}\nline 3\n"));
    repo.git(&["add", "-A"]);
    assert_eq!(repo.scan(&[]).code, 0);
}

#[test]
fn renames_deletions_and_mode_changes_add_nothing() {
    let repo = new_repo();
    let body: String = (1..=20).map(|i| format!("line {i}\n")).collect();
    repo.write("a.txt", &format!("{body}key = {SECRET_A}\n"));
    repo.write("gone.txt", &format!("key = {SECRET_B}\n"));
    repo.write("run.sh", &format!("export K={SECRET_C}\n"));
    repo.commit("start");

    std::fs::create_dir(repo.dir.join("renamed dir")).expect("mkdir");
    repo.git(&["mv", "a.txt", "renamed dir/b.txt"]);
    repo.git(&["rm", "-q", "gone.txt"]);
    repo.git(&["update-index", "--chmod=+x", "run.sh"]);
    let out = repo.scan(&[]);
    assert_eq!(out.code, 0, "{:?} {}", out.findings, out.stderr);

    let out = repo.scan(&["--all-lines"]);
    assert_eq!(
        out.places(),
        [place("renamed dir/b.txt", 21), place("run.sh", 1)]
    );

    // A rename that also adds a secret reports only the added line, at the new path.
    repo.write(
        "renamed dir/b.txt",
        &format!("{body}key = {SECRET_A}\nk2 = {SECRET_C}\n"),
    );
    repo.git(&["add", "-A"]);
    let out = repo.scan(&[]);
    assert_eq!(out.places(), [place("renamed dir/b.txt", 22)]);
}

#[test]
fn binary_files_are_not_read_but_key_stores_are_reported_when_new_or_changed() {
    let repo = new_repo();
    let mut binary = b"\x00\x01\x02PK".to_vec();
    binary.extend_from_slice(format!("key = {SECRET_A}\n").as_bytes());
    repo.write_bytes("blob.bin", &binary);
    repo.write_bytes(
        "certs/server.tkhstore",
        b"\x30\x82\x01\x00\x00binary key store",
    );
    repo.git(&["add", "-A"]);
    let out = repo.scan(&[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.places(), [place("certs/server.tkhstore", 1)]);
    assert_eq!(out.findings[0]["rule"], "tkh-test-keystore");
    repo.commit("keys");

    // Renamed unchanged to another key-store name: the same rule matched it before.
    repo.git(&["mv", "certs/server.tkhstore", "certs/old.tkhstore"]);
    assert_eq!(repo.scan(&[]).code, 0);
    repo.commit("rename");

    // A new key in the same file is a new key store.
    repo.write_bytes(
        "certs/old.tkhstore",
        b"\x30\x82\x02\x00\x00another key store",
    );
    repo.git(&["add", "-A"]);
    let out = repo.scan(&[]);
    assert_eq!(out.places(), [place("certs/old.tkhstore", 1)]);
}

#[test]
fn submodules_are_skipped() {
    let repo = new_repo();
    let sub = repo.tmp.path().join("sub");
    std::fs::create_dir(&sub).expect("mkdir");
    init_repo(&sub);
    std::fs::write(sub.join("leak.txt"), format!("key = {SECRET_A}\n")).expect("write");
    git_in(&sub, &["add", "-A"]);
    git_in(&sub, &["commit", "-q", "-m", "sub"]);
    repo.write("README", "hello\n");
    repo.commit("start");

    let url = sub.to_str().expect("utf-8 temp path");
    repo.add_submodule(url, "vendor/sub");
    let out = repo.scan(&["--all-lines"]);
    assert_eq!(out.code, 0, "{:?} {}", out.findings, out.stderr);
}

#[test]
fn a_merge_reports_what_the_resolution_adds_not_what_the_branch_brought() {
    let repo = new_repo();
    repo.write("shared.txt", "base\n");
    repo.write("both.txt", "one\ntwo\n");
    repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("feature.txt", &format!("from the branch {SECRET_A}\n"));
    repo.write("both.txt", &format!("one\ntwo\nfeature {SECRET_B}\n"));
    repo.commit("feature work, its own leak");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("main.txt", "main\n");
    repo.commit("main work");

    repo.git(&["merge", "-q", "--no-commit", "--no-ff", "feature"]);
    let out = repo.scan(&[]);
    assert_eq!(out.code, 0, "{:?} {}", out.findings, out.stderr);

    // An evil merge: the resolution adds a secret no parent had.
    repo.write(
        "both.txt",
        &format!("one\ntwo\nfeature {SECRET_B}\nmerge {SECRET_C}\n"),
    );
    repo.git(&["add", "both.txt"]);
    let out = repo.scan(&[]);
    assert_eq!(out.code, 1);
    assert_eq!(out.places(), [place("both.txt", 4)]);
}

#[test]
fn a_conflicted_merge_names_the_unscanned_paths() {
    let repo = new_repo();
    repo.write("c.txt", "base\n");
    repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("c.txt", &format!("theirs {SECRET_A}\n"));
    repo.commit("feature");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("c.txt", "ours\n");
    repo.commit("main");
    let merge = std::process::Command::new("git")
        .current_dir(&repo.dir)
        .args(["merge", "-q", "feature"])
        .output()
        .expect("git runs");
    assert!(!merge.status.success(), "the merge should conflict");
    // A resolved file in the same merge that adds a secret is still reported.
    repo.write("resolved.txt", &format!("k = {SECRET_B}\n"));
    repo.git(&["add", "resolved.txt"]);

    let out = repo.scan(&[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.places(), [place("resolved.txt", 1)]);
    assert!(
        out.stderr
            .contains("c.txt has unresolved merge conflicts: not scanned"),
        "{}",
        out.stderr
    );
}

#[cfg(unix)]
#[test]
fn paths_with_spaces_and_non_utf8_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let repo = new_repo();
    let name = std::ffi::OsStr::from_bytes(b"my dir/caf\xe9 \xff.txt");
    let file = repo.dir.join(name);
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(&file, format!("k = {SECRET_A}\n")).expect("write");
    repo.git(&["add", "-A"]);
    let out = repo.scan(&[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.places(), [place("my dir/caf\u{fffd} \u{fffd}.txt", 1)]);
}

#[test]
fn runs_from_a_subdirectory_and_reports_root_relative_paths() {
    let repo = new_repo();
    repo.write(
        "src/deep/app.rs",
        &format!("const K: &str = \"{SECRET_A}\";\n"),
    );
    repo.git(&["add", "-A"]);
    let out = repo.scan_with(&repo.dir.join("src/deep"), &[], &[]);
    assert_eq!(out.places(), [place("src/deep/app.rs", 1)]);
}

#[test]
fn honours_git_index_file_like_git_commit_a_does() {
    let repo = new_repo();
    repo.write("README", "hello\n");
    repo.commit("start");
    repo.write("a.txt", &format!("k = {SECRET_A}\n"));
    // Stage into another index file only; the regular index stays clean.
    let other = repo.tmp.path().join("other-index");
    std::fs::copy(repo.dir.join(".git/index"), &other).expect("copy index");
    let added = std::process::Command::new("git")
        .current_dir(&repo.dir)
        .env("GIT_INDEX_FILE", &other)
        .args(["add", "a.txt"])
        .status()
        .expect("git runs");
    assert!(added.success());
    assert_eq!(repo.scan(&[]).code, 0);
    let out = repo.scan_with(&repo.dir, &[("GIT_INDEX_FILE", &other)], &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.places(), [place("a.txt", 1)]);
}

#[test]
fn works_in_a_linked_worktree() {
    let repo = new_repo();
    repo.write("README", "hello\n");
    repo.commit("start");
    let linked = repo.tmp.path().join("linked");
    add_linked_worktree(&repo.dir, &linked);
    std::fs::write(linked.join("w.txt"), format!("k = {SECRET_A}\n")).expect("write");
    git_in(&linked, &["add", "w.txt"]);
    assert_eq!(repo.scan(&[]).code, 0, "the main worktree's index is clean");
    let out = repo.scan_with(&linked, &[], &[]);
    assert_eq!(out.places(), [place("w.txt", 1)]);
}

#[test]
fn allow_comments_and_the_ignore_file_suppress() {
    let repo = new_repo();
    repo.write("a.py", &format!("k = '{SECRET_A}'  # tokhyg:allow\n"));
    repo.write("b.txt", &format!("k = {SECRET_B}\n"));
    repo.git(&["add", "-A"]);
    let out = repo.scan(&[]);
    assert_eq!(out.places(), [place("b.txt", 1)]);
    let fingerprint = out.findings[0]["fingerprint"]
        .as_str()
        .expect("fp")
        .to_owned();
    std::fs::write(
        repo.dir.join(".tokhygignore"),
        format!("{fingerprint}  # b.txt:1 tkh-test-token\n"),
    )
    .expect("write");
    let out = repo.scan(&[]);
    assert_eq!(out.code, 0, "{:?} {}", out.findings, out.stderr);
}

#[test]
fn errors_outside_a_repository_and_with_paths() {
    let tmp = TempDir::new().expect("temp dir");
    let out = Command::cargo_bin("tokhyg")
        .expect("binary")
        .current_dir(tmp.path())
        .env_remove("GIT_DIR")
        .env("GIT_CEILING_DIRECTORIES", tmp.path())
        .args(["scan", "--staged"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not in a git repository"), "{stderr}");

    let repo = new_repo();
    let out = Command::cargo_bin("tokhyg")
        .expect("binary")
        .current_dir(&repo.dir)
        .args(["scan", "--staged", "src"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = Command::cargo_bin("tokhyg")
        .expect("binary")
        .current_dir(&repo.dir)
        .args(["scan", "--all-lines"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "--all-lines needs --staged");
}
