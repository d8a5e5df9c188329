//! Pack files (`objects/pack/*.pack`): an entry's header (its type and inflated size, and for a
//! delta where its base is) and a stream of its inflated data.
//!
//! An entry starts with a size varint whose first byte also holds the type (bits 4-6) and the
//! size's low four bits. An `OFS_DELTA` entry then names its base by a negative offset in git's
//! "offset encoding" (each continuation adds one before shifting, so no value has two
//! encodings); a `REF_DELTA` names it by object id. Zlib-compressed data follows.

use super::exact::Exact;
use super::file_at::{FileAt, read_at, read_exact_at};
use super::pack_index::PackIndex;
use flate2::bufread::ZlibDecoder;
use git2::{ObjectType, Oid};
use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bytes of compressed pack data read from the file at a time.
const READ_BUFFER: usize = 64 * 1024;
/// Longest entry header: a 64-bit size varint (10 bytes) and a 20-byte base id.
const MAX_HEADER_LEN: usize = 32;
/// "PACK", version, object count.
const PACK_HEADER_LEN: u64 = 12;
/// The pack's trailing checksum.
const TRAILER_LEN: u64 = 20;

/// What an entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A whole object of this type.
    Whole(ObjectType),
    /// A delta against the entry at this offset of the same pack.
    OfsDelta {
        /// The base entry's offset.
        base_offset: u64,
    },
    /// A delta against the object with this id, wherever it is.
    RefDelta {
        /// The base object's id.
        base: Oid,
    },
}

/// One parsed entry header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Where the entry starts in the pack.
    pub offset: u64,
    /// What it holds.
    pub kind: EntryKind,
    /// Inflated size of its data: the object's size, or for a delta the delta's.
    pub size: u64,
    /// Where its compressed data starts.
    pub data_offset: u64,
}

/// An open pack and its index.
#[derive(Debug)]
pub struct Pack {
    path: PathBuf,
    file: Arc<File>,
    len: u64,
    index: PackIndex,
}

impl Pack {
    /// Opens the pack of the index at `idx_path` and checks that they belong together.
    pub fn open(idx_path: &Path) -> io::Result<Pack> {
        let index = PackIndex::open(idx_path)?;
        let path = idx_path.with_extension("pack");
        let with_path =
            |error: io::Error| io::Error::new(error.kind(), format!("{}: {error}", path.display()));
        let file = File::open(&path).map_err(with_path)?;
        let len = file.metadata().map_err(with_path)?.len();
        let mut head = [0u8; PACK_HEADER_LEN as usize];
        read_exact_at(&file, &mut head, 0).map_err(with_path)?;
        let version = u32::from_be_bytes([head[4], head[5], head[6], head[7]]);
        let count = u32::from_be_bytes([head[8], head[9], head[10], head[11]]);
        let pack = Pack {
            path,
            file: Arc::new(file),
            len,
            index,
        };
        if &head[..4] != b"PACK" || !(version == 2 || version == 3) {
            return Err(pack.corrupt(0, "not a version 2 or 3 pack file"));
        }
        if u64::from(count) != pack.index.count() {
            return Err(pack.corrupt(
                0,
                format_args!(
                    "holds {count} objects but its index lists {}",
                    pack.index.count()
                ),
            ));
        }
        Ok(pack)
    }

    /// The pack file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the entry of object `id` starts, if this pack holds it.
    pub fn find(&self, id: Oid) -> io::Result<Option<u64>> {
        let Some(offset) = self.index.find(id.as_bytes())? else {
            return Ok(None);
        };
        if offset < PACK_HEADER_LEN || offset >= self.len.saturating_sub(TRAILER_LEN) {
            return Err(self.corrupt(
                offset,
                format_args!("the index puts object {id} there, outside the pack"),
            ));
        }
        Ok(Some(offset))
    }

    /// Reads the header of the entry at `offset`.
    pub fn entry(&self, offset: u64) -> io::Result<Entry> {
        if offset < PACK_HEADER_LEN || offset >= self.len {
            return Err(self.corrupt(offset, "no entry can start there"));
        }
        let mut head = [0u8; MAX_HEADER_LEN];
        let got = read_at(&self.file, &mut head, offset).map_err(|e| self.corrupt(offset, e))?;
        parse_entry_header(&head[..got], offset).map_err(|what| self.corrupt(offset, what))
    }

    /// The inflated data of `entry`, exactly `entry.size` bytes (any other length, or a zlib
    /// error, is an error naming the pack and the entry).
    pub fn data(&self, entry: &Entry) -> Exact<ZlibDecoder<BufReader<FileAt>>> {
        let compressed = BufReader::with_capacity(
            READ_BUFFER,
            FileAt::new(self.file.clone(), entry.data_offset),
        );
        Exact::new(
            ZlibDecoder::new(compressed),
            entry.size,
            format!(
                "pack {}, entry at offset {}",
                self.path.display(),
                entry.offset
            ),
        )
    }

    /// An error naming this pack and an offset in it.
    pub fn corrupt(&self, offset: u64, what: impl std::fmt::Display) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "pack {}, entry at offset {offset}: {what}",
                self.path.display()
            ),
        )
    }
}

/// Parses the entry header in `head` (the bytes at `offset`, or fewer at the end of the file).
/// The error says what is wrong.
pub fn parse_entry_header(head: &[u8], offset: u64) -> Result<Entry, String> {
    let mut bytes = head.iter().copied();
    let mut next = || {
        bytes
            .next()
            .ok_or("the entry header is cut off by the end of the pack")
    };
    let mut byte = next()?;
    let type_bits = (byte >> 4) & 0b111;
    let mut size = u64::from(byte & 0x0f);
    let mut shift = 4;
    while byte & 0x80 != 0 {
        byte = next()?;
        if shift > 63 - 7 {
            return Err("the entry's size does not fit in 64 bits".into());
        }
        size |= u64::from(byte & 0x7f) << shift;
        shift += 7;
    }
    let kind = match type_bits {
        1 => EntryKind::Whole(ObjectType::Commit),
        2 => EntryKind::Whole(ObjectType::Tree),
        3 => EntryKind::Whole(ObjectType::Blob),
        4 => EntryKind::Whole(ObjectType::Tag),
        6 => {
            byte = next()?;
            let mut distance = u64::from(byte & 0x7f);
            while byte & 0x80 != 0 {
                byte = next()?;
                if distance >= (u64::MAX >> 7) - 1 {
                    return Err("the delta's base offset does not fit in 64 bits".into());
                }
                distance = ((distance + 1) << 7) | u64::from(byte & 0x7f);
            }
            match offset.checked_sub(distance) {
                Some(base_offset) if distance > 0 && base_offset >= PACK_HEADER_LEN => {
                    EntryKind::OfsDelta { base_offset }
                }
                _ => {
                    return Err(format!(
                        "its delta base lies {distance} bytes before it, outside the pack"
                    ));
                }
            }
        }
        7 => {
            let mut id = [0u8; 20];
            for slot in &mut id {
                *slot = next()?;
            }
            let base = Oid::from_bytes(&id).map_err(|e| e.message().to_owned())?;
            EntryKind::RefDelta { base }
        }
        other => return Err(format!("unknown entry type {other}")),
    };
    let header_len = head.len() - bytes.len();
    Ok(Entry {
        offset,
        kind,
        size,
        data_offset: offset + header_len as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_entry_sizes_span_several_bytes() {
        // Blob of size 0x1234 5: low nibble 5, then 7-bit groups.
        let size: u64 = 0x12345;
        let head = [
            0x80 | (3 << 4) | (size & 0x0f) as u8,
            0x80 | ((size >> 4) & 0x7f) as u8,
            ((size >> 11) & 0x7f) as u8,
        ];
        let entry = parse_entry_header(&head, 100).expect("parses");
        assert_eq!(entry.kind, EntryKind::Whole(ObjectType::Blob));
        assert_eq!(entry.size, size);
        assert_eq!(entry.data_offset, 103);
    }

    #[test]
    fn ofs_delta_distances_use_git_offset_encoding() {
        // Two bytes 0x81 0x00 encode ((1 + 1) << 7) | 0 = 256.
        let entry = parse_entry_header(&[0x6a, 0x81, 0x00], 1000).expect("parses");
        assert_eq!(entry.kind, EntryKind::OfsDelta { base_offset: 744 });
        assert_eq!((entry.size, entry.data_offset), (10, 1003));
        // One byte 0x05: 5 back.
        let entry = parse_entry_header(&[0x60, 0x05], 50).expect("parses");
        assert_eq!(entry.kind, EntryKind::OfsDelta { base_offset: 45 });
    }

    #[test]
    fn ref_delta_names_its_base() {
        let mut head = vec![0x70];
        head.extend(1..=20u8);
        let entry = parse_entry_header(&head, 12).expect("parses");
        let base = Oid::from_bytes(&(1..=20u8).collect::<Vec<_>>()).expect("oid");
        assert_eq!(entry.kind, EntryKind::RefDelta { base });
        assert_eq!(entry.data_offset, 12 + 21);
    }

    #[test]
    fn bad_headers_are_errors_not_panics() {
        for (head, offset, want) in [
            (&[0x50][..], 20, "unknown entry type 5"),
            (&[0x00][..], 20, "unknown entry type 0"),
            (&[0xb0][..], 20, "cut off"),
            (&[0x60, 0x20][..], 20, "outside the pack"),
            (&[0x60, 0x00][..], 20, "outside the pack"),
            (&[0x70, 1, 2][..], 20, "cut off"),
            (
                &[
                    0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
                ][..],
                20,
                "64 bits",
            ),
            (
                &[
                    0x60, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
                ][..],
                u64::MAX,
                "64 bits",
            ),
        ] {
            let error = parse_entry_header(head, offset).expect_err("bad header");
            assert!(error.contains(want), "{head:?}: {error}");
        }
        assert!(parse_entry_header(&[], 20).is_err());
    }
}
