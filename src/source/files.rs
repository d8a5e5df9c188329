//! The files under some paths, walked in parallel with `ignore`.
//!
//! What is walked, and why:
//! - Hidden files and directories are scanned (`.env.production`, `.npmrc`, `.github/` are where
//!   secrets hide); a directory named `.git` is never entered.
//! - In a git repository, `.gitignore`, `.git/info/exclude` and the global git excludes file
//!   are honoured (with those of parent directories) for untracked files only: every file the
//!   index tracks is scanned whatever they say, since it is in the repository (see
//!   [`super::tracked`]). Outside a repository they are not honoured, as ripgrep does: an
//!   unpacked package whose `.gitignore` lists `.env` does not hide its `.env`. `.ignore` files
//!   are honoured everywhere, for untracked files. `--no-ignore` turns all of them off.
//!   `.tokhygignore` is not a path ignore file: it holds fingerprints (see [`crate::suppress`]).
//! - A path given explicitly is always scanned, even if an ignore file excludes it.
//! - Symbolic links met during the walk are not followed unless asked; when they are, a link
//!   loop is reported as a warning and not entered. A symbolic link given as a path is followed.
//! - Only regular files are read: FIFOs, sockets and devices met during the walk are skipped (a
//!   FIFO would block the scan).
//!
//! Paths in findings are the path as the user gave it joined with the path below it,
//! `/`-separated, without a leading `./`: `tokhyg scan` and `tokhyg scan .` report `src/main.rs`,
//! `tokhyg scan src` reports `src/main.rs` too, `tokhyg scan /abs/repo` reports
//! `/abs/repo/src/main.rs`. Non-UTF-8 bytes in paths are replaced with U+FFFD (paths in findings
//! are text; JSON cannot carry raw bytes).

use super::decode::TextReader;
use super::tracked::Tracked;
use super::{Blob, Content, Origin, Problem};
use crate::rules::path_globs::PathGlobs;
use ignore::{WalkBuilder, WalkState};
use rayon::prelude::*;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How to walk.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Also walk what `.gitignore`, `.ignore` and git's exclude files exclude.
    pub no_ignore: bool,
    /// Follow symbolic links met during the walk.
    pub follow_symlinks: bool,
    /// Directories not entered (`allow_paths`, `--exclude`), matched on their rule path. Files
    /// they match are for the caller to skip (it names the explicit ones).
    pub prune: PathGlobs,
    /// Files larger than this many bytes are not handed on (`--max-file-size`): one named
    /// explicitly is a warning naming it, those met during the walk are counted in one warning.
    pub max_file_size: Option<u64>,
}

impl WalkOptions {
    /// Whether a file of `len` bytes is over the size limit.
    fn too_large(&self, len: u64) -> bool {
        self.max_file_size.is_some_and(|max| len > max)
    }
}

/// A regular file found by the walk (or given explicitly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkedFile {
    /// The path to open.
    pub fs_path: PathBuf,
    /// Where its findings are reported.
    pub origin: Origin,
    /// Given by the user as a path (not met while walking a directory): if it is not scanned,
    /// the user is told why.
    pub explicit: bool,
}

impl WalkedFile {
    /// The warning that this file was not scanned, and why (`reason`).
    pub fn not_scanned(&self, reason: &str) -> Problem {
        Problem::Warning(format!("{} was not scanned: {reason}", self.origin.path))
    }

    /// Opens the file as a streamed blob, UTF-16 text decoded (see [`super::decode`]). Its
    /// length is not asked for: the scan reads into a buffer it reuses from file to file, so a
    /// size hint would save nothing, and a `stat` per file cost 3% of a scan of a source tree.
    pub fn open(&self) -> std::io::Result<Blob<'static>> {
        let file = File::open(&self.fs_path)?;
        Ok(Blob {
            origin: self.origin.clone(),
            content: Content::Stream {
                reader: Box::new(TextReader::new(file)),
                len: None,
            },
        })
    }
}

/// A path given to the scan, and how paths below it are shown and matched.
#[derive(Debug)]
struct Root {
    /// As given.
    path: PathBuf,
    /// Its path relative to the repository root, when it lies under it.
    rule_prefix: Option<String>,
    /// The files git tracks below it (a directory in a repository, ignore files honoured).
    tracked: Option<Tracked>,
}

impl Root {
    fn new(path: &Path, repo_root: Option<&Path>) -> Root {
        let rule_prefix = repo_root.and_then(|base| {
            let absolute = path.canonicalize().ok()?;
            let relative = absolute.strip_prefix(base).ok()?;
            Some(slash_lossy(relative))
        });
        Root {
            path: path.to_path_buf(),
            rule_prefix,
            tracked: None,
        }
    }

    /// The file at `path` (at or below this root) as the walk hands it on; `explicit` when the
    /// user named it.
    fn file(&self, path: &Path, explicit: bool) -> WalkedFile {
        WalkedFile {
            fs_path: path.to_path_buf(),
            origin: self.origin(path),
            explicit,
        }
    }

    /// The origin of `path`, a path at or below this root.
    fn origin(&self, path: &Path) -> Origin {
        let shown = display_path(path);
        let rule_path = match (&self.rule_prefix, path.strip_prefix(&self.path)) {
            (Some(prefix), Ok(below)) => join_slash(prefix, &slash_lossy(below)),
            _ => shown.clone(),
        };
        Origin {
            path: shown,
            rule_path: Some(rule_path),
            commit: None,
        }
    }
}

/// Walks `roots` (files or directories; standard input is not handled here) and calls `visit`
/// for every regular file, from several threads, in no particular order. `repo_root` is the
/// canonical directory that rule paths are made relative to. Returns the problems met, sorted.
pub fn walk<F>(
    roots: &[PathBuf],
    repo_root: Option<&Path>,
    options: &WalkOptions,
    visit: F,
) -> Vec<Problem>
where
    F: Fn(WalkedFile) + Sync,
{
    let mut problems = Vec::new();
    let mut files: Vec<Root> = Vec::new();
    let mut dirs = Vec::new();
    for path in roots {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => dirs.push(Root::new(path, repo_root)),
            Ok(meta) if options.too_large(meta.len()) => problems.push(Problem::Warning(format!(
                "{} was not scanned: it is {} bytes, over --max-file-size",
                display_path(path),
                meta.len()
            ))),
            Ok(_) => files.push(Root::new(path, repo_root)),
            Err(error) => problems.push(Problem::Error(format!(
                "cannot scan {}: {error}",
                path.display()
            ))),
        }
    }
    files
        .par_iter()
        .for_each(|root| visit(root.file(&root.path, true)));
    if !options.no_ignore {
        for dir in &mut dirs {
            let Some(repo) = enclosing_repository(&dir.path) else {
                continue;
            };
            match Tracked::below(&dir.path, &repo) {
                Ok(tracked) => dir.tracked = Some(tracked),
                Err(message) => problems.push(Problem::Warning(message)),
            }
        }
    }
    if !dirs.is_empty() {
        let too_large = AtomicUsize::new(0);
        let visit_sized = |file: WalkedFile, len: Option<u64>| {
            if len.is_some_and(|len| options.too_large(len)) {
                too_large.fetch_add(1, Ordering::Relaxed);
            } else {
                visit(file);
            }
        };
        problems.extend(walk_dirs(&dirs, options, &visit_sized));
        visit_unmet_tracked(&dirs, &visit_sized);
        let skipped = too_large.into_inner();
        if skipped > 0 {
            problems.push(Problem::Warning(format!(
                "{skipped} file(s) larger than --max-file-size ({} bytes) were not scanned",
                options.max_file_size.unwrap_or_default()
            )));
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

/// Walks `dirs` and calls `visit` with every regular file and, when a size limit is set, its
/// length.
fn walk_dirs<F>(dirs: &[Root], options: &WalkOptions, visit: &F) -> Vec<Problem>
where
    F: Fn(WalkedFile, Option<u64>) + Sync,
{
    let honour_ignores = !options.no_ignore;
    let mut builder = WalkBuilder::new(&dirs[0].path);
    for dir in &dirs[1..] {
        builder.add(&dir.path);
    }
    builder
        .hidden(false)
        .parents(honour_ignores)
        .ignore(honour_ignores)
        .git_ignore(honour_ignores)
        .git_global(honour_ignores)
        .git_exclude(honour_ignores)
        .require_git(true)
        .follow_links(options.follow_symlinks)
        .filter_entry(|entry| entry.depth() == 0 || entry.file_name() != ".git");
    let problems = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        let problems = &problems;
        Box::new(move |result| {
            match result {
                Ok(entry) => {
                    let Some(kind) = entry.file_type() else {
                        return WalkState::Continue;
                    };
                    let Some(root) = root_of(dirs, entry.path()) else {
                        return WalkState::Continue;
                    };
                    if kind.is_dir() && entry.depth() > 0 && pruned(root, entry.path(), options) {
                        return WalkState::Skip;
                    }
                    if kind.is_file() {
                        mark_tracked(dirs, entry.path());
                        // Only asked for when needed: a `stat` per file costs 3% of a scan.
                        let len = options
                            .max_file_size
                            .and_then(|_| entry.metadata().ok())
                            .map(|meta| meta.len());
                        visit(root.file(entry.path(), false), len);
                    }
                }
                Err(error) => {
                    let problem = classify(&error);
                    problems
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .push(problem);
                }
            }
            WalkState::Continue
        })
    });
    problems
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether the directory at `path` (below `root`) is not to be entered.
fn pruned(root: &Root, path: &Path, options: &WalkOptions) -> bool {
    if options.prune.is_empty() {
        return false;
    }
    root.origin(path)
        .rule_path
        .is_some_and(|rule_path| options.prune.is_match(&rule_path))
}

/// Notes in every root that tracks it that the walk met `path`.
fn mark_tracked(roots: &[Root], path: &Path) {
    for root in roots {
        if let (Some(tracked), Ok(below)) = (&root.tracked, path.strip_prefix(&root.path)) {
            tracked.mark_met(below);
        }
    }
}

/// Visits the tracked regular files that the walk's ignore rules hid. One that is no longer a
/// regular file in the work tree (deleted, replaced) is not there to scan.
fn visit_unmet_tracked<F>(roots: &[Root], visit: &F)
where
    F: Fn(WalkedFile, Option<u64>) + Sync,
{
    let hidden: Vec<(PathBuf, u64)> = roots
        .iter()
        .filter_map(|root| Some((root, root.tracked.as_ref()?)))
        .flat_map(|(root, tracked)| tracked.unmet().into_iter().map(|p| root.path.join(p)))
        .filter_map(|path| {
            let meta = std::fs::symlink_metadata(&path).ok()?;
            meta.is_file().then_some((path, meta.len()))
        })
        .collect();
    hidden.par_iter().for_each(|(path, len)| {
        if let Some(root) = root_of(roots, path) {
            visit(root.file(path, false), Some(*len));
        }
    });
}

/// The root a walked path lies under: the deepest one, when roots nest.
fn root_of<'r>(roots: &'r [Root], path: &Path) -> Option<&'r Root> {
    roots
        .iter()
        .filter(|root| path.starts_with(&root.path))
        .max_by_key(|root| root.path.components().count())
}

/// Loops and bad ignore files leave the scan complete; anything else (an unreadable
/// directory) does not.
fn classify(error: &ignore::Error) -> Problem {
    if is_soft(error) {
        Problem::Warning(error.to_string())
    } else {
        Problem::Error(error.to_string())
    }
}

fn is_soft(error: &ignore::Error) -> bool {
    match error {
        ignore::Error::Loop { .. } | ignore::Error::Partial(_) | ignore::Error::Glob { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_soft(err),
        _ => false,
    }
}

/// A path as shown in findings: lossy UTF-8, `/`-separated, without leading `./`.
pub fn display_path(path: &Path) -> String {
    let text = slash_lossy(path);
    let mut shown = text.as_str();
    while let Some(rest) = shown.strip_prefix("./") {
        shown = rest.trim_start_matches('/');
    }
    if shown.is_empty() {
        ".".to_string()
    } else {
        shown.to_string()
    }
}

/// Lossy UTF-8 with `/` as the separator on every platform.
fn slash_lossy(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

fn join_slash(prefix: &str, below: &str) -> String {
    match (prefix.is_empty(), below.is_empty()) {
        (true, _) => below.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}/{below}"),
    }
}

/// The repository root enclosing `path` (a file or directory): the nearest ancestor holding a
/// `.git` entry, canonical. `None` outside a repository or when `path` does not exist.
pub fn enclosing_repository(path: &Path) -> Option<PathBuf> {
    let absolute = path.canonicalize().ok()?;
    absolute
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_drop_leading_dot_slash_and_keep_the_rest() {
        assert_eq!(display_path(Path::new("./a/b")), "a/b");
        assert_eq!(display_path(Path::new(".//a")), "a");
        assert_eq!(display_path(Path::new("src/a")), "src/a");
        assert_eq!(display_path(Path::new("/abs/a")), "/abs/a");
        assert_eq!(display_path(Path::new("../x/a")), "../x/a");
        assert_eq!(display_path(Path::new(".")), ".");
        assert_eq!(display_path(Path::new(".env")), ".env");
    }

    #[test]
    fn the_deepest_root_owns_a_path() {
        let roots = [
            Root {
                path: PathBuf::from("src"),
                rule_prefix: None,
                tracked: None,
            },
            Root {
                path: PathBuf::from("src/sub"),
                rule_prefix: Some("lib/sub".into()),
                tracked: None,
            },
        ];
        let root = root_of(&roots, Path::new("src/sub/a.rs")).unwrap();
        assert_eq!(root.path, Path::new("src/sub"));
        let origin = root.origin(Path::new("src/sub/a.rs"));
        assert_eq!(origin.path, "src/sub/a.rs");
        assert_eq!(origin.rule_path.as_deref(), Some("lib/sub/a.rs"));
        assert!(root_of(&roots, Path::new("srcx/a.rs")).is_none());
    }

    #[test]
    fn rule_paths_fall_back_to_the_shown_path_outside_the_repository() {
        let root = Root {
            path: PathBuf::from("./other"),
            rule_prefix: None,
            tracked: None,
        };
        let origin = root.origin(Path::new("./other/k.p12"));
        assert_eq!(origin.path, "other/k.p12");
        assert_eq!(origin.rule_path.as_deref(), Some("other/k.p12"));
    }
}
