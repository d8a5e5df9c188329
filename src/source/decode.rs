//! Text in UTF-16 (Windows tools write `.reg` exports, PowerShell output and some config files in
//! it) read as UTF-8, so the matcher, which works on bytes, sees its secrets. Every other
//! encoding passes through untouched.
//!
//! A stream is UTF-16 when it starts with a byte order mark (`FF FE` little-endian, `FE FF`
//! big-endian), or when its first [`BINARY_PROBE_LEN`] bytes hold a NUL byte (which would make
//! them binary) and read as UTF-16 text: the NUL bytes sit mostly on one side of each code unit
//! (the high byte of ASCII characters), and the code units decode to characters with no NUL, no
//! control character other than tab, line feed, form feed, carriage return and escape, and no
//! unpaired surrogate. Decoded, a line keeps its number; its column counts the bytes of the
//! UTF-8 text, and the column in UTF-16 code units (SARIF's) is the file's own.

use super::BINARY_PROBE_LEN;
use std::io::{self, Cursor, Read};

/// Bytes read from the source per decoding step.
const RAW_CHUNK: usize = 64 * 1024;

/// The byte order of UTF-16 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Utf16 {
    /// Little-endian (what Windows writes).
    Little,
    /// Big-endian.
    Big,
}

impl Utf16 {
    fn unit(self, pair: [u8; 2]) -> u16 {
        match self {
            Utf16::Little => u16::from_le_bytes(pair),
            Utf16::Big => u16::from_be_bytes(pair),
        }
    }

    /// Code units of `bytes` (a trailing odd byte is left out).
    fn units(self, bytes: &[u8]) -> impl Iterator<Item = u16> + '_ {
        bytes
            .chunks_exact(2)
            .map(move |pair| self.unit([pair[0], pair[1]]))
    }
}

/// How the first bytes of a stream say it is encoded: the UTF-16 byte order and the length of
/// its byte order mark, or `None` for anything else.
pub fn sniff_utf16(probe: &[u8]) -> Option<(Utf16, usize)> {
    match probe {
        [0xFF, 0xFE, ..] => return Some((Utf16::Little, 2)),
        [0xFE, 0xFF, ..] => return Some((Utf16::Big, 2)),
        _ => {}
    }
    let probe = &probe[..probe.len().min(BINARY_PROBE_LEN)];
    // No NUL byte: not UTF-16 without a byte order mark (nearly every file stops here).
    memchr::memchr(0, probe)?;
    let zeros_at = |parity: usize| {
        probe
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    let order = match odd.cmp(&even) {
        std::cmp::Ordering::Greater => Utf16::Little,
        std::cmp::Ordering::Less => Utf16::Big,
        std::cmp::Ordering::Equal => return None,
    };
    let cut = probe.len() == BINARY_PROBE_LEN;
    reads_as_text(order, probe, cut).then_some((order, 0))
}

/// Whether `bytes` decode in `order` to text (see the module documentation). With `cut`, the
/// bytes are a prefix and may end inside a surrogate pair.
fn reads_as_text(order: Utf16, bytes: &[u8], cut: bool) -> bool {
    let mut units = order.units(bytes).peekable();
    let mut any = false;
    while let Some(unit) = units.next() {
        any = true;
        match unit {
            0xD800..=0xDBFF => match units.next() {
                Some(0xDC00..=0xDFFF) => {}
                None if cut => {}
                _ => return false,
            },
            0xDC00..=0xDFFF | 0xFFFE | 0xFFFF => return false,
            0x09 | 0x0A | 0x0C | 0x0D | 0x1B => {}
            0x00..=0x1F | 0x7F => return false,
            _ => {}
        }
    }
    any
}

/// A stream read as text: UTF-16 (see [`sniff_utf16`]) decoded to UTF-8, anything else as is.
/// The first read looks at the first [`BINARY_PROBE_LEN`] bytes to decide.
pub struct TextReader<R: Read> {
    state: State<R>,
}

enum State<R: Read> {
    Unprobed(R),
    Plain(Probed<R>),
    Utf16(Utf16Decoder<Probed<R>>),
    /// Only while switching states, or after a failed probe.
    Failed,
}

impl<R: Read> TextReader<R> {
    /// Wraps `reader`; nothing is read yet.
    pub fn new(reader: R) -> TextReader<R> {
        TextReader {
            state: State::Unprobed(reader),
        }
    }

    /// Reads the probe and chooses how to read the rest.
    fn probe(&mut self) -> io::Result<()> {
        let State::Unprobed(mut reader) = std::mem::replace(&mut self.state, State::Failed) else {
            return Ok(());
        };
        let mut probe = Vec::with_capacity(BINARY_PROBE_LEN);
        (&mut reader)
            .take(BINARY_PROBE_LEN as u64)
            .read_to_end(&mut probe)?;
        let has_nul = probe.contains(&0);
        let encoding = sniff_utf16(&probe).filter(|&(_, bom)| bom > 0 || has_nul);
        // A short probe saw the end: asking the reader again would cost a read per small file.
        let rest = (probe.len() == BINARY_PROBE_LEN).then_some(reader);
        self.state = match encoding {
            Some((order, bom)) => {
                let text = probe.split_off(bom);
                State::Utf16(Utf16Decoder::new(Probed::new(text, rest), order))
            }
            None => State::Plain(Probed::new(probe, rest)),
        };
        Ok(())
    }
}

/// The probed bytes, then the rest of the stream (if it did not end within the probe).
struct Probed<R: Read> {
    probe: Cursor<Vec<u8>>,
    rest: Option<R>,
}

impl<R: Read> Probed<R> {
    fn new(probe: Vec<u8>, rest: Option<R>) -> Self {
        Probed {
            probe: Cursor::new(probe),
            rest,
        }
    }
}

impl<R: Read> Read for Probed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.probe.read(buf)? {
            0 => self.rest.as_mut().map_or(Ok(0), |rest| rest.read(buf)),
            n => Ok(n),
        }
    }
}

impl<R: Read> Read for TextReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if matches!(self.state, State::Unprobed(_)) {
            self.probe()?;
        }
        match &mut self.state {
            State::Plain(reader) => reader.read(buf),
            State::Utf16(decoder) => decoder.read(buf),
            State::Unprobed(_) | State::Failed => Err(io::Error::other(
                "the stream could not be read after a failed first read",
            )),
        }
    }
}

/// UTF-16 bytes in, UTF-8 bytes out. An unpaired surrogate or a final odd byte becomes U+FFFD.
struct Utf16Decoder<R: Read> {
    source: R,
    order: Utf16,
    /// Bytes read but not decoded yet: an odd byte, or a high surrogate awaiting its pair.
    raw: Vec<u8>,
    /// Decoded bytes not handed out yet, from `out_pos`.
    out: Vec<u8>,
    out_pos: usize,
    ended: bool,
}

impl<R: Read> Utf16Decoder<R> {
    fn new(source: R, order: Utf16) -> Self {
        Utf16Decoder {
            source,
            order,
            raw: Vec::with_capacity(RAW_CHUNK + 2),
            out: Vec::with_capacity(RAW_CHUNK * 3 / 2),
            out_pos: 0,
            ended: false,
        }
    }

    /// Decodes the next chunk of the source into `out`; leaves `out` empty at the end.
    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.out_pos = 0;
        while self.out.is_empty() && !self.ended {
            let kept = self.raw.len();
            self.raw.resize(kept + RAW_CHUNK, 0);
            let read = self.source.read(&mut self.raw[kept..]);
            let n = match read {
                Ok(n) => n,
                Err(error) => {
                    self.raw.truncate(kept);
                    return Err(error);
                }
            };
            self.raw.truncate(kept + n);
            self.ended = n == 0;
            let mut usable = self.raw.len() & !1;
            if !self.ended && usable >= 2 {
                let last = self
                    .order
                    .unit([self.raw[usable - 2], self.raw[usable - 1]]);
                if (0xD800..=0xDBFF).contains(&last) {
                    usable -= 2;
                }
            }
            let units = self.order.units(&self.raw[..usable]);
            for decoded in char::decode_utf16(units) {
                let c = decoded.unwrap_or(char::REPLACEMENT_CHARACTER);
                let mut utf8 = [0; 4];
                self.out
                    .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
            if self.ended && self.raw.len() > usable {
                self.out
                    .extend_from_slice(char::REPLACEMENT_CHARACTER.to_string().as_bytes());
                usable = self.raw.len();
            }
            self.raw.drain(..usable);
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos == self.out.len() {
            self.refill()?;
        }
        let pending = &self.out[self.out_pos..];
        let n = pending.len().min(buf.len());
        buf[..n].copy_from_slice(&pending[..n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, order: Utf16, bom: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        if bom {
            bytes.extend(order_bytes(order, 0xFEFF));
        }
        for unit in text.encode_utf16() {
            bytes.extend(order_bytes(order, unit));
        }
        bytes
    }

    fn order_bytes(order: Utf16, unit: u16) -> [u8; 2] {
        match order {
            Utf16::Little => unit.to_le_bytes(),
            Utf16::Big => unit.to_be_bytes(),
        }
    }

    /// Reads all of `bytes` through a [`TextReader`] in reads of `step` bytes at most.
    fn read_text(bytes: &[u8], step: usize) -> Vec<u8> {
        let mut reader = TextReader::new(bytes);
        let mut out = Vec::new();
        let mut buf = vec![0; step];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn decodes_utf16_with_and_without_a_byte_order_mark() {
        let text = "# café ☕ 𝄞\r\nAPI_KEY=ghp_abc\n";
        for order in [Utf16::Little, Utf16::Big] {
            for bom in [true, false] {
                let bytes = utf16(text, order, bom);
                for step in [1, 3, 4096] {
                    assert_eq!(read_text(&bytes, step), text.as_bytes(), "{order:?} {bom}");
                }
            }
        }
    }

    #[test]
    fn decodes_across_chunks_and_surrogate_pairs_at_chunk_edges() {
        let line = "secret=𝄞ghp_x\n";
        let text = line.repeat(3 * RAW_CHUNK / line.len());
        let bytes = utf16(&text, Utf16::Little, false);
        assert_eq!(read_text(&bytes, 8191), text.as_bytes());
        let odd = [&bytes[..RAW_CHUNK - 1], &bytes[RAW_CHUNK..]].concat();
        let decoded = String::from_utf8(read_text(&odd, 4096)).unwrap();
        assert!(decoded.contains('\u{FFFD}'));
    }

    #[test]
    fn an_unpaired_surrogate_and_a_final_odd_byte_become_replacement_characters() {
        let mut bytes = utf16("a", Utf16::Little, true);
        bytes.extend([0x00, 0xD8, b'b', 0x00, b'c']);
        assert_eq!(read_text(&bytes, 64), "a\u{FFFD}b\u{FFFD}".as_bytes());
    }

    #[test]
    fn other_encodings_and_binary_pass_through_untouched() {
        let cases: [&[u8]; 5] = [
            b"plain ascii\n",
            "utf-8 café\n".as_bytes(),
            b"\xEF\xBB\xBFutf-8 with a bom\n",
            b"\x7FELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        ];
        for bytes in cases {
            assert_eq!(read_text(bytes, 5), bytes);
        }
        assert_eq!(read_text(b"", 5), b"");
    }

    #[test]
    fn sniffing_tells_utf16_text_from_binary() {
        let le = utf16("key = value\n", Utf16::Little, false);
        assert_eq!(sniff_utf16(&le), Some((Utf16::Little, 0)));
        let be = utf16("key = value\n", Utf16::Big, false);
        assert_eq!(sniff_utf16(&be), Some((Utf16::Big, 0)));
        let cjk = utf16("密钥 = abc\n", Utf16::Little, false);
        assert_eq!(sniff_utf16(&cjk), Some((Utf16::Little, 0)));
        // NUL code units, control characters and unpaired surrogates are not text.
        assert_eq!(sniff_utf16(b"a\x00\x00\x00b\x00"), None);
        assert_eq!(sniff_utf16(b"a\x00\x01\x00b\x00"), None);
        assert_eq!(sniff_utf16(b"a\x00\x00\xDCb\x00"), None);
        assert_eq!(sniff_utf16(&[0u8; 64]), None);
    }
}
