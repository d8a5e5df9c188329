//! The planted corpus: a temporary copy of `tests/corpus/` (made a git repository, so that
//! `.gitignore` means what it means in a real checkout) into which fresh secrets are written in
//! realistic places and syntaxes, each recorded with its path and line so that a scan can be
//! scored. Near misses (broken checksums, placeholders, public keys, git-ignored files) are
//! recorded too: reporting one is a false positive.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// The committed clean corpus.
pub fn corpus_source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// A secret written into the corpus, which a scan must report.
#[derive(Debug, Clone)]
pub struct Planted {
    /// `/`-separated path relative to the scan root.
    pub path: String,
    /// First line (1-based) the secret occupies.
    pub first_line: usize,
    /// Last line it occupies (equal to `first_line` for one-line secrets).
    pub last_line: usize,
    /// Forms a finding's secret may take to count for this secret (the value itself, its
    /// base64 form, the credential inside a URL, ...). The first is the planted text.
    pub accept: Vec<String>,
    /// What was planted, for the report (`token rule github-pat-classic`, `PEM key`, ...).
    pub what: String,
    /// The whole file is a secret (a private key file, a credentials file): a path-rule
    /// finding on it is a true positive too.
    pub secret_file: bool,
}

/// Text that looks like a secret but is not one; a finding on it is a false positive.
#[derive(Debug, Clone)]
pub struct NearMiss {
    /// `/`-separated path relative to the scan root.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// Why it is not a secret.
    pub what: String,
}

/// A temporary copy of the corpus being planted into. Edits are appended to files (existing
/// lines never move, so recorded line numbers stay true) and written by [`PlantedCorpus::finish`].
pub struct PlantedCorpus {
    dir: TempDir,
    files: BTreeMap<String, Vec<String>>,
    /// Every secret planted so far.
    pub planted: Vec<Planted>,
    /// Every near miss planted so far.
    pub near_misses: Vec<NearMiss>,
}

impl PlantedCorpus {
    /// Copies the clean corpus into a fresh temporary git repository.
    pub fn copy_clean() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("tokhyg-precision-")
            .tempdir()
            .unwrap_or_else(|e| panic!("creating a temporary directory: {e}"));
        copy_tree(&corpus_source(), dir.path());
        git_init(dir.path());
        PlantedCorpus {
            dir,
            files: BTreeMap::new(),
            planted: Vec::new(),
            near_misses: Vec::new(),
        }
    }

    /// The scan root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The lines of `path` as edited so far (loaded from the copy on first use).
    fn lines(&mut self, path: &str) -> &mut Vec<String> {
        let full = self.dir.path().join(path);
        self.files
            .entry(path.to_string())
            .or_insert_with(|| match std::fs::read_to_string(&full) {
                Ok(text) => text.lines().map(str::to_string).collect(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                Err(e) => panic!("reading corpus file {}: {e}", full.display()),
            })
    }

    /// True when nothing has been written to `path` yet (neither in the corpus nor planted).
    pub fn is_new(&mut self, path: &str) -> bool {
        self.lines(path).is_empty()
    }

    /// Appends `text` (one or more lines) to `path`; returns the (first, last) line numbers.
    fn append(&mut self, path: &str, text: &str) -> (usize, usize) {
        let lines = self.lines(path);
        let first = lines.len() + 1;
        lines.extend(text.lines().map(str::to_string));
        (first, lines.len())
    }

    /// Appends ordinary (non-secret) lines.
    pub fn context(&mut self, path: &str, text: &str) {
        self.append(path, text);
    }

    /// Appends a secret occupying one or more lines; `accept` lists the forms a finding may
    /// report (the first is normally the secret as written).
    pub fn plant(&mut self, path: &str, text: &str, accept: &[String], what: &str) {
        self.plant_inner(path, text, accept, what, false);
    }

    /// Like [`PlantedCorpus::plant`], for a file that is a secret as a whole (a private key, a
    /// credentials file): a path-rule finding on it also counts.
    pub fn plant_secret_file(&mut self, path: &str, text: &str, accept: &[String], what: &str) {
        self.plant_inner(path, text, accept, what, true);
    }

    fn plant_inner(&mut self, path: &str, text: &str, accept: &[String], what: &str, file: bool) {
        assert!(
            !accept.is_empty(),
            "test bug: planted `{what}` accepts no form"
        );
        let (first_line, last_line) = self.append(path, text);
        self.planted.push(Planted {
            path: path.to_string(),
            first_line,
            last_line,
            accept: accept.to_vec(),
            what: what.to_string(),
            secret_file: file,
        });
    }

    /// Appends a one-line near miss.
    pub fn near_miss(&mut self, path: &str, text: &str, what: &str) {
        let (first, last) = self.append(path, text);
        for line in first..=last {
            self.near_misses.push(NearMiss {
                path: path.to_string(),
                line,
                what: what.to_string(),
            });
        }
    }

    /// Writes every edited file and checks that each planted secret is where it was recorded.
    pub fn finish(&mut self) {
        for (path, lines) in &self.files {
            let full = self.dir.path().join(path);
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent)
                    .unwrap_or_else(|e| panic!("creating {}: {e}", parent.display()));
            }
            let mut text = lines.join("\n");
            text.push('\n');
            std::fs::write(&full, text)
                .unwrap_or_else(|e| panic!("writing {}: {e}", full.display()));
        }
        for planted in &self.planted {
            let lines = &self.files[&planted.path];
            let first_text_line = planted.accept[0].lines().next().unwrap_or_default();
            let span = lines[planted.first_line - 1..planted.last_line].join("\n");
            assert!(
                span.contains(first_text_line),
                "test bug: {} not found at {}:{}",
                planted.what,
                planted.path,
                planted.first_line
            );
        }
    }
}

/// Recursively copies `from` into `to` (files and directories only; the corpus has no links).
fn copy_tree(from: &Path, to: &Path) {
    let entries = std::fs::read_dir(from)
        .unwrap_or_else(|e| panic!("reading the corpus directory {}: {e}", from.display()));
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("creating {}: {e}", to.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("listing {}: {e}", from.display()));
        let target = to.join(entry.file_name());
        let kind = entry
            .file_type()
            .unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
        if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copying {}: {e}", entry.path().display()));
        }
    }
}

/// `git init` so that the projects' `.gitignore` files apply exactly as in a checkout.
fn git_init(dir: &Path) {
    let status = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .status()
        .unwrap_or_else(|e| panic!("running git init (is git installed?): {e}"));
    assert!(status.success(), "git init failed in {}", dir.display());
}
