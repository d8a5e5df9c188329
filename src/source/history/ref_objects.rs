//! Refs that point straight at a blob or a tree (git.git's tag `junio-gpg-pub` holds a public
//! key): their content is part of what the repository shares, outside any commit, so it is
//! scanned and reported at the ref's name (`refs/tags/NAME` for a blob, `refs/tags/NAME:PATH`
//! for a blob of a tree, as `git show` names them).

use super::pathspec::PathSpec;
use super::select::RefObject;
use crate::source::{Blob, Content, Origin, Problem};
use git2::{ObjectType, Repository, TreeWalkMode, TreeWalkResult};

/// Hands `sink` every blob of the blobs and trees some refs point at, at the ref's name; returns
/// the objects that could not be read. With `-- PATH...` (`paths` not all), a blob a ref points
/// at has no path to match and is skipped, and only the covered files of a tree are handed on.
pub fn ref_object_blobs(
    repo: &Repository,
    objects: &[RefObject],
    paths: &PathSpec,
    mut sink: impl FnMut(Blob<'_>),
) -> Vec<Problem> {
    let every_path = *paths == PathSpec::all();
    let mut problems = Vec::new();
    for object in objects {
        let mut blobs = Vec::new();
        if object.is_tree {
            match repo.find_tree(object.id) {
                Ok(tree) => {
                    let walked = tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
                        if entry.kind() == Some(ObjectType::Blob) {
                            let name = String::from_utf8_lossy(entry.name_bytes());
                            let path = format!("{dir}{name}");
                            if every_path || paths.covers_file(&path) {
                                blobs.push((path, entry.id()));
                            }
                        }
                        TreeWalkResult::Ok
                    });
                    if let Err(error) = walked {
                        problems.push(unreadable(&object.name, "tree", object.id, &error));
                    }
                }
                Err(error) => problems.push(unreadable(&object.name, "tree", object.id, &error)),
            }
        } else if every_path {
            blobs.push((String::new(), object.id));
        }
        for (path, id) in blobs {
            let shown = if object.is_tree {
                format!("{}:{path}", object.name)
            } else {
                object.name.clone()
            };
            let blob = match repo.find_blob(id) {
                Ok(blob) => blob,
                Err(error) => {
                    problems.push(unreadable(&shown, "blob", id, &error));
                    continue;
                }
            };
            let origin = Origin {
                path: shown.clone(),
                rule_path: object.is_tree.then(|| path.clone()),
                commit: None,
            };
            let content = Content::Bytes(blob.content());
            sink(Blob { origin, content });
        }
    }
    problems
}

fn unreadable(shown: &str, kind: &str, id: git2::Oid, error: &git2::Error) -> Problem {
    Problem::Error(format!(
        "cannot read {kind} {id} of {shown} ({}): not scanned",
        error.message()
    ))
}
