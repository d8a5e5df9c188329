//! Loose objects are read by tokhyg, not by libgit2. libgit2 1.9 (the latest `libgit2-sys`
//! carries 1.9.7) loops forever inflating a truncated loose object (libgit2 issue 7342, fixed
//! upstream after that release): a scan, and so the pre-commit hook and `git commit`, would hang
//! at 100% CPU. Every repository tokhyg reads objects from gets an object-database backend of
//! ours, consulted after the packs and before libgit2's own loose backend, that reads loose
//! objects with the stream reader of [`super::history::stream`]: a truncated or corrupt loose
//! object is then an error naming it, whatever reads it (the commit walk, a diff, a blob read).

use super::history::stream::loose;
use git2::{ObjectType, Oid, Repository};
use libgit2_sys as raw;
use std::ffi::{CString, c_int, c_void};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Once;

/// Priority of our backend: above libgit2's loose backend (1), below the packs, which
/// [`raise_pack_priority`] moves from 2 to 3 so that packed objects never reach us.
const GUARD_PRIORITY: c_int = 2;
/// See [`GUARD_PRIORITY`].
const PACK_PRIORITY: c_int = 3;

/// Puts our loose-object reader in front of libgit2's in `repo`'s object database. Call it on
/// every repository whose objects tokhyg reads, right after opening it.
pub fn guard(repo: &Repository) -> anyhow::Result<()> {
    raise_pack_priority();
    let objects = repo.path().join("objects");
    let mut dirs = vec![objects.clone()];
    dirs.extend(super::history::stream::read_alternates(&objects)?);
    let odb = repo
        .odb()
        .map_err(|e| anyhow::anyhow!("cannot open the object database: {}", e.message()))?;
    let backend = Box::new(LooseBackend {
        // SAFETY: all-zero is a valid `git_odb_backend` (null pointers, no callbacks);
        // `git_odb_init_backend` then sets the version as libgit2 expects.
        parent: unsafe { std::mem::zeroed() },
        dirs,
    });
    let backend = Box::into_raw(backend);
    // SAFETY: `backend` points to a live `LooseBackend` whose first field (repr(C)) is the
    // `git_odb_backend` libgit2 sees; libgit2 owns it once added and calls `free` to drop it.
    // `odb.raw()` is the repository's object database, valid while `odb` lives.
    let added = unsafe {
        let parent = backend.cast::<raw::git_odb_backend>();
        raw::git_odb_init_backend(parent, raw::GIT_ODB_BACKEND_VERSION);
        (*parent).read = Some(read);
        (*parent).read_header = Some(read_header);
        (*parent).exists = Some(exists);
        (*parent).free = Some(free);
        raw::git_odb_add_backend(git2::Binding::raw(&odb), parent, GUARD_PRIORITY)
    };
    if added < 0 {
        // SAFETY: libgit2 did not take it: it is still ours to drop.
        drop(unsafe { Box::from_raw(backend) });
        anyhow::bail!("cannot set up the reading of loose objects (libgit2 error {added})");
    }
    Ok(())
}

/// Moves libgit2's pack backends above our backend, once per process. Object databases opened
/// earlier keep priority 2 for their packs: ours then ties with them, which costs a file lookup
/// per packed object read but keeps libgit2's loose reader last.
fn raise_pack_priority() {
    static RAISE: Once = Once::new();
    RAISE.call_once(|| {
        // SAFETY: sets a libgit2 global read when an object database is created; done once,
        // before the scan's threads start (the caller has just opened a repository).
        unsafe {
            raw::git_libgit2_opts(raw::GIT_OPT_SET_ODB_PACKED_PRIORITY as c_int, PACK_PRIORITY);
        }
    });
}

/// Our backend: libgit2's struct first, then the object directories (the repository's and its
/// alternates') whose loose objects it reads.
#[repr(C)]
struct LooseBackend {
    parent: raw::git_odb_backend,
    dirs: Vec<PathBuf>,
}

impl LooseBackend {
    /// The loose file of `id`, if one of the directories has it.
    fn path_of(&self, id: Oid) -> Option<PathBuf> {
        self.dirs
            .iter()
            .map(|dir| loose::path_of(dir, id))
            .find(|path| path.is_file())
    }
}

/// Reads loose object `id` whole: type and bytes; `None` when it is not loose.
fn read_whole(path: &Path) -> std::io::Result<Option<(ObjectType, Vec<u8>)>> {
    let Some((kind, size, mut stream)) = loose::open(path)? else {
        return Ok(None);
    };
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 26));
    stream.read_to_end(&mut bytes)?;
    Ok(Some((kind, bytes)))
}

/// The object id libgit2 asks for.
///
/// # Safety
/// `oid` must point to a valid `git_oid`.
unsafe fn oid_of(oid: *const raw::git_oid) -> Oid {
    // SAFETY: the caller passes libgit2's valid oid; SHA-1 ids are 20 bytes.
    let bytes = unsafe { &(*oid).id };
    Oid::from_bytes(bytes).unwrap_or(Oid::ZERO_SHA1)
}

fn raw_kind(kind: ObjectType) -> raw::git_object_t {
    match kind {
        ObjectType::Commit => raw::GIT_OBJECT_COMMIT,
        ObjectType::Tree => raw::GIT_OBJECT_TREE,
        ObjectType::Blob => raw::GIT_OBJECT_BLOB,
        ObjectType::Tag => raw::GIT_OBJECT_TAG,
        _ => raw::GIT_OBJECT_INVALID,
    }
}

/// Records `message` as libgit2's last error and returns its generic error code.
fn fail(message: &str) -> c_int {
    let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
    // SAFETY: `text` is a valid C string; libgit2 copies it.
    unsafe { raw::git_error_set_str(raw::GIT_ERROR_ODB as c_int, text.as_ptr()) };
    raw::GIT_ERROR as c_int
}

/// Runs `body` without letting a panic cross into C (it becomes an error).
fn guarded(body: impl FnOnce() -> c_int) -> c_int {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body))
        .unwrap_or_else(|_| fail("internal error while reading a loose object"))
}

extern "C" fn read(
    data: *mut *mut c_void,
    len: *mut usize,
    kind: *mut raw::git_object_t,
    backend: *mut raw::git_odb_backend,
    oid: *const raw::git_oid,
) -> c_int {
    guarded(|| {
        // SAFETY: libgit2 passes our backend (see `guard`) and a valid oid.
        let (this, id) = unsafe { (&*backend.cast::<LooseBackend>(), oid_of(oid)) };
        let Some(path) = this.path_of(id) else {
            return raw::GIT_ENOTFOUND as c_int;
        };
        match read_whole(&path) {
            Ok(None) => raw::GIT_ENOTFOUND as c_int,
            Ok(Some((object_kind, bytes))) => {
                // SAFETY: libgit2 frees this buffer with `git_odb_backend_data_free`; it holds
                // `bytes.len()` bytes (at least one, as libgit2 asks).
                unsafe {
                    let buffer = raw::git_odb_backend_data_alloc(backend, bytes.len().max(1));
                    if buffer.is_null() {
                        return fail("out of memory reading a loose object");
                    }
                    std::ptr::copy_nonoverlapping(bytes.as_ptr(), buffer.cast(), bytes.len());
                    *data = buffer;
                    *len = bytes.len();
                    *kind = raw_kind(object_kind);
                }
                0
            }
            Err(error) => fail(&format!("{error}")),
        }
    })
}

extern "C" fn read_header(
    len: *mut usize,
    kind: *mut raw::git_object_t,
    backend: *mut raw::git_odb_backend,
    oid: *const raw::git_oid,
) -> c_int {
    guarded(|| {
        // SAFETY: as in `read`.
        let (this, id) = unsafe { (&*backend.cast::<LooseBackend>(), oid_of(oid)) };
        let Some(path) = this.path_of(id) else {
            return raw::GIT_ENOTFOUND as c_int;
        };
        match loose::open(&path) {
            Ok(None) => raw::GIT_ENOTFOUND as c_int,
            Ok(Some((object_kind, size, _))) => {
                let Ok(size) = usize::try_from(size) else {
                    return fail("a loose object larger than this machine can address");
                };
                // SAFETY: libgit2's out pointers.
                unsafe {
                    *len = size;
                    *kind = raw_kind(object_kind);
                }
                0
            }
            Err(error) => fail(&format!("{error}")),
        }
    })
}

extern "C" fn exists(backend: *mut raw::git_odb_backend, oid: *const raw::git_oid) -> c_int {
    guarded(|| {
        // SAFETY: as in `read`.
        let (this, id) = unsafe { (&*backend.cast::<LooseBackend>(), oid_of(oid)) };
        c_int::from(this.path_of(id).is_some())
    })
}

extern "C" fn free(backend: *mut raw::git_odb_backend) {
    // SAFETY: libgit2 calls this once, with the pointer `guard` gave it from `Box::into_raw`.
    drop(unsafe { Box::from_raw(backend.cast::<LooseBackend>()) });
}
