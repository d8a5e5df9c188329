//! Loose objects (`objects/xx/yyyy...`): one zlib stream holding a header `<type> <size>\0`
//! and the object's bytes.

use super::exact::Exact;
use flate2::bufread::ZlibDecoder;
use git2::{ObjectType, Oid};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Compressed bytes read from the file at a time, and inflated bytes buffered for the header.
const BUFFER: usize = 64 * 1024;
/// Longest header: "commit " and a 20-digit size, with room to spare.
const MAX_HEADER_LEN: u64 = 32;

/// The stream of a loose object's bytes, after its header.
pub type LooseStream = Exact<BufReader<ZlibDecoder<BufReader<File>>>>;

/// Where object `id` would be stored loose in the object directory `objects`.
pub fn path_of(objects: &Path, id: Oid) -> PathBuf {
    let hex = id.to_string();
    objects.join(&hex[..2]).join(&hex[2..])
}

/// Opens the loose object at `path`: its type, size and bytes. `None` if there is no such file.
pub fn open(path: &Path) -> io::Result<Option<(ObjectType, u64, LooseStream)>> {
    let opened = super::unless_absent(File::open(path), || {
        format!("loose object {}", path.display())
    })?;
    let Some(file) = opened else {
        return Ok(None);
    };
    let corrupt = |what: &dyn std::fmt::Display| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("loose object {}: {what}", path.display()),
        )
    };
    let mut inflated = BufReader::with_capacity(
        BUFFER,
        ZlibDecoder::new(BufReader::with_capacity(BUFFER, file)),
    );
    let mut header = Vec::new();
    (&mut inflated)
        .take(MAX_HEADER_LEN)
        .read_until(0, &mut header)
        .map_err(|error| corrupt(&error))?;
    let (kind, size) = parse_header(&header).map_err(|what| corrupt(&what))?;
    let label = format!("loose object {}", path.display());
    Ok(Some((kind, size, Exact::new(inflated, size, label))))
}

/// Parses `<type> <size>\0`.
fn parse_header(header: &[u8]) -> Result<(ObjectType, u64), String> {
    let Some(header) = header.strip_suffix(b"\0") else {
        return Err("its header does not end within 32 bytes".into());
    };
    let text = std::str::from_utf8(header).map_err(|_| "its header is not text".to_owned())?;
    let (kind, size) = text
        .split_once(' ')
        .ok_or_else(|| format!("its header `{text}` is not `<type> <size>`"))?;
    let kind = match kind {
        "blob" => ObjectType::Blob,
        "tree" => ObjectType::Tree,
        "commit" => ObjectType::Commit,
        "tag" => ObjectType::Tag,
        other => return Err(format!("unknown object type `{other}`")),
    };
    let size_ok = !size.is_empty() && size.bytes().all(|b| b.is_ascii_digit());
    let size = size
        .parse::<u64>()
        .ok()
        .filter(|_| size_ok)
        .ok_or_else(|| format!("its size `{size}` is not a number"))?;
    Ok((kind, size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_or_say_what_is_wrong() {
        assert_eq!(parse_header(b"blob 12\0"), Ok((ObjectType::Blob, 12)));
        assert_eq!(parse_header(b"tree 0\0"), Ok((ObjectType::Tree, 0)));
        for (header, want) in [
            (&b"blob 12"[..], "does not end"),
            (b"blob12\0", "not `<type> <size>`"),
            (b"blub 3\0", "unknown object type"),
            (b"blob -3\0", "not a number"),
            (b"blob +3\0", "not a number"),
            (b"blob \0", "not a number"),
        ] {
            let error = parse_header(header).expect_err("bad header");
            assert!(error.contains(want), "{header:?}: {error}");
        }
    }
}
