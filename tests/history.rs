//! `tokhyg scan --history` on real temporary git repositories: secrets that live only in
//! history, ranges, bare/shallow/worktree/packed-refs repositories, submodules, large blobs
//! (streamed, loose and packed), missing and corrupt objects.

#[path = "support/git_repo.rs"]
mod git_repo;

use assert_cmd::Command;
use git_repo::{GitRepo, SECRET_A, SECRET_B, SECRET_C, TEST_RULES, git_in};
use serde_json::Value;
use std::path::Path;
use tempfile::TempDir;

impl GitRepo {
    /// Runs `tokhyg scan --history ARGS --format json` in `dir`; returns exit code, findings,
    /// stderr.
    fn scan_in(&self, dir: &Path, args: &[&str]) -> (i32, Vec<Value>, String) {
        let out = Command::cargo_bin("tokhyg")
            .expect("binary")
            .current_dir(dir)
            .arg("scan")
            .arg("--config")
            .arg(&self.rules)
            .args(["--format", "json", "--history"])
            .args(args)
            .output()
            .expect("runs");
        let findings: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        let findings = findings.as_array().cloned().unwrap_or_default();
        (
            out.status.code().unwrap_or(-1),
            findings,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn scan(&self, args: &[&str]) -> (i32, Vec<Value>, String) {
        self.scan_in(&self.dir, args)
    }

    /// Runs `tokhyg scan --history ARGS` (ARGS choose the format); returns exit code and stdout.
    fn scan_raw(&self, args: &[&str]) -> (i32, String) {
        let out = Command::cargo_bin("tokhyg")
            .expect("binary")
            .current_dir(&self.dir)
            .arg("scan")
            .arg("--config")
            .arg(&self.rules)
            .arg("--history")
            .args(args)
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        (out.status.code().unwrap_or(-1), stdout)
    }
}

/// (path, commit id) of each finding.
fn places(findings: &[Value]) -> Vec<(String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["commit"]["id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn secret_deleted_later_is_found_once_at_the_commit_that_introduced_it() {
    let repo = GitRepo::new(TEST_RULES);
    repo.write("README", "hello\n");
    repo.commit("start");
    repo.write("config/app.env", &format!("# keys\nAPI_KEY={SECRET_A}\n"));
    let introduced = repo.commit("add key");
    repo.write(
        "config/app.env",
        &format!("# keys, edited\nAPI_KEY={SECRET_A}\n"),
    );
    repo.commit("edit file, same key");
    std::fs::remove_file(repo.dir.join("config/app.env")).expect("rm");
    repo.commit("remove key");

    let (code, findings, stderr) = repo.scan(&[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(places(&findings), [("config/app.env".into(), introduced)]);
    let finding = &findings[0];
    assert_eq!(finding["line"], 2);
    assert_eq!(finding["column"], 9);
    assert_eq!(finding["commit"]["author"], "Ada Lovelace");
    assert_eq!(finding["commit"]["email"], "ada@example.com");
    assert!(
        finding["commit"]["date"]
            .as_str()
            .is_some_and(|d| d.contains('T'))
    );
    assert!(
        !finding["secret"]
            .as_str()
            .unwrap_or_default()
            .contains(SECRET_A)
    );
    // The edit re-introduced the secret in a new version of the file: a second place.
    assert_eq!(finding["occurrences"], 2);
    assert!(stderr.contains("1 other place"), "{stderr}");

    let (code, findings, _) = repo.scan(&["--all-occurrences"]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert!(
        findings.iter().all(|f| f["occurrences"] == 2),
        "{findings:?}"
    );
}

#[test]
fn occurrences_count_every_place_holding_the_secret_in_every_format() {
    let repo = GitRepo::new(TEST_RULES);
    repo.write("a.env", &format!("KEY={SECRET_A}\n"));
    repo.write("lonely.env", &format!("KEY={SECRET_B}\n"));
    let first = repo.commit("one");
    // Copied to another path, twice in one file, and into a file on a side branch.
    repo.write("copy/b.env", &format!("X={SECRET_A}\nY={SECRET_A}\n"));
    repo.commit("copy");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("side.txt", &format!("z {SECRET_A}\n"));
    repo.commit("side");
    repo.git(&["checkout", "-q", "main"]);

    let (code, findings, stderr) = repo.scan(&[]);
    assert_eq!(code, 1, "{stderr}");
    let occurrences: Vec<(String, String, Value)> = findings
        .iter()
        .map(|f| {
            let (path, commit) = (f["path"].as_str(), f["commit"]["id"].as_str());
            let (path, commit) = (path.unwrap_or_default(), commit.unwrap_or_default());
            (path.to_owned(), commit.to_owned(), f["occurrences"].clone())
        })
        .collect();
    assert_eq!(
        occurrences,
        [
            ("a.env".into(), first.clone(), Value::from(4)),
            ("lonely.env".into(), first, Value::from(1)),
        ]
    );
    // --all-occurrences lists exactly that many places, each with the same count.
    let (_, all, _) = repo.scan(&["--all-occurrences"]);
    let of_a: Vec<&Value> = all
        .iter()
        .filter(|f| f["fingerprint"] == findings[0]["fingerprint"])
        .collect();
    assert_eq!(of_a.len(), 4, "{all:?}");
    assert!(of_a.iter().all(|f| f["occurrences"] == 4), "{all:?}");

    let (_, jsonl) = repo.scan_raw(&["--format", "jsonl"]);
    let lines: Vec<Value> = jsonl
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON object per line"))
        .collect();
    assert_eq!(lines[0]["occurrences"], 4);
    let (_, sarif) = repo.scan_raw(&["--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    let results = &sarif["runs"][0]["results"];
    assert_eq!(results[0]["properties"]["occurrences"], 4, "{sarif}");
    assert_eq!(results[1]["properties"]["occurrences"], 1, "{sarif}");
    let (_, text) = repo.scan_raw(&["--format", "text"]);
    assert_eq!(
        text.matches("also         at 3 other places in history")
            .count(),
        1,
        "{text}"
    );
}

#[test]
fn renamed_file_side_branch_tag_and_merge_resolution_are_all_found() {
    let repo = GitRepo::new(TEST_RULES);
    repo.write("a.txt", &format!("token = {SECRET_A}\n"));
    let first = repo.commit("add a");
    repo.git(&["mv", "a.txt", "b.txt"]);
    repo.commit("rename");
    // A side branch, later deleted, but tagged.
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("side.txt", &format!("x = {SECRET_B}\n"));
    let tagged = repo.commit("side");
    repo.git(&["tag", "-a", "-m", "annotated", "keep-side"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["branch", "-D", "side"]);
    // A merge whose resolution introduces a secret no parent had.
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("f.txt", "feature\n");
    repo.commit("feature");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("m.txt", "main\n");
    repo.commit("main work");
    repo.git(&["merge", "-q", "--no-commit", "feature"]);
    repo.write("merged.txt", &format!("y = {SECRET_C}\n"));
    let merge = repo.commit("merge feature");
    std::fs::remove_file(repo.dir.join("b.txt")).expect("rm");
    std::fs::remove_file(repo.dir.join("merged.txt")).expect("rm");
    repo.commit("clean up");

    let (code, findings, stderr) = repo.scan(&[]);
    assert_eq!(code, 1, "{stderr}");
    let mut found = places(&findings);
    found.sort();
    assert_eq!(
        found,
        [
            ("a.txt".into(), first),
            ("merged.txt".into(), merge),
            ("side.txt".into(), tagged),
        ]
    );
    // The rename is another place of the same secret.
    let (_, all, _) = repo.scan(&["--all-occurrences"]);
    assert!(
        places(&all).iter().any(|(path, _)| path == "b.txt"),
        "{all:?}"
    );
}

#[test]
fn a_range_finds_only_what_the_range_added() {
    let repo = GitRepo::new(TEST_RULES);
    repo.write("old.txt", &format!("old = {SECRET_A}\n"));
    let base = repo.commit("base");
    repo.write("old.txt", &format!("old = {SECRET_A}\nmore\n"));
    repo.write("new.txt", &format!("new = {SECRET_B}\n"));
    let pr = repo.commit("pull request");

    let (code, findings, stderr) = repo.scan(&[&format!("{base}..HEAD")]);
    assert_eq!(code, 1, "{stderr}");
    // old.txt changed, so its new blob is scanned: the old secret is in what the range added.
    let mut found = places(&findings);
    found.sort();
    assert_eq!(
        found,
        [("new.txt".into(), pr.clone()), ("old.txt".into(), pr)]
    );

    repo.write("unrelated.txt", "nothing\n");
    let clean = repo.commit("clean");
    let (code, findings, stderr) = repo.scan(&[&format!("{clean}~1..{clean}")]);
    assert_eq!((code, findings.len()), (0, 0), "{stderr}");
}

#[test]
fn bare_repository_packed_refs_and_linked_worktree() {
    let repo = GitRepo::new(TEST_RULES);
    repo.write("a.txt", &format!("k = {SECRET_A}\n"));
    repo.commit("one");
    repo.git(&["branch", "other"]);
    repo.git(&["pack-refs", "--all"]);
    repo.git(&["gc", "-q"]);
    let (code, findings, _) = repo.scan(&[]);
    assert_eq!((code, findings.len()), (1, 1));

    let bare = repo.tmp.path().join("bare.git");
    git_in(
        repo.tmp.path(),
        &[
            "clone",
            "-q",
            "--bare",
            repo.dir.to_str().expect("utf-8"),
            "bare.git",
        ],
    );
    let (code, findings, stderr) = repo.scan_in(&bare, &[]);
    assert_eq!((code, findings.len()), (1, 1), "{stderr}");

    let worktree = repo.tmp.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        worktree.to_str().expect("utf-8"),
        "other",
    ]);
    let (code, findings, stderr) = repo.scan_in(&worktree, &[]);
    assert_eq!((code, findings.len()), (1, 1), "{stderr}");
}

#[test]
fn shallow_clone_is_scanned_with_a_warning() {
    let repo = GitRepo::new(TEST_RULES);
    repo.write("a.txt", &format!("k = {SECRET_A}\n"));
    repo.commit("old secret");
    std::fs::remove_file(repo.dir.join("a.txt")).expect("rm");
    repo.write("b.txt", &format!("k = {SECRET_B}\n"));
    repo.commit("new secret");
    let url = format!("file://{}", repo.dir.display());
    git_in(
        repo.tmp.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let (code, findings, stderr) = repo.scan_in(&repo.tmp.path().join("shallow"), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(places(&findings).len(), 1);
    assert_eq!(findings[0]["path"], "b.txt");
    assert!(stderr.contains("shallow"), "{stderr}");
}

#[test]
fn submodules_are_not_followed_and_large_blobs_are_scanned() {
    let repo = GitRepo::new(TEST_RULES);
    let sub = GitRepo::new(TEST_RULES);
    sub.write("inside.txt", &format!("k = {SECRET_C}\n"));
    sub.commit("sub");
    let sub_url = format!("file://{}", sub.dir.display());
    repo.add_submodule(&sub_url, "vendor/sub");
    // 40 MiB of text with a secret near the end: above the readers' large-blob threshold.
    let mut big = "filler line of ordinary text\n".repeat(40 * 1024 * 1024 / 29);
    big.push_str(&format!("late = {SECRET_B}\n"));
    repo.write("big.txt", &big);
    repo.commit("submodule and big file");

    let (code, findings, stderr) = repo.scan(&[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        places(&findings)
            .iter()
            .map(|p| p.0.as_str())
            .collect::<Vec<_>>(),
        ["big.txt"]
    );
    assert_eq!(findings[0]["line"], 40 * 1024 * 1024 / 29 + 1);

    // The same blob packed: streamed from the pack instead of the loose object.
    repo.git(&["repack", "-adq"]);
    let (code, findings, stderr) = repo.scan(&[]);
    assert_eq!((code, findings.len()), (1, 1), "{stderr}");
    assert_eq!(findings[0]["line"], 40 * 1024 * 1024 / 29 + 1);
}

/// The repository's one pack, and the offset and size there of object `id`'s entry, from
/// `git verify-pack -v`.
fn pack_entry(repo: &GitRepo, id: &str) -> (std::path::PathBuf, usize, usize) {
    let pack_dir = repo.dir.join(".git/objects/pack");
    let pack = std::fs::read_dir(&pack_dir)
        .expect("pack dir")
        .map(|entry| entry.expect("entry").path())
        .find(|path| path.extension().is_some_and(|ext| ext == "pack"))
        .expect("a pack");
    let listing = repo.git(&["verify-pack", "-v", pack.to_str().expect("utf-8")]);
    let line = listing
        .lines()
        .find(|line| line.starts_with(id))
        .expect("object listed");
    let fields: Vec<&str> = line.split_whitespace().collect();
    let size_in_pack = fields[3].parse().expect("size in pack");
    let offset = fields[4].parse().expect("offset");
    (pack, offset, size_in_pack)
}

#[test]
fn corrupt_large_packed_blob_is_named_with_exit_2_and_other_findings_kept() {
    let repo = GitRepo::new(TEST_RULES);
    repo.write("keep.txt", &format!("k = {SECRET_A}\n"));
    // 33 MiB of numbered lines: above the 32 MiB threshold, so it is streamed from the pack.
    let mut big = String::new();
    let mut line = 0;
    while big.len() < 33 * 1024 * 1024 {
        line += 1;
        big.push_str(&format!("line {line} of a large generated file\n"));
    }
    big.push_str(&format!("late = {SECRET_B}\n"));
    repo.write("big.txt", &big);
    repo.commit("small and large");
    repo.git(&["repack", "-adq"]);
    let id = repo.git(&["rev-parse", "HEAD:big.txt"]);
    let (pack, offset, size_in_pack) = pack_entry(&repo, &id);
    let mut bytes = std::fs::read(&pack).expect("read pack");
    let middle = offset + size_in_pack / 2;
    for byte in &mut bytes[middle..middle + 8] {
        *byte ^= 0x5a;
    }
    std::fs::write(&pack, bytes).expect("write pack");

    let (code, findings, stderr) = repo.scan(&[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(places(&findings).len(), 1, "{findings:?}");
    assert_eq!(findings[0]["path"], "keep.txt");
    assert!(
        stderr.contains(&format!("cannot read blob {id} at `big.txt`")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("entry at offset {offset}")),
        "{stderr}"
    );
}

#[test]
fn missing_object_is_named_after_reporting_what_was_scanned() {
    let repo = GitRepo::new(TEST_RULES);
    repo.write("a.txt", &format!("k = {SECRET_A}\n"));
    repo.write("b.txt", "will go missing\n");
    repo.commit("one");
    let missing = repo.git(&["rev-parse", "HEAD:b.txt"]);
    let object = repo
        .dir
        .join(".git/objects")
        .join(&missing[..2])
        .join(&missing[2..]);
    std::fs::remove_file(object).expect("loose object exists");

    let (code, findings, stderr) = repo.scan(&[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(findings.len(), 1, "what was readable is still reported");
    assert!(stderr.contains(&missing), "{stderr}");
    assert!(stderr.contains("b.txt"), "{stderr}");
}

#[test]
fn not_a_repository_and_bad_range_exit_2() {
    let tmp = TempDir::new().expect("temp dir");
    let out = Command::cargo_bin("tokhyg")
        .expect("binary")
        .current_dir(tmp.path())
        .args(["scan", "--history"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not in a git repository"));

    let repo = GitRepo::new(TEST_RULES);
    repo.write("a.txt", "x\n");
    repo.commit("one");
    let (code, _, stderr) = repo.scan(&["no-such-branch..HEAD"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no-such-branch"), "{stderr}");
}
