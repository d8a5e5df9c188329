//! Runs a matcher over a byte stream of any size in bounded memory: the stream is read in
//! windows of `chunk` new bytes plus an overlap, every match is reported exactly once, and line
//! numbers are counted incrementally.
//!
//! How a match is reported exactly once: window `k` reports only the matches whose first byte
//! lies in its emission range `[emit_from, emit_to)`. Consecutive emission ranges tile the
//! stream, and every window extends `overlap / 2` bytes beyond its emission range on both
//! sides, so each reported match sees at least that much context before and after its start
//! (enough for an assignment keyword in front of a secret and for a whole PEM block after it).

use memchr::{memchr, memchr_iter, memrchr};
use std::io::{self, Read};

pub use crate::source::BINARY_PROBE_LEN;

/// True when `bytes` looks binary: a NUL byte in its first [`BINARY_PROBE_LEN`] bytes.
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr(0, &bytes[..bytes.len().min(BINARY_PROBE_LEN)]).is_some()
}

/// Window sizes for reading a stream. Streams no longer than `chunk + overlap` are scanned in
/// one window, read whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windowing {
    /// New bytes read per window.
    pub chunk: usize,
    /// Bytes shared by consecutive windows; half of it is the context guaranteed on each side of
    /// a match's start, so it bounds the length of a secret that is found across a boundary.
    pub overlap: usize,
}

impl Windowing {
    /// 8 MiB windows with 128 KiB of overlap (64 KiB of context on each side of a match).
    pub const DEFAULT: Windowing = Windowing {
        chunk: 8 * 1024 * 1024,
        overlap: 128 * 1024,
    };

    /// The context guaranteed on each side of a match's first byte.
    fn context(self) -> usize {
        self.overlap / 2
    }
}

/// A match of some rule, in window coordinates (as the matcher reports it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Rule index, opaque here.
    pub rule: usize,
    /// First byte of the secret, relative to the window (for a secret found decoded, of the
    /// encoded run).
    pub start: usize,
    /// One past the last byte of the secret, relative to the window.
    pub end: usize,
    /// For a secret found in an encoded run: the secret decoded and the encodings it was under.
    pub decoded: Option<Box<DecodedSecret>>,
}

/// A secret found by decoding the bytes of a [`Span`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedSecret {
    /// The secret as decoded.
    pub secret: Vec<u8>,
    /// The encodings it was found under, outermost first.
    pub chain: Vec<&'static str>,
}

/// A match located in the whole stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located<'w> {
    /// Rule index, as the matcher reported it.
    pub rule: usize,
    /// 1-based line of the secret's first byte.
    pub line: usize,
    /// 1-based column, in bytes, of the secret's first byte.
    pub column: usize,
    /// 1-based column of the secret's first byte in UTF-16 code units (what SARIF and editors
    /// count): the bytes before it on the line read as UTF-8, an invalid sequence counting as
    /// one replacement character. Equal to `column` on ASCII lines.
    pub column_utf16: usize,
    /// The secret's bytes (decoded, for a secret found in an encoded run).
    pub secret: &'w [u8],
    /// The encodings the secret was found under, outermost first; empty for a plain one.
    pub decoded: &'w [&'static str],
    /// The line holding the secret's first byte, without its newline. A line longer than the
    /// window context may be cut at the window's edges.
    pub line_text: &'w [u8],
    /// Stream offset of `line_text`'s first byte: with its length, it tells whether two matches
    /// were given the same line text (a caller can then judge the line once).
    pub line_text_offset: u64,
}

/// What one stream scan saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The stream was scanned.
    Scanned,
    /// The stream looked binary (see [`looks_binary`]) and was not scanned.
    Binary,
}

/// Counts lines from the start of the stream up to a position that only moves forward.
#[derive(Debug)]
struct LineTracker {
    /// 1-based line number of the line holding `pos`.
    line: usize,
    /// Stream offset of the first byte of that line.
    line_start: u64,
    /// Stream offset up to which newlines have been counted.
    pos: u64,
}

impl LineTracker {
    fn new() -> Self {
        LineTracker {
            line: 1,
            line_start: 0,
            pos: 0,
        }
    }

    /// Counts the newlines between the last position and `to`; `window` starts at stream offset
    /// `base` and must hold every byte from the last position to `to`.
    fn advance(&mut self, window: &[u8], base: u64, to: u64) {
        if to <= self.pos {
            return;
        }
        let from_idx = (self.pos - base) as usize;
        let to_idx = (to - base) as usize;
        let slice = &window[from_idx..to_idx];
        if let Some(last) = memrchr(b'\n', slice) {
            self.line += memchr_iter(b'\n', slice).count();
            self.line_start = base + (from_idx + last + 1) as u64;
        }
        self.pos = to;
    }
}

/// Scans `reader` window by window with `find` (which returns matches sorted by start, in window
/// coordinates) and calls `on_match` for every match once, in stream order. `size_hint` (the
/// stream's length, if known) sizes the first read. A stream whose first bytes look binary is
/// not scanned.
pub fn scan_stream<R, F, M>(
    mut reader: R,
    size_hint: Option<u64>,
    windowing: Windowing,
    mut find: F,
    mut on_match: M,
) -> io::Result<Outcome>
where
    R: Read,
    F: FnMut(&[u8]) -> Vec<Span>,
    M: FnMut(Located<'_>),
{
    assert!(
        windowing.chunk > 0 && windowing.overlap >= 2,
        "windowing needs a chunk and an overlap"
    );
    let context = windowing.context() as u64;
    let full_window = windowing.chunk + windowing.overlap;
    let first_capacity = size_hint.map_or(64 * 1024, |n| n.saturating_add(1)) as usize;
    let mut buf = ReusedBuffer::take();
    buf.reserve(first_capacity.min(full_window));
    let mut base: u64 = 0;
    let mut emit_from: u64 = 0;
    let mut lines = LineTracker::new();
    // Matches already reported whose secret runs past the last emission range: a later window
    // must not report a piece of them again.
    let mut reported_tail: Vec<(usize, u64, u64)> = Vec::new();
    let mut first = true;
    loop {
        let want = (full_window - buf.len()) as u64;
        let got = (&mut reader).take(want).read_to_end(&mut buf)?;
        let eof = (got as u64) < want;
        if first {
            if looks_binary(&buf) {
                return Ok(Outcome::Binary);
            }
            first = false;
        }
        let window_end = base + buf.len() as u64;
        let emit_to = if eof {
            window_end
        } else {
            window_end - context
        };
        let mut cursor = LineCursor::default();
        let spans = find(&buf);
        for span in &spans {
            let start = base + span.start as u64;
            let end = base + span.end as u64;
            if start < emit_from || start >= emit_to {
                continue;
            }
            let repeats = reported_tail
                .iter()
                .any(|&(rule, s, e)| rule == span.rule && start < e && s < end);
            if repeats {
                continue;
            }
            lines.advance(&buf, base, start);
            let line_from = lines.line_start.max(base);
            let line_begin = (line_from - base) as usize;
            let line_end = cursor.line_end(&buf, span.start);
            let column = (start - lines.line_start + 1) as usize;
            // The line's start may lie before the window on a very long line: then the bytes
            // before the secret are not all here, and the byte column is the best answer.
            let column_utf16 = if line_from == lines.line_start {
                cursor.utf16_column(&buf, line_begin, span.start)
            } else {
                column
            };
            on_match(Located {
                rule: span.rule,
                line: lines.line,
                column,
                column_utf16,
                secret: match &span.decoded {
                    Some(decoded) => &decoded.secret,
                    None => &buf[span.start..span.end.min(buf.len())],
                },
                decoded: span.decoded.as_ref().map_or(&[], |d| &d.chain),
                line_text: trim_cr(&buf[line_begin..line_end]),
                line_text_offset: line_from,
            });
            if end > emit_to {
                reported_tail.push((span.rule, start, end));
            }
        }
        if eof {
            return Ok(Outcome::Scanned);
        }
        reported_tail.retain(|&(_, _, end)| end > emit_to);
        lines.advance(&buf, base, emit_to);
        let keep_from = (emit_to - context - base) as usize;
        buf.drain(..keep_from);
        base += keep_from as u64;
        emit_from = emit_to;
    }
}

/// Line ends and UTF-16 columns of the matches of one window, found incrementally: matches come
/// sorted by start, so each byte of a line is read about once however many matches it holds
/// (a minified line of a hundred thousand secrets would otherwise be re-read for each).
#[derive(Debug, Default)]
struct LineCursor {
    /// The last position asked for a line end, and that end (window indices).
    last_end: Option<(usize, usize)>,
    /// Window index of the first byte of the line UTF-16 units are being counted on.
    line_begin: usize,
    /// A position of that line where counting can resume (no UTF-8 sequence straddles it).
    counted_to: usize,
    /// UTF-16 units of the bytes from `line_begin` to `counted_to`.
    units: usize,
}

impl LineCursor {
    /// Index of the first `\n` at or after `at` in `buf`, or `buf.len()`.
    fn line_end(&mut self, buf: &[u8], at: usize) -> usize {
        if let Some((from, end)) = self.last_end
            && from <= at
            && at <= end
        {
            return end; // no line feed between `from` and `at`: the same line, the same end
        }
        let end = memchr(b'\n', &buf[at..]).map_or(buf.len(), |i| at + i);
        self.last_end = Some((at, end));
        end
    }

    /// 1-based UTF-16 column of `at` on the line starting at `line_begin` (see
    /// [`Located::column_utf16`]).
    fn utf16_column(&mut self, buf: &[u8], line_begin: usize, at: usize) -> usize {
        if line_begin != self.line_begin || at < self.counted_to {
            self.line_begin = line_begin;
            self.counted_to = line_begin;
            self.units = 0;
        }
        let split = clean_split_before(buf, self.counted_to, at);
        self.units += utf16_len(&buf[self.counted_to..split]);
        self.counted_to = split;
        self.units + utf16_len(&buf[split..at]) + 1
    }
}

/// The last position in `from..=at` where `buf` can be cut without changing how its lossy UTF-8
/// decoding counts (`from` is assumed to be one): a byte that is not a continuation byte starts
/// a new unit whatever precedes it, and so does any byte with no lead byte in the three before
/// it (no sequence is longer than four). One of `at - 3 ..= at` is always such a position.
fn clean_split_before(buf: &[u8], from: usize, at: usize) -> usize {
    let is_continuation = |b: u8| (0x80..0xC0).contains(&b);
    let clean = |q: usize| {
        q == from
            || buf.get(q).is_none_or(|&b| !is_continuation(b))
            || buf[q.saturating_sub(3).max(from)..q]
                .iter()
                .all(|&b| b < 0xC0)
    };
    (from..=at)
        .rev()
        .take(4)
        .find(|&q| clean(q))
        .unwrap_or(from)
}

/// A window buffer that goes back to its thread when dropped, for the next stream: a scan of
/// thousands of files then allocates (and the kernel zeroes) one buffer per thread instead of
/// one per file.
struct ReusedBuffer(Vec<u8>);

thread_local! {
    static SPARE_BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

impl ReusedBuffer {
    /// This thread's spare buffer, empty (a new one if another stream holds it).
    fn take() -> ReusedBuffer {
        let mut buf = SPARE_BUFFER.with(std::cell::Cell::take);
        buf.clear();
        ReusedBuffer(buf)
    }
}

impl Drop for ReusedBuffer {
    fn drop(&mut self) {
        let buf = std::mem::take(&mut self.0);
        // `try_with`: during thread exit the slot may be gone; the buffer is then just freed.
        let _ = SPARE_BUFFER.try_with(|spare| spare.set(buf));
    }
}

impl std::ops::Deref for ReusedBuffer {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl std::ops::DerefMut for ReusedBuffer {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
}

/// Length in UTF-16 code units of `bytes` read as UTF-8 (invalid sequences as U+FFFD).
fn utf16_len(bytes: &[u8]) -> usize {
    if bytes.is_ascii() {
        return bytes.len();
    }
    String::from_utf8_lossy(bytes).encode_utf16().count()
}

/// Drops the `\r` of a CRLF line ending.
fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finds every occurrence of `needle` (rule 0), as a matcher would, sorted by start.
    fn literal(needle: &'static [u8]) -> impl FnMut(&[u8]) -> Vec<Span> {
        move |window: &[u8]| {
            memchr::memmem::find_iter(window, needle)
                .map(|start| Span {
                    rule: 0,
                    start,
                    end: start + needle.len(),
                    decoded: None,
                })
                .collect()
        }
    }

    fn run(data: &[u8], windowing: Windowing) -> Vec<(usize, usize, Vec<u8>, Vec<u8>)> {
        let mut out = Vec::new();
        let outcome = scan_stream(data, None, windowing, literal(b"SECRET"), |m| {
            out.push((m.line, m.column, m.secret.to_vec(), m.line_text.to_vec()))
        })
        .unwrap();
        assert_eq!(outcome, Outcome::Scanned);
        out
    }

    /// The reference: lines and columns computed on the whole buffer at once.
    fn reference(data: &[u8]) -> Vec<(usize, usize)> {
        memchr::memmem::find_iter(data, b"SECRET")
            .map(|start| {
                let before = &data[..start];
                let line = memchr_iter(b'\n', before).count() + 1;
                let line_start = memrchr(b'\n', before).map_or(0, |i| i + 1);
                (line, start - line_start + 1)
            })
            .collect()
    }

    fn sample_text() -> Vec<u8> {
        let mut data = Vec::new();
        for i in 0..500 {
            let line = match i % 7 {
                0 => format!("let a{i} = SECRET; // x\n"),
                3 => format!("{}SECRET\r\n", " ".repeat(i % 40)),
                5 => "\n".to_string(),
                _ => format!("plain line number {i} SECRET SECRET\n"),
            };
            data.extend_from_slice(line.as_bytes());
        }
        data
    }

    #[test]
    fn every_window_size_finds_each_match_once_at_the_right_line_and_column() {
        let data = sample_text();
        let want = reference(&data);
        assert!(want.len() > 300);
        for (chunk, overlap) in [
            (1, 16),
            (7, 16),
            (13, 20),
            (64, 32),
            (1000, 64),
            (1 << 20, 64),
        ] {
            let got = run(&data, Windowing { chunk, overlap });
            let got_positions: Vec<(usize, usize)> = got.iter().map(|m| (m.0, m.1)).collect();
            assert_eq!(got_positions, want, "chunk {chunk} overlap {overlap}");
            assert!(got.iter().all(|m| m.2 == b"SECRET"));
        }
    }

    #[test]
    fn line_text_is_the_whole_line_without_its_ending() {
        let data = b"first\n  key = SECRET here\r\nlast SECRET";
        let got = run(
            data,
            Windowing {
                chunk: 5,
                overlap: 64,
            },
        );
        assert_eq!(got[0].3, b"  key = SECRET here");
        assert_eq!(got[1].3, b"last SECRET");
        assert_eq!((got[1].0, got[1].1), (3, 6));
    }

    #[test]
    fn utf16_columns_count_what_precedes_the_secret_on_its_line() {
        // `é` is 2 bytes and 1 UTF-16 unit, `😀` 4 bytes and 2 units, `\xff` invalid (1 unit).
        let data = "x\né😀 SECRET\nSECRET\n".as_bytes().to_vec();
        let mut data_invalid = b"\xff\xff SECRET\n".to_vec();
        let mut columns = Vec::new();
        for bytes in [&mut data.clone(), &mut data_invalid] {
            scan_stream(
                &bytes[..],
                None,
                Windowing::DEFAULT,
                literal(b"SECRET"),
                |m| columns.push((m.line, m.column, m.column_utf16)),
            )
            .unwrap();
        }
        assert_eq!(columns, [(2, 8, 5), (3, 1, 1), (1, 4, 4)]);
        // A line longer than the window's context is cut: the byte column is kept.
        let mut long = "é".repeat(300).into_bytes();
        long.extend_from_slice(b"SECRET\n");
        let mut cut = Vec::new();
        let small = Windowing {
            chunk: 64,
            overlap: 32,
        };
        scan_stream(&long[..], None, small, literal(b"SECRET"), |m| {
            cut.push((m.column, m.column_utf16))
        })
        .unwrap();
        assert_eq!(cut, [(601, 601)]);
    }

    /// Line, byte column and UTF-16 column of every `needle` in `data`, each computed from the
    /// whole prefix of its line.
    fn reference_utf16(data: &[u8], needle: &[u8]) -> Vec<(usize, usize, usize)> {
        memchr::memmem::find_iter(data, needle)
            .map(|start| {
                let before = &data[..start];
                let line = memchr_iter(b'\n', before).count() + 1;
                let line_start = memrchr(b'\n', before).map_or(0, |i| i + 1);
                let units = String::from_utf8_lossy(&data[line_start..start])
                    .encode_utf16()
                    .count();
                (line, start - line_start + 1, units + 1)
            })
            .collect()
    }

    #[test]
    fn many_matches_on_one_long_line_get_exact_lines_and_columns() {
        // Thousands of matches on one line, separated by ASCII, multi-byte characters, lone
        // continuation bytes and truncated sequences: the columns are counted incrementally
        // along the line and must equal a full recount.
        let pieces: [&[u8]; 8] = [
            b" ",
            "é".as_bytes(),
            "😀".as_bytes(),
            b"\x80\x80\x80\x80",
            b"\xe2\x82",
            b"\xf0\x9f",
            b"\xc3",
            b"x=",
        ];
        let mut data = b"first line\n".to_vec();
        for i in 0..6000usize {
            data.extend_from_slice(pieces[i % pieces.len()]);
            data.extend_from_slice(pieces[(i / 8) % pieces.len()]);
            data.extend_from_slice(b"\x80SECRET");
        }
        data.extend_from_slice("\nlast é SECRET ".as_bytes());
        data.extend_from_slice(b"\x80SECRET\n");
        // `SECRET` starts after a continuation byte; `\x80SECRET` starts with one, which
        // completes a sequence begun before it (`\xe2\x82` + `\x80` is `€`) or stands alone.
        let needles: [&'static [u8]; 2] = [b"SECRET", b"\x80SECRET"];
        for needle in needles {
            let want = reference_utf16(&data, needle);
            assert!(want.len() > 6000);
            let mut got = Vec::new();
            scan_stream(
                data.as_slice(),
                None,
                Windowing::DEFAULT,
                literal(needle),
                |m| got.push((m.line, m.column, m.column_utf16)),
            )
            .unwrap();
            assert_eq!(got, want, "{}", String::from_utf8_lossy(needle));
            // In small windows the line is cut: lines and byte columns stay exact.
            let bytes_only: Vec<(usize, usize)> = want.iter().map(|m| (m.0, m.1)).collect();
            for (chunk, overlap) in [(100, 64), (4096, 256)] {
                let mut got = Vec::new();
                let windowing = Windowing { chunk, overlap };
                scan_stream(data.as_slice(), None, windowing, literal(needle), |m| {
                    got.push((m.line, m.column))
                })
                .unwrap();
                assert_eq!(got, bytes_only, "chunk {chunk} overlap {overlap}");
            }
        }
    }

    #[test]
    fn matches_on_one_line_share_its_text_and_offset() {
        let data = b"a\nx SECRET y SECRET z\nSECRET\n";
        let mut got = Vec::new();
        scan_stream(
            &data[..],
            None,
            Windowing::DEFAULT,
            literal(b"SECRET"),
            |m| got.push((m.line_text.to_vec(), m.line_text_offset)),
        )
        .unwrap();
        let line2 = (b"x SECRET y SECRET z".to_vec(), 2);
        assert_eq!(got, [line2.clone(), line2, (b"SECRET".to_vec(), 22)]);
    }

    #[test]
    fn a_long_match_across_a_boundary_is_reported_once() {
        // A "PEM block" of 30 bytes found by a rule whose matches may also start inside it.
        let mut data = vec![b'.'; 100];
        data.extend_from_slice(b"BEGIN");
        data.extend(std::iter::repeat_n(b'k', 25));
        data.extend(vec![b'.'; 100]);
        let block = |window: &[u8]| -> Vec<Span> {
            // Reports the block from BEGIN, and a suffix of it when BEGIN is out of the window,
            // as a matcher with less context might.
            match memchr::memmem::find(window, b"BEGIN") {
                Some(start) => vec![Span {
                    rule: 1,
                    start,
                    end: (start + 30).min(window.len()),
                    decoded: None,
                }],
                None => memchr::memmem::find(window, b"kkkkk")
                    .map(|start| Span {
                        rule: 1,
                        start,
                        end: start + 5,
                        decoded: None,
                    })
                    .into_iter()
                    .collect(),
            }
        };
        for chunk in 1..80 {
            let mut starts = Vec::new();
            scan_stream(
                data.as_slice(),
                None,
                Windowing { chunk, overlap: 64 },
                block,
                |m| starts.push((m.line, m.column)),
            )
            .unwrap();
            assert_eq!(starts, vec![(1, 101)], "chunk {chunk}");
        }
    }

    #[test]
    fn binary_streams_are_not_scanned() {
        let mut data = b"SECRET\n".to_vec();
        data.push(0);
        let mut calls = 0;
        let outcome = scan_stream(
            data.as_slice(),
            None,
            Windowing::DEFAULT,
            |_: &[u8]| {
                calls += 1;
                Vec::new()
            },
            |_| {},
        )
        .unwrap();
        assert_eq!(outcome, Outcome::Binary);
        assert_eq!(calls, 0);
    }

    #[test]
    fn a_nul_after_the_probe_does_not_make_a_stream_binary() {
        let mut data = vec![b'a'; BINARY_PROBE_LEN];
        data.extend_from_slice(b"\0 SECRET");
        let got = run(&data, Windowing::DEFAULT);
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn an_empty_stream_is_scanned_and_finds_nothing() {
        assert!(run(b"", Windowing::DEFAULT).is_empty());
    }
}
