//! A `.env` file as a lossless document: the original bytes plus where each `KEY=value`
//! assignment sits in them. Editing splices new bytes into those spans and leaves every other
//! byte alone, so comments, blank lines, quoting, line endings, a BOM and even bytes that are
//! not UTF-8 survive.
//!
//! The grammar follows python-dotenv's, the strictest of the common parsers about structure:
//! `[export ]KEY=VALUE [# comment]`, where VALUE is unquoted (up to a ` #` comment), or
//! single- or double-quoted and then may span several lines (python-dotenv, npm dotenv and
//! dotenvy all read multi-line quoted values, so their inner lines are never keys). The closing
//! quote is found the way python-dotenv's and npm dotenv's regular expression
//! `"((?:\\"|[^"])*)"` finds it. Anything else is an [`Invalid`] line: kept verbatim, and
//! reported by line number only (its content may be a secret).

use super::lines::{self, LineEnding};
use std::ops::Range;

/// The UTF-8 byte order mark, which some Windows editors put first.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One `KEY=value` assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The variable name.
    pub key: String,
    /// 1-based line number of the key.
    pub line: usize,
    /// Where the entry's first line starts (indentation and `export ` included).
    pub start: usize,
    /// Where the key starts: `start..key_start` is the indentation and `export ` prefix.
    pub key_start: usize,
    /// The raw value, quotes included, trailing comment and blanks excluded. Empty (and placed
    /// right after `=` and its blanks) when the entry has no value.
    pub value: Range<usize>,
    /// Where the entry ends: after its line ending, or at the end of the file.
    pub end: usize,
    /// An unquoted value starting with `#` (`KEY=#S3cr3t`, `KEY= # note`): npm dotenv and
    /// dotenvy read an empty value and a comment (`value` is empty), python-dotenv reads this
    /// span as the value. An edit of the entry replaces it too, and a rotation keeps it.
    pub disputed: Option<Range<usize>>,
}

/// A line that is not a blank line, a comment or an assignment this grammar reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// 1-based line number where it starts.
    pub line: usize,
    /// The name the line seems to assign, if it starts like `[export ]NAME`, so that an edit of
    /// that name can refuse rather than add a second, conflicting definition.
    pub mentions: Option<String>,
    /// The quote (`'` or `"`) the line opens and never closes: python-dotenv and npm dotenv read
    /// the lines below it as part of that value, so a line written below could change what
    /// they read, and a value holding that quote could close it.
    pub open_quote: Option<u8>,
}

/// A parsed `.env` file.
#[derive(Clone, Debug)]
pub struct Document {
    bytes: Vec<u8>,
    entries: Vec<Entry>,
    invalid: Vec<Invalid>,
}

impl Document {
    /// Parses `bytes`. Never fails: what it cannot read becomes an [`Invalid`] line.
    pub fn parse(bytes: Vec<u8>) -> Document {
        let mut parser = Parser {
            bytes: &bytes,
            at: if bytes.starts_with(BOM) { BOM.len() } else { 0 },
            line: 1,
            entries: Vec::new(),
            invalid: Vec::new(),
            open_quote: None,
        };
        parser.run();
        let (entries, invalid) = (parser.entries, parser.invalid);
        Document {
            bytes,
            entries,
            invalid,
        }
    }

    /// The document's bytes, exactly as they are to be written.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Gives the bytes back.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Every assignment, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Every line this grammar cannot read, in file order.
    pub fn invalid(&self) -> &[Invalid] {
        &self.invalid
    }

    /// The raw bytes of an entry's value, quotes included.
    pub fn raw_value(&self, entry: &Entry) -> &[u8] {
        &self.bytes[entry.value.clone()]
    }

    /// The quotes that lines of the file open and never close, each once: a value written
    /// below must not hold them (see [`super::quote::render_avoiding`]).
    pub fn open_quotes(&self) -> Vec<u8> {
        let mut quotes: Vec<u8> = self.invalid.iter().filter_map(|i| i.open_quote).collect();
        quotes.sort_unstable();
        quotes.dedup();
        quotes
    }

    /// The line ending new lines should use: the one most of the file uses.
    pub fn ending(&self) -> LineEnding {
        lines::dominant_ending(&self.bytes)
    }
}

/// Blanks inside a line (python-dotenv's `[^\S\r\n]`, ASCII part).
fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | 0x0B | 0x0C)
}

/// Characters of a key: the union of what npm dotenv (`[\w.-]`) and dotenvy accept, ASCII.
fn is_key_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-')
}

/// The closing quote of a quoted value opening at `open`, as the regular expression
/// `q((?:\\q|[^q])*)q` of python-dotenv and npm dotenv finds it: the first quote not escaped
/// by a backslash, or, when there is none, the last escaped one (where the regex backtracks to).
pub fn closing_quote(bytes: &[u8], open: usize) -> Option<usize> {
    let quote = bytes[open];
    let mut at = open + 1;
    let mut last_escaped = None;
    while at < bytes.len() {
        if bytes[at] == b'\\' && bytes.get(at + 1) == Some(&quote) {
            last_escaped = Some(at + 1);
            at += 2;
        } else if bytes[at] == quote {
            return Some(at);
        } else {
            at += 1;
        }
    }
    last_escaped
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
    entries: Vec<Entry>,
    invalid: Vec<Invalid>,
    /// Set by a statement that failed on a quote that never closes: that quote.
    open_quote: Option<u8>,
}

impl Parser<'_> {
    fn run(&mut self) {
        while self.at < self.bytes.len() {
            let start = self.at;
            let first_line = self.line;
            let end = match self.statement(start, first_line) {
                Ok(end) => end,
                Err(mentions) => {
                    // Like python-dotenv, skip to the end of the line the error is on; a quoted
                    // value that never closes leaves us on its first line.
                    let end = self.end_of_line(self.at);
                    self.invalid.push(Invalid {
                        line: first_line,
                        mentions,
                        open_quote: std::mem::take(&mut self.open_quote),
                    });
                    end
                }
            };
            self.line = first_line + lines::count_breaks(&self.bytes[start..end]);
            self.at = end;
        }
    }

    /// Offset just after the line ending at or after `from`, or the end of the file.
    fn end_of_line(&self, from: usize) -> usize {
        let mut at = from;
        while at < self.bytes.len() {
            if let Some(ending) = lines::ending_at(self.bytes, at) {
                return at + ending.as_bytes().len();
            }
            at += 1;
        }
        at
    }

    fn skip_blanks(&self, mut at: usize) -> usize {
        while at < self.bytes.len() && is_blank(self.bytes[at]) {
            at += 1;
        }
        at
    }

    fn skip_key(&self, mut at: usize) -> usize {
        while at < self.bytes.len() && is_key_byte(self.bytes[at]) {
            at += 1;
        }
        at
    }

    fn at_line_end(&self, at: usize) -> bool {
        at == self.bytes.len() || lines::ending_at(self.bytes, at).is_some()
    }

    /// Reads one statement starting at `start`; returns where it ends. On error, `self.at` is
    /// where reading stopped and the error carries the name the line seems to assign.
    fn statement(&mut self, start: usize, line: usize) -> Result<usize, Option<String>> {
        let bytes = self.bytes;
        let mut at = self.skip_blanks(start);
        if self.at_line_end(at) || bytes[at] == b'#' {
            return Ok(self.end_of_line(at));
        }
        if bytes[at..].starts_with(b"export") {
            let after = self.skip_blanks(at + b"export".len());
            if after > at + b"export".len() && after < bytes.len() && is_key_byte(bytes[after]) {
                at = after;
            }
        }
        let key_start = at;
        let key_end = self.skip_key(key_start);
        let key = String::from_utf8_lossy(&bytes[key_start..key_end]).into_owned();
        let mentions = (key_end > key_start).then(|| key.clone());
        self.at = key_end;
        if key_end == key_start {
            return Err(mentions);
        }
        at = self.skip_blanks(key_end);
        if bytes.get(at) != Some(&b'=') {
            return Err(mentions);
        }
        at = self.skip_blanks(at + 1);
        let value = match bytes.get(at) {
            Some(b'\'' | b'"') => {
                let Some(close) = closing_quote(bytes, at) else {
                    self.open_quote = Some(bytes[at]);
                    return Err(mentions);
                };
                let value = at..close + 1;
                let mut after = self.skip_blanks(close + 1);
                if bytes.get(after) == Some(&b'#') {
                    after = self.comment_end(after);
                }
                if !self.at_line_end(after) {
                    self.at = after;
                    return Err(mentions);
                }
                value
            }
            _ => self.unquoted_value(at),
        };
        let disputed = (value.is_empty() && bytes.get(at) == Some(&b'#'))
            .then(|| self.value_to_comment(at))
            .filter(|span| !span.is_empty());
        let end = self.end_of_line(disputed.as_ref().map_or(value.end, |span| span.end));
        self.entries.push(Entry {
            key,
            line,
            start,
            key_start,
            value,
            end,
            disputed,
        });
        Ok(end)
    }

    fn comment_end(&self, mut at: usize) -> usize {
        while !self.at_line_end(at) {
            at += 1;
        }
        at
    }

    /// An unquoted value runs to the end of the line, minus a comment that starts with blanks
    /// and `#`, minus trailing blanks. One that starts with `#` is empty (npm dotenv and dotenvy
    /// read `KEY=#x` as empty; python-dotenv disagrees: see [`Entry::disputed`]).
    fn unquoted_value(&self, from: usize) -> Range<usize> {
        if self.bytes.get(from) == Some(&b'#') {
            return from..from;
        }
        self.value_to_comment(from)
    }

    /// From `from` to the end of the line or to a blank followed by `#`, trailing blanks cut.
    fn value_to_comment(&self, from: usize) -> Range<usize> {
        let line_end = self.comment_end(from);
        let mut cut = line_end;
        for at in from..line_end {
            if is_blank(self.bytes[at]) && self.bytes.get(at + 1).is_some_and(|b| *b == b'#') {
                cut = at;
                break;
            }
        }
        while cut > from && is_blank(self.bytes[cut - 1]) {
            cut -= 1;
        }
        from..cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(doc: &Document) -> Vec<(&str, &[u8], usize)> {
        doc.entries()
            .iter()
            .map(|e| (e.key.as_str(), doc.raw_value(e), e.line))
            .collect()
    }

    #[test]
    fn reads_plain_quoted_exported_and_commented_assignments() {
        let doc = Document::parse(
            b"# top\n\nA=1\nexport B='two' # note\n  C = \"three\"\nD=four # c\nE=\nF= # c\n"
                .to_vec(),
        );
        assert_eq!(
            keys(&doc),
            vec![
                ("A", &b"1"[..], 3),
                ("B", &b"'two'"[..], 4),
                ("C", &b"\"three\""[..], 5),
                ("D", &b"four"[..], 6),
                ("E", &b""[..], 7),
                ("F", &b""[..], 8),
            ]
        );
        assert!(doc.invalid().is_empty());
        let b = &doc.entries()[1];
        assert_eq!(&doc.bytes()[b.start..b.key_start], b"export ");
    }

    #[test]
    fn multi_line_quoted_values_hide_their_inner_lines() {
        let doc = Document::parse(
            b"KEY=\"-----BEGIN-----\r\nFAKE=1\r\n-----END-----\"\r\nNEXT=2\r\n".to_vec(),
        );
        let found = keys(&doc);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, "KEY");
        assert_eq!(found[1], ("NEXT", &b"2"[..], 4));
    }

    #[test]
    fn escaped_quotes_do_not_close_a_value() {
        let doc = Document::parse(b"A=\"say \\\"hi\\\"\"\nB='it\\'s'\n".to_vec());
        assert_eq!(doc.raw_value(&doc.entries()[0]), b"\"say \\\"hi\\\"\"");
        assert_eq!(doc.raw_value(&doc.entries()[1]), b"'it\\'s'");
    }

    #[test]
    fn unreadable_lines_are_reported_by_number_with_the_name_they_mention() {
        let doc = Document::parse(b"A=1\nB: 2\njunk line\nC=\"open\nD='x'y\nE=5".to_vec());
        let invalid: Vec<_> = doc
            .invalid()
            .iter()
            .map(|i| (i.line, i.mentions.as_deref()))
            .collect();
        assert_eq!(
            invalid,
            vec![
                (2, Some("B")),
                (3, Some("junk")),
                (4, Some("C")),
                (5, Some("D"))
            ]
        );
        assert_eq!(keys(&doc), vec![("A", &b"1"[..], 1), ("E", &b"5"[..], 6)]);
    }

    #[test]
    fn bom_and_non_utf8_bytes_are_tolerated() {
        let doc = Document::parse(b"\xEF\xBB\xBFA=\xFF\xFE\nB=2".to_vec());
        assert_eq!(
            keys(&doc),
            vec![("A", &b"\xFF\xFE"[..], 1), ("B", &b"2"[..], 2)]
        );
    }

    #[test]
    fn closing_quote_backtracks_like_the_regex() {
        assert_eq!(closing_quote(b"\"ab\"", 0), Some(3));
        assert_eq!(closing_quote(b"\"a\\\"b\"", 0), Some(5));
        // No bare closing quote: the last escaped one closes, as the regex backtracks there.
        assert_eq!(closing_quote(b"\"a\\\"b\\\"c", 0), Some(6));
        assert_eq!(closing_quote(b"\"abc", 0), None);
    }
}
