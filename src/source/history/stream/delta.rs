//! Applies a git delta as a stream: the target is produced as it is read, "copy" instructions
//! reading from a seekable base and "insert" instructions from the delta itself, so neither
//! the target nor the delta is ever whole in memory.
//!
//! A delta is two size varints (base size, target size) and then instructions. A byte with the
//! high bit set is a copy: its low four bits say which offset bytes follow, bits 4-6 which size
//! bytes (little-endian; a size of 0 means 0x10000). Any other non-zero byte inserts that many
//! literal bytes that follow it; 0 is reserved. Every bound is checked: a bad delta is an
//! `InvalidData` error naming it, never a panic or an out-of-range read.

use std::io::{self, BufRead, BufReader, Read, Seek};

/// Size of a copy instruction whose size bytes are all absent.
const DEFAULT_COPY_SIZE: u64 = 0x10000;

/// The instruction being carried out.
#[derive(Debug, Clone, Copy)]
enum Op {
    /// Between instructions.
    Next,
    /// Copying this many more bytes from the base, at the base's current position.
    Copy(u64),
    /// Inserting this many more bytes from the delta.
    Insert(u64),
}

/// The target of a delta, read as a stream.
#[derive(Debug)]
pub struct DeltaReader<B, D> {
    base: BufReader<B>,
    base_len: u64,
    base_pos: u64,
    delta: D,
    target_len: u64,
    produced: u64,
    op: Op,
    label: String,
}

impl<B: Read + Seek, D: BufRead> DeltaReader<B, D> {
    /// Reads the delta's header and checks it against the base, which is `base_len` bytes
    /// starting at `base`'s current position 0. `label` names the delta in errors.
    pub fn new(base: BufReader<B>, base_len: u64, mut delta: D, label: String) -> io::Result<Self> {
        let header_error = |what: &str| invalid(&label, format_args!("its header {what}"));
        let source = read_varint(&mut delta)?.ok_or_else(|| header_error("is cut off"))?;
        let target_len = read_varint(&mut delta)?.ok_or_else(|| header_error("is cut off"))?;
        if source != base_len {
            return Err(invalid(
                &label,
                format_args!("it applies to a base of {source} bytes, but its base has {base_len}"),
            ));
        }
        Ok(DeltaReader {
            base,
            base_len,
            base_pos: 0,
            delta,
            target_len,
            produced: 0,
            op: Op::Next,
            label,
        })
    }

    /// Length of the target, from the delta's header.
    pub fn target_len(&self) -> u64 {
        self.target_len
    }

    fn invalid(&self, what: impl std::fmt::Display) -> io::Error {
        invalid(&self.label, what)
    }

    /// Reads the next instruction; `false` at the end of a complete target.
    fn next_op(&mut self) -> io::Result<bool> {
        let Some(byte) = read_byte(&mut self.delta)? else {
            if self.produced == self.target_len {
                return Ok(false);
            }
            return Err(self.invalid(format_args!(
                "it ends after {} of its {} target bytes",
                self.produced, self.target_len
            )));
        };
        if self.produced == self.target_len {
            return Err(self.invalid("it has instructions after its target is complete"));
        }
        let room = self.target_len - self.produced;
        if byte & 0x80 == 0 {
            if byte == 0 {
                return Err(self.invalid("it holds the reserved instruction 0"));
            }
            let len = u64::from(byte);
            if len > room {
                return Err(self.invalid(format_args!(
                    "it inserts {len} bytes where {room} are left of its target"
                )));
            }
            self.op = Op::Insert(len);
            return Ok(true);
        }
        let mut offset = 0u64;
        for i in 0..4 {
            if byte & (1 << i) != 0 {
                offset |= u64::from(self.instruction_byte()?) << (8 * i);
            }
        }
        let mut len = 0u64;
        for i in 0..3 {
            if byte & (0x10 << i) != 0 {
                len |= u64::from(self.instruction_byte()?) << (8 * i);
            }
        }
        if len == 0 {
            len = DEFAULT_COPY_SIZE;
        }
        if offset
            .checked_add(len)
            .is_none_or(|end| end > self.base_len)
        {
            return Err(self.invalid(format_args!(
                "it copies bytes {offset}..{} of a base of {} bytes",
                offset.saturating_add(len),
                self.base_len
            )));
        }
        if len > room {
            return Err(self.invalid(format_args!(
                "it copies {len} bytes where {room} are left of its target"
            )));
        }
        if offset != self.base_pos {
            // Relative seeks within the buffer keep it: consecutive copies are often close.
            let distance = i64::try_from(offset).unwrap_or(i64::MAX)
                - i64::try_from(self.base_pos).unwrap_or(i64::MAX);
            self.base.seek_relative(distance)?;
            self.base_pos = offset;
        }
        self.op = Op::Copy(len);
        Ok(true)
    }

    fn instruction_byte(&mut self) -> io::Result<u8> {
        read_byte(&mut self.delta)?.ok_or_else(|| self.invalid("it ends inside a copy instruction"))
    }
}

impl<B: Read + Seek, D: BufRead> Read for DeltaReader<B, D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.op {
                Op::Next => {
                    if !self.next_op()? {
                        return Ok(0);
                    }
                }
                Op::Copy(left) | Op::Insert(left) if left == 0 => self.op = Op::Next,
                Op::Copy(left) => {
                    let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                    let n = self.base.read(&mut buf[..want])?;
                    if n == 0 {
                        return Err(self.invalid(format_args!(
                            "its base ends at byte {} of the {} it announced",
                            self.base_pos, self.base_len
                        )));
                    }
                    self.base_pos += n as u64;
                    return Ok(self.advance(left, n));
                }
                Op::Insert(left) => {
                    let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                    let n = self.delta.read(&mut buf[..want])?;
                    if n == 0 {
                        return Err(self.invalid("it ends inside an insert instruction"));
                    }
                    return Ok(self.advance(left, n));
                }
            }
        }
    }
}

impl<B, D> DeltaReader<B, D> {
    /// Records `n` bytes produced by the current instruction, of which `left` remained.
    fn advance(&mut self, left: u64, n: usize) -> usize {
        let left = left - n as u64;
        self.op = match self.op {
            Op::Copy(_) => Op::Copy(left),
            _ => Op::Insert(left),
        };
        self.produced += n as u64;
        n
    }
}

fn invalid(label: &str, what: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{label}: bad delta: {what}"),
    )
}

fn read_byte(reader: &mut impl BufRead) -> io::Result<Option<u8>> {
    let byte = reader.fill_buf()?.first().copied();
    if byte.is_some() {
        reader.consume(1);
    }
    Ok(byte)
}

/// A little-endian base-128 varint (the delta header's sizes); `None` if the data ends first.
fn read_varint(reader: &mut impl BufRead) -> io::Result<Option<u64>> {
    let mut value = 0u64;
    let mut shift = 0;
    loop {
        let Some(byte) = read_byte(reader)? else {
            return Ok(None);
        };
        if shift > 63 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a delta size does not fit in 64 bits",
            ));
        }
        value |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            return Ok(Some(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use std::io::Cursor;

    fn varint(mut n: u64, out: &mut Vec<u8>) {
        while n >= 0x80 {
            out.push((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    /// A copy instruction with every offset and size byte present.
    fn copy(offset: u32, len: u32, out: &mut Vec<u8>) {
        out.push(0x80 | 0x0f | 0x70);
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes()[..3]);
    }

    fn apply(base: &[u8], delta: &[u8]) -> io::Result<Vec<u8>> {
        let reader = BufReader::with_capacity(8, Cursor::new(base.to_vec()));
        let mut target = DeltaReader::new(reader, base.len() as u64, delta, "test delta".into())?;
        let mut out = Vec::new();
        // Small reads: instructions must resume where a read stopped.
        let mut chunk = [0u8; 3];
        loop {
            let n = target.read(&mut chunk)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&chunk[..n]);
        }
    }

    fn header(base: u64, target: u64) -> Vec<u8> {
        let mut out = Vec::new();
        varint(base, &mut out);
        varint(target, &mut out);
        out
    }

    #[test]
    fn copies_and_inserts_build_the_target() {
        let base = b"0123456789abcdefghij";
        let mut delta = header(20, 14);
        copy(10, 4, &mut delta); // abcd
        delta.extend_from_slice(&[3, b'X', b'Y', b'Z']);
        copy(0, 3, &mut delta); // 012 (seeks backwards)
        copy(16, 4, &mut delta); // ghij
        assert_eq!(apply(base, &delta).expect("applies"), b"abcdXYZ012ghij");
    }

    #[test]
    fn a_copy_with_no_size_bytes_copies_64_kib() {
        let base: Vec<u8> = (0..0x10010u32).map(|i| (i % 251) as u8).collect();
        let mut delta = header(base.len() as u64, 0x10000 + 1);
        delta.extend_from_slice(&[0x81, 0x10]); // offset byte 0 = 16, no size bytes
        delta.extend_from_slice(&[1, b'!']);
        let target = apply(&base, &delta).expect("applies");
        assert_eq!(&target[..0x10000], &base[16..0x10010]);
        assert_eq!(target[0x10000], b'!');
    }

    #[test]
    fn bad_deltas_are_errors_naming_the_problem() {
        let base = b"0123456789";
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (header(9, 4), "base of 9 bytes"),
            (vec![0x8a], "header is cut off"),
            (
                {
                    let mut d = header(10, 4);
                    copy(8, 4, &mut d);
                    d
                },
                "copies bytes 8..12",
            ),
            (
                {
                    let mut d = header(10, 2);
                    copy(0, 4, &mut d);
                    d
                },
                "2 are left",
            ),
            (
                {
                    let mut d = header(10, 2);
                    d.extend_from_slice(&[3, 1, 2, 3]);
                    d
                },
                "inserts 3",
            ),
            (
                {
                    let mut d = header(10, 4);
                    d.push(0);
                    d
                },
                "reserved instruction 0",
            ),
            (
                {
                    let mut d = header(10, 4);
                    copy(0, 2, &mut d);
                    d
                },
                "after 2 of its 4",
            ),
            (
                {
                    let mut d = header(10, 4);
                    d.extend_from_slice(&[4, 1]);
                    d
                },
                "inside an insert",
            ),
            (
                {
                    let mut d = header(10, 4);
                    d.extend_from_slice(&[0x91, 0]);
                    d
                },
                "inside a copy",
            ),
            (
                {
                    let mut d = header(10, 1);
                    d.extend_from_slice(&[1, 7, 1, 7]);
                    d
                },
                "after its target",
            ),
        ];
        for (delta, want) in cases {
            let error = apply(base, &delta).expect_err(want);
            assert_eq!(error.kind(), io::ErrorKind::InvalidData, "{want}: {error}");
            let message = error.to_string();
            assert!(
                message.contains(want) && message.contains("test delta"),
                "{want}: {message}"
            );
        }
    }

    #[test]
    fn random_deltas_never_panic_and_never_overrun_the_target() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let base: Vec<u8> = (0..300).map(|_| rng.random()).collect();
        for _ in 0..20_000 {
            let target_len = rng.random_range(0..400u64);
            let mut delta = header(base.len() as u64, target_len);
            let tail_len = rng.random_range(0..40);
            delta.extend((0..tail_len).map(|_| rng.random::<u8>()));
            if let Ok(target) = apply(&base, &delta) {
                assert_eq!(target.len() as u64, target_len);
            }
        }
    }
}
