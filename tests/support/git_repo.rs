//! Temporary git repositories for the tests that scan or hook into git (`tests/history.rs`,
//! `tests/staged.rs`, `tests/support/hook_repo.rs`, and the history unit tests, which include
//! this file from `src/source/history/test_repo.rs`): a test rule of their own (so the tests do
//! not depend on the built-in rules), secrets it matches, and `git` run with the caller's git
//! environment cleared.

// Each test crate uses a different part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A rule file with one test rule. Its example carries an allow comment, so that a repository
/// committing this file as its `.tokhyg.yaml` stays clean (the rule test checks the quoted
/// example, a scan sees the comment on the line).
pub const TEST_RULES: &str = "rules:
  - id: tkh-test-token
    title: tokhyg test token
    token:
      prefix: tkhtest_
      alphabet: hex
      length: 32
    examples: ['key = tkhtest_3f9a1c7e5b2d4f608a1b3c5d7e9f0a2b']  # tokhyg:allow
    negative_examples: ['tkhtest_short']
";

/// Distinct well-formed secrets of the test rule.
pub const SECRET_A: &str = "tkhtest_3f9a1c7e5b2d4f608a1b3c5d7e9f0a2b";
/// See [`SECRET_A`].
pub const SECRET_B: &str = "tkhtest_0123456789abcdef0123456789abcdef";
/// See [`SECRET_A`].
pub const SECRET_C: &str = "tkhtest_fedcba9876543210fedcba9876543210";

/// `git ARGS` in `dir`, which must succeed; its stdout. The system config and any `GIT_DIR` /
/// `GIT_INDEX_FILE` / `GIT_WORK_TREE` / object directories of the caller (a test run from a git
/// hook) are kept out.
pub fn git_bytes(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .env_remove("GIT_ALTERNATE_OBJECT_DIRECTORIES")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// [`git_bytes`], its stdout trimmed, as text.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    String::from_utf8_lossy(&git_bytes(dir, args))
        .trim()
        .to_owned()
}

/// `git init` in `dir` (branch main) with an author, no signing, local submodules allowed and
/// no automatic `gc` (tests that look at packs decide when to repack).
pub fn init_repo(dir: &Path) {
    git_in(dir, &["init", "-q", "-b", "main"]);
    for (key, value) in [
        ("user.name", "Ada Lovelace"),
        ("user.email", "ada@example.com"),
        ("commit.gpgsign", "false"),
        ("protocol.file.allow", "always"),
        ("gc.auto", "0"),
    ] {
        git_in(dir, &["config", key, value]);
    }
}

/// Writes `dir/path`, creating its parent directories.
pub fn write_file(dir: &Path, path: &str, bytes: &[u8]) {
    let file = dir.join(path);
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(file, bytes).expect("write");
}

/// Adds a linked worktree of the repository at `dir` at `linked`, on a new branch `side`.
pub fn add_linked_worktree(dir: &Path, linked: &Path) {
    git_in(
        dir,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "side",
            linked.to_str().expect("utf-8"),
        ],
    );
}

/// An empty repository at `<tmp>/repo`, with the rule file at `<tmp>/rules.yaml` (outside the
/// work tree).
pub struct GitRepo {
    /// Holds the repository, the rules and anything else the test puts next to them.
    pub tmp: TempDir,
    /// The work tree.
    pub dir: PathBuf,
    /// The rule file to pass to `--config`.
    pub rules: PathBuf,
}

impl GitRepo {
    /// A new repository whose rule file holds `rules`.
    pub fn new(rules: &str) -> GitRepo {
        let tmp = TempDir::new().expect("temp dir");
        let dir = tmp.path().join("repo");
        std::fs::create_dir(&dir).expect("mkdir");
        let rules_path = tmp.path().join("rules.yaml");
        std::fs::write(&rules_path, rules).expect("rules");
        init_repo(&dir);
        GitRepo {
            tmp,
            dir,
            rules: rules_path,
        }
    }

    /// Writes a text file of the work tree.
    pub fn write(&self, path: &str, text: &str) {
        write_file(&self.dir, path, text.as_bytes());
    }

    /// Writes a file of the work tree.
    pub fn write_bytes(&self, path: &str, bytes: &[u8]) {
        write_file(&self.dir, path, bytes);
    }

    /// `git ARGS` in the work tree, which must succeed; its trimmed stdout.
    pub fn git(&self, args: &[&str]) -> String {
        git_in(&self.dir, args)
    }

    /// `git submodule add URL PATH`, with local (`file://`) URLs allowed.
    pub fn add_submodule(&self, url: &str, path: &str) {
        self.git(&[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            url,
            path,
        ]);
    }

    /// Stages everything and commits it (even nothing, without hooks); the new commit's id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&[
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            message,
        ]);
        self.git(&["rev-parse", "HEAD"])
    }
}
