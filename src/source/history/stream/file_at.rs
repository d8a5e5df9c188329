//! Positional reads of a shared file: several streams (on several threads) read one open pack
//! file without sharing, or fighting over, a seek position.

use std::fs::File;
use std::io::{self, Read};
use std::sync::Arc;

/// Reads into `buf` from `file` at `offset` until `buf` is full or the file ends; returns the
/// number of bytes read.
pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match read_once_at(file, &mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// Fills `buf` from `file` at `offset`; a file ending first is an `UnexpectedEof` error.
pub fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    let got = read_at(file, buf, offset)?;
    if got < buf.len() {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!(
                "the file ends at byte {}, {} bytes short of what is read at {offset}",
                offset + got as u64,
                buf.len() - got
            ),
        ));
    }
    Ok(())
}

#[cfg(unix)]
fn read_once_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_once_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    // Windows moves the handle's position too, which nothing here relies on.
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// A `Read` over a shared file from some offset to its end, with a position of its own.
#[derive(Debug)]
pub struct FileAt {
    file: Arc<File>,
    pos: u64,
}

impl FileAt {
    /// Reads `file` from `offset` on.
    pub fn new(file: Arc<File>, offset: u64) -> FileAt {
        FileAt { file, pos: offset }
    }
}

impl Read for FileAt {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = read_once_at(&self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn two_readers_of_one_file_keep_their_own_positions() {
        let mut file = tempfile::tempfile().expect("temp file");
        file.write_all(b"0123456789").expect("write");
        let file = Arc::new(file);
        let (mut a, mut b) = (FileAt::new(file.clone(), 2), FileAt::new(file.clone(), 7));
        let mut buf = [0u8; 3];
        a.read_exact(&mut buf).expect("a");
        assert_eq!(&buf, b"234");
        b.read_exact(&mut buf).expect("b");
        assert_eq!(&buf, b"789");
        a.read_exact(&mut buf).expect("a again");
        assert_eq!(&buf, b"567");
        assert_eq!(b.read(&mut buf).expect("end"), 0);
        let error = read_exact_at(&file, &mut [0u8; 4], 8).expect_err("short");
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }
}
