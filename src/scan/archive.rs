//! Archives looked into: zip and its kin (jar, war, ear, apk, whl, nupkg, vsix, xpi: any file
//! that starts like a zip), tar, and gzip, bzip2 and xz streams (`.tar.gz`, `.tgz`, `.tar.bz2`,
//! `.tar.xz`, or one compressed file). Each member is scanned as a file, path rules included,
//! and reported as `dist/app.jar!BOOT-INF/classes/application.yml`; archives inside archives
//! are opened too, [`MAX_DEPTH`] deep. A compressed stream is transparent: the members of
//! `logs.tar.gz` are `logs.tar.gz!app/.env`, and a secret in `dump.sql.gz` is at `dump.sql.gz`,
//! its lines those of the decompressed text.
//!
//! Nothing is unpacked to disk. Tar and compressed streams are read as they come, each member
//! through the scanner's windows (bounded memory whatever its size); a zip needs its directory
//! at the end, so one that is not already in memory is read into memory first, up to
//! [`MAX_ZIP_IN_MEMORY`] (a larger one is not looked into, with a warning). Limits on members,
//! decompressed bytes and compression ratio defeat zip bombs; a corrupt, truncated or encrypted
//! archive is a warning naming it, and the scan goes on.

use std::cell::Cell;
use std::io::{self, Cursor, Read};

/// Archives inside archives looked into, at most (a zip in a tar in a zip). Compressed streams
/// do not count: `a.tar.gz` is one level.
pub const MAX_DEPTH: usize = 3;

/// Members of one archive scanned, at most.
pub const MAX_MEMBERS: usize = 10_000;

/// Bytes decompressed from one archive (all its members and nested archives), at most.
pub const MAX_DECOMPRESSED: u64 = 1 << 30;

/// A member that decompresses to more than this many times its compressed size, once past
/// [`RATIO_FLOOR`] bytes, is a compression bomb: it is read no further.
pub const MAX_RATIO: u64 = 200;

/// Bytes a member may decompress to before its ratio is judged (text compresses 10x at most,
/// runs of one byte 1000x: small files of either are fine).
const RATIO_FLOOR: u64 = 8 << 20;

/// A zip not in memory is read into memory to be opened, up to this size.
pub const MAX_ZIP_IN_MEMORY: u64 = 256 << 20;

/// Compressed streams inside one another, at most (`.gz` of a `.gz`).
const MAX_WRAPPERS: usize = 3;

/// Bytes looked at to tell an archive: a tar says `ustar` at offset 257.
pub const SNIFF_LEN: usize = 262;

/// The kinds of archive recognised, by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `PK\x03\x04` (or an empty zip's `PK\x05\x06`).
    Zip,
    /// `ustar` at offset 257.
    Tar,
    /// `1f 8b`.
    Gzip,
    /// `BZh` and a block size digit.
    Bzip2,
    /// `fd 37 7a 58 5a 00`.
    Xz,
}

impl Kind {
    /// The kind of archive `head` (the first [`SNIFF_LEN`] bytes, or all if fewer) starts, if
    /// any.
    pub fn sniff(head: &[u8]) -> Option<Kind> {
        match head {
            [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] => Some(Kind::Zip),
            [0x1f, 0x8b, ..] => Some(Kind::Gzip),
            [b'B', b'Z', b'h', b'1'..=b'9', ..] => Some(Kind::Bzip2),
            [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => Some(Kind::Xz),
            _ if head.len() >= SNIFF_LEN && &head[257..262] == b"ustar" => Some(Kind::Tar),
            _ => None,
        }
    }

    /// A compressed stream of one file rather than a container of members.
    pub fn is_compression(self) -> bool {
        matches!(self, Kind::Gzip | Kind::Bzip2 | Kind::Xz)
    }

    /// The name used in warnings.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Zip => "zip",
            Kind::Tar => "tar",
            Kind::Gzip => "gzip",
            Kind::Bzip2 => "bzip2",
            Kind::Xz => "xz",
        }
    }
}

/// Where the reading of one top-level archive stands: how deep, how much decompressed so far.
#[derive(Debug)]
pub struct Budget {
    decompressed: Cell<u64>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            decompressed: Cell::new(0),
        }
    }
}

impl Budget {
    /// Whether the archive's decompressed bytes are spent.
    pub fn spent(&self) -> bool {
        self.decompressed.get() >= MAX_DECOMPRESSED
    }
}

/// The nesting of a blob being scanned: archives around it, compressed streams in a row.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nesting {
    /// Containers (zip, tar) around the blob.
    pub depth: usize,
    /// Compressed streams directly around it.
    pub wrappers: usize,
}

/// Why a member's reading stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// It decompressed past [`MAX_RATIO`] times its compressed size.
    Ratio,
    /// The archive's [`MAX_DECOMPRESSED`] bytes are spent.
    Total,
}

/// Counts the compressed bytes read from an archive's underlying stream.
pub struct Counting<R> {
    inner: R,
    count: std::rc::Rc<Cell<u64>>,
}

impl<R: Read> Counting<R> {
    /// `inner`, counted into `count`.
    pub fn new(inner: R, count: std::rc::Rc<Cell<u64>>) -> Self {
        Counting { inner, count }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// A member's decompressed bytes, ended early (as if at its end) when it turns out to be a bomb
/// or the archive's budget is spent; `stopped` says which.
pub struct Limited<'b, R> {
    inner: R,
    /// Compressed bytes consumed so far, when known (a compressed stream's input).
    compressed: Option<std::rc::Rc<Cell<u64>>>,
    /// The compressed size the archive declares for the member (zip), when known.
    declared_compressed: Option<u64>,
    produced: u64,
    budget: &'b Budget,
    stopped: std::rc::Rc<Cell<Option<Stop>>>,
}

impl<'b, R: Read> Limited<'b, R> {
    /// `inner` under the limits; `stopped` is set when they end it.
    pub fn new(
        inner: R,
        compressed: Option<std::rc::Rc<Cell<u64>>>,
        declared_compressed: Option<u64>,
        budget: &'b Budget,
        stopped: std::rc::Rc<Cell<Option<Stop>>>,
    ) -> Self {
        Limited {
            inner,
            compressed,
            declared_compressed,
            produced: 0,
            budget,
            stopped,
        }
    }

    fn over_ratio(&self) -> bool {
        if self.produced < RATIO_FLOOR {
            return false;
        }
        let compressed = match (&self.compressed, self.declared_compressed) {
            (Some(count), _) => count.get(),
            (None, Some(declared)) => declared,
            (None, None) => return false,
        };
        self.produced > compressed.max(1).saturating_mul(MAX_RATIO)
    }
}

impl<R: Read> Read for Limited<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stopped.get().is_some() {
            return Ok(0);
        }
        if self.budget.spent() {
            self.stopped.set(Some(Stop::Total));
            return Ok(0);
        }
        if self.over_ratio() {
            self.stopped.set(Some(Stop::Ratio));
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        let total = &self.budget.decompressed;
        total.set(total.get() + n as u64);
        Ok(n)
    }
}

/// The first [`SNIFF_LEN`] bytes of `reader` (fewer at its end), and a reader giving all of it
/// again from the start.
pub fn peek<'a>(mut reader: Box<dyn Read + 'a>) -> io::Result<(Vec<u8>, Box<dyn Read + 'a>)> {
    let mut head = Vec::with_capacity(SNIFF_LEN);
    (&mut reader)
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut head)?;
    let again = Cursor::new(head.clone()).chain(reader);
    Ok((head, Box::new(again)))
}

/// A decompressor for a compressed stream of `kind`.
pub fn decompressor<'a>(kind: Kind, input: impl Read + 'a) -> Box<dyn Read + 'a> {
    match kind {
        Kind::Gzip => Box::new(flate2::read::MultiGzDecoder::new(input)),
        Kind::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(input)),
        Kind::Xz => Box::new(lzma_rust2::XzReader::new(input, true)),
        Kind::Zip | Kind::Tar => unreachable!("a container is not a compressed stream"),
    }
}

/// The path a member is shown at inside its archive: `/`-separated, without a leading `./`.
pub fn member_path(name: &str) -> String {
    name.trim_start_matches("./")
        .trim_start_matches('/')
        .to_string()
}

/// Whether `nesting` allows opening one more archive of `kind`.
pub fn may_open(kind: Kind, nesting: Nesting) -> bool {
    if kind.is_compression() {
        nesting.wrappers < MAX_WRAPPERS
    } else {
        nesting.depth < MAX_DEPTH
    }
}

/// The nesting inside an archive of `kind` opened at `nesting`.
pub fn inside(kind: Kind, nesting: Nesting) -> Nesting {
    if kind.is_compression() {
        Nesting {
            depth: nesting.depth,
            wrappers: nesting.wrappers + 1,
        }
    } else {
        Nesting {
            depth: nesting.depth + 1,
            wrappers: 0,
        }
    }
}

/// Turns a read error into the end of the stream, keeping the error's message: a member cut
/// short by a corrupt archive is scanned as far as it could be read, and the warning says why
/// it stopped.
pub struct Guarded<R> {
    inner: R,
    error: std::rc::Rc<Cell<Option<io::ErrorKind>>>,
    message: std::rc::Rc<std::cell::RefCell<Option<String>>>,
}

impl<R: Read> Guarded<R> {
    /// `inner`, its first error kept in `message`.
    pub fn new(inner: R, message: std::rc::Rc<std::cell::RefCell<Option<String>>>) -> Self {
        Guarded {
            inner,
            error: std::rc::Rc::new(Cell::new(None)),
            message,
        }
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.error.get().is_some() {
            return Ok(0);
        }
        match self.inner.read(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                self.error.set(Some(e.kind()));
                self.message.borrow_mut().get_or_insert(e.to_string());
                Ok(0)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_are_told_by_their_first_bytes() {
        assert_eq!(Kind::sniff(b"PK\x03\x04rest"), Some(Kind::Zip));
        assert_eq!(Kind::sniff(b"\x1f\x8b\x08"), Some(Kind::Gzip));
        assert_eq!(Kind::sniff(b"BZh91AY"), Some(Kind::Bzip2));
        assert_eq!(Kind::sniff(b"\xfd7zXZ\x00\x00"), Some(Kind::Xz));
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(Kind::sniff(&tar[..SNIFF_LEN]), Some(Kind::Tar));
        assert_eq!(Kind::sniff(b"PKG-INFO"), None);
        assert_eq!(Kind::sniff(b"BZh? not bzip2"), None);
        assert_eq!(Kind::sniff(b""), None);
    }

    #[test]
    fn a_member_past_the_ratio_is_cut_and_says_so() {
        let budget = Budget::default();
        let stopped = std::rc::Rc::new(Cell::new(None));
        let zeros = io::repeat(0).take(RATIO_FLOOR * 2);
        let mut limited = Limited::new(zeros, None, Some(1024), &budget, stopped.clone());
        let mut sink = Vec::new();
        limited.read_to_end(&mut sink).unwrap();
        assert!(sink.len() as u64 <= RATIO_FLOOR + 64 * 1024);
        assert_eq!(stopped.get(), Some(Stop::Ratio));
    }

    #[test]
    fn the_budget_is_shared_by_the_members() {
        let budget = Budget::default();
        budget.decompressed.set(MAX_DECOMPRESSED - 10);
        let stopped = std::rc::Rc::new(Cell::new(None));
        let mut limited = Limited::new(
            &b"0123456789abcdef"[..],
            None,
            None,
            &budget,
            stopped.clone(),
        );
        let mut sink = Vec::new();
        limited.read_to_end(&mut sink).unwrap();
        assert_eq!(sink.len(), 16, "the read in progress finishes");
        assert!(budget.spent());
        let stopped2 = std::rc::Rc::new(Cell::new(None));
        let mut next = Limited::new(&b"more"[..], None, None, &budget, stopped2.clone());
        assert_eq!(next.read(&mut [0; 4]).unwrap(), 0);
        assert_eq!(stopped2.get(), Some(Stop::Total));
    }

    #[test]
    fn nesting_counts_containers_and_lets_compression_through() {
        let top = Nesting::default();
        let gz = inside(Kind::Gzip, top);
        assert_eq!((gz.depth, gz.wrappers), (0, 1));
        let tar = inside(Kind::Tar, gz);
        assert_eq!((tar.depth, tar.wrappers), (1, 0));
        let deep = Nesting {
            depth: MAX_DEPTH,
            wrappers: 0,
        };
        assert!(!may_open(Kind::Zip, deep));
        assert!(may_open(Kind::Gzip, deep));
    }

    #[test]
    fn peek_gives_the_head_and_all_of_the_stream_again() {
        let data: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
        let (head, mut again) = peek(Box::new(&data[..])).unwrap();
        assert_eq!(head, &data[..SNIFF_LEN]);
        let mut all = Vec::new();
        again.read_to_end(&mut all).unwrap();
        assert_eq!(all, data);
    }
}
