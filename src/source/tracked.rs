//! The files git tracks below a directory. In a repository, a tracked file is scanned whatever
//! `.gitignore` says: `git add -f` put it in the repository, so it is pushed with the rest. The
//! walk honours ignore files (they hide build output and untracked local files), marks every
//! tracked file it meets, and afterwards scans the tracked files its ignore rules hid.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Git's mode bits of a regular file (executable or not) in the index.
const REGULAR_FILE_MODE: u32 = 0o100000;
/// The bits of a mode that give the kind of entry.
const KIND_MASK: u32 = 0o170000;

/// The regular files the index lists below one directory, each with whether the walk met it.
#[derive(Debug, Default)]
pub struct Tracked {
    /// Paths relative to the directory.
    below: HashMap<PathBuf, AtomicBool>,
}

impl Tracked {
    /// The tracked regular files below `dir`, in the index of the repository enclosing it
    /// (`repo_root`, canonical). Symbolic links and submodules are left out: the walk decides
    /// about those. An error says in the user's terms why the index could not be read.
    pub fn below(dir: &Path, repo_root: &Path) -> Result<Tracked, String> {
        let unreadable = |error: git2::Error| {
            format!(
                "cannot read the git index of {} ({}); files it tracks that .gitignore excludes \
                 are not scanned (--no-ignore scans every file)",
                repo_root.display(),
                error.message()
            )
        };
        let repo = git2::Repository::open(repo_root).map_err(unreadable)?;
        let index = repo.index().map_err(unreadable)?;
        let prefix = dir
            .canonicalize()
            .ok()
            .and_then(|dir| dir.strip_prefix(repo_root).ok().map(Path::to_path_buf))
            .unwrap_or_default();
        let below = index
            .iter()
            .filter(|entry| entry.mode & KIND_MASK == REGULAR_FILE_MODE)
            .filter_map(|entry| {
                let path = path_from_git(&entry.path);
                path.strip_prefix(&prefix).ok().map(Path::to_path_buf)
            })
            .filter(|path| !path.as_os_str().is_empty())
            .map(|path| (path, AtomicBool::new(false)))
            .collect();
        Ok(Tracked { below })
    }

    /// Notes that the walk met `path` (relative to the directory); any other path is ignored.
    pub fn mark_met(&self, path: &Path) {
        if let Some(met) = self.below.get(path) {
            met.store(true, Ordering::Relaxed);
        }
    }

    /// The tracked paths (relative to the directory) the walk did not meet, sorted.
    pub fn unmet(&self) -> Vec<&Path> {
        let mut paths: Vec<&Path> = self
            .below
            .iter()
            .filter(|(_, met)| !met.load(Ordering::Relaxed))
            .map(|(path, _)| path.as_path())
            .collect();
        paths.sort();
        paths
    }
}

/// A path of the index (bytes, `/`-separated) as a path of this platform.
#[cfg(unix)]
fn path_from_git(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

/// A path of the index (bytes, `/`-separated) as a path of this platform.
#[cfg(not(unix))]
fn path_from_git(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).replace('/', "\\"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmet_lists_only_what_was_not_marked() {
        let tracked = Tracked {
            below: ["a.env", "build/b.env", "c.txt"]
                .into_iter()
                .map(|p| (PathBuf::from(p), AtomicBool::new(false)))
                .collect(),
        };
        tracked.mark_met(Path::new("c.txt"));
        tracked.mark_met(Path::new("not/tracked.txt"));
        assert_eq!(
            tracked.unmet(),
            [Path::new("a.env"), Path::new("build/b.env")]
        );
    }
}
