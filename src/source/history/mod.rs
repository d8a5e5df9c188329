//! Git history as a scan source: enumerate the commits of all refs (or of the ranges the user
//! named) once, learn for every unique blob the first commit and path that introduced it, and
//! read each unique blob once, in parallel, handing its bytes to the caller's scan.
//!
//! Three stages run at the same time: the commit enumeration ([`select`]), the tree walk
//! ([`walk`], on the calling thread) and the blob readers ([`read`], one per core), so reading
//! blobs overlaps walking trees. Memory holds the blob map (ids, places, interned paths) and
//! the blobs being scanned, never the history's contents; a blob of at least
//! [`ReadTuning::large_blob`] bytes is streamed ([`stream`]) and scanned window by window, so
//! even a blob of gigabytes takes one scan window.

pub mod paths;
pub mod pathspec;
mod progress;
pub mod read;
pub mod ref_objects;
pub mod select;
pub mod stream;
#[cfg(test)]
pub(crate) mod test_repo;
pub mod tree;
pub mod walk;

pub use paths::{PathId, PathTable};
pub use select::Selection;
pub use walk::{BlobIndex, CommitIndex, ObjectError, Place};

use crate::source::Content;
use anyhow::Context;
use git2::{Oid, Repository};
use progress::Counters;
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::sync::{Mutex, Once};
use stream::ObjectStreams;
use walk::{BlobJob, Walker};

/// Blobs are handed to readers in batches, so the queue's lock is taken rarely.
const BATCH: usize = 64;

/// Batches the walk may run ahead of the readers: bounds the queue's memory.
const QUEUE_DEPTH: usize = 256;

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct HistoryOptions {
    /// All refs, or some ranges.
    pub selection: Selection,
    /// Reader threads; 0 means one per core.
    pub threads: usize,
    /// Draw the progress bar on stderr when it is a terminal (`false` with `-q`).
    pub progress: bool,
    /// The paths scanned (`-- PATH...`): all, or those at or below some paths.
    pub paths: pathspec::PathSpec,
}

/// How blobs are read: settings a user has no reason to change, which tests use to drive the
/// streaming path with small blobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadTuning {
    /// Blobs of at least this many bytes are streamed and scanned window by window; smaller
    /// ones are read whole (faster).
    pub large_blob: usize,
}

impl Default for ReadTuning {
    fn default() -> Self {
        ReadTuning {
            large_blob: read::LARGE_BLOB,
        }
    }
}

/// Figures of a finished scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Commits walked.
    pub commits: usize,
    /// Unique blobs read.
    pub blobs: u64,
    /// Bytes of those blobs.
    pub bytes: u64,
    /// How many of those blobs were streamed (see [`ReadTuning::large_blob`]).
    pub streamed: u64,
}

/// The outcome of a history scan: the results per blob, and where each blob lives.
#[derive(Debug)]
pub struct HistoryScan<T> {
    /// The repository's git directory.
    pub git_dir: PathBuf,
    /// The scanned commits, oldest first; [`CommitIndex`] indexes it.
    pub commits: Vec<Oid>,
    /// Blobs that produced results, with those results, sorted by blob index.
    pub hits: Vec<(BlobIndex, Vec<T>)>,
    /// Objects that could not be read (missing or corrupt): the scan is incomplete.
    pub errors: Vec<ObjectError>,
    /// Refs whose object could not be read: the history behind them was not scanned.
    pub ref_errors: Vec<String>,
    /// Refs pointing at a blob or a tree, to be scanned as content of the ref.
    pub ref_objects: Vec<select::RefObject>,
    /// Things the user should know: a shallow clone, refs that lead nowhere.
    pub warnings: Vec<String>,
    /// Figures.
    pub stats: Stats,
    paths: PathTable,
    places: HashMap<BlobIndex, Vec<Place>>,
    path_firsts: Vec<(PathId, Place)>,
}

impl<T> HistoryScan<T> {
    /// Every place that introduced blob `blob`, the first one first. Known for blobs with hits.
    pub fn places(&self, blob: BlobIndex) -> &[Place] {
        self.places.get(&blob).map_or(&[], Vec::as_slice)
    }

    /// The `/`-separated path of `path`.
    pub fn path(&self, path: PathId) -> String {
        self.paths.render(path)
    }

    /// The id of commit `commit`.
    pub fn commit_id(&self, commit: CommitIndex) -> Option<Oid> {
        self.commits.get(commit as usize).copied()
    }

    /// Every path history held, each with the oldest place that introduced a blob there.
    pub fn first_place_of_each_path(&self) -> Vec<(PathId, Place)> {
        self.path_firsts
            .iter()
            .map(|(path, place)| (*path, *place))
            .collect()
    }

    /// A one-line description of an unreadable object, naming it and where it was needed.
    pub fn describe(&self, error: &ObjectError) -> String {
        let place = match error.commit.and_then(|c| self.commit_id(c)) {
            Some(commit) => format!(" at `{}` in commit {commit}", self.path(error.path)),
            None => String::new(),
        };
        format!(
            "cannot read {} {}{place}: {}",
            error.kind, error.id, error.message
        )
    }
}

/// Opens the repository holding `dir` (a work tree, a subdirectory, a bare repository, a
/// linked worktree), with a message that says what to do when there is none; its loose
/// objects are read by [`crate::source::loose_guard`].
pub fn open_repository(dir: &Path) -> anyhow::Result<Repository> {
    let repo = Repository::discover(dir).map_err(|error| {
        anyhow::anyhow!(
            "{} is not in a git repository ({}); run the history scan inside a repository",
            dir.display(),
            error.message()
        )
    })?;
    crate::source::loose_guard::guard(&repo)?;
    Ok(repo)
}

/// Scans the history of the repository at `dir`, calling `visit` once per unique blob (from
/// several threads) with its content; `visit` returns that blob's results, or the error met
/// reading a streamed blob (the blob is then reported unreadable).
pub fn scan<T, V>(dir: &Path, options: &HistoryOptions, visit: V) -> anyhow::Result<HistoryScan<T>>
where
    T: Send,
    V: Fn(Content<'_>) -> io::Result<Vec<T>> + Sync,
{
    scan_with(dir, options, ReadTuning::default(), visit)
}

/// [`scan`] with blob reading tuned.
pub fn scan_with<T, V>(
    dir: &Path,
    options: &HistoryOptions,
    tuning: ReadTuning,
    visit: V,
) -> anyhow::Result<HistoryScan<T>>
where
    T: Send,
    V: Fn(Content<'_>) -> io::Result<Vec<T>> + Sync,
{
    tune_libgit2();
    let repo = open_repository(dir)?;
    let git_dir = repo.path().to_path_buf();
    let streams = ObjectStreams::for_repository(&repo).with_context(|| {
        format!(
            "cannot list the object directories of {}",
            repo.commondir().display()
        )
    })?;
    let commits = select::select(&repo, &options.selection)?;
    let mut warnings = Vec::new();
    if repo.is_shallow() {
        warnings.push(
            "this is a shallow clone: history before its oldest commits is cut and was not \
             scanned (fetch it with `git fetch --unshallow`, or `fetch-depth: 0` in \
             actions/checkout)"
                .to_owned(),
        );
    }
    for name in &commits.dangling_refs {
        warnings.push(format!(
            "{name} is a symbolic ref to a ref that does not exist: nothing to scan there"
        ));
    }
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let counters = Counters::default();
    let (sender, receiver) = sync_channel::<Vec<BlobJob>>(QUEUE_DEPTH);
    let receiver = Mutex::new(receiver);
    let readers = read::Readers {
        git_dir: &git_dir,
        jobs: &receiver,
        visit: &visit,
        counters: &counters,
        streams: &streams,
        large_blob: tuning.large_blob,
    };
    let counters = &counters;
    let (map, outputs) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| readers.run::<T>()))
            .collect();
        let total = commits.order.len() as u64;
        let progress = options.progress;
        let bar = scope.spawn(move || {
            if progress {
                progress::run(counters, total);
            }
        });
        let map = walk_all(&repo, &commits, &options.paths, counters, sender);
        let outputs: Vec<_> = workers.into_iter().map(|w| w.join()).collect();
        counters
            .done
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = bar.join();
        (map, outputs)
    });
    let mut map = map?;
    let mut hits = Vec::new();
    let mut errors = std::mem::take(&mut map.errors);
    for output in outputs {
        let output = match output {
            Ok(output) => output?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        hits.extend(output.hits);
        errors.extend(output.errors);
    }
    hits.sort_by_key(|(blob, _)| *blob);
    errors.sort_by_key(|e| (e.commit, e.id));
    let mut places: HashMap<BlobIndex, Vec<Place>> =
        hits.iter().map(|(blob, _)| (*blob, Vec::new())).collect();
    for (blob, place) in &map.places {
        if let Some(list) = places.get_mut(blob) {
            list.push(*place);
        }
    }
    let mut path_firsts = Vec::new();
    let mut seen_paths = std::collections::HashSet::new();
    for (_, place) in &map.places {
        if seen_paths.insert(place.path) {
            path_firsts.push((place.path, *place));
        }
    }
    let stats = Stats {
        commits: commits.order.len(),
        blobs: counters
            .blobs_read
            .load(std::sync::atomic::Ordering::Relaxed),
        bytes: counters.bytes.load(std::sync::atomic::Ordering::Relaxed),
        streamed: counters.streamed.load(std::sync::atomic::Ordering::Relaxed),
    };
    Ok(HistoryScan {
        git_dir,
        commits: commits.order,
        hits,
        errors,
        ref_errors: commits.unreadable_refs,
        ref_objects: commits.ref_objects,
        warnings,
        stats,
        paths: map.paths,
        places,
        path_firsts,
    })
}

/// Walks every selected commit, sending new blobs to the readers; closing `sender` at the end
/// (by dropping it) tells them the walk is over.
fn walk_all(
    repo: &Repository,
    commits: &select::Commits,
    paths: &pathspec::PathSpec,
    counters: &Counters,
    sender: std::sync::mpsc::SyncSender<Vec<BlobJob>>,
) -> anyhow::Result<walk::BlobMap> {
    let odb = repo.odb().context("cannot open the object database")?;
    let mut walker = Walker::new(&odb, paths.clone());
    for id in &commits.boundary {
        let commit = repo
            .find_commit(*id)
            .with_context(|| format!("cannot read commit {id}"))?;
        walker.learn_boundary(commit.tree_id());
    }
    let mut batch = Vec::with_capacity(BATCH);
    let mut receivers_gone = false;
    for (index, id) in commits.order.iter().enumerate() {
        let commit = repo
            .find_commit(*id)
            .with_context(|| format!("cannot read commit {id}"))?;
        let index = CommitIndex::try_from(index).context("more than 4 billion commits")?;
        walker.walk_commit(index, commit.tree_id(), &mut |job| {
            batch.push(job);
            Counters::add(&counters.blobs_found, 1);
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                receivers_gone |= sender.send(full).is_err();
            }
        });
        Counters::add(&counters.commits, 1);
        if receivers_gone {
            // Every reader failed to start; their error is reported on join.
            break;
        }
    }
    if !batch.is_empty() {
        let _ = sender.send(batch);
    }
    drop(sender);
    Ok(walker.finish())
}

/// How much of the pack files libgit2 keeps mapped at once, and in what window size. The
/// defaults (1 GiB windows, up to 8 GiB mapped) would keep every page of a pack the scan has
/// touched resident: a full scan touches all of it, so a 2 GiB pack would be 2 GiB of RSS.
/// Small windows under a low limit make libgit2 unmap the least recently used ones instead: on
/// a 65 MB pack this halved peak RSS (107 to 52 MB without rules) at no measurable CPU cost.
const MWINDOW_SIZE: usize = 8 * 1024 * 1024;
/// See [`MWINDOW_SIZE`].
const MWINDOW_MAPPED_LIMIT: usize = 32 * 1024 * 1024;

/// Process-wide libgit2 settings for a history scan, applied once:
/// - no object cache: it would keep every tree the walk reads (up to 256 MiB), though each is
///   read once;
/// - no hash verification of objects read: hashing every blob again (SHA-1 with collision
///   detection) cost more than inflating it, and `git cat-file` does not do it either; zlib's
///   checksum still catches corrupt data;
/// - small pack windows (see [`MWINDOW_MAPPED_LIMIT`]).
fn tune_libgit2() {
    static TUNE: Once = Once::new();
    TUNE.call_once(|| {
        git2::opts::enable_caching(false);
        git2::opts::strict_hash_verification(false);
        // SAFETY: these write libgit2 globals without a lock. They run once, before this scan
        // opens a repository or starts a thread, and nothing else in tokhyg changes them; a
        // pack window being opened elsewhere at that instant would at worst use the old size.
        unsafe {
            let _ = git2::opts::set_mwindow_size(MWINDOW_SIZE);
            let _ = git2::opts::set_mwindow_mapped_limit(MWINDOW_MAPPED_LIMIT);
        }
    });
}
