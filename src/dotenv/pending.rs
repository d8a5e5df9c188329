//! The temporary file a replacement is written to before it takes the target's place. It holds
//! every secret of the `.env` plus the new one, so it must not outlive the process:
//!
//! - on Linux it is created without a name (`O_TMPFILE`) and only linked under a temporary name
//!   for the instant before it is renamed over the target; a process killed before that leaves
//!   nothing on disk;
//! - elsewhere (or on a file system without `O_TMPFILE`) it has a name from the start;
//! - the name is the target's plus `.tokhyg-tmp-XXXXXX` (`.env.tokhyg-tmp-Q7m2Zk`), so the
//!   ignore patterns that keep the `.env` out of git (`.env`, `.env*`, `.env.*`) keep it out too;
//! - SIGINT, SIGTERM, SIGHUP and SIGQUIT are held back while a name exists, so a catchable
//!   signal is acted on once the file is gone or renamed;
//! - names of ours that a SIGKILL or a crash left behind are removed by the next write to the
//!   same directory ([`remove_stale`]; the caller holds the directory lock, so no other writer's
//!   file is among them).

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// What follows the target's name in a temporary file's name.
const MARKER: &str = ".tokhyg-tmp-";
/// Random characters after [`MARKER`].
const RANDOM_LEN: usize = 6;

/// A file being written, to be renamed over its target by [`Pending::commit`]; dropped
/// uncommitted, it is gone.
#[derive(Debug)]
pub struct Pending {
    file: File,
    /// The name it has on disk: `None` while it has none (Linux `O_TMPFILE`).
    named: Option<PathBuf>,
    /// Catchable signals held back while `named` exists.
    _held: Option<HeldSignals>,
}

impl Pending {
    /// A new empty file in `dir`, for replacing the file called `target_name` there; mode 0600.
    pub fn create_in(dir: &Path, target_name: &str) -> io::Result<Pending> {
        if let Some(file) = unnamed_in(dir)? {
            return Ok(Pending {
                file,
                named: None,
                _held: None,
            });
        }
        let held = HeldSignals::hold();
        let (file, path) = named_in(dir, target_name)?;
        Ok(Pending {
            file,
            named: Some(path),
            _held: Some(held),
        })
    }

    /// The file to write.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// Puts the written, synced file in `target`'s place (atomically: a reader sees the old
    /// file or the new one).
    pub fn commit(mut self, target: &Path) -> io::Result<()> {
        let dir = target.parent().unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _held = HeldSignals::hold();
        let path = match self.named.take() {
            Some(path) => path,
            None => link_unnamed(&self.file, dir, &name)?,
        };
        let renamed = fs::rename(&path, target);
        if renamed.is_err() {
            let _ = fs::remove_file(&path);
        }
        renamed
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(path) = self.named.take() {
            let _ = fs::remove_file(path);
        }
    }
}

/// Removes the temporary files of ours for `target_name` that a killed process left in `dir`,
/// and those of the naming tokhyg used before (`.NAME.XXXXXX.tokhyg-tmp`); how many. Call it
/// holding the directory's lock.
pub fn remove_stale(dir: &Path, target_name: &str) -> io::Result<usize> {
    let ours = |file: &str| {
        let current = file
            .strip_prefix(target_name)
            .and_then(|rest| rest.strip_prefix(MARKER))
            .is_some_and(|random| random.len() == RANDOM_LEN && is_alphanumeric(random));
        let before = file
            .strip_prefix('.')
            .and_then(|rest| rest.strip_prefix(target_name))
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(".tokhyg-tmp"))
            .is_some_and(|random| random.len() == RANDOM_LEN && is_alphanumeric(random));
        current || before
    };
    let mut removed = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && ours(&entry.file_name().to_string_lossy()) {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn is_alphanumeric(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A file with a fresh name of ours beside the target, mode 0600 where there are modes.
fn named_in(dir: &Path, target_name: &str) -> io::Result<(File, PathBuf)> {
    let prefix = format!("{target_name}{MARKER}");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).rand_bytes(RANDOM_LEN);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(super::atomic::SECRET_FILE_MODE));
    }
    let named = builder.tempfile_in(dir)?;
    let (file, path) = named.keep().map_err(|error| error.error)?;
    Ok((file, path))
}

/// A file without a name in `dir`, where the platform and the file system allow it.
#[cfg(target_os = "linux")]
fn unnamed_in(dir: &Path) -> io::Result<Option<File>> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::io::FromRawFd;
    let path = CString::new(dir.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in a path"))?;
    let mode = libc::c_uint::from(super::atomic::SECRET_FILE_MODE);
    // SAFETY: `path` is a valid C string; the returned descriptor is ours alone.
    let fd = unsafe {
        libc::open(
            path.as_ptr(),
            libc::O_TMPFILE | libc::O_RDWR | libc::O_CLOEXEC,
            mode,
        )
    };
    if fd < 0 {
        let error = io::Error::last_os_error();
        // No support in this kernel or file system: use a named file.
        return match error.raw_os_error() {
            Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL | libc::ENOSYS) => Ok(None),
            _ => Err(error),
        };
    }
    // SAFETY: `fd` is a freshly opened descriptor that nothing else owns.
    Ok(Some(unsafe { File::from_raw_fd(fd) }))
}

#[cfg(not(target_os = "linux"))]
fn unnamed_in(_dir: &Path) -> io::Result<Option<File>> {
    Ok(None)
}

/// Gives the unnamed `file` a temporary name of ours in `dir`; that name.
#[cfg(target_os = "linux")]
fn link_unnamed(file: &File, dir: &Path, target_name: &str) -> io::Result<PathBuf> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::io::AsRawFd;
    let proc_path = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()))
        .map_err(|_| io::Error::other("a NUL byte in a path"))?;
    for _ in 0..16 {
        let random: String = (0..RANDOM_LEN)
            .map(|_| {
                let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
                char::from(alphabet[rand::random_range(0..alphabet.len())])
            })
            .collect();
        let path = dir.join(format!("{target_name}{MARKER}{random}"));
        let c_path = CString::new(path.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in a path"))?;
        // SAFETY: both are valid C strings; linkat does not keep them.
        let linked = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                proc_path.as_ptr(),
                libc::AT_FDCWD,
                c_path.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if linked == 0 {
            return Ok(path);
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::AlreadyExists {
            return Err(error);
        }
    }
    Err(io::Error::other("no free temporary name after 16 tries"))
}

#[cfg(not(target_os = "linux"))]
fn link_unnamed(_file: &File, _dir: &Path, _target_name: &str) -> io::Result<PathBuf> {
    unreachable!("files are only created without a name on Linux")
}

/// SIGINT, SIGTERM, SIGHUP and SIGQUIT held back (blocked) while this lives; a signal that
/// arrives meanwhile is acted on when it is dropped.
#[derive(Debug)]
struct HeldSignals {
    #[cfg(unix)]
    previous: libc::sigset_t,
}

impl HeldSignals {
    #[cfg(unix)]
    fn hold() -> HeldSignals {
        // SAFETY: sigset_t is plain data, initialised by sigemptyset before use; the mask
        // change affects this thread, which is the one writing (tokhyg writes from the main
        // thread, with no other thread running).
        unsafe {
            let mut held: libc::sigset_t = std::mem::zeroed();
            let mut previous: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut held);
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
                libc::sigaddset(&mut held, signal);
            }
            libc::pthread_sigmask(libc::SIG_BLOCK, &held, &mut previous);
            HeldSignals { previous }
        }
    }

    #[cfg(not(unix))]
    fn hold() -> HeldSignals {
        HeldSignals {}
    }
}

impl Drop for HeldSignals {
    fn drop(&mut self) {
        // SAFETY: restores the mask saved by `hold` on this thread.
        #[cfg(unix)]
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.previous, std::ptr::null_mut());
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_committed_file_replaces_its_target_and_leaves_no_other_name() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(".env");
        fs::write(&target, "OLD=1\n").unwrap();
        let pending = Pending::create_in(dir.path(), ".env").unwrap();
        use std::io::Write;
        pending.file().write_all(b"NEW=1\n").unwrap();
        pending.commit(&target).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "NEW=1\n");
        assert_eq!(names(dir.path()), [".env"]);
    }

    #[test]
    fn a_dropped_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let pending = Pending::create_in(dir.path(), ".env").unwrap();
        use std::io::Write;
        pending.file().write_all(b"SECRET=1\n").unwrap();
        drop(pending);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn stale_files_of_ours_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            ".env",
            ".env.tokhyg-tmp-Q7m2Zk",
            "..env.a1B2c3.tokhyg-tmp",
            ".env.tokhyg-tmp-short",
            ".env.local",
            "other.tokhyg-tmp-Q7m2Zk",
        ] {
            fs::write(dir.path().join(name), "x").unwrap();
        }
        assert_eq!(remove_stale(dir.path(), ".env").unwrap(), 2);
        assert_eq!(
            names(dir.path()),
            [
                ".env",
                ".env.local",
                ".env.tokhyg-tmp-short",
                "other.tokhyg-tmp-Q7m2Zk"
            ]
        );
    }

    #[test]
    fn temporary_names_match_the_ignore_patterns_of_their_target() {
        let dir = tempfile::tempdir().unwrap();
        let (_file, path) = named_in(dir.path(), ".env").unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(".env.tokhyg-tmp-"), "{name}");
        let _ = fs::remove_file(path);
    }
}
