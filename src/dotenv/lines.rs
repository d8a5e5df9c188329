//! Line endings of a text file kept as raw bytes: which ending a file mostly uses, whether it
//! ends with one, and how to append a line without disturbing the file's conventions. Shared by
//! the `.env` editor and the `.gitignore` appender.

/// A line ending as it appears in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnding {
    /// `\n` (Unix).
    Lf,
    /// `\r\n` (Windows).
    CrLf,
    /// A lone `\r` (classic Mac OS); python-dotenv and npm dotenv accept it too.
    Cr,
}

impl LineEnding {
    /// The bytes of this ending.
    pub fn as_bytes(self) -> &'static [u8] {
        match self {
            LineEnding::Lf => b"\n",
            LineEnding::CrLf => b"\r\n",
            LineEnding::Cr => b"\r",
        }
    }
}

/// The line ending that starts at `bytes[at]`, if any.
pub fn ending_at(bytes: &[u8], at: usize) -> Option<LineEnding> {
    match bytes.get(at)? {
        b'\n' => Some(LineEnding::Lf),
        b'\r' if bytes.get(at + 1) == Some(&b'\n') => Some(LineEnding::CrLf),
        b'\r' => Some(LineEnding::Cr),
        _ => None,
    }
}

/// Number of line breaks in `bytes`, a `\r\n` counting once.
pub fn count_breaks(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut at = 0;
    while at < bytes.len() {
        match ending_at(bytes, at) {
            Some(ending) => {
                count += 1;
                at += ending.as_bytes().len();
            }
            None => at += 1,
        }
    }
    count
}

/// The ending most lines of `bytes` use, so that lines we add look like their neighbours.
/// Ties and files without any line break get `\n`.
pub fn dominant_ending(bytes: &[u8]) -> LineEnding {
    let (mut lf, mut crlf, mut cr) = (0usize, 0usize, 0usize);
    let mut at = 0;
    while at < bytes.len() {
        match ending_at(bytes, at) {
            Some(ending) => {
                match ending {
                    LineEnding::Lf => lf += 1,
                    LineEnding::CrLf => crlf += 1,
                    LineEnding::Cr => cr += 1,
                }
                at += ending.as_bytes().len();
            }
            None => at += 1,
        }
    }
    if crlf > lf && crlf >= cr {
        LineEnding::CrLf
    } else if cr > lf && cr > crlf {
        LineEnding::Cr
    } else {
        LineEnding::Lf
    }
}

/// Whether the last line of `bytes` is terminated. An empty file counts as terminated: a line
/// added to it needs no separator before it.
pub fn ends_with_break(bytes: &[u8]) -> bool {
    matches!(bytes.last(), None | Some(b'\n') | Some(b'\r'))
}

/// Inserts `line` (without ending) as a line of its own at `at`, which must be the start of a
/// line or the very end of `bytes`. At the end of a file without a final line break, the
/// separator goes before the new line and the file stays without a final break, as it was.
pub fn insert_line(bytes: &mut Vec<u8>, at: usize, line: &[u8], ending: LineEnding) {
    let mut piece = Vec::with_capacity(line.len() + 4);
    if at == bytes.len() && !ends_with_break(bytes) {
        piece.extend_from_slice(ending.as_bytes());
        piece.extend_from_slice(line);
    } else {
        piece.extend_from_slice(line);
        piece.extend_from_slice(ending.as_bytes());
    }
    bytes.splice(at..at, piece);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dominant_ending_counts_each_style() {
        assert_eq!(dominant_ending(b""), LineEnding::Lf);
        assert_eq!(dominant_ending(b"a\r\nb\r\nc\n"), LineEnding::CrLf);
        assert_eq!(dominant_ending(b"a\r\nb\nc\n"), LineEnding::Lf);
        assert_eq!(dominant_ending(b"a\rb\r"), LineEnding::Cr);
    }

    #[test]
    fn count_breaks_counts_crlf_once() {
        assert_eq!(count_breaks(b"a\r\nb\nc\rd"), 3);
        assert_eq!(count_breaks(b"abc"), 0);
    }

    #[test]
    fn insert_line_keeps_a_missing_final_break_missing() {
        let mut bytes = b"A=1".to_vec();
        insert_line(&mut bytes, 3, b"B=2", LineEnding::Lf);
        assert_eq!(bytes, b"A=1\nB=2");
    }

    #[test]
    fn insert_line_after_a_terminated_line() {
        let mut bytes = b"A=1\r\nC=3\r\n".to_vec();
        insert_line(&mut bytes, 5, b"B=2", LineEnding::CrLf);
        assert_eq!(bytes, b"A=1\r\nB=2\r\nC=3\r\n");
        let mut empty = Vec::new();
        insert_line(&mut empty, 0, b"B=2", LineEnding::Lf);
        assert_eq!(empty, b"B=2\n");
    }
}
