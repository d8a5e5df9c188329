//! What a commit would add: the content staged in the index (never the work tree, so an
//! unstaged edit that hides a secret does not let it through), diffed against `HEAD`.
//!
//! - **Which index.** The repository is opened the way git's own commands find it, honouring
//!   `GIT_DIR`, `GIT_WORK_TREE` and `GIT_INDEX_FILE`: `git commit -a` and `git commit PATH` run
//!   the pre-commit hook on a temporary index that only `GIT_INDEX_FILE` names.
//! - **Which lines.** By default a finding is kept only when a line of its secret is added or
//!   changed by the commit, so an old leak elsewhere in a touched file does not block unrelated
//!   work; `--all-lines` keeps every finding in the changed files. A new file is all added
//!   lines; so is a file git cannot diff line by line (binary).
//! - **First commit:** with no `HEAD`, the index is diffed against the empty tree.
//! - **Renames** are detected (git's default similarity); a pure rename or a mode change adds
//!   no line and reports nothing.
//! - **Deletions** leave nothing to scan. **Submodules** (gitlinks) are skipped: their content
//!   is another repository's, which has its own hook.
//! - **Path rules** (a `.p12` key store) report a staged file unless the same rule already
//!   matched the same blob before the commit (a pure rename within key-store names, a mode
//!   change).
//! - **Merge in progress** (`MERGE_HEAD`): a line counts as added only when it is added
//!   relative to every parent, like git's combined diff, so the lines a merge brings in from
//!   the other branch (which were committed, and checked, there) do not block it; what the
//!   resolution itself adds is reported. Paths still in conflict (entries at stages 1-3) are
//!   not scanned but named in a warning: git refuses to commit them until they are resolved
//!   and `git add`ed, and the hook then scans the resolution.
//! - **Paths** are relative to the repository root, `/`-separated, shown with non-UTF-8 bytes
//!   replaced by U+FFFD; spaces are kept as they are.

mod diff;
mod lines;

pub use diff::{Change, lossy};
pub use lines::AddedLines;

use anyhow::Context;
use git2::{ErrorCode, Repository, Tree};
use std::collections::{HashMap, HashSet};

/// A file the commit would change, with what it adds relative to every parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedFile {
    /// Its path, relative to the repository root, as git stores it (bytes).
    pub path: Vec<u8>,
    /// The staged blob.
    pub blob: git2::Oid,
    /// The lines the commit adds.
    pub added: AddedLines,
    /// The paths a parent already held this exact blob at (path rules that matched one of them
    /// report nothing new).
    pub same_blob_before: Vec<Vec<u8>>,
}

/// The staged changes of a repository.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StagedChanges {
    /// Files added, changed, renamed or copied, sorted by path.
    pub files: Vec<StagedFile>,
    /// Paths with unresolved merge conflicts, sorted: not scanned.
    pub conflicted: Vec<Vec<u8>>,
}

/// Opens the repository the way a git hook sees it: `GIT_DIR`, `GIT_WORK_TREE` and
/// `GIT_INDEX_FILE` when set, else the repository enclosing the current directory.
pub fn open_repository() -> anyhow::Result<Repository> {
    // As for history (`source::history`): objects are not hashed again on read (zlib's checksum
    // still catches corrupt data); the diff reads every tree of the index's directories.
    git2::opts::strict_hash_verification(false);
    let repo = Repository::open_from_env().map_err(|error| {
        anyhow::anyhow!(
            "the current directory is not in a git repository ({}); run `tokhyg scan --staged` \
             inside the repository whose staged changes to check",
            error.message()
        )
    })?;
    crate::source::loose_guard::guard(&repo)?;
    if repo.is_bare() {
        anyhow::bail!(
            "{} is a bare repository: it has no staged changes to scan (use `tokhyg scan \
             --history` for its commits)",
            repo.path().display()
        );
    }
    Ok(repo)
}

/// The staged changes of `repo`: its index diffed against `HEAD` (and, during a merge, against
/// every `MERGE_HEAD` too).
pub fn staged_changes(repo: &Repository) -> anyhow::Result<StagedChanges> {
    let index = repo
        .index()
        .context("cannot read the git index (the staging area)")?;
    let mut conflicted: Vec<Vec<u8>> = Vec::new();
    if index.has_conflicts() {
        for conflict in index.conflicts().context("cannot list merge conflicts")? {
            let conflict = conflict.context("cannot read a merge conflict entry")?;
            let entry = conflict.our.or(conflict.their).or(conflict.ancestor);
            conflicted.extend(entry.map(|entry| entry.path));
        }
    }
    conflicted.sort();
    conflicted.dedup();
    let skip: HashSet<Vec<u8>> = conflicted.iter().cloned().collect();

    let head = head_tree(repo)?;
    let mut files: Vec<StagedFile> = diff::changes(repo, head.as_ref(), &index, &skip)?
        .into_iter()
        .map(|change| StagedFile {
            same_blob_before: same_blob_path(&change).into_iter().collect(),
            path: change.path,
            blob: change.blob,
            added: change.added,
        })
        .collect();
    for parent in merge_head_trees(repo)? {
        let against: HashMap<Vec<u8>, Change> = diff::changes(repo, Some(&parent), &index, &skip)?
            .into_iter()
            .map(|change| (change.path.clone(), change))
            .collect();
        for file in &mut files {
            match against.get(&file.path) {
                Some(change) => {
                    file.added = file.added.intersect(&change.added);
                    file.same_blob_before.extend(same_blob_path(change));
                }
                // This parent holds the file exactly as staged: it adds nothing relative to it.
                None => {
                    file.added = AddedLines::none();
                    file.same_blob_before.push(file.path.clone());
                }
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(StagedChanges { files, conflicted })
}

/// The old path of a change whose blob did not change (rename, mode change).
fn same_blob_path(change: &Change) -> Option<Vec<u8>> {
    change
        .before
        .as_ref()
        .filter(|(_, blob)| *blob == change.blob)
        .map(|(path, _)| path.clone())
}

/// The tree of `HEAD`; `None` before the first commit (an unborn branch).
fn head_tree(repo: &Repository) -> anyhow::Result<Option<Tree<'_>>> {
    match repo.head() {
        Ok(head) => {
            let tree = head
                .peel_to_tree()
                .context("cannot read the tree of HEAD")?;
            Ok(Some(tree))
        }
        Err(error) if matches!(error.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
            Ok(None)
        }
        Err(error) => Err(anyhow::anyhow!("cannot read HEAD: {}", error.message())),
    }
}

/// The trees of the commits `MERGE_HEAD` names (one per line, several for an octopus merge),
/// when a merge is in progress.
fn merge_head_trees(repo: &Repository) -> anyhow::Result<Vec<Tree<'_>>> {
    let file = repo.path().join("MERGE_HEAD");
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", file.display()));
        }
    };
    text.split_whitespace()
        .map(|line| {
            let id = git2::Oid::from_str(line)
                .with_context(|| format!("{}: `{line}` is not a commit id", file.display()))?;
            repo.find_commit(id)
                .and_then(|commit| commit.tree())
                .with_context(|| format!("cannot read the tree of MERGE_HEAD commit {id}"))
        })
        .collect()
}
