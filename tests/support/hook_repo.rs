//! A temporary git repository for the pre-commit hook tests (`tests/hook.rs`,
//! `tests/precommit_framework.rs`): commits that run real hooks, with a `.tokhyg.yaml` holding a
//! test rule of its own, so that the tests do not depend on the built-in rules.

// Each test crate uses a different part of this module.
#![allow(dead_code)]

#[path = "git_repo.rs"]
pub mod git_repo;

use git_repo::{SECRET_B, TEST_RULES, init_repo, write_file};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// The repository's `.tokhyg.yaml`; it is committed too (its example carries an allow comment).
pub const CONFIG: &str = TEST_RULES;

/// A well-formed secret of the test rule.
pub const SECRET: &str = SECRET_B;

/// The tokhyg binary under test.
pub fn tokhyg_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tokhyg"))
}

/// PATH with the directory of the tokhyg binary first.
pub fn path_with_tokhyg() -> std::ffi::OsString {
    let bin_dir = tokhyg_bin()
        .parent()
        .expect("the binary has a directory")
        .to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(&rest)))
        .expect("PATH entries without separators")
}

/// A repository with one commit (README and `.tokhyg.yaml`).
pub struct HookRepo {
    /// Holds the repository and anything else the test puts next to it.
    pub tmp: TempDir,
    /// The work tree.
    pub dir: PathBuf,
}

impl HookRepo {
    /// A new repository at `<tmp>/repo`, first commit made without hooks.
    pub fn new() -> HookRepo {
        let tmp = TempDir::new().expect("temp dir");
        let dir = tmp.path().join("repo");
        std::fs::create_dir(&dir).expect("mkdir");
        let repo = HookRepo { tmp, dir };
        init_repo(&repo.dir);
        repo.write("README", "hello\n");
        repo.write(".tokhyg.yaml", CONFIG);
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "--no-verify", "-m", "start"]);
        repo
    }

    /// Writes a file of the work tree.
    pub fn write(&self, path: &str, text: &str) {
        write_file(&self.dir, path, text.as_bytes());
    }

    /// `git ARGS` in the work tree (PATH has tokhyg first), without checking the outcome.
    pub fn run_git(&self, args: &[&str]) -> Output {
        self.run_git_in(&self.dir, args)
    }

    /// `git ARGS` in `dir` (PATH has tokhyg first), without checking the outcome.
    pub fn run_git_in(&self, dir: &Path, args: &[&str]) -> Output {
        Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("PATH", path_with_tokhyg())
            .env_remove("TOKHYG")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("git runs")
    }

    /// `git ARGS`, which must succeed; its trimmed stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.run_git(args);
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// The number of commits on HEAD.
    pub fn commits(&self) -> usize {
        self.git(&["rev-list", "--count", "HEAD"])
            .parse()
            .expect("a count")
    }
}

/// Everything a command printed, stdout then stderr, for assertions and failure messages.
pub fn printed(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
