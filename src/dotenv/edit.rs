//! Setting one variable in a [`Document`]: add it, replace its value in place, or rotate it
//! (replace, and keep the old value as `NAME_PREVIOUS`). Only the bytes of the value being set
//! change (plus, for a new variable, one new line). Every edit is checked by parsing the result
//! again: if any other assignment would read differently, the edit is refused, so a quote we add
//! can never close a quote some earlier broken line left open.

use super::document::{Document, Entry};
use super::lines;
use thiserror::Error;

/// What to do when the variable is already set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Refuse.
    Refuse,
    /// Replace the value in place.
    Replace,
    /// Replace the value and keep the old one as `NAME_PREVIOUS`.
    Rotate,
}

/// What an edit did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The variable was not set; a line was added at the end.
    Added,
    /// The value on this line was replaced.
    Replaced {
        /// 1-based line of the variable.
        line: usize,
        /// The old value was one parsers read differently (see [`Entry::disputed`]).
        disputed: bool,
        /// `NAME_PREVIOUS` still holds an older value, on this line: worth a word, since the
        /// user may believe `--force` cleared every old key.
        stale_previous: Option<usize>,
    },
    /// The value on this line was replaced and the old one kept as `NAME_PREVIOUS`.
    Rotated {
        /// 1-based line of the variable.
        line: usize,
        /// The name that now holds the old value.
        previous: String,
        /// The old value was one parsers read differently (see [`Entry::disputed`]): the kept
        /// value is what python-dotenv read, quoted so that every parser now reads it.
        disputed: bool,
    },
}

/// Why an edit was refused. Messages name lines, never values.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum EditError {
    /// The variable is set and the policy is [`Policy::Refuse`].
    #[error(
        "{name} is already set on line {line}; use --force to replace it, or --rotate to replace it and keep the old value as {name}_PREVIOUS"
    )]
    Exists {
        /// The variable.
        name: String,
        /// Where it is set.
        line: usize,
    },
    /// The variable is set twice; parsers disagree on which one wins.
    #[error(
        "{name} is defined twice, on lines {first} and {second}; parsers disagree on which one wins, so remove one by hand"
    )]
    Duplicate {
        /// The variable.
        name: String,
        /// Its first definition.
        first: usize,
        /// Its second definition.
        second: usize,
    },
    /// A line that seems to set the variable cannot be read safely.
    #[error(
        "line {line} seems to set {name} but is not a KEY=value line tokhyg can edit safely; fix it by hand"
    )]
    Unreadable {
        /// The variable.
        name: String,
        /// The line.
        line: usize,
    },
    /// The edited document would not read back as intended (an earlier line left a quote
    /// open, for example).
    #[error(
        "setting {name} would change how other lines of the file are read (is a quote left open on an earlier line?); fix the file by hand"
    )]
    WouldMisparse {
        /// The variable.
        name: String,
    },
    /// A rotation would overwrite the older value `NAME_PREVIOUS` holds.
    #[error(
        "{name}_PREVIOUS on line {line} still holds an older value, which rotating again would lose; once that key is revoked, remove the line and rotate, or use --force to replace {name} without keeping its value"
    )]
    PreviousHeld {
        /// The variable.
        name: String,
        /// Where its `_PREVIOUS` is set.
        line: usize,
    },
    /// A rotation cannot keep the old value so that every parser reads it back.
    #[error(
        "the old value of {name} on line {line} cannot be written as {name}_PREVIOUS so that python-dotenv, npm dotenv and dotenvy read it back alike; use --force to replace it without keeping it"
    )]
    OldValueUnkeepable {
        /// The variable.
        name: String,
        /// Where it is set.
        line: usize,
    },
}

/// Where a name is set in a document.
enum Found<'a> {
    Absent,
    Once(&'a Entry),
}

fn find<'a>(doc: &'a Document, name: &str) -> Result<Found<'a>, EditError> {
    if let Some(bad) = doc
        .invalid()
        .iter()
        .find(|i| i.mentions.as_deref() == Some(name))
    {
        return Err(EditError::Unreadable {
            name: name.to_owned(),
            line: bad.line,
        });
    }
    let mut matches = doc.entries().iter().filter(|e| e.key == name);
    match (matches.next(), matches.next()) {
        (None, _) => Ok(Found::Absent),
        (Some(only), None) => Ok(Found::Once(only)),
        (Some(first), Some(second)) => Err(EditError::Duplicate {
            name: name.to_owned(),
            first: first.line,
            second: second.line,
        }),
    }
}

/// The name that keeps the old value of `name` on rotation.
pub fn previous_name(name: &str) -> String {
    format!("{name}_PREVIOUS")
}

/// Sets `name` to `value` (already quoted, see [`super::quote::render`]) and returns the edited
/// document. `doc` itself is never modified, so a refusal leaves nothing half-done.
pub fn set(
    doc: &Document,
    name: &str,
    value: &[u8],
    policy: Policy,
) -> Result<(Document, Change), EditError> {
    // The model of what every parser should see afterwards: (key, raw value) in file order.
    let mut expected: Vec<(String, Vec<u8>)> = doc
        .entries()
        .iter()
        .map(|e| (e.key.clone(), doc.raw_value(e).to_vec()))
        .collect();
    let mut bytes = doc.bytes().to_vec();
    let ending = doc.ending();
    let change = match (find(doc, name)?, policy) {
        (Found::Absent, _) => {
            let prefix = export_prefix_for_new_lines(doc);
            let line = [prefix, name.as_bytes(), b"=", value].concat();
            let at = bytes.len();
            lines::insert_line(&mut bytes, at, &line, ending);
            expected.push((name.to_owned(), value.to_vec()));
            Change::Added
        }
        (Found::Once(entry), Policy::Refuse) => {
            return Err(EditError::Exists {
                name: name.to_owned(),
                line: entry.line,
            });
        }
        (Found::Once(entry), Policy::Replace) => {
            replace_value(doc, &mut bytes, entry, value);
            set_expected(&mut expected, doc, entry, value);
            let stale_previous = match find(doc, &previous_name(name))? {
                Found::Once(slot) if holds_a_value(doc, slot) => Some(slot.line),
                _ => None,
            };
            Change::Replaced {
                line: entry.line,
                disputed: entry.disputed.is_some(),
                stale_previous,
            }
        }
        (Found::Once(entry), Policy::Rotate) => {
            let previous = previous_name(name);
            let old = kept_value(doc, entry).ok_or_else(|| EditError::OldValueUnkeepable {
                name: name.to_owned(),
                line: entry.line,
            })?;
            match find(doc, &previous)? {
                Found::Once(slot) if holds_a_value(doc, slot) => {
                    return Err(EditError::PreviousHeld {
                        name: name.to_owned(),
                        line: slot.line,
                    });
                }
                Found::Once(slot) => {
                    // Edit the later span first so the earlier one's offsets stay valid.
                    let (first, second) = if slot.start > entry.start {
                        ((entry, value), (slot, old.as_slice()))
                    } else {
                        ((slot, old.as_slice()), (entry, value))
                    };
                    replace_value(doc, &mut bytes, second.0, second.1);
                    replace_value(doc, &mut bytes, first.0, first.1);
                    set_expected(&mut expected, doc, slot, &old);
                }
                Found::Absent => {
                    let prefix = &doc.bytes()[entry.start..entry.key_start];
                    let line = [prefix, previous.as_bytes(), b"=", &old].concat();
                    // The new line comes after the value, so insert it first.
                    lines::insert_line(&mut bytes, entry.end, &line, ending);
                    replace_value(doc, &mut bytes, entry, value);
                    let index = entry_index(doc, entry);
                    expected.insert(index + 1, (previous.clone(), old.clone()));
                }
            }
            set_expected(&mut expected, doc, entry, value);
            Change::Rotated {
                line: entry.line,
                previous,
                disputed: entry.disputed.is_some(),
            }
        }
    };
    let edited = Document::parse(bytes);
    let actual: Vec<(String, Vec<u8>)> = edited
        .entries()
        .iter()
        .map(|e| (e.key.clone(), edited.raw_value(e).to_vec()))
        .collect();
    if actual != expected || edited.invalid().len() != doc.invalid().len() {
        return Err(EditError::WouldMisparse {
            name: name.to_owned(),
        });
    }
    Ok((edited, change))
}

fn entry_index(doc: &Document, entry: &Entry) -> usize {
    doc.entries()
        .iter()
        .position(|e| e.start == entry.start)
        .unwrap_or(doc.entries().len())
}

fn set_expected(expected: &mut [(String, Vec<u8>)], doc: &Document, entry: &Entry, value: &[u8]) {
    // Entries before `entry` keep their indices even when a line was inserted after it.
    let index = entry_index(doc, entry);
    if let Some(slot) = expected.get_mut(index) {
        slot.1 = value.to_vec();
    }
}

/// Whether `entry` sets a non-empty value for some parser (`""` and `''` are empty).
fn holds_a_value(doc: &Document, entry: &Entry) -> bool {
    let raw = doc.raw_value(entry);
    entry.disputed.is_some() || !(raw.is_empty() || raw == b"\"\"" || raw == b"''")
}

/// The raw value a rotation keeps as `NAME_PREVIOUS`: the old raw value as it is, or, for a
/// value parsers read differently (`KEY=#S3cr3t`), the text python-dotenv read, quoted so that
/// every parser reads it; `None` when no quoting makes them agree.
fn kept_value(doc: &Document, entry: &Entry) -> Option<Vec<u8>> {
    match &entry.disputed {
        None => Some(doc.raw_value(entry).to_vec()),
        Some(span) => {
            let text = std::str::from_utf8(&doc.bytes()[span.clone()]).ok()?;
            super::quote::render(text).ok().map(String::into_bytes)
        }
    }
}

/// Replaces the value of `entry` in `bytes` (which still has `doc`'s layout at and before the
/// entry), including a disputed `#...` value (see [`Entry::disputed`]). A value written where
/// the old one was empty and a comment follows right away gets a blank after it, so the comment
/// stays a comment.
fn replace_value(doc: &Document, bytes: &mut Vec<u8>, entry: &Entry, value: &[u8]) {
    let mut piece = value.to_vec();
    let span = match &entry.disputed {
        Some(disputed) => entry.value.start..disputed.end,
        None => entry.value.clone(),
    };
    let next = doc.bytes().get(span.end).copied();
    if span.is_empty() && next == Some(b'#') {
        piece.push(b' ');
    }
    bytes.splice(span, piece);
}

/// New lines start with `export ` when every existing assignment does (a file meant to be
/// sourced by a shell), and with nothing otherwise.
fn export_prefix_for_new_lines(doc: &Document) -> &'static [u8] {
    let entries = doc.entries();
    let all_exported = !entries.is_empty()
        && entries
            .iter()
            .all(|e| doc.bytes()[e.start..e.key_start].trim_ascii() == b"export");
    if all_exported { b"export " } else { b"" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str, name: &str, value: &str, policy: Policy) -> Result<String, EditError> {
        let doc = Document::parse(input.as_bytes().to_vec());
        let (edited, _) = set(&doc, name, value.as_bytes(), policy)?;
        Ok(String::from_utf8(edited.into_bytes()).expect("utf-8 test input"))
    }

    /// Each `(input, name, value, expected)`: setting `name` to `value` in `input` under
    /// `policy` gives `expected`.
    fn assert_edits(policy: Policy, cases: &[(&str, &str, &str, &str)]) {
        for &(input, name, value, expected) in cases {
            assert_eq!(
                run(input, name, value, policy).unwrap(),
                expected,
                "{name}={value} in {input:?}"
            );
        }
    }

    #[test]
    fn adds_at_the_end_keeping_everything_else() {
        let input = "# c\r\nA='1' # keep\r\n\r\nB=\"x\r\ny\"\r\n";
        assert_eq!(
            run(input, "NEW", "v", Policy::Refuse).unwrap(),
            format!("{input}NEW=v\r\n")
        );
        assert_eq!(
            run("A=1", "NEW", "v", Policy::Refuse).unwrap(),
            "A=1\nNEW=v"
        );
        assert_eq!(run("", "NEW", "v", Policy::Refuse).unwrap(), "NEW=v\n");
    }

    #[test]
    fn refuses_an_existing_name_without_a_policy() {
        assert_eq!(
            run("A=1\nK=old\n", "K", "v", Policy::Refuse),
            Err(EditError::Exists {
                name: "K".into(),
                line: 2
            })
        );
    }

    #[test]
    fn replaces_in_place_keeping_prefix_comment_and_ending() {
        assert_edits(
            Policy::Replace,
            &[
                (
                    "export K=old # why\r\nZ=1",
                    "K",
                    "'n#w'",
                    "export K='n#w' # why\r\nZ=1",
                ),
                // python-dotenv reads `# c` and `#c` as the values: they are replaced.
                ("K= # c\n", "K", "v", "K= v\n"),
                ("K=#c\n", "K", "v", "K=v\n"),
                ("K=#c # real comment\n", "K", "v", "K=v # real comment\n"),
                ("K=\"a\nb\"\nZ=1\n", "K", "v", "K=v\nZ=1\n"),
            ],
        );
    }

    #[test]
    fn rotate_inserts_previous_after_the_line_with_the_same_prefix() {
        assert_edits(
            Policy::Rotate,
            &[
                (
                    "A=1\n  export K='old'\nZ=2",
                    "K",
                    "new",
                    "A=1\n  export K=new\n  export K_PREVIOUS='old'\nZ=2",
                ),
                ("K=old", "K", "new", "K=new\nK_PREVIOUS=old"),
            ],
        );
    }

    #[test]
    fn rotate_fills_an_empty_previous_wherever_it_is_and_never_drops_an_older_value() {
        assert_edits(
            Policy::Rotate,
            &[
                (
                    "K_PREVIOUS=\nK=old\n",
                    "K",
                    "new",
                    "K_PREVIOUS=old\nK=new\n",
                ),
                (
                    "K=old\nX=1\nK_PREVIOUS=\"\" # c\n",
                    "K",
                    "new",
                    "K=new\nX=1\nK_PREVIOUS=old # c\n",
                ),
            ],
        );
        for held in [
            "K_PREVIOUS=older\nK=old\n",
            "K=old\nX=1\nK_PREVIOUS=\"ol\nder\" # c\n",
        ] {
            let doc = Document::parse(held.as_bytes().to_vec());
            let line = doc
                .entries()
                .iter()
                .find(|e| e.key == "K_PREVIOUS")
                .unwrap()
                .line;
            assert_eq!(
                set(&doc, "K", b"new", Policy::Rotate).unwrap_err(),
                EditError::PreviousHeld {
                    name: "K".into(),
                    line
                },
                "{held}"
            );
        }
    }

    #[test]
    fn replace_says_when_an_older_value_is_left_in_previous() {
        let doc = Document::parse(b"K=old\nK_PREVIOUS=older\n".to_vec());
        let (_, change) = set(&doc, "K", b"new", Policy::Replace).unwrap();
        assert_eq!(
            change,
            Change::Replaced {
                line: 1,
                disputed: false,
                stale_previous: Some(2)
            }
        );
        let doc = Document::parse(b"K=old\nK_PREVIOUS=\n".to_vec());
        let (_, change) = set(&doc, "K", b"new", Policy::Replace).unwrap();
        assert!(matches!(
            change,
            Change::Replaced {
                stale_previous: None,
                ..
            }
        ));
    }

    #[test]
    fn rotate_keeps_a_value_starting_with_a_hash_as_python_dotenv_read_it() {
        assert_edits(
            Policy::Rotate,
            &[
                (
                    "DB_PASSWORD=#S3cr3t!pw\n",
                    "DB_PASSWORD",
                    "new",
                    "DB_PASSWORD=new\nDB_PASSWORD_PREVIOUS='#S3cr3t!pw'\n",
                ),
                (
                    "K=#a'b # note\nK_PREVIOUS=\n",
                    "K",
                    "new",
                    "K=new # note\nK_PREVIOUS=\"#a'b\"\n",
                ),
            ],
        );
        let doc = Document::parse(b"K=#a${HOME}\n".to_vec());
        assert_eq!(
            set(&doc, "K", b"new", Policy::Rotate).unwrap_err(),
            EditError::OldValueUnkeepable {
                name: "K".into(),
                line: 1
            }
        );
    }

    #[test]
    fn rotate_of_an_absent_name_just_adds_it() {
        let doc = Document::parse(b"A=1\n".to_vec());
        let (edited, change) = set(&doc, "K", b"v", Policy::Rotate).unwrap();
        assert_eq!(change, Change::Added);
        assert_eq!(edited.bytes(), b"A=1\nK=v\n");
    }

    #[test]
    fn duplicates_and_unreadable_lines_are_refused_with_line_numbers() {
        assert_eq!(
            run("K=1\nA=2\nK=3\n", "K", "v", Policy::Replace),
            Err(EditError::Duplicate {
                name: "K".into(),
                first: 1,
                second: 3
            })
        );
        assert_eq!(
            run("K: 1\n", "K", "v", Policy::Replace),
            Err(EditError::Unreadable {
                name: "K".into(),
                line: 1
            })
        );
        assert_eq!(
            run(
                "K=1\nK_PREVIOUS=2\nK_PREVIOUS=3\n",
                "K",
                "v",
                Policy::Rotate
            ),
            Err(EditError::Duplicate {
                name: "K_PREVIOUS".into(),
                first: 2,
                second: 3
            })
        );
    }

    #[test]
    fn a_quote_that_would_close_an_open_one_is_refused() {
        // python-dotenv and npm dotenv would read A as running up to the new value's quote.
        assert_eq!(
            run("A=\"open\n", "K", "\"it's\"", Policy::Refuse),
            Err(EditError::WouldMisparse { name: "K".into() })
        );
        assert!(run("A=\"open\n", "K", "'x'", Policy::Refuse).is_ok());
    }

    #[test]
    fn new_lines_follow_an_all_export_file() {
        assert_edits(
            Policy::Refuse,
            &[
                ("export A=1\n", "K", "v", "export A=1\nexport K=v\n"),
                ("export A=1\nB=2\n", "K", "v", "export A=1\nB=2\nK=v\n"),
            ],
        );
    }
}
