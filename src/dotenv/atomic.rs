//! Replacing a file all at once, under a lock, so that a reader never sees half of it and two
//! writers never lose each other's changes.
//!
//! Writes go to a temporary file in the same directory (so the rename cannot cross file
//! systems; see [`super::pending`] for how it cannot outlive the process), which is synced, given the old file's mode and owner, and renamed over the target;
//! then the directory is synced so the rename itself survives a crash. On any error the
//! temporary file is removed and the target is untouched.
//!
//! The lock is an exclusive `flock` on the *directory* that holds the target. Locking the target
//! itself would not work (the rename replaces its inode, so a waiting writer would then hold a
//! lock on a file that is no longer there), and a sibling lock file would clutter the work tree
//! and show up in `git status`. A directory is never renamed by us, so its lock is stable; the
//! price is that writes to different files of one directory take turns, which costs nothing
//! here. The lock only excludes other tokhyg runs (flock is advisory), and is released when the
//! [`DirLock`] is dropped.

use super::pending::Pending;
use anyhow::{Context, Result, bail};
use std::fs::{self, File, Metadata};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a write waits for another tokhyg writing in the same directory, unless
/// `TOKHYG_LOCK_TIMEOUT` (whole seconds) says otherwise.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// [`LOCK_TIMEOUT`], or the whole seconds of `TOKHYG_LOCK_TIMEOUT` when it is set to a number.
pub fn lock_timeout() -> Duration {
    std::env::var("TOKHYG_LOCK_TIMEOUT")
        .ok()
        .and_then(|secs| secs.trim().parse().ok())
        .map_or(LOCK_TIMEOUT, Duration::from_secs)
}

/// Mode of a file tokhyg creates to hold secrets: readable and writable by its owner only.
pub const SECRET_FILE_MODE: u32 = 0o600;

/// An exclusive lock on a directory, held until dropped.
#[derive(Debug)]
pub struct DirLock {
    handle: File,
    path: PathBuf,
}

impl DirLock {
    /// Takes the lock on `dir`, waiting while another tokhyg process holds it, at most
    /// [`lock_timeout`]; then gives up with an error naming the holder.
    pub fn acquire(dir: &Path) -> Result<DirLock> {
        DirLock::acquire_within(dir, lock_timeout(), &mut |_| {})
    }

    /// [`DirLock::acquire`] with a time limit, calling `note` once with what it waits for
    /// (naming the process where the system tells) when that takes more than a second.
    pub fn acquire_within(
        dir: &Path,
        timeout: Duration,
        note: &mut dyn FnMut(String),
    ) -> Result<DirLock> {
        let handle = File::open(dir)
            .with_context(|| format!("cannot open directory {} to lock it", dir.display()))?;
        let start = Instant::now();
        let mut said = false;
        loop {
            match handle.try_lock() {
                Ok(()) => {
                    return Ok(DirLock {
                        handle,
                        path: dir.to_path_buf(),
                    });
                }
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(error)) => {
                    return Err(error)
                        .with_context(|| format!("cannot lock directory {}", dir.display()));
                }
            }
            let waited = start.elapsed();
            if waited >= timeout {
                bail!(
                    "gave up after {} s: {} still holds the lock on {}; let it finish, or stop it if it is stuck",
                    timeout.as_secs(),
                    holder(&handle),
                    dir.display()
                );
            }
            if !said && waited >= Duration::from_secs(1) {
                note(format!(
                    "waiting for {}, which is writing in {} (giving up after {} s)",
                    holder(&handle),
                    dir.display(),
                    timeout.as_secs()
                ));
                said = true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The locked directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Closing the handle releases the lock anyway; unlocking first just says so.
        let _ = self.handle.unlock();
    }
}

/// Who holds the lock on the directory open as `handle`: `process PID (NAME)` from the
/// system's lock table where there is one (Linux `/proc/locks`), else `another tokhyg process`.
fn holder(handle: &File) -> String {
    lock_holder_pid(handle)
        .map(|pid| {
            let name = fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            match name.trim() {
                "" => format!("process {pid}"),
                name => format!("process {pid} ({name})"),
            }
        })
        .unwrap_or_else(|| "another tokhyg process".to_owned())
}

/// The pid holding an flock on the file open as `handle`, from `/proc/locks`
/// (`1: FLOCK  ADVISORY  WRITE 4242 08:01:131 0 EOF`).
#[cfg(target_os = "linux")]
fn lock_holder_pid(handle: &File) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let metadata = handle.metadata().ok()?;
    let inode = metadata.ino();
    let locks = fs::read_to_string("/proc/locks").ok()?;
    locks.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (kind, pid, device_inode) = (fields.get(1)?, fields.get(4)?, fields.get(5)?);
        let lock_inode: u64 = device_inode.rsplit(':').next()?.parse().ok()?;
        (*kind == "FLOCK" && lock_inode == inode)
            .then(|| pid.parse().ok())
            .flatten()
    })
}

#[cfg(not(target_os = "linux"))]
fn lock_holder_pid(_handle: &File) -> Option<u32> {
    None
}

/// A file's current bytes and metadata, read before replacing it.
#[derive(Debug)]
pub struct Existing {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Its metadata: mode and owner are carried over to the replacement.
    pub metadata: Metadata,
}

/// Reads `path` if it exists. It must be a regular file (symbolic links are resolved by the
/// caller, see `generate_into`).
pub fn read_existing(path: &Path) -> Result<Option<Existing>> {
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    };
    if !metadata.is_file() {
        bail!(
            "{} is not a regular file; refusing to replace it",
            path.display()
        );
    }
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Some(Existing { bytes, metadata }))
}

/// What [`replace`] could not carry over from the old file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Replaced {
    /// The old file's owner or group could not be kept (not allowed to `chown`): the new file
    /// belongs to the current user. Its mode was kept all the same.
    pub owner_changed: bool,
    /// The file has other hard links (names): it was rewritten in place, so that every name
    /// keeps sharing it, instead of replaced by a rename that would have detached this name.
    pub in_place: bool,
}

/// Atomically replaces (or creates) `path` with `bytes`. An existing file's mode and owner are
/// kept (`old` is its metadata); a new file gets `new_mode`.
pub fn replace(
    path: &Path,
    bytes: &[u8],
    old: Option<&Metadata>,
    new_mode: u32,
) -> Result<Replaced> {
    prepare(path, bytes, old, new_mode)?.commit()
}

/// A replacement written and synced, not yet in place: what can fail for want of space or
/// permission has failed by now, and [`Prepared::commit`] only renames (or, for a hard-linked
/// file, rewrites in place). Dropped uncommitted, it leaves nothing.
#[derive(Debug)]
pub struct Prepared {
    target: PathBuf,
    how: Preparation,
}

#[derive(Debug)]
enum Preparation {
    /// The file has other hard links: its new bytes, to write over the old at commit.
    InPlace(Vec<u8>),
    /// A temporary file holding the new bytes, with the old file's attributes.
    Renamed { pending: Pending, report: Replaced },
}

/// Writes the replacement of `path` (see [`replace`]) without putting it in place yet.
pub fn prepare(
    path: &Path,
    bytes: &[u8],
    old: Option<&Metadata>,
    new_mode: u32,
) -> Result<Prepared> {
    if old.is_some_and(has_other_links) {
        return Ok(Prepared {
            target: path.to_path_buf(),
            how: Preparation::InPlace(bytes.to_vec()),
        });
    }
    let dir = parent_dir(path);
    let name = path
        .file_name()
        .with_context(|| format!("{} does not name a file", path.display()))?;
    let pending = Pending::create_in(dir, &name.to_string_lossy())
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let context = || format!("cannot write a temporary file in {}", dir.display());
    (&mut pending.file())
        .write_all(bytes)
        .with_context(context)?;
    let report = copy_attributes(pending.file(), old, new_mode).with_context(context)?;
    pending.file().sync_all().with_context(context)?;
    Ok(Prepared {
        target: path.to_path_buf(),
        how: Preparation::Renamed { pending, report },
    })
}

impl Prepared {
    /// Puts the replacement in place, then syncs the directory so the rename survives a crash.
    pub fn commit(self) -> Result<Replaced> {
        let path = &self.target;
        match self.how {
            Preparation::InPlace(bytes) => {
                write_in_place(path, &bytes)
                    .with_context(|| format!("cannot rewrite {} in place", path.display()))?;
                Ok(Replaced {
                    in_place: true,
                    ..Replaced::default()
                })
            }
            Preparation::Renamed { pending, report } => {
                pending
                    .commit(path)
                    .with_context(|| format!("cannot replace {}", path.display()))?;
                let dir = parent_dir(path);
                File::open(dir)
                    .and_then(|handle| handle.sync_all())
                    .with_context(|| format!("cannot sync directory {}", dir.display()))?;
                Ok(report)
            }
        }
    }
}

/// Whether the file has hard links besides the name being written.
#[cfg(unix)]
fn has_other_links(metadata: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    metadata.nlink() > 1
}

#[cfg(not(unix))]
fn has_other_links(_metadata: &Metadata) -> bool {
    false
}

/// Rewrites a hard-linked file's bytes in its own inode: the new bytes over the old from the
/// start, then the length cut, then a sync. Not atomic (a crash in between leaves a mix): the
/// price of keeping every name of the file, which a rename would detach. The caller holds the
/// directory lock, so tokhyg writers never see the mix.
fn write_in_place(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).open(path)?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)?;
    file.sync_all()
}

/// The real path to write for `path`: absolute, its directory's symbolic links resolved, and,
/// when `path` itself is a symbolic link, its target (writes go *through* a link, so the link
/// stays a link and the file it points to gets the new content). Directories that do not exist
/// yet are kept as written (see [`create_parent_dirs`]); a link to a missing file is refused
/// rather than guessed at.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    let name = path
        .file_name()
        .with_context(|| format!("{} does not name a file", path.display()))?;
    let parent = parent_dir(path);
    let Some(real_parent) = real_dir(parent)? else {
        return Ok(lexical_absolute(parent)?.join(name));
    };
    let joined = real_parent.join(name);
    match fs::symlink_metadata(&joined) {
        Ok(metadata) if metadata.file_type().is_symlink() => match fs::canonicalize(&joined) {
            Ok(real) => Ok(real),
            Err(error) if error.kind() == ErrorKind::NotFound => bail!(
                "{} is a symbolic link to a file that does not exist; create the target or remove the link",
                path.display()
            ),
            Err(error) => {
                Err(error).with_context(|| format!("cannot follow the link {}", path.display()))
            }
        },
        _ => Ok(joined),
    }
}

/// `dir` with its symbolic links resolved, `None` when it does not exist.
fn real_dir(dir: &Path) -> Result<Option<PathBuf>> {
    let real = match fs::canonicalize(dir) {
        Ok(real) => real,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot open directory {}", dir.display()));
        }
    };
    if !real.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    Ok(Some(real))
}

/// `dir` made absolute, `.` and `..` applied to the text, then its deepest existing ancestor
/// resolved and the missing rest appended as written.
fn lexical_absolute(dir: &Path) -> Result<PathBuf> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let mut absolute = PathBuf::new();
    for component in cwd.join(dir).components() {
        match component {
            std::path::Component::ParentDir => {
                absolute.pop();
            }
            std::path::Component::CurDir => {}
            other => absolute.push(other),
        }
    }
    for ancestor in absolute.ancestors() {
        if let Some(real) = real_dir(ancestor)? {
            let rest = absolute.strip_prefix(ancestor).unwrap_or(Path::new(""));
            return Ok(real.join(rest));
        }
    }
    bail!("{} cannot be resolved", dir.display())
}

/// Creates the directories above `path` that do not exist yet, readable by their owner only
/// (0700: they are made to hold secrets); the first one created, if any.
pub fn create_parent_dirs(path: &Path) -> Result<Option<PathBuf>> {
    let dir = parent_dir(path);
    if dir.exists() {
        return Ok(None);
    }
    let mut first = dir.to_path_buf();
    while let Some(parent) = first.parent() {
        if parent.as_os_str().is_empty() || parent.exists() {
            break;
        }
        first = parent.to_path_buf();
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("cannot create directory {}", dir.display()))?;
    Ok(Some(first))
}

/// The directory holding `path` (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

#[cfg(unix)]
fn copy_attributes(
    file: &File,
    old: Option<&Metadata>,
    new_mode: u32,
) -> std::io::Result<Replaced> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let mut report = Replaced::default();
    let mode = match old {
        Some(old) => {
            let mine = file.metadata()?;
            if (old.uid(), old.gid()) != (mine.uid(), mine.gid())
                && std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())).is_err()
            {
                report.owner_changed = true;
            }
            old.mode() & 0o7777
        }
        None => new_mode,
    };
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    Ok(report)
}

#[cfg(not(unix))]
fn copy_attributes(
    file: &File,
    old: Option<&Metadata>,
    _new_mode: u32,
) -> std::io::Result<Replaced> {
    if let Some(old) = old {
        file.set_permissions(old.permissions())?;
    }
    Ok(Replaced::default())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn a_new_file_gets_the_secret_mode_and_no_temp_file_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        replace(&path, b"A=1\n", None, SECRET_FILE_MODE).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"A=1\n");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_existing_file_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let old = read_existing(&path).unwrap().unwrap();
        assert_eq!(old.bytes, b"old");
        replace(&path, b"new", Some(&old.metadata), SECRET_FILE_MODE).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(mode(&path), 0o640);
    }

    #[test]
    fn a_failed_replace_leaves_the_target_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sub");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("inside"), b"x").unwrap();
        // Renaming a file over a non-empty directory fails.
        assert!(replace(&target, b"new", None, SECRET_FILE_MODE).is_err());
        assert!(target.join("inside").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn read_existing_distinguishes_missing_from_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_existing(&dir.path().join("none")).unwrap().is_none());
        assert!(read_existing(dir.path()).is_err());
    }
}
