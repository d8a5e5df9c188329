//! Streams of git objects read straight from the object directories, for blobs too large to
//! read whole. libgit2 reads every object into memory (and cannot stream packed objects), so a
//! 1 GiB blob would cost 1 GiB of memory; here a blob is a `Read` of bounded memory:
//!
//! - a loose object is inflated as it is read ([`loose`]);
//! - an undeltified pack entry is inflated from the pack file as it is read ([`pack`]);
//! - a delta entry's chain is resolved down to a whole object; each base in turn is spilled
//!   into an anonymous temporary file and the delta above it applied as a stream over that
//!   file ([`delta`]). Memory stays at a few buffers whatever the sizes; the disk holds at most
//!   two versions of the object at a time.
//!
//! The object directories are the repository's (`objects` under its common directory, which
//! for a linked worktree is the main repository's) and those its `objects/info/alternates`
//! name, recursively as libgit2 does.

mod delta;
mod exact;
mod file_at;
pub(crate) mod loose;
mod pack;
mod pack_index;

use delta::DeltaReader;
use git2::{ObjectType, Oid, Repository};
use pack::{EntryKind, Pack};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// How deep alternates may name further alternates (libgit2's limit too).
const MAX_ALTERNATE_DEPTH: usize = 5;
/// Longer delta chains are refused: they can only come from a corrupt pack (a cycle of
/// `REF_DELTA`s); git itself writes chains of at most 4095.
const MAX_DELTA_CHAIN: usize = 10_000;
/// Buffer over a spilled base: copy instructions are read through it.
const BASE_BUFFER: usize = 256 * 1024;
/// Buffer of the writes that spill a base.
const SPILL_BUFFER: usize = 1024 * 1024;

/// The bytes of an object, as a stream.
pub type ObjectStream = Box<dyn Read + Send>;

/// An object opened as a stream.
pub struct StreamedObject {
    /// Its type.
    pub kind: ObjectType,
    /// Its size in bytes: exactly what the stream yields (or it fails).
    pub size: u64,
    /// Its bytes.
    pub reader: ObjectStream,
}

impl std::fmt::Debug for StreamedObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StreamedObject({}, {} bytes)", self.kind, self.size)
    }
}

/// Opens objects of one repository as streams. Shareable between threads: packs are opened
/// once, on first use, and read with positional reads.
#[derive(Debug)]
pub struct ObjectStreams {
    dirs: Vec<ObjectDir>,
}

/// One object directory and its packs.
#[derive(Debug)]
struct ObjectDir {
    path: PathBuf,
    packs: Vec<PackSlot>,
}

/// A pack, by its index's path, opened on first use. A pack that cannot be opened (an index
/// version this reader does not know, a pack removed by a concurrent `git gc`) stays `None`:
/// its objects are then "not located" and the caller reads them with libgit2, which reports
/// any real damage itself.
#[derive(Debug)]
struct PackSlot {
    idx: PathBuf,
    pack: OnceLock<Option<Pack>>,
}

impl PackSlot {
    fn get(&self) -> Option<&Pack> {
        self.pack
            .get_or_init(|| Pack::open(&self.idx).ok())
            .as_ref()
    }
}

/// Where an object was found.
enum Location<'s> {
    Packed(&'s Pack, u64),
    Loose(PathBuf),
}

impl ObjectStreams {
    /// The object directories of `repo`: the same ones libgit2 reads.
    pub fn for_repository(repo: &Repository) -> io::Result<ObjectStreams> {
        ObjectStreams::open(&repo.commondir().join("objects"))
    }

    /// The object directory `objects` and its alternates. Lists the packs; opens none yet.
    pub fn open(objects: &Path) -> io::Result<ObjectStreams> {
        let mut streams = ObjectStreams { dirs: Vec::new() };
        streams.add_dir(objects, 0)?;
        Ok(streams)
    }

    fn add_dir(&mut self, objects: &Path, depth: usize) -> io::Result<()> {
        let canonical = objects
            .canonicalize()
            .unwrap_or_else(|_| objects.to_path_buf());
        if self.dirs.iter().any(|dir| dir.path == canonical) {
            return Ok(());
        }
        let packs = list_packs(&canonical)?;
        self.dirs.push(ObjectDir {
            path: canonical.clone(),
            packs,
        });
        if depth >= MAX_ALTERNATE_DEPTH {
            return Ok(());
        }
        for alternate in read_alternates(&canonical)? {
            self.add_dir(&alternate, depth + 1)?;
        }
        Ok(())
    }

    /// Opens blob `id` as a stream: its size and its bytes. `Ok(None)` when this reader cannot
    /// locate the object (not in any pack it can read, nor loose): read it another way. An
    /// object that is located but damaged is an error; so is an object that is not a blob.
    pub fn open_blob(&self, id: Oid) -> io::Result<Option<(u64, ObjectStream)>> {
        match self.open_object(id)? {
            None => Ok(None),
            Some(object) if object.kind == ObjectType::Blob => {
                Ok(Some((object.size, object.reader)))
            }
            Some(object) => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("expected a blob, found a {}", object.kind),
            )),
        }
    }

    /// Opens object `id` of any type as a stream; `Ok(None)` when it cannot be located.
    pub fn open_object(&self, id: Oid) -> io::Result<Option<StreamedObject>> {
        match self.locate(id)? {
            None => Ok(None),
            Some(Location::Loose(path)) => open_loose(&path),
            Some(Location::Packed(pack, offset)) => self.open_packed(pack, offset),
        }
    }

    fn locate(&self, id: Oid) -> io::Result<Option<Location<'_>>> {
        for dir in &self.dirs {
            for pack in dir.packs.iter().filter_map(PackSlot::get) {
                if let Some(offset) = pack.find(id)? {
                    return Ok(Some(Location::Packed(pack, offset)));
                }
            }
        }
        for dir in &self.dirs {
            let path = loose::path_of(&dir.path, id);
            if path.is_file() {
                return Ok(Some(Location::Loose(path)));
            }
        }
        Ok(None)
    }

    /// Follows the delta chain from the entry at `offset` down to a whole object, then applies
    /// the deltas back up, each over its spilled base.
    fn open_packed(&self, pack: &Pack, offset: u64) -> io::Result<Option<StreamedObject>> {
        let mut deltas: Vec<(&Pack, pack::Entry)> = Vec::new();
        let (mut pack, mut entry) = (pack, pack.entry(offset)?);
        let mut object = loop {
            if deltas.len() > MAX_DELTA_CHAIN {
                return Err(pack.corrupt(
                    entry.offset,
                    format_args!("delta chain longer than {MAX_DELTA_CHAIN} (a cycle?)"),
                ));
            }
            match entry.kind {
                EntryKind::Whole(kind) => {
                    break StreamedObject {
                        kind,
                        size: entry.size,
                        reader: Box::new(pack.data(&entry)),
                    };
                }
                EntryKind::OfsDelta { base_offset } => {
                    let base = pack.entry(base_offset)?;
                    deltas.push((pack, std::mem::replace(&mut entry, base)));
                }
                EntryKind::RefDelta { base } => match self.locate(base)? {
                    // A base this reader cannot find: let the caller read the object whole.
                    None => return Ok(None),
                    Some(Location::Loose(path)) => {
                        deltas.push((pack, entry));
                        match open_loose(&path)? {
                            Some(object) => break object,
                            None => return Ok(None),
                        }
                    }
                    Some(Location::Packed(base_pack, base_offset)) => {
                        let base = base_pack.entry(base_offset)?;
                        deltas.push((pack, std::mem::replace(&mut entry, base)));
                        pack = base_pack;
                    }
                },
            }
        };
        for (pack, entry) in deltas.iter().rev() {
            let kind = object.kind;
            let (base, base_len) = spill(object)?;
            let delta = BufReader::new(pack.data(entry));
            let label = format!(
                "pack {}, entry at offset {}",
                pack.path().display(),
                entry.offset
            );
            let base = BufReader::with_capacity(BASE_BUFFER, base);
            let target = DeltaReader::new(base, base_len, delta, label)?;
            object = StreamedObject {
                kind,
                size: target.target_len(),
                reader: Box::new(target),
            };
        }
        Ok(Some(object))
    }
}

fn open_loose(path: &Path) -> io::Result<Option<StreamedObject>> {
    Ok(
        loose::open(path)?.map(|(kind, size, reader)| StreamedObject {
            kind,
            size,
            reader: Box::new(reader),
        }),
    )
}

/// Writes `object` into an anonymous temporary file (gone when closed), rewound; its length.
fn spill(mut object: StreamedObject) -> io::Result<(File, u64)> {
    let file = tempfile::tempfile().map_err(|error| {
        io::Error::new(
            error.kind(),
            format!(
                "cannot create a temporary file in {} for a delta base: {error}",
                std::env::temp_dir().display()
            ),
        )
    })?;
    let mut out = io::BufWriter::with_capacity(SPILL_BUFFER, file);
    let written = io::copy(&mut object.reader, &mut out)?;
    let mut file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.rewind()?;
    Ok((file, written))
}

/// The packs of an object directory, by index path, in name order. No `pack` directory means
/// no packs.
fn list_packs(objects: &Path) -> io::Result<Vec<PackSlot>> {
    let dir = objects.join("pack");
    let listed = unless_absent(std::fs::read_dir(&dir), || {
        format!("cannot list {}", dir.display())
    })?;
    let Some(entries) = listed else {
        return Ok(Vec::new());
    };
    let mut idx = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "idx") {
            idx.push(path);
        }
    }
    idx.sort();
    Ok(idx
        .into_iter()
        .map(|idx| PackSlot {
            idx,
            pack: OnceLock::new(),
        })
        .collect())
}

/// The directories `objects/info/alternates` names, relative ones resolved against `objects`.
/// Blank lines and `#` comments are skipped, as git does. A C-quoted path (git writes one for
/// a path with unusual characters) is not decoded: its objects are read with libgit2 instead.
pub(crate) fn read_alternates(objects: &Path) -> io::Result<Vec<PathBuf>> {
    let file = objects.join("info").join("alternates");
    let read = unless_absent(std::fs::read_to_string(&file), || {
        format!("cannot read {}", file.display())
    })?;
    let Some(text) = read else {
        return Ok(Vec::new());
    };
    Ok(text
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty() && !line.starts_with('#') && !line.starts_with('"'))
        .map(|line| objects.join(line))
        .collect())
}

/// `result` of an operation on a file that may not exist: `None` when it does not, other errors
/// prefixed with `context()` (which names the file).
fn unless_absent<T>(
    result: io::Result<T>,
    context: impl FnOnce() -> String,
) -> io::Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(io::Error::new(
            error.kind(),
            format!("{}: {error}", context()),
        )),
    }
}

#[cfg(test)]
mod tests;
