//! Pack index files (`objects/pack/*.idx`, versions 1 and 2): where in its pack an object's
//! entry starts. Only the 1 KiB fan-out table is held in memory; a lookup binary-searches the
//! sorted object names on disk with positional reads (about twenty of them), which is cheap
//! for the few large blobs this serves and keeps memory independent of the object count.

use super::file_at::read_exact_at;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// First bytes of a version 2 index; a version 1 index starts with its fan-out table.
const V2_MAGIC: [u8; 4] = [0xff, b't', b'O', b'c'];
/// Length of an object name (SHA-1).
const HASH_LEN: u64 = 20;
/// Entries of the fan-out table.
const FANOUT_LEN: usize = 256;
/// Two trailing checksums: the pack's and the index's own.
const TRAILER_LEN: u64 = 2 * HASH_LEN;

/// An open pack index.
#[derive(Debug)]
pub struct PackIndex {
    file: File,
    path: PathBuf,
    version: u32,
    /// `fanout[b]`: how many names start with a byte `<= b`.
    fanout: Box<[u32; FANOUT_LEN]>,
    len: u64,
}

impl PackIndex {
    /// Opens the index at `path` and checks its header, fan-out table and length.
    pub fn open(path: &Path) -> io::Result<PackIndex> {
        let with_path =
            |error: io::Error| io::Error::new(error.kind(), format!("{}: {error}", path.display()));
        let file = File::open(path).map_err(with_path)?;
        let len = file.metadata().map_err(with_path)?.len();
        let mut head = [0u8; 8];
        read_exact_at(&file, &mut head, 0).map_err(with_path)?;
        let (version, fanout_at) = if head[..4] == V2_MAGIC {
            match u32::from_be_bytes([head[4], head[5], head[6], head[7]]) {
                2 => (2, 8),
                other => {
                    return Err(io::Error::new(
                        io::ErrorKind::Unsupported,
                        format!(
                            "{}: pack index version {other} is not supported",
                            path.display()
                        ),
                    ));
                }
            }
        } else {
            (1, 0)
        };
        let mut raw = [0u8; FANOUT_LEN * 4];
        read_exact_at(&file, &mut raw, fanout_at).map_err(with_path)?;
        let mut fanout = Box::new([0u32; FANOUT_LEN]);
        for (slot, bytes) in fanout.iter_mut().zip(raw.chunks_exact(4)) {
            *slot = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        let index = PackIndex {
            file,
            path: path.to_path_buf(),
            version,
            fanout,
            len,
        };
        if index.fanout.windows(2).any(|pair| pair[0] > pair[1]) {
            return Err(index.corrupt("its fan-out table is not sorted"));
        }
        if index.len < index.names_at() + index.count() * index.entry_len() + TRAILER_LEN {
            return Err(index.corrupt(format_args!(
                "{} bytes is too short for {} objects",
                index.len,
                index.count()
            )));
        }
        Ok(index)
    }

    /// Number of objects in the pack.
    pub fn count(&self) -> u64 {
        u64::from(self.fanout[FANOUT_LEN - 1])
    }

    /// The pack offset of the entry of object `id` (20 bytes), if the pack holds it.
    pub fn find(&self, id: &[u8]) -> io::Result<Option<u64>> {
        let Some(&first) = id.first() else {
            return Ok(None);
        };
        if id.len() as u64 != HASH_LEN {
            return Ok(None);
        }
        let first = usize::from(first);
        let mut lo = if first == 0 {
            0
        } else {
            u64::from(self.fanout[first - 1])
        };
        let mut hi = u64::from(self.fanout[first]);
        let mut name = [0u8; HASH_LEN as usize];
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            read_exact_at(&self.file, &mut name, self.name_offset(mid))
                .map_err(|error| self.corrupt(error))?;
            match name.as_slice().cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return self.pack_offset(mid).map(Some),
            }
        }
        Ok(None)
    }

    /// Where the per-object table starts.
    fn names_at(&self) -> u64 {
        match self.version {
            1 => FANOUT_LEN as u64 * 4,
            _ => 8 + FANOUT_LEN as u64 * 4,
        }
    }

    /// Bytes per object in the fixed-size tables (v1: offset + name; v2: name, CRC, offset).
    fn entry_len(&self) -> u64 {
        match self.version {
            1 => 4 + HASH_LEN,
            _ => HASH_LEN + 4 + 4,
        }
    }

    fn name_offset(&self, i: u64) -> u64 {
        match self.version {
            1 => self.names_at() + i * (4 + HASH_LEN) + 4,
            _ => self.names_at() + i * HASH_LEN,
        }
    }

    fn pack_offset(&self, i: u64) -> io::Result<u64> {
        let mut word = [0u8; 4];
        let at = match self.version {
            1 => self.names_at() + i * (4 + HASH_LEN),
            _ => self.names_at() + self.count() * (HASH_LEN + 4) + i * 4,
        };
        read_exact_at(&self.file, &mut word, at).map_err(|error| self.corrupt(error))?;
        let small = u32::from_be_bytes(word);
        if self.version == 1 || small & 0x8000_0000 == 0 {
            return Ok(u64::from(small));
        }
        // v2 offsets of 2 GiB and more live in a table of 8-byte offsets after the 4-byte ones.
        let large = u64::from(small & 0x7fff_ffff);
        let mut wide = [0u8; 8];
        let at = self.names_at() + self.count() * (HASH_LEN + 4 + 4) + large * 8;
        if at + 8 + TRAILER_LEN > self.len {
            return Err(self.corrupt(format_args!("large offset {large} is outside the file")));
        }
        read_exact_at(&self.file, &mut wide, at).map_err(|error| self.corrupt(error))?;
        Ok(u64::from_be_bytes(wide))
    }

    fn corrupt(&self, what: impl std::fmt::Display) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("corrupt pack index {}: {what}", self.path.display()),
        )
    }
}
