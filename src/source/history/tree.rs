//! Parses raw git tree objects without libgit2's object layer: the walk reads each tree once,
//! so parsing the bytes in place avoids allocating an entry list per tree.

use git2::Oid;

/// Length of a SHA-1 object id in a tree entry.
const OID_LEN: usize = 20;

/// What a tree entry points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A subdirectory.
    Tree,
    /// A file or symbolic link.
    Blob,
    /// A submodule commit (gitlink); its contents live in another repository.
    Gitlink,
}

/// One entry of a tree object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'t> {
    /// What the entry points at, from its mode.
    pub kind: EntryKind,
    /// The entry's name (one path component, raw bytes).
    pub name: &'t [u8],
    /// The object it points at.
    pub id: Oid,
}

/// A malformed tree object.
#[derive(Debug, thiserror::Error)]
#[error("malformed tree object (truncated or bad entry at byte {offset})")]
pub struct MalformedTree {
    /// Where parsing stopped.
    pub offset: usize,
}

/// Iterates the entries of a raw tree object.
pub fn entries(data: &[u8]) -> impl Iterator<Item = Result<Entry<'_>, MalformedTree>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= data.len() {
            return None;
        }
        let entry = parse_entry(data, at);
        match entry {
            Ok((entry, next)) => {
                at = next;
                Some(Ok(entry))
            }
            Err(error) => {
                at = data.len();
                Some(Err(error))
            }
        }
    })
}

/// The entry of a raw tree object that starts at byte `at`, and where the next one starts.
pub fn parse_entry(data: &[u8], at: usize) -> Result<(Entry<'_>, usize), MalformedTree> {
    let bad = MalformedTree { offset: at };
    let rest = &data[at..];
    let space = memchr::memchr(b' ', rest).ok_or(MalformedTree { offset: at })?;
    let mode = &rest[..space];
    let nul = memchr::memchr(0, &rest[space..]).ok_or(MalformedTree { offset: at })? + space;
    let name = &rest[space + 1..nul];
    let id_bytes = rest
        .get(nul + 1..nul + 1 + OID_LEN)
        .ok_or(MalformedTree { offset: at })?;
    let id = Oid::from_bytes(id_bytes).map_err(|_| MalformedTree { offset: at })?;
    let kind = match mode {
        b"40000" | b"040000" => EntryKind::Tree,
        b"160000" => EntryKind::Gitlink,
        _ if mode.first() == Some(&b'1') => EntryKind::Blob,
        _ => return Err(bad),
    };
    Ok((Entry { kind, name, id }, at + nul + 1 + OID_LEN))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(entries: &[(&str, &str, [u8; 20])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (mode, name, id) in entries {
            out.extend_from_slice(mode.as_bytes());
            out.push(b' ');
            out.extend_from_slice(name.as_bytes());
            out.push(0);
            out.extend_from_slice(id);
        }
        out
    }

    #[test]
    fn parses_every_kind_of_entry() {
        let data = raw(&[
            ("100644", "a.txt", [1; 20]),
            ("40000", "dir", [2; 20]),
            ("160000", "sub", [3; 20]),
            ("120000", "link", [4; 20]),
        ]);
        let parsed: Vec<_> = entries(&data)
            .collect::<Result<_, _>>()
            .expect("well formed");
        let kinds: Vec<_> = parsed.iter().map(|e| (e.kind, e.name)).collect();
        assert_eq!(
            kinds,
            [
                (EntryKind::Blob, &b"a.txt"[..]),
                (EntryKind::Tree, &b"dir"[..]),
                (EntryKind::Gitlink, &b"sub"[..]),
                (EntryKind::Blob, &b"link"[..]),
            ]
        );
        assert_eq!(parsed[1].id, Oid::from_bytes(&[2; 20]).expect("20 bytes"));
    }

    #[test]
    fn truncated_tree_is_an_error() {
        let mut data = raw(&[("100644", "a.txt", [1; 20])]);
        data.truncate(data.len() - 3);
        assert!(entries(&data).any(|e| e.is_err()));
    }
}
