//! What a scan read: how many blobs (files) had their content scanned, and how many bytes, for
//! the summary a scan says on standard error. Counted by the scanner itself, so every source
//! (files, standard input, staged, history) is counted the same way.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};

/// Blobs and bytes whose content was scanned (binary blobs, which are not, are left out).
#[derive(Debug, Default)]
pub struct Tally {
    blobs: AtomicU64,
    bytes: AtomicU64,
}

impl Tally {
    /// Counts one scanned blob of `bytes` bytes.
    pub(super) fn add(&self, bytes: u64) {
        self.blobs.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Blobs scanned so far.
    pub fn blobs(&self) -> u64 {
        self.blobs.load(Ordering::Relaxed)
    }

    /// Bytes scanned so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

/// A reader that counts the bytes read through it.
pub(super) struct Counted<R> {
    /// The reader counted.
    pub inner: R,
    /// Bytes read so far.
    pub count: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_is_read_and_what_is_added() {
        let mut reader = Counted {
            inner: &b"hello world"[..],
            count: 0,
        };
        let mut buf = [0; 4];
        reader.read_exact(&mut buf).unwrap();
        assert_eq!(reader.count, 4);
        io::copy(&mut reader, &mut io::sink()).unwrap();
        assert_eq!(reader.count, 11);
        let tally = Tally::default();
        tally.add(11);
        tally.add(5);
        assert_eq!((tally.blobs(), tally.bytes()), (2, 16));
    }
}
