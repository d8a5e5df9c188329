//! Real git repositories in temporary directories for the history unit tests, made with the
//! `git` CLI (with the caller's git environment kept out), and what git says about them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A temporary repository on branch `main`, with an author configured.
pub struct TestRepo {
    /// Keeps the directory alive.
    pub tmp: TempDir,
    /// The work tree.
    pub dir: PathBuf,
}

/// One object as `git verify-pack -v` lists it.
#[derive(Debug, Clone)]
pub struct PackedObject {
    /// Object id.
    pub id: String,
    /// `blob`, `tree`, ...
    pub kind: String,
    /// Offset of its entry in the pack.
    pub offset: u64,
    /// Bytes of its entry in the pack.
    pub size_in_pack: u64,
    /// Length of its delta chain (0 for a whole object).
    pub depth: usize,
}

// The git runner and repository set-up of the integration tests, shared.
#[path = "../../../tests/support/git_repo.rs"]
mod git_repo;

pub use git_repo::{SECRET_A, SECRET_B, TEST_RULES, git_bytes, git_in as git};

impl TestRepo {
    /// `git init` in a new temporary directory.
    pub fn new() -> TestRepo {
        let tmp = TempDir::new().expect("temp dir");
        let dir = tmp.path().join("repo");
        std::fs::create_dir(&dir).expect("mkdir");
        TestRepo::init(&dir);
        TestRepo { tmp, dir }
    }

    /// `git init` in `dir` (branch main) with an author, no signing and no automatic `gc`.
    pub fn init(dir: &Path) {
        git_repo::init_repo(dir);
    }

    /// `git ARGS` in the work tree; its trimmed stdout.
    pub fn git(&self, args: &[&str]) -> String {
        git(&self.dir, args)
    }

    /// Writes a file of the work tree, creating its directories.
    pub fn write(&self, path: &str, bytes: &[u8]) {
        let file = self.dir.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, bytes).expect("write");
    }

    /// Commits everything; returns the commit id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--no-verify", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// The object directory.
    pub fn objects(&self) -> PathBuf {
        self.dir.join(".git/objects")
    }

    /// The one pack file (panics unless there is exactly one).
    pub fn pack(&self) -> PathBuf {
        let packs: Vec<PathBuf> = std::fs::read_dir(self.objects().join("pack"))
            .expect("pack dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "pack"))
            .collect();
        assert_eq!(packs.len(), 1, "{packs:?}");
        packs[0].clone()
    }

    /// True when the object directory holds no pack.
    pub fn has_no_pack(&self) -> bool {
        std::fs::read_dir(self.objects().join("pack"))
            .map(|entries| entries.count() == 0)
            .unwrap_or(true)
    }

    /// What `git verify-pack -v` says about the objects of the one pack.
    pub fn verify_pack(&self) -> Vec<PackedObject> {
        let pack = self.pack();
        let out = self.git(&["verify-pack", "-v", pack.to_str().expect("utf-8")]);
        out.lines()
            .filter_map(|line| {
                let f: Vec<&str> = line.split_whitespace().collect();
                if f.len() < 5 || f[0].len() != 40 {
                    return None;
                }
                Some(PackedObject {
                    id: f[0].to_owned(),
                    kind: f[1].to_owned(),
                    size_in_pack: f[3].parse().expect("size in pack"),
                    offset: f[4].parse().expect("offset"),
                    depth: f.get(5).map_or(0, |d| d.parse().expect("depth")),
                })
            })
            .collect()
    }

    /// Every object git can read here (alternates included), with its type and bytes, from
    /// `git cat-file --batch-all-objects --batch`.
    pub fn all_objects(&self) -> HashMap<String, (String, Vec<u8>)> {
        let out = git_bytes(&self.dir, &["cat-file", "--batch-all-objects", "--batch"]);
        let mut objects = HashMap::new();
        let mut rest = out.as_slice();
        while !rest.is_empty() {
            let eol = rest.iter().position(|&b| b == b'\n').expect("header line");
            let header = String::from_utf8_lossy(&rest[..eol]).into_owned();
            let fields: Vec<&str> = header.split(' ').collect();
            let size: usize = fields[2].parse().expect("size");
            let body = rest[eol + 1..eol + 1 + size].to_vec();
            objects.insert(fields[0].to_owned(), (fields[1].to_owned(), body));
            rest = &rest[eol + 1 + size + 1..];
        }
        objects
    }
}

/// `count` lines of text; the lines whose number modulo 97 is below `edits` carry an edit. A
/// version differs from the one with one edit fewer in a few lines and from the others in
/// more, which is what makes git chain their deltas.
pub fn text_lines(count: usize, edits: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..count {
        let edit = if i % 97 < edits { "edited" } else { "as is" };
        out.extend_from_slice(
            format!("line {i:06} of ordinary configuration text, {edit}\n").as_bytes(),
        );
    }
    out
}
