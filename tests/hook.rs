//! `tokhyg hook install|uninstall` and the installed hook under a plain `git commit`: a staged
//! secret blocks the commit (also with `commit -a` and `commit PATH`, which use a temporary
//! index), a clean change and an allowed line pass; foreign hooks are kept; `core.hooksPath`
//! and linked worktrees.

#[path = "support/hook_repo.rs"]
mod hook_repo;

use assert_cmd::Command;
use hook_repo::git_repo::add_linked_worktree;
use hook_repo::{HookRepo, SECRET, path_with_tokhyg, printed};
use std::path::{Path, PathBuf};

/// The script as committed in the repository: what `hook install` must write.
fn script() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/pre-commit"))
        .expect("hooks/pre-commit")
}

/// `tokhyg hook ARGS` in `dir`.
fn hook(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("tokhyg")
        .expect("binary")
        .current_dir(dir)
        .env("PATH", path_with_tokhyg())
        .env_remove("GIT_DIR")
        .arg("hook")
        .args(args)
        .output()
        .expect("runs")
}

fn default_hook(repo: &HookRepo) -> PathBuf {
    repo.dir.join(".git/hooks/pre-commit")
}

fn install(repo: &HookRepo) {
    let out = hook(&repo.dir, &["install"]);
    assert!(out.status.success(), "{}", printed(&out));
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 == 0o111)
}

#[test]
fn installed_hook_blocks_a_staged_secret_and_passes_clean_and_allowed_changes() {
    let repo = HookRepo::new();
    install(&repo);
    let installed = default_hook(&repo);
    assert_eq!(std::fs::read_to_string(&installed).expect("hook"), script());
    #[cfg(unix)]
    assert!(is_executable(&installed));

    repo.write("config/app.env", &format!("# keys\nAPI_KEY={SECRET}\n"));
    repo.git(&["add", "-A"]);
    let out = repo.run_git(&["commit", "-m", "add a key"]);
    assert!(!out.status.success(), "the commit went through");
    assert_eq!(repo.commits(), 1);
    let text = printed(&out);
    assert!(
        text.contains("config/app.env:2:9  tkh-test-token"),
        "{text}"
    );
    assert!(text.contains("commit blocked"), "{text}");
    assert!(text.contains(".tokhygignore"), "{text}");
    assert!(!text.contains(SECRET), "the secret was printed: {text}");

    // Fixed: the value moves to an ignored .env.
    repo.write(".gitignore", ".env\n");
    repo.write("config/app.env", "# keys\nAPI_KEY=${API_KEY}\n");
    repo.write(".env", &format!("API_KEY={SECRET}\n"));
    repo.git(&["add", "-A"]);
    let out = repo.run_git(&["commit", "-q", "-m", "key from the environment"]);
    assert!(out.status.success(), "{}", printed(&out));
    assert_eq!(repo.commits(), 2);

    // An allowed line passes.
    repo.write(
        "tests/fixture.py",
        &format!("KEY = '{SECRET}'  # tokhyg:allow\n"),
    );
    repo.git(&["add", "-A"]);
    let out = repo.run_git(&["commit", "-q", "-m", "fixture"]);
    assert!(out.status.success(), "{}", printed(&out));
    assert_eq!(repo.commits(), 3);
}

#[test]
fn commit_all_and_commit_of_paths_are_checked_too() {
    let repo = HookRepo::new();
    install(&repo);
    // `git commit -a`: the change is staged only in the temporary index git gives the hook.
    repo.write("README", &format!("hello\ntoken {SECRET}\n"));
    let out = repo.run_git(&["commit", "-a", "-m", "all"]);
    assert!(!out.status.success(), "commit -a went through");
    assert!(printed(&out).contains("README:2:7  tkh-test-token"));
    // `git commit PATH`: likewise.
    let out = repo.run_git(&["commit", "-m", "only", "README"]);
    assert!(!out.status.success(), "commit PATH went through");
    assert_eq!(repo.commits(), 1);
}

#[test]
fn the_hook_stops_commits_when_tokhyg_cannot_be_found() {
    let repo = HookRepo::new();
    install(&repo);
    repo.write("a.txt", "clean\n");
    repo.git(&["add", "-A"]);
    // PATH without tokhyg: git and sh are still found.
    let git_dir = std::process::Command::new("sh")
        .args(["-c", "dirname \"$(command -v git)\""])
        .output()
        .expect("sh");
    let git_dir = String::from_utf8_lossy(&git_dir.stdout).trim().to_owned();
    let out = std::process::Command::new("git")
        .current_dir(&repo.dir)
        .env("PATH", format!("{git_dir}:/bin:/usr/bin"))
        .env_remove("TOKHYG")
        .args(["commit", "-m", "no tokhyg"])
        .output()
        .expect("git");
    assert!(!out.status.success());
    assert!(
        printed(&out).contains("cannot find the tokhyg binary"),
        "{}",
        printed(&out)
    );
    // TOKHYG names the binary.
    let out = std::process::Command::new("git")
        .current_dir(&repo.dir)
        .env("PATH", format!("{git_dir}:/bin:/usr/bin"))
        .env("TOKHYG", hook_repo::tokhyg_bin())
        .args(["commit", "-q", "-m", "TOKHYG set"])
        .output()
        .expect("git");
    assert!(out.status.success(), "{}", printed(&out));
    assert_eq!(repo.commits(), 2);
}

#[test]
fn a_foreign_hook_is_kept_unless_forced_and_restored_by_uninstall() {
    let repo = HookRepo::new();
    let path = default_hook(&repo);
    let foreign = "#!/bin/sh\necho team hook\nexit 0\n";
    std::fs::write(&path, foreign).expect("write");

    let out = hook(&repo.dir, &["install"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        printed(&out).contains("not written by tokhyg"),
        "{}",
        printed(&out)
    );
    assert_eq!(std::fs::read_to_string(&path).expect("hook"), foreign);
    let out = hook(&repo.dir, &["uninstall"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&path).expect("hook"), foreign);

    let out = hook(&repo.dir, &["install", "--force"]);
    assert!(out.status.success(), "{}", printed(&out));
    assert_eq!(std::fs::read_to_string(&path).expect("hook"), script());
    let backup = repo.dir.join(".git/hooks/pre-commit.tokhyg-backup");
    assert_eq!(std::fs::read_to_string(&backup).expect("backup"), foreign);
    // Installing again over its own hook is fine and keeps the backup.
    install(&repo);
    assert!(backup.exists());

    let out = hook(&repo.dir, &["uninstall"]);
    assert!(out.status.success(), "{}", printed(&out));
    assert_eq!(std::fs::read_to_string(&path).expect("hook"), foreign);
    assert!(!backup.exists());
    // Nothing of ours left: uninstall says so and succeeds.
    std::fs::remove_file(&path).expect("rm");
    let out = hook(&repo.dir, &["uninstall"]);
    assert!(out.status.success());
    assert!(printed(&out).contains("no pre-commit hook"));
}

#[test]
fn a_pre_commit_framework_hook_gets_a_pointer_to_the_config() {
    let repo = HookRepo::new();
    let path = default_hook(&repo);
    std::fs::write(
        &path,
        "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n",
    )
    .expect("write");
    let out = hook(&repo.dir, &["install"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        printed(&out).contains(".pre-commit-config.yaml"),
        "{}",
        printed(&out)
    );
}

#[test]
fn core_hooks_path_is_respected_relative_to_the_work_tree() {
    let repo = HookRepo::new();
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    repo.write("src/lib.rs", "// lib\n");
    // Installing from a subdirectory still puts it at the top of the work tree.
    let out = hook(&repo.dir.join("src"), &["install"]);
    assert!(out.status.success(), "{}", printed(&out));
    assert!(repo.dir.join(".githooks/pre-commit").is_file());
    assert!(!default_hook(&repo).exists());

    repo.write("k.txt", &format!("{SECRET}\n"));
    repo.git(&["add", "k.txt"]);
    let out = repo.run_git(&["commit", "-m", "key"]);
    assert!(!out.status.success(), "{}", printed(&out));
    assert!(printed(&out).contains("k.txt:1:1  tkh-test-token"));

    let out = hook(&repo.dir, &["uninstall"]);
    assert!(out.status.success());
    assert!(!repo.dir.join(".githooks/pre-commit").exists());
}

#[test]
fn a_linked_worktree_installs_into_the_shared_hooks_directory() {
    let repo = HookRepo::new();
    let linked = repo.tmp.path().join("linked");
    add_linked_worktree(&repo.dir, &linked);
    let out = hook(&linked, &["install"]);
    assert!(out.status.success(), "{}", printed(&out));
    assert!(default_hook(&repo).is_file());

    std::fs::write(linked.join("w.txt"), format!("{SECRET}\n")).expect("write");
    let add = repo.run_git_in(&linked, &["add", "w.txt"]);
    assert!(add.status.success());
    let out = repo.run_git_in(&linked, &["commit", "-m", "key"]);
    assert!(!out.status.success(), "{}", printed(&out));
    assert!(printed(&out).contains("w.txt:1:1  tkh-test-token"));
}

#[test]
fn outside_a_repository_install_fails_clearly() {
    let tmp = tempfile::TempDir::new().expect("temp dir");
    let out = Command::cargo_bin("tokhyg")
        .expect("binary")
        .current_dir(tmp.path())
        .env("GIT_CEILING_DIRECTORIES", tmp.path())
        .args(["hook", "install"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(printed(&out).contains("not in a git repository"));
}
