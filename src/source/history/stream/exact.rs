//! A reader that yields exactly the number of bytes an object's header announced: data ending
//! early, or going on past it, is an error naming where the data came from. Reading past the
//! announced end also makes the zlib decoder underneath check the stream's Adler-32 checksum,
//! which is what catches a flipped byte that still inflates.

use std::io::{self, Read};

/// `inner`, checked to hold exactly `len` bytes. Errors name the data by `label`.
#[derive(Debug)]
pub struct Exact<R> {
    inner: R,
    len: u64,
    remaining: u64,
    label: String,
    end_checked: bool,
}

impl<R: Read> Exact<R> {
    /// Expects `len` bytes from `inner`; `label` says what they are ("pack X, entry at Y").
    pub fn new(inner: R, len: u64, label: String) -> Exact<R> {
        Exact {
            inner,
            len,
            remaining: len,
            label,
            end_checked: false,
        }
    }

    fn error(&self, kind: io::ErrorKind, what: impl std::fmt::Display) -> io::Error {
        io::Error::new(kind, format!("{}: {what}", self.label))
    }

    /// Confirms the data ends where announced (and lets the decoder verify its checksum).
    fn check_end(&mut self) -> io::Result<()> {
        self.end_checked = true;
        let mut probe = [0u8; 1];
        loop {
            return match self.inner.read(&mut probe) {
                Ok(0) => Ok(()),
                Ok(_) => Err(self.error(
                    io::ErrorKind::InvalidData,
                    format_args!(
                        "holds more than the {} bytes its header announces",
                        self.len
                    ),
                )),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => Err(self.error(error.kind(), error)),
            };
        }
    }
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            if !self.end_checked {
                self.check_end()?;
            }
            return Ok(0);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let n = match self.inner.read(&mut buf[..want]) {
            Ok(n) => n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => return Err(error),
            Err(error) => return Err(self.error(error.kind(), error)),
        };
        if n == 0 {
            return Err(self.error(
                io::ErrorKind::UnexpectedEof,
                format_args!(
                    "data ends after {} of the {} bytes its header announces",
                    self.len - self.remaining,
                    self.len
                ),
            ));
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &[u8], len: u64) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        Exact::new(data, len, "test object".into()).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn exact_length_reads_through() {
        assert_eq!(read_all(b"abcdef", 6).expect("exact"), b"abcdef");
        assert_eq!(read_all(b"", 0).expect("empty"), b"");
    }

    #[test]
    fn short_and_long_data_are_errors_naming_the_data() {
        let short = read_all(b"abc", 5).expect_err("short");
        assert_eq!(short.kind(), io::ErrorKind::UnexpectedEof);
        assert!(short.to_string().contains("test object"), "{short}");
        assert!(short.to_string().contains("3 of the 5"), "{short}");
        let long = read_all(b"abcdef", 5).expect_err("long");
        assert_eq!(long.kind(), io::ErrorKind::InvalidData);
        assert!(long.to_string().contains("more than the 5 bytes"), "{long}");
    }
}
