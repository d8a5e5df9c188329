//! The rotation stamp: a comment line of its own above a variable that `generate --into` wrote,
//! saying when, how strong, and the key's short id:
//!
//! ```text
//! # tokhyg: API_KEY generated 2026-12-04, 256 bits, id 3fa9c2e1
//! API_KEY=...
//! ```
//!
//! python-dotenv, npm dotenv and dotenvy all read a line starting with `#` as a comment, so the
//! stamp changes no value. A later write of the same variable replaces its stamp; every other
//! byte of the file is kept. `tokhyg audit` reads stamps to tell a key's age.

use super::document::{Document, Entry};
use super::lines;
pub use crate::date::Date;

/// What every stamp line starts with.
pub const STAMP_PREFIX: &str = "# tokhyg: ";

/// One stamp: the variable it is for and what it says.
#[derive(Clone, Debug, PartialEq)]
pub struct Stamp {
    /// The variable's name.
    pub name: String,
    /// The day the key was generated.
    pub date: Date,
    /// The key's randomness in bits, when recorded.
    pub bits: Option<f64>,
    /// The key's short id (see [`crate::token::key_id`]), absent for keys too weak to have one.
    pub id: Option<String>,
}

impl Stamp {
    /// The comment line, without its line ending.
    pub fn line(&self) -> String {
        let mut line = format!("{STAMP_PREFIX}{} generated {}", self.name, self.date);
        if let Some(bits) = self.bits {
            line.push_str(&format!(", {} bits", bits.floor()));
        }
        if let Some(id) = &self.id {
            line.push_str(&format!(", id {id}"));
        }
        line
    }

    /// Reads a stamp line (its line ending may be included); `None` for any other line.
    pub fn parse(line: &str) -> Option<Stamp> {
        let rest = line.trim_end().strip_prefix(STAMP_PREFIX)?;
        let (name, rest) = rest.split_once(" generated ")?;
        let mut fields = rest.split(", ");
        let date = Date::parse(fields.next()?)?;
        let mut stamp = Stamp {
            name: name.to_string(),
            date,
            bits: None,
            id: None,
        };
        for field in fields {
            if let Some(bits) = field.strip_suffix(" bits") {
                stamp.bits = bits.parse().ok();
            } else if let Some(id) = field.strip_prefix("id ") {
                stamp.id = Some(id.to_string());
            }
        }
        Some(stamp)
    }
}

/// The stamp on the line right above `entry`, if that line is one for the same variable.
pub fn stamp_of(doc: &Document, entry: &Entry) -> Option<Stamp> {
    let above = own_stamp_line(doc, entry)?;
    Stamp::parse(std::str::from_utf8(&doc.bytes()[above]).ok()?)
}

/// The span of the line right above `entry` when it is a stamp for the same variable.
fn own_stamp_line(doc: &Document, entry: &Entry) -> Option<std::ops::Range<usize>> {
    let above = line_above(doc.bytes(), entry.start)?;
    let text = std::str::from_utf8(&doc.bytes()[above.clone()]).ok()?;
    Stamp::parse(text)
        .is_some_and(|stamp| stamp.name == entry.key)
        .then_some(above)
}

/// `doc` with `stamp` on the line above its variable (replacing that variable's old stamp), or
/// `None` when the variable is not in `doc` once or the stamp would change what a parser reads
/// (the caller then writes no stamp).
pub fn apply(doc: &Document, stamp: &Stamp) -> Option<Document> {
    let mut named = doc.entries().iter().filter(|e| e.key == stamp.name);
    let entry = named.next()?;
    if named.next().is_some() {
        return None;
    }
    let mut bytes = doc.bytes().to_vec();
    let line = stamp.line();
    match own_stamp_line(doc, entry) {
        Some(old) => {
            bytes.splice(old, line.into_bytes());
        }
        None => lines::insert_line(&mut bytes, entry.start, line.as_bytes(), doc.ending()),
    }
    let stamped = Document::parse(bytes);
    let values = |d: &Document| -> Vec<(String, Vec<u8>)> {
        d.entries()
            .iter()
            .map(|e| (e.key.clone(), d.raw_value(e).to_vec()))
            .collect()
    };
    (values(&stamped) == values(doc) && stamped.invalid().len() == doc.invalid().len())
        .then_some(stamped)
}

/// The span of the line that ends right before `start` (line ending excluded).
fn line_above(bytes: &[u8], start: usize) -> Option<std::ops::Range<usize>> {
    let before = &bytes[..start];
    let end = before
        .strip_suffix(b"\r\n")
        .or_else(|| before.strip_suffix(b"\n"))?
        .len();
    let begin = bytes[..end]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |at| at + 1);
    Some(begin..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(name: &str, date: &str) -> Stamp {
        Stamp {
            name: name.into(),
            date: Date::parse(date).unwrap(),
            bits: Some(256.0),
            id: Some("3fa9c2e1".into()),
        }
    }

    #[test]
    fn a_stamp_line_reads_back() {
        let s = stamp("API_KEY", "2026-12-04");
        assert_eq!(
            s.line(),
            "# tokhyg: API_KEY generated 2026-12-04, 256 bits, id 3fa9c2e1"
        );
        assert_eq!(Stamp::parse(&format!("{}\r\n", s.line())), Some(s));
        let weak = Stamp::parse("# tokhyg: PIN generated 2025-01-31, 19 bits").unwrap();
        assert_eq!((weak.bits, weak.id), (Some(19.0), None));
        assert_eq!(Stamp::parse("# a comment"), None);
    }

    #[test]
    fn applying_inserts_then_replaces_and_keeps_every_other_byte() {
        let doc = Document::parse(b"# keys\r\nA=1\r\nAPI_KEY='x'\r\nB=2\r\n".to_vec());
        let once = apply(&doc, &stamp("API_KEY", "2026-01-01")).unwrap();
        assert_eq!(
            once.bytes(),
            b"# keys\r\nA=1\r\n# tokhyg: API_KEY generated 2026-01-01, 256 bits, id 3fa9c2e1\r\nAPI_KEY='x'\r\nB=2\r\n"
        );
        let entry = &once.entries()[1];
        assert_eq!(
            stamp_of(&once, entry).unwrap().date.to_string(),
            "2026-01-01"
        );
        let twice = apply(&once, &stamp("API_KEY", "2026-12-04")).unwrap();
        assert_eq!(
            twice.bytes(),
            b"# keys\r\nA=1\r\n# tokhyg: API_KEY generated 2026-12-04, 256 bits, id 3fa9c2e1\r\nAPI_KEY='x'\r\nB=2\r\n"
        );
    }

    #[test]
    fn another_variables_stamp_is_not_replaced_and_first_lines_work() {
        let doc = Document::parse(
            b"# tokhyg: OTHER generated 2026-01-01, 256 bits\nAPI_KEY=x\n".to_vec(),
        );
        let stamped = apply(&doc, &stamp("API_KEY", "2026-12-04")).unwrap();
        let text = String::from_utf8(stamped.into_bytes()).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.starts_with("# tokhyg: OTHER"));
        let first = Document::parse(b"API_KEY=x".to_vec());
        let stamped = apply(&first, &stamp("API_KEY", "2026-12-04")).unwrap();
        assert!(stamped.bytes().starts_with(b"# tokhyg: API_KEY generated"));
        assert!(stamped.bytes().ends_with(b"\nAPI_KEY=x"));
    }

    #[test]
    fn a_missing_or_repeated_variable_gets_no_stamp() {
        let doc = Document::parse(b"A=1\nA=2\n".to_vec());
        assert!(apply(&doc, &stamp("A", "2026-12-04")).is_none());
        assert!(apply(&doc, &stamp("B", "2026-12-04")).is_none());
    }
}
