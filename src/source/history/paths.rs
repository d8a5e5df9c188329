//! Interned paths: every directory and file path seen in history gets a small id, so the blob
//! map stores 4 bytes per place instead of a path string, and a path shared by thousands of
//! commits is stored once.

use std::collections::HashMap;

/// Id of an interned path; [`PathTable::ROOT`] is the repository root.
pub type PathId = u32;

/// Paths as (parent, name) pairs, interned.
#[derive(Debug)]
pub struct PathTable {
    /// Entry `i` is path `i`: its parent and its last component.
    entries: Vec<(PathId, Box<[u8]>)>,
    /// Key: the parent id (little-endian) followed by the name.
    index: HashMap<Box<[u8]>, PathId>,
    /// Reused lookup key, so a lookup of a known path allocates nothing.
    key: Vec<u8>,
}

impl PathTable {
    /// The repository root, parent of every top-level entry.
    pub const ROOT: PathId = 0;

    /// A table holding only the root.
    pub fn new() -> Self {
        PathTable {
            entries: vec![(Self::ROOT, Box::default())],
            index: HashMap::new(),
            key: Vec::new(),
        }
    }

    /// The id of `parent/name`, interning it on first sight.
    pub fn child(&mut self, parent: PathId, name: &[u8]) -> PathId {
        self.key.clear();
        self.key.extend_from_slice(&parent.to_le_bytes());
        self.key.extend_from_slice(name);
        if let Some(&id) = self.index.get(self.key.as_slice()) {
            return id;
        }
        let id = PathId::try_from(self.entries.len()).unwrap_or(PathId::MAX);
        self.entries.push((parent, name.into()));
        self.index.insert(self.key.as_slice().into(), id);
        id
    }

    /// The full `/`-separated path of `id`, lossily decoded (git paths are bytes).
    pub fn render(&self, id: PathId) -> String {
        let mut parts = Vec::new();
        let mut at = id;
        while at != Self::ROOT {
            let Some((parent, name)) = self.entries.get(at as usize) else {
                break;
            };
            parts.push(String::from_utf8_lossy(name));
            at = *parent;
        }
        parts.reverse();
        parts.join("/")
    }
}

impl Default for PathTable {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_once_and_renders_full_paths() {
        let mut table = PathTable::new();
        let src = table.child(PathTable::ROOT, b"src");
        let main = table.child(src, b"main.rs");
        assert_eq!(table.child(PathTable::ROOT, b"src"), src);
        assert_eq!(table.child(src, b"main.rs"), main);
        assert_ne!(table.child(PathTable::ROOT, b"main.rs"), main);
        assert_eq!(table.render(main), "src/main.rs");
        assert_eq!(table.render(PathTable::ROOT), "");
    }
}
