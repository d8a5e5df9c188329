//! The hooks of `.pre-commit-hooks.yaml` run by the real pre-commit framework (installed into
//! `.test-deps/venv` by `scripts/install-test-deps.sh`), on temporary repositories:
//! `pre-commit try-repo` with a staged token (blocked, the finding shown), a clean change and
//! an allowed line (passing); `pre-commit install` and a plain `git commit`; the manual history
//! hook.
//!
//! The manifest's `language: rust` makes pre-commit build the crate with `cargo install` in its
//! own environment: [`language_rust_builds_and_runs_the_hook`] does exactly that once (minutes;
//! `CARGO_TARGET_DIR` is kept under `target/` so the dependencies compile only once). The other
//! tests run the same manifest with `language: system` and `entry` pointing at the binary under
//! test, which checks every other field of the manifest in seconds.

#[path = "support/hook_repo.rs"]
mod hook_repo;
#[path = "support/test_deps.rs"]
mod test_deps;

use hook_repo::{HookRepo, SECRET, path_with_tokhyg, printed, tokhyg_bin};
use serde_yaml_ng::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use test_deps::{manifest_dir, venv_bin};

/// The repository's hook manifest, parsed.
fn manifest() -> Vec<Value> {
    let text = std::fs::read_to_string(manifest_dir().join(".pre-commit-hooks.yaml"))
        .expect(".pre-commit-hooks.yaml at the crate root");
    serde_yaml_ng::from_str(&text).expect("the manifest is a YAML list of hooks")
}

/// A hook of the manifest by id.
fn hook(id: &str) -> Value {
    manifest()
        .into_iter()
        .find(|hook| hook["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("hook {id} in .pre-commit-hooks.yaml"))
}

#[test]
fn the_manifest_declares_the_staged_and_the_manual_history_hook() {
    let staged = hook("tokhyg");
    assert_eq!(staged["language"].as_str(), Some("rust"));
    assert_eq!(staged["entry"].as_str(), Some("tokhyg scan --staged"));
    assert_eq!(staged["pass_filenames"].as_bool(), Some(false));
    let history = hook("tokhyg-history");
    assert_eq!(history["entry"].as_str(), Some("tokhyg scan --history"));
    assert_eq!(history["pass_filenames"].as_bool(), Some(false));
    let stages: Vec<&str> = history["stages"]
        .as_sequence()
        .expect("stages")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(stages, ["manual"]);
}

/// A git repository holding the manifest with `language: system` and the entry pointing at
/// the binary under test, committed; returns (its directory, the commit).
fn system_hook_repo(root: &Path) -> (PathBuf, String) {
    let dir = root.join("hook-repo");
    std::fs::create_dir(&dir).expect("mkdir");
    let binary = tokhyg_bin();
    let binary = binary.to_str().expect("a UTF-8 target directory");
    let hooks: Vec<Value> = manifest()
        .into_iter()
        .map(|mut hook| {
            let entry = hook["entry"].as_str().expect("entry").to_owned();
            let rest = entry.strip_prefix("tokhyg ").expect("entry runs tokhyg");
            hook["entry"] = Value::from(format!("{binary} {rest}"));
            hook["language"] = Value::from("system");
            hook
        })
        .collect();
    let text = serde_yaml_ng::to_string(&hooks).expect("yaml");
    std::fs::write(dir.join(".pre-commit-hooks.yaml"), text).expect("write");
    commit_everything(&dir);
    let rev = git_stdout(&dir, &["rev-parse", "HEAD"]);
    (dir, rev)
}

fn commit_everything(dir: &Path) {
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=Ada",
            "-c",
            "user.email=ada@example.com",
            "commit",
            "-q",
            "--no-verify",
            "-m",
            "hooks",
        ],
    ] {
        let out = Command::new("git")
            .current_dir(dir)
            .args(args)
            .output()
            .expect("git");
        assert!(out.status.success(), "git {args:?}: {}", printed(&out));
    }
}

fn git_stdout(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}: {}", printed(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// `program ARGS` in the repository, with tokhyg on PATH, the framework's cache in the test's
/// temp dir and no git system config or caller's `GIT_DIR` / `GIT_INDEX_FILE`.
fn run_with_framework(repo: &HookRepo, program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .current_dir(&repo.dir)
        .env("PRE_COMMIT_HOME", repo.tmp.path().join("pre-commit-home"))
        .env("PATH", path_with_tokhyg())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{} runs: {e}", program.display()))
}

/// `pre-commit ARGS` in the repository (see [`run_with_framework`]).
fn run_pre_commit(repo: &HookRepo, args: &[&str]) -> Output {
    run_with_framework(repo, &venv_bin("pre-commit"), args)
}

fn try_repo(repo: &HookRepo, hook_repo: &Path, rev: &str, hook_id: &str) -> Output {
    let hook_repo = hook_repo.to_str().expect("utf-8 temp path");
    run_pre_commit(repo, &["try-repo", hook_repo, hook_id, "--ref", rev])
}

#[test]
fn try_repo_blocks_a_staged_token_and_passes_clean_and_allowed_changes() {
    let repo = HookRepo::new();
    let (hook_repo, rev) = system_hook_repo(repo.tmp.path());

    repo.write("deploy/config.yml", &format!("api:\n  token: {SECRET}\n"));
    repo.git(&["add", "-A"]);
    let out = try_repo(&repo, &hook_repo, &rev, "tokhyg");
    let text = printed(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("Failed"), "{text}");
    assert!(
        text.contains("deploy/config.yml:2:10  tkh-test-token"),
        "{text}"
    );
    assert!(text.contains("commit blocked"), "{text}");
    assert!(!text.contains(SECRET), "the secret was printed: {text}");

    // Clean: the value comes from the environment.
    repo.write("deploy/config.yml", "api:\n  token: ${API_TOKEN}\n");
    repo.git(&["add", "-A"]);
    let out = try_repo(&repo, &hook_repo, &rev, "tokhyg");
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
    assert!(printed(&out).contains("Passed"), "{}", printed(&out));

    // Allowed line.
    repo.write(
        "deploy/config.yml",
        &format!("api:\n  token: {SECRET}  # tokhyg:allow\n"),
    );
    repo.git(&["add", "-A"]);
    let out = try_repo(&repo, &hook_repo, &rev, "tokhyg");
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
}

#[test]
fn installed_with_the_framework_a_git_commit_is_blocked_then_passes() {
    let repo = HookRepo::new();
    let (hook_repo, rev) = system_hook_repo(repo.tmp.path());
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: tokhyg\n",
        hook_repo.display()
    );
    repo.write(".pre-commit-config.yaml", &config);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "pre-commit config"]);
    let out = run_pre_commit(&repo, &["install"]);
    assert!(out.status.success(), "{}", printed(&out));

    repo.write("app/settings.py", &format!("TOKEN = '{SECRET}'\n"));
    repo.git(&["add", "-A"]);
    let before = repo.commits();
    let out = commit_with_framework(&repo, "add a token");
    assert!(!out.status.success(), "{}", printed(&out));
    assert!(printed(&out).contains("app/settings.py:1:10  tkh-test-token"));
    assert_eq!(repo.commits(), before);

    repo.write("app/settings.py", "TOKEN = os.environ['TOKEN']\n");
    repo.git(&["add", "-A"]);
    let out = commit_with_framework(&repo, "token from the environment");
    assert!(out.status.success(), "{}", printed(&out));
    assert_eq!(repo.commits(), before + 1);
}

/// `git commit` with the framework's cache in the test's temp dir.
fn commit_with_framework(repo: &HookRepo, message: &str) -> Output {
    run_with_framework(repo, Path::new("git"), &["commit", "-m", message])
}

#[test]
fn the_manual_history_hook_finds_a_secret_only_history_holds() {
    let repo = HookRepo::new();
    let (hook_repo, rev) = system_hook_repo(repo.tmp.path());
    repo.write("old.txt", &format!("{SECRET}\n"));
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "leak"]);
    repo.git(&["rm", "-q", "old.txt"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "remove it"]);

    let hook_repo_arg = hook_repo.to_str().expect("utf-8");
    let out = run_pre_commit(
        &repo,
        &[
            "try-repo",
            hook_repo_arg,
            "tokhyg-history",
            "--ref",
            &rev,
            "--hook-stage",
            "manual",
        ],
    );
    let text = printed(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("old.txt:1:1  tkh-test-token"), "{text}");
}

/// The manifest as published: pre-commit builds the crate with `cargo install --path .` from a
/// commit of this working copy's sources, then runs the hook on a staged token.
#[test]
fn language_rust_builds_and_runs_the_hook() {
    let repo = HookRepo::new();
    let crate_copy = repo.tmp.path().join("tokhyg-crate");
    std::fs::create_dir(&crate_copy).expect("mkdir");
    for entry in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "README.md",
        ".pre-commit-hooks.yaml",
        "src",
        "rules",
        "hooks",
    ] {
        copy_tree(&manifest_dir().join(entry), &crate_copy.join(entry));
    }
    commit_everything(&crate_copy);
    let rev = git_stdout(&crate_copy, &["rev-parse", "HEAD"]);

    repo.write("k.txt", &format!("{SECRET}\n"));
    repo.git(&["add", "-A"]);
    let crate_arg = crate_copy.to_str().expect("utf-8");
    let out = Command::new(venv_bin("pre-commit"))
        .current_dir(&repo.dir)
        .env("PRE_COMMIT_HOME", repo.tmp.path().join("pre-commit-home"))
        // Dependencies compile once and are reused by later runs.
        .env(
            "CARGO_TARGET_DIR",
            manifest_dir().join("target/precommit-language-rust"),
        )
        // No other tokhyg on PATH: a finding proves that the binary pre-commit built ran.
        .env("PATH", path_without_tokhyg())
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .args(["try-repo", crate_arg, "tokhyg", "--ref", &rev])
        .output()
        .expect("pre-commit runs");
    let text = printed(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("k.txt:1:1  tkh-test-token"), "{text}");
}

/// PATH without the directories that hold a `tokhyg` executable.
fn path_without_tokhyg() -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept = std::env::split_paths(&path).filter(|dir| !dir.join("tokhyg").exists());
    std::env::join_paths(kept).expect("PATH entries without separators")
}

/// Copies a file or a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read_dir") {
            let entry = entry.expect("entry");
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    }
}
