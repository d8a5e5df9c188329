//! The index diffed against one commit's tree: which files the index changes and which of their
//! lines it adds. Only the changed entries' blobs are read (to diff them line by line); the
//! index and the tree are compared by object id, and the work tree is never looked at.

use super::lines::AddedLines;
use anyhow::Context;
use git2::{
    Delta, Diff, DiffDelta, DiffFindOptions, DiffOptions, FileMode, Index, Oid, Patch, Repository,
    Tree,
};
use std::collections::HashSet;

/// One file the index holds differently from the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Its path in the index, relative to the repository root, as git stores it (bytes).
    pub path: Vec<u8>,
    /// The staged blob.
    pub blob: Oid,
    /// The path and blob the tree held it at: the same path, or the old path of a rename.
    /// `None` for a new file.
    pub before: Option<(Vec<u8>, Oid)>,
    /// The lines of the staged blob that are not in the tree's version.
    pub added: AddedLines,
}

/// The changes from `tree` (`None`: the empty tree of a first commit) to `index`, renames
/// detected. Deleted files, submodules (gitlinks) and the `conflicted` paths are left out.
pub fn changes(
    repo: &Repository,
    tree: Option<&Tree<'_>>,
    index: &Index,
    conflicted: &HashSet<Vec<u8>>,
) -> anyhow::Result<Vec<Change>> {
    let mut options = DiffOptions::new();
    // No context lines: then every new-side line of a hunk is an added line.
    options.context_lines(0).interhunk_lines(0);
    options.ignore_submodules(true);
    let mut diff = repo
        .diff_tree_to_index(tree, Some(index), Some(&mut options))
        .context("cannot compare the index with HEAD")?;
    let mut find = DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find))
        .context("cannot detect renamed files in the index")?;
    let mut out = Vec::new();
    for (at, delta) in diff.deltas().enumerate() {
        let path = new_path(&delta);
        if conflicted.contains(&path) || !is_scanned(&delta) {
            continue;
        }
        let new = delta.new_file();
        let before = match delta.status() {
            Delta::Added | Delta::Copied => None,
            _ => Some((old_path(&delta), delta.old_file().id())),
        };
        let added = match &before {
            None => AddedLines::All,
            Some((_, old)) if *old == new.id() => AddedLines::none(),
            Some(_) => added_lines(&diff, at)
                .with_context(|| format!("cannot diff the staged {}", lossy(&path)))?,
        };
        out.push(Change {
            path,
            blob: new.id(),
            before,
            added,
        });
    }
    Ok(out)
}

/// Whether the delta leaves a file with content to scan: not a deletion, not a conflict, not a
/// submodule (its content lives in another repository, checked by that repository's hook).
fn is_scanned(delta: &DiffDelta<'_>) -> bool {
    let kept = matches!(
        delta.status(),
        Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
    );
    let mode = delta.new_file().mode();
    kept && matches!(
        mode,
        FileMode::Blob | FileMode::BlobExecutable | FileMode::BlobGroupWritable | FileMode::Link
    )
}

/// The added lines of delta `at`: the new side of each zero-context hunk; every line when git
/// sees the file as binary (it cannot say which lines changed).
fn added_lines(diff: &Diff<'_>, at: usize) -> anyhow::Result<AddedLines> {
    let Some(patch) = Patch::from_diff(diff, at)? else {
        // libgit2 gives no patch for an unchanged or binary delta.
        return Ok(AddedLines::All);
    };
    if patch.delta().flags().is_binary() {
        return Ok(AddedLines::All);
    }
    let mut hunks = Vec::with_capacity(patch.num_hunks());
    for index in 0..patch.num_hunks() {
        let (hunk, _) = patch.hunk(index)?;
        hunks.push((hunk.new_start() as usize, hunk.new_lines() as usize));
    }
    Ok(AddedLines::from_hunks(hunks))
}

/// The delta's path in the index.
fn new_path(delta: &DiffDelta<'_>) -> Vec<u8> {
    delta
        .new_file()
        .path_bytes()
        .or_else(|| delta.old_file().path_bytes())
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

/// The delta's path in the tree.
fn old_path(delta: &DiffDelta<'_>) -> Vec<u8> {
    delta
        .old_file()
        .path_bytes()
        .or_else(|| delta.new_file().path_bytes())
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

/// A git path as text for messages and reports (non-UTF-8 bytes become U+FFFD).
pub fn lossy(path: &[u8]) -> String {
    String::from_utf8_lossy(path).into_owned()
}
