//! The git guard: a secret may only be written into a file git will not commit. This module
//! tells where a file stands (tracked, not ignored, ignored, or outside any work tree) and can
//! add a file to its repository's root `.gitignore`.

use super::atomic::{self, DirLock};
use super::lines;
use anyhow::{Context, Result, bail};
use git2::{ErrorCode, Repository};
use std::fs;
use std::path::{Path, PathBuf};

/// A file inside a repository's work tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoPath {
    /// The work tree's root (canonical).
    pub root: PathBuf,
    /// The file relative to `root`.
    pub relative: PathBuf,
}

impl RepoPath {
    /// The root `.gitignore` line that ignores exactly this file: anchored with a leading `/`,
    /// glob characters escaped.
    pub fn gitignore_pattern(&self) -> Result<Vec<u8>> {
        let relative = path_bytes(&self.relative)?;
        if relative.iter().any(|b| *b == b'\n' || *b == b'\r') {
            bail!(
                "{} has a line break in its name, which .gitignore cannot express",
                self.relative.display()
            );
        }
        let mut pattern = vec![b'/'];
        for &byte in relative.as_ref() {
            if matches!(byte, b'\\' | b'*' | b'?' | b'[' | b' ' | b'!' | b'#') {
                pattern.push(b'\\');
            }
            pattern.push(byte);
        }
        Ok(pattern)
    }
}

/// Where a file stands with respect to git.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// In a work tree and ignored: safe for secrets.
    Ignored,
    /// Inside a `.git` directory or a bare repository: git never commits it.
    InsideGitDir,
    /// Not in any repository: nothing stops it from being committed later.
    OutsideRepository,
    /// In a work tree, untracked but not ignored: `git add .` would commit it.
    NotIgnored(RepoPath),
    /// In a work tree and tracked (in the index): its next version would be committed.
    Tracked(RepoPath),
}

/// Where `path` (absolute, symbolic links resolved; its directory may not exist yet) stands with respect to the
/// repository that contains it, if any.
pub fn classify(path: &Path) -> Result<Exposure> {
    // Directories about to be created belong to the repository of their nearest existing one.
    let dir = atomic::parent_dir(path)
        .ancestors()
        .find(|dir| dir.is_dir())
        .unwrap_or(Path::new("."));
    let repo = match Repository::discover(dir) {
        Ok(repo) => repo,
        Err(error) if error.code() == ErrorCode::NotFound => {
            return Ok(Exposure::OutsideRepository);
        }
        Err(error) => {
            return Err(error).with_context(|| {
                format!(
                    "cannot tell whether git ignores {}: the repository around it cannot be opened",
                    path.display()
                )
            });
        }
    };
    let git_dir = fs::canonicalize(repo.path()).unwrap_or_else(|_| repo.path().to_path_buf());
    if path.starts_with(&git_dir) {
        return Ok(Exposure::InsideGitDir);
    }
    let Some(workdir) = repo.workdir() else {
        return Ok(Exposure::InsideGitDir);
    };
    let root = fs::canonicalize(workdir)
        .with_context(|| format!("cannot open the work tree {}", workdir.display()))?;
    let Ok(relative) = path.strip_prefix(&root) else {
        bail!(
            "cannot tell whether git ignores {}: it is not under the work tree {} of its repository",
            path.display(),
            root.display()
        );
    };
    let location = RepoPath {
        relative: relative.to_path_buf(),
        root,
    };
    let context = || format!("cannot tell whether git ignores {}", path.display());
    let index = repo.index().with_context(context)?;
    // Stages 1 to 3 hold the sides of a merge conflict: tracked all the same.
    if (0..=3).any(|stage| index.get_path(&location.relative, stage).is_some()) {
        return Ok(Exposure::Tracked(location));
    }
    if repo
        .is_path_ignored(&location.relative)
        .with_context(context)?
    {
        Ok(Exposure::Ignored)
    } else {
        Ok(Exposure::NotIgnored(location))
    }
}

/// What [`add_to_gitignore`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GitignoreChange {
    /// The pattern was appended to this `.gitignore`.
    Appended(PathBuf),
    /// Another process made git ignore the file meanwhile; nothing to do.
    AlreadyIgnored,
}

/// Appends `location`'s pattern to the root `.gitignore` of its repository (created if
/// missing), atomically and under the root directory's lock, unless `held` is that lock
/// already. Every existing byte of `.gitignore` is kept. Fails if git still does not ignore the
/// file afterwards (a nested `.gitignore` re-including it, for instance).
pub fn add_to_gitignore(location: &RepoPath, held: Option<&DirLock>) -> Result<GitignoreChange> {
    let _lock = match held {
        Some(lock) if lock.path() == location.root => None,
        _ => Some(DirLock::acquire(&location.root)?),
    };
    if is_ignored(location)? {
        return Ok(GitignoreChange::AlreadyIgnored);
    }
    let gitignore = atomic::resolve(&location.root.join(".gitignore"))?;
    let existing = atomic::read_existing(&gitignore)?;
    let mut bytes = existing
        .as_ref()
        .map(|e| e.bytes.clone())
        .unwrap_or_default();
    append_line(&mut bytes, &location.gitignore_pattern()?);
    atomic::replace(
        &gitignore,
        &bytes,
        existing.as_ref().map(|e| &e.metadata),
        0o644,
    )?;
    if !is_ignored(location)? {
        bail!(
            "added {} to {}, but git still does not ignore it (a rule in a deeper .gitignore may re-include it); fix the ignore rules by hand",
            location.relative.display(),
            gitignore.display()
        );
    }
    Ok(GitignoreChange::Appended(gitignore))
}

/// Appends `line` to an ignore file's `bytes`, in the file's line ending, always ending it with
/// one, and first ending a last line that lacks one: a pattern glued to the previous line, or
/// the next `echo ... >> .gitignore` glued to ours, would ignore something else.
fn append_line(bytes: &mut Vec<u8>, line: &[u8]) {
    let ending = lines::dominant_ending(bytes).as_bytes();
    if !bytes.is_empty() && !lines::ends_with_break(bytes) {
        bytes.extend_from_slice(ending);
    }
    bytes.extend_from_slice(line);
    bytes.extend_from_slice(ending);
}

/// Whether git ignores `location` now, read afresh (libgit2 caches ignore rules per handle).
fn is_ignored(location: &RepoPath) -> Result<bool> {
    let repo = Repository::open(&location.root)
        .with_context(|| format!("cannot open the repository at {}", location.root.display()))?;
    repo.is_path_ignored(&location.relative).with_context(|| {
        format!(
            "cannot tell whether git ignores {}",
            location.relative.display()
        )
    })
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Result<std::borrow::Cow<'_, [u8]>> {
    use std::os::unix::ffi::OsStrExt;
    Ok(std::borrow::Cow::Borrowed(path.as_os_str().as_bytes()))
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Result<std::borrow::Cow<'_, [u8]>> {
    let text = path
        .to_str()
        .with_context(|| format!("{} is not valid Unicode", path.display()))?;
    Ok(std::borrow::Cow::Owned(
        text.replace('\\', "/").into_bytes(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_anchored_and_escaped() {
        let location = RepoPath {
            root: PathBuf::from("/r"),
            relative: PathBuf::from("conf/my [x]*.env"),
        };
        assert_eq!(
            location.gitignore_pattern().unwrap(),
            b"/conf/my\\ \\[x]\\*.env".to_vec()
        );
    }

    #[test]
    fn a_line_break_in_the_name_is_refused() {
        let location = RepoPath {
            root: PathBuf::from("/r"),
            relative: PathBuf::from("a\nb"),
        };
        assert!(location.gitignore_pattern().is_err());
    }
}
