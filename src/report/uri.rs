//! Relative paths as URI references (RFC 3986), for SARIF's `artifactLocation.uri`.

use std::fmt::Write as _;

/// `path` (relative, `/`-separated) as a relative URI reference: every byte of its UTF-8 form
/// other than an unreserved character (`A-Z a-z 0-9 - . _ ~`) or `/` is percent-encoded, so
/// spaces, `%`, `#`, `?`, `:` and non-ASCII characters cannot be misread as URI syntax.
/// (Paths that were not UTF-8 were already made lossy into `String` by the source.)
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encode_path;

    #[test]
    fn keeps_plain_paths_and_encodes_everything_else() {
        assert_eq!(encode_path("src/main.rs"), "src/main.rs");
        assert_eq!(
            encode_path(".github/workflows/ci.yml"),
            ".github/workflows/ci.yml"
        );
        assert_eq!(encode_path("my notes/a b.md"), "my%20notes/a%20b.md");
        assert_eq!(encode_path("ü/€.txt"), "%C3%BC/%E2%82%AC.txt");
        assert_eq!(encode_path("100%#?.env"), "100%25%23%3F.env");
        assert_eq!(encode_path("c:odd[1]"), "c%3Aodd%5B1%5D");
        assert_eq!(encode_path("bad\u{fffd}name"), "bad%EF%BF%BDname");
    }
}
