//! A history scan never says "clean" over what it could not read: refs whose objects are
//! missing or corrupt are errors (exit 2) naming the ref and the object, after reporting what
//! was read; refs that point at a blob or a tree are scanned as content of the ref.

#[path = "support/git_repo.rs"]
mod git_repo;

use assert_cmd::Command;
use git_repo::{GitRepo, SECRET_A, SECRET_B, SECRET_C, TEST_RULES};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// Each scan is bounded: a hang is a failure, not a stuck test run.
const TIMEOUT: Duration = Duration::from_secs(60);

/// `tokhyg scan --history --format json ARGS`: exit code, findings' (rule path, secret-free
/// path), stderr.
fn scan(repo: &GitRepo, args: &[&str]) -> (i32, Vec<String>, String) {
    let out = Command::cargo_bin("tokhyg")
        .expect("binary")
        .current_dir(&repo.dir)
        .timeout(TIMEOUT)
        .arg("scan")
        .arg("--config")
        .arg(&repo.rules)
        .args(["--format", "json", "--history"])
        .args(args)
        .output()
        .expect("runs");
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let paths = findings
        .as_array()
        .map(|all| {
            all.iter()
                .map(|f| f["path"].as_str().unwrap_or("?").to_owned())
                .collect()
        })
        .unwrap_or_default();
    (
        out.status.code().unwrap_or(-1),
        paths,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The loose object file of `id`.
fn loose_object(repo: &GitRepo, id: &str) -> PathBuf {
    repo.dir.join(".git/objects").join(&id[..2]).join(&id[2..])
}

/// A repository with `main` (a secret in a.txt) and branch `side` (another in b.txt), loose.
fn two_branches() -> (GitRepo, String) {
    let repo = GitRepo::new(TEST_RULES);
    repo.write("a.txt", &format!("k = {SECRET_A}\n"));
    repo.commit("one");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("b.txt", &format!("k = {SECRET_B}\n"));
    let side_tip = repo.commit("side");
    repo.git(&["checkout", "-q", "main"]);
    (repo, side_tip)
}

#[test]
fn a_branch_whose_tip_is_missing_is_an_error_naming_it_after_the_rest_is_reported() {
    let (repo, side_tip) = two_branches();
    std::fs::remove_file(loose_object(&repo, &side_tip)).expect("loose commit");
    let (code, paths, stderr) = scan(&repo, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(paths, ["a.txt"], "the readable branch is still reported");
    assert!(stderr.contains("refs/heads/side"), "{stderr}");
    assert!(stderr.contains(&side_tip), "{stderr}");
}

#[test]
fn a_branch_tip_with_a_flipped_bit_is_an_error() {
    let (repo, side_tip) = two_branches();
    let path = loose_object(&repo, &side_tip);
    let mut bytes = std::fs::read(&path).expect("loose commit");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x10;
    make_writable(&path);
    std::fs::write(&path, bytes).expect("write");
    let (code, paths, stderr) = scan(&repo, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(paths, ["a.txt"]);
    assert!(stderr.contains("refs/heads/side"), "{stderr}");
}

#[test]
fn an_unreadable_head_is_an_error_not_a_silent_skip() {
    let repo = GitRepo::new(TEST_RULES);
    repo.write("a.txt", &format!("k = {SECRET_A}\n"));
    let tip = repo.commit("one");
    // HEAD detached at the commit, and no branch: only HEAD leads to it.
    repo.git(&["checkout", "-q", "--detach"]);
    repo.git(&["branch", "-q", "-D", "main"]);
    std::fs::remove_file(loose_object(&repo, &tip)).expect("loose commit");
    let (code, paths, stderr) = scan(&repo, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(paths.is_empty());
    assert!(stderr.contains("HEAD") && stderr.contains(&tip), "{stderr}");
}

#[test]
fn a_truncated_pack_index_is_an_error() {
    let (repo, _) = two_branches();
    repo.git(&["repack", "-a", "-d", "-q"]);
    let pack_dir = repo.dir.join(".git/objects/pack");
    let idx = std::fs::read_dir(&pack_dir)
        .expect("pack dir")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .expect("an index");
    let len = std::fs::metadata(&idx).expect("idx").len();
    make_writable(&idx);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&idx)
        .expect("open");
    file.set_len(len / 2).expect("truncate");
    let (code, _, stderr) = scan(&repo, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!stderr.is_empty());
}

#[test]
fn refs_to_a_blob_or_a_tree_are_scanned_as_their_content() {
    let repo = GitRepo::new(TEST_RULES);
    repo.write("a.txt", "nothing here\n");
    repo.commit("one");
    let outside = repo.tmp.path().join("key.txt");
    std::fs::write(&outside, format!("k = {SECRET_B}\n")).expect("write");
    let blob = repo.git(&["hash-object", "-w", outside.to_str().expect("utf-8")]);
    repo.git(&["tag", "key-blob", &blob]);
    repo.write("keys/c.txt", &format!("k = {SECRET_C}\n"));
    repo.git(&["add", "keys/c.txt"]);
    let tree = repo.git(&["write-tree", "--prefix=keys/"]);
    repo.git(&["tag", "-a", "-m", "a tree", "key-tree", &tree]);
    let (code, mut paths, stderr) = scan(&repo, &[]);
    paths.sort();
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(paths, ["refs/tags/key-blob", "refs/tags/key-tree:c.txt"]);
    assert!(!stderr.contains("not scanned"), "{stderr}");
}

fn make_writable(path: &std::path::Path) {
    let mut permissions = std::fs::metadata(path).expect("metadata").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(path, permissions).expect("chmod");
}

/// Truncates the loose object `id` to `eighths`/8 of its length.
fn truncate_loose(repo: &GitRepo, id: &str, eighths: u64) {
    let path = loose_object(repo, id);
    make_writable(&path);
    let len = std::fs::metadata(&path).expect("loose object").len();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open");
    file.set_len(len * eighths / 8).expect("truncate");
}

/// A one-commit repository whose blob is a few KiB (several deflate blocks): the loose ids of
/// its commit, tree and blob.
fn one_commit() -> (GitRepo, [String; 3]) {
    let repo = GitRepo::new(TEST_RULES);
    let filler: String = (0..400)
        .map(|i| format!("line {i} {}\n", i * 7919))
        .collect();
    repo.write("a.txt", &format!("{filler}k = {SECRET_A}\n"));
    let commit = repo.commit("one");
    let tree = repo.git(&["rev-parse", "HEAD^{tree}"]);
    let blob = repo.git(&["rev-parse", "HEAD:a.txt"]);
    (repo, [commit, tree, blob])
}

#[test]
fn truncated_loose_objects_are_errors_in_history_never_a_hang() {
    for which in 0..3 {
        for eighths in 0..8 {
            let (repo, ids) = one_commit();
            truncate_loose(&repo, &ids[which], eighths);
            let (code, _, stderr) = scan(&repo, &[]);
            assert_eq!(code, 2, "object {which} cut to {eighths}/8: {stderr}");
            assert!(
                stderr.contains(&ids[which]) || stderr.contains(&ids[which][2..]),
                "{stderr}"
            );
        }
    }
}

#[test]
fn a_truncated_staged_blob_is_an_error_never_a_hang() {
    for eighths in 0..8 {
        let (repo, _) = one_commit();
        repo.write(
            "b.txt",
            &format!("{}k = {SECRET_B}\n", "filler line\n".repeat(300)),
        );
        repo.git(&["add", "b.txt"]);
        let blob = repo.git(&["rev-parse", ":b.txt"]);
        truncate_loose(&repo, &blob, eighths);
        let out = Command::cargo_bin("tokhyg")
            .expect("binary")
            .current_dir(&repo.dir)
            .timeout(TIMEOUT)
            .arg("scan")
            .arg("--config")
            .arg(&repo.rules)
            .arg("--staged")
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "cut to {eighths}/8: {stderr}");
        assert!(stderr.contains(&blob[2..]), "{stderr}");
    }
}

#[test]
fn a_tree_nested_twenty_thousand_levels_is_walked_without_overflowing_the_stack() {
    let repo = GitRepo::new(TEST_RULES);
    let depth = 20_000;
    let path = format!("{}f.txt", "d/".repeat(depth));
    let content = format!("k = {SECRET_A}\n");
    let stream = format!(
        "commit refs/heads/main\ncommitter A <a@b.c> 0 +0000\ndata 4\ndeep\n\
         M 100644 inline {path}\ndata {}\n{content}\n",
        content.len()
    );
    let input = repo.tmp.path().join("deep.fi");
    std::fs::write(&input, stream).expect("write");
    let imported = std::process::Command::new("git")
        .current_dir(&repo.dir)
        .args(["fast-import", "--quiet"])
        .stdin(std::fs::File::open(&input).expect("open"))
        .status()
        .expect("git fast-import");
    assert!(imported.success());
    let (code, paths, stderr) = scan(&repo, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(paths, [path]);
}

#[test]
fn a_truncated_pack_is_an_error_never_a_hang() {
    let (repo, _) = two_branches();
    repo.git(&["repack", "-a", "-d", "-q"]);
    let pack = std::fs::read_dir(repo.dir.join(".git/objects/pack"))
        .expect("pack dir")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .expect("a pack");
    let len = std::fs::metadata(&pack).expect("pack").len();
    make_writable(&pack);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&pack)
        .expect("open");
    file.set_len(len / 2).expect("truncate");
    let (code, _, stderr) = scan(&repo, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!stderr.is_empty());
}
