//! The blob map: walks the trees of the selected commits, oldest first, and learns for every
//! blob the first commit and path that held it, and every other (commit, path) that introduced
//! it again. A (tree, directory) pair seen before is not walked again: everything under it is
//! already known, which is what makes this far cheaper than a diff per commit. New blobs are
//! handed to the caller as soon as they are found, so reading them overlaps the walk.

use super::paths::{PathId, PathTable};
use super::pathspec::{PathSpec, Scope};
use super::tree::{self, EntryKind};
use git2::{ObjectType, Odb, Oid};
use std::collections::{HashMap, HashSet};

/// Index of a commit in the scan's commit order (oldest first).
pub type CommitIndex = u32;

/// Index of a unique blob, in the order the walk found them.
pub type BlobIndex = u32;

/// Marks a blob of the boundary: already there before the range, so not scanned.
const BOUNDARY_BLOB: BlobIndex = BlobIndex::MAX;

/// One place where a blob was introduced: a commit and a path in its tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    /// The commit, as an index into the commit order.
    pub commit: CommitIndex,
    /// The path of the blob in that commit's tree.
    pub path: PathId,
}

/// A blob to scan: found for the first time at `first`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobJob {
    /// Its index in the blob map.
    pub index: BlobIndex,
    /// Its object id.
    pub id: Oid,
    /// The oldest commit and path holding it.
    pub first: Place,
}

/// An object the walk or a reader could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectError {
    /// The object id.
    pub id: Oid,
    /// `tree` or `blob`.
    pub kind: &'static str,
    /// The commit (index) whose tree led to it, if any.
    pub commit: Option<CommitIndex>,
    /// Where in that tree it is.
    pub path: PathId,
    /// libgit2's message.
    pub message: String,
}

/// Everything the walk learned.
#[derive(Debug, Default)]
pub struct BlobMap {
    /// Interned paths of every place.
    pub paths: PathTable,
    /// Every (blob, place) where a blob appeared at a path it had not been at before, in walk
    /// order, so a blob's first place comes first.
    pub places: Vec<(BlobIndex, Place)>,
    /// Number of unique blobs handed out for scanning.
    pub blobs: u32,
    /// Trees that could not be read: their contents are missing from the scan.
    pub errors: Vec<ObjectError>,
}

/// A tree being walked: its object, and where its next entry starts.
struct OpenTree<'r> {
    id: Oid,
    dir: PathId,
    scope: Scope,
    object: git2::OdbObject<'r>,
    at: usize,
}

/// Walks commit trees, remembering what it has seen.
pub struct Walker<'r> {
    odb: &'r Odb<'r>,
    paths: PathSpec,
    map: BlobMap,
    seen_trees: HashSet<(Oid, PathId)>,
    blob_ids: HashMap<Oid, BlobIndex>,
    seen_places: HashSet<(BlobIndex, PathId)>,
}

impl<'r> Walker<'r> {
    /// A walker reading objects from `odb`, covering the paths of `paths`.
    pub fn new(odb: &'r Odb<'r>, paths: PathSpec) -> Self {
        Walker {
            odb,
            paths,
            map: BlobMap::default(),
            seen_trees: HashSet::new(),
            blob_ids: HashMap::new(),
            seen_places: HashSet::new(),
        }
    }

    /// Records every tree and blob of a boundary commit's tree as already known, so that the
    /// selected commits report only what they add.
    pub fn learn_boundary(&mut self, tree: Oid) {
        let mut ignore = |_: BlobJob| {};
        self.walk_tree(tree, PathTable::ROOT, None, &mut ignore);
    }

    /// Walks the tree of commit `commit`, calling `found` for every blob never seen before.
    pub fn walk_commit(&mut self, commit: CommitIndex, tree: Oid, found: &mut dyn FnMut(BlobJob)) {
        self.walk_tree(tree, PathTable::ROOT, Some(commit), found);
    }

    /// Ends the walk.
    pub fn finish(self) -> BlobMap {
        self.map
    }

    /// Walks `root` depth first, each entry in tree order, with a stack of open trees rather
    /// than recursion: a tree nested tens of thousands of levels deep (git itself refuses
    /// 4,096) cannot overflow the thread's stack.
    fn walk_tree(
        &mut self,
        root: Oid,
        root_dir: PathId,
        commit: Option<CommitIndex>,
        found: &mut dyn FnMut(BlobJob),
    ) {
        let mut open: Vec<OpenTree<'r>> = Vec::new();
        let scope = self.paths.root();
        open.extend(self.open_tree(root, root_dir, scope, commit));
        while let Some(top) = open.last_mut() {
            let data = top.object.data();
            if top.at >= data.len() {
                open.pop();
                continue;
            }
            let (entry, next) = match tree::parse_entry(data, top.at) {
                Ok(parsed) => parsed,
                Err(error) => {
                    let (id, dir) = (top.id, top.dir);
                    open.pop();
                    self.error(id, "tree", commit, dir, error.to_string());
                    continue;
                }
            };
            top.at = next;
            let path = match entry.kind {
                // A submodule's contents live in another repository: not followed.
                EntryKind::Gitlink => continue,
                EntryKind::Tree | EntryKind::Blob => self.map.paths.child(top.dir, entry.name),
            };
            let (kind, id, parent_scope) = (entry.kind, entry.id, top.scope);
            if kind == EntryKind::Tree {
                let scope = match parent_scope {
                    Scope::Inside => Scope::Inside,
                    _ => self.paths.dir(&self.map.paths.render(path)),
                };
                if scope != Scope::Outside {
                    open.extend(self.open_tree(id, path, scope, commit));
                }
            } else if parent_scope == Scope::Inside
                || self.paths.covers_file(&self.map.paths.render(path))
            {
                self.see_blob(id, path, commit, found);
            }
        }
    }

    /// Reads tree `id` at `dir`, unless that pair was walked before; an unreadable tree is
    /// recorded as an error.
    fn open_tree(
        &mut self,
        id: Oid,
        dir: PathId,
        scope: Scope,
        commit: Option<CommitIndex>,
    ) -> Option<OpenTree<'r>> {
        if !self.seen_trees.insert((id, dir)) {
            return None;
        }
        match self.odb.read(id) {
            Ok(object) if object.kind() == ObjectType::Tree => Some(OpenTree {
                id,
                dir,
                scope,
                object,
                at: 0,
            }),
            Ok(object) => {
                let message = format!("expected a tree, found a {}", object.kind());
                self.error(id, "tree", commit, dir, message);
                None
            }
            Err(error) => {
                self.error(id, "tree", commit, dir, error.message().into());
                None
            }
        }
    }

    fn see_blob(
        &mut self,
        id: Oid,
        path: PathId,
        commit: Option<CommitIndex>,
        found: &mut dyn FnMut(BlobJob),
    ) {
        let Some(commit) = commit else {
            self.blob_ids.insert(id, BOUNDARY_BLOB);
            return;
        };
        let next = self.map.blobs;
        let index = *self.blob_ids.entry(id).or_insert(next);
        if index == BOUNDARY_BLOB || !self.seen_places.insert((index, path)) {
            return;
        }
        let place = Place { commit, path };
        self.map.places.push((index, place));
        if index == next {
            self.map.blobs += 1;
            found(BlobJob {
                index,
                id,
                first: place,
            });
        }
    }

    fn error(
        &mut self,
        id: Oid,
        kind: &'static str,
        commit: Option<CommitIndex>,
        path: PathId,
        message: String,
    ) {
        self.map.errors.push(ObjectError {
            id,
            kind,
            commit,
            path,
            message,
        });
    }
}
