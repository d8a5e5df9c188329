//! A list of paths to scan (`tokhyg scan --files-from FILE`): NUL-separated when it holds a NUL
//! byte (`find -print0`, `git ls-files -z`, `xargs -0` style, safe for any file name), else one
//! path per line (a final `\r` of a line is dropped, so CRLF lists work). Empty entries are
//! skipped.

use std::path::PathBuf;

/// The paths of a list, in order.
pub fn parse_path_list(bytes: &[u8]) -> Vec<PathBuf> {
    let separator = if bytes.contains(&0) { 0 } else { b'\n' };
    bytes
        .split(|&b| b == separator)
        .map(|entry| match (separator, entry) {
            (b'\n', [rest @ .., b'\r']) => rest,
            _ => entry,
        })
        .filter(|entry| !entry.is_empty())
        .map(path_from_bytes)
        .collect()
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::parse_path_list;
    use std::path::PathBuf;

    fn paths(list: &[&str]) -> Vec<PathBuf> {
        list.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn lines_or_nul_separated_entries() {
        assert_eq!(
            parse_path_list(b"a.txt\nsrc/b c.rs\r\n\n./d\n"),
            paths(&["a.txt", "src/b c.rs", "./d"])
        );
        assert_eq!(
            parse_path_list(b"a.txt\0with\nnewline\0trailing space \0\0"),
            paths(&["a.txt", "with\nnewline", "trailing space "])
        );
        assert!(parse_path_list(b"").is_empty());
        assert!(parse_path_list(b"\n\n").is_empty());
    }
}
