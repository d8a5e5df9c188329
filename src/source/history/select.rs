//! Which commits a history scan covers: every commit reachable from the repository's refs, or
//! the commits of the ranges the user named, in an order where parents come before children,
//! plus the boundary commits whose contents a range scan must not report again.

use anyhow::{Context, bail};
use git2::{ErrorCode, ObjectType, Oid, Repository, RevparseMode, Sort};
use std::collections::HashSet;

/// The ref namespaces a full-history scan starts from, besides `HEAD`. Stashes (`refs/stash`),
/// notes and other private namespaces are left out: they hold local work that was never
/// shared, and CI clones do not have them.
const SCANNED_NAMESPACES: [&str; 3] = ["refs/heads/", "refs/tags/", "refs/remotes/"];

/// What the user asked to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every commit reachable from `HEAD`, branches, tags and remote-tracking branches.
    AllRefs,
    /// Revisions and ranges (`rev`, `A..B`, `A...B`, `^rev`), combined as `git rev-list` does:
    /// commits reachable from some positive end and from no negative end.
    Ranges(Vec<String>),
}

/// The commits of a scan, oldest first.
#[derive(Debug, Default)]
pub struct Commits {
    /// Every selected commit, each once, parents before children.
    pub order: Vec<Oid>,
    /// Commits outside the selection whose trees are already known: the parents of selected
    /// commits that a range excluded. Their blobs are not "added" by the range.
    pub boundary: Vec<Oid>,
    /// Symbolic refs whose target does not exist (`refs/remotes/origin/HEAD` to a deleted
    /// branch): nothing to scan, worth a word.
    pub dangling_refs: Vec<String>,
    /// Refs pointing straight at a blob or a tree (git.git's tag `junio-gpg-pub` points at a
    /// public key): scanned as content of the ref, outside any commit.
    pub ref_objects: Vec<RefObject>,
    /// Refs whose object (or a tag on the way to it) could not be read: what they lead to was
    /// not scanned, which makes the scan incomplete (an error, not a warning).
    pub unreadable_refs: Vec<String>,
}

/// A ref pointing at a blob or a tree rather than a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefObject {
    /// The ref's full name (`refs/tags/junio-gpg-pub`).
    pub name: String,
    /// The blob or tree, after peeling tags.
    pub id: Oid,
    /// True for a tree (its blobs are scanned), false for a blob.
    pub is_tree: bool,
}

/// Enumerates the commits of `selection` in `repo`.
pub fn select(repo: &Repository, selection: &Selection) -> anyhow::Result<Commits> {
    let mut walk = repo.revwalk().context("cannot walk the commit graph")?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
        .context("cannot sort the commit graph")?;
    let mut commits = Commits::default();
    let mut hidden = false;
    match selection {
        Selection::AllRefs => push_all_refs(repo, &mut walk, &mut commits)?,
        Selection::Ranges(specs) => {
            for spec in specs {
                hidden |= push_spec(repo, &mut walk, spec)?;
            }
        }
    }
    for id in walk {
        commits
            .order
            .push(id.context("cannot walk the commit graph (a commit object is missing?)")?);
    }
    if hidden {
        commits.boundary = boundary(repo, &commits.order)?;
    }
    Ok(commits)
}

fn push_all_refs(
    repo: &Repository,
    walk: &mut git2::Revwalk<'_>,
    commits: &mut Commits,
) -> anyhow::Result<()> {
    match repo.head() {
        Ok(head) => push_ref(repo, walk, commits, "HEAD", &head)?,
        // A fresh repository: HEAD names a branch with no commit yet, nothing to scan.
        Err(error) if error.code() == ErrorCode::UnbornBranch => {}
        Err(error) => commits.unreadable_refs.push(format!(
            "HEAD cannot be resolved ({}): the history it leads to was not scanned",
            error.message()
        )),
    }
    for reference in repo.references().context("cannot list the references")? {
        let reference = reference.context("cannot read a reference")?;
        let name = String::from_utf8_lossy(reference.name_bytes()).into_owned();
        if !SCANNED_NAMESPACES.iter().any(|ns| name.starts_with(ns)) {
            continue;
        }
        push_ref(repo, walk, commits, &name, &reference)?;
    }
    Ok(())
}

/// Starts the walk at what `reference` points to: a commit is pushed, a blob or tree kept to
/// be scanned on its own, and an object that cannot be read is an error naming the ref.
fn push_ref(
    repo: &Repository,
    walk: &mut git2::Revwalk<'_>,
    commits: &mut Commits,
    name: &str,
    reference: &git2::Reference<'_>,
) -> anyhow::Result<()> {
    let Ok(resolved) = reference.resolve() else {
        commits.dangling_refs.push(name.to_owned());
        return Ok(());
    };
    let Some(mut id) = resolved.target() else {
        commits.dangling_refs.push(name.to_owned());
        return Ok(());
    };
    // Peel tags by hand, so that an unreadable object is named and not mistaken for a ref to
    // something other than a commit.
    loop {
        let object = match repo.find_object(id, None) {
            Ok(object) => object,
            Err(error) => {
                commits.unreadable_refs.push(format!(
                    "{name} points at object {id}, which cannot be read ({}): the history it \
                     leads to was not scanned (`git fsck` names what is missing or corrupt)",
                    error.message()
                ));
                return Ok(());
            }
        };
        match object.kind() {
            Some(ObjectType::Commit) => {
                walk.push(id)
                    .with_context(|| format!("{name}: cannot start the walk at commit {id}"))?;
                return Ok(());
            }
            Some(ObjectType::Tag) => match object.as_tag().map(|tag| tag.target_id()) {
                Some(target) => id = target,
                None => bail!("{name}: object {id} says it is a tag but cannot be read as one"),
            },
            Some(kind @ (ObjectType::Blob | ObjectType::Tree)) => {
                commits.ref_objects.push(RefObject {
                    name: name.to_owned(),
                    id,
                    is_tree: kind == ObjectType::Tree,
                });
                return Ok(());
            }
            _ => {
                commits.unreadable_refs.push(format!(
                    "{name} points at object {id} of an unknown kind: not scanned"
                ));
                return Ok(());
            }
        }
    }
}

/// Pushes or hides the ends of one revision spec; true when it hid something.
fn push_spec(repo: &Repository, walk: &mut git2::Revwalk<'_>, spec: &str) -> anyhow::Result<bool> {
    let commit_of = |object: &git2::Object<'_>| -> anyhow::Result<Oid> {
        // libgit2's peel message names `git_object_t` numbers: say what the spec names instead.
        let kind = object.kind().map_or("object", |kind| kind.str());
        Ok(object
            .peel_to_commit()
            .map_err(|_| anyhow::anyhow!("`{spec}` names a {kind}, not a commit"))?
            .id())
    };
    if let Some(negated) = spec.strip_prefix('^') {
        let object = repo
            .revparse_single(negated)
            .with_context(|| format!("unknown revision `{negated}` (in `{spec}`)"))?;
        walk.hide(commit_of(&object)?)?;
        return Ok(true);
    }
    let revspec = repo.revparse(spec).with_context(|| {
        if spec.contains("..") {
            format!("unknown revision or range `{spec}` (expected REV, A..B or A...B)")
        } else {
            format!(
                "unknown revision or range `{spec}` (expected REV, A..B or A...B; to limit the \
                 history scan to a path, put it after `--`: tokhyg scan --history -- {spec})"
            )
        }
    })?;
    let mode = revspec.mode();
    if mode.contains(RevparseMode::SINGLE) {
        let Some(to) = revspec.from() else {
            bail!("`{spec}` does not name a commit");
        };
        walk.push(commit_of(to)?)?;
        return Ok(false);
    }
    let (Some(from), Some(to)) = (revspec.from(), revspec.to()) else {
        bail!("`{spec}` is not a complete range: both ends are needed");
    };
    let (from, to) = (commit_of(from)?, commit_of(to)?);
    walk.push(to)?;
    if mode.contains(RevparseMode::MERGE_BASE) {
        walk.push(from)?;
        let bases = repo
            .merge_bases(from, to)
            .with_context(|| format!("`{spec}`: the two ends have no common ancestor"))?;
        for base in bases.iter() {
            walk.hide(*base)?;
        }
    } else {
        walk.hide(from)?;
    }
    Ok(true)
}

/// Parents of selected commits that are not selected themselves (and are present).
fn boundary(repo: &Repository, order: &[Oid]) -> anyhow::Result<Vec<Oid>> {
    let selected: HashSet<Oid> = order.iter().copied().collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for id in order {
        let commit = repo
            .find_commit(*id)
            .with_context(|| format!("cannot read commit {id}"))?;
        for parent in commit.parent_ids() {
            if !selected.contains(&parent) && seen.insert(parent) {
                // A parent cut off by a shallow clone has no tree to compare against.
                if repo.find_commit(parent).is_ok() {
                    out.push(parent);
                }
            }
        }
    }
    Ok(out)
}
