//! Standard input as a blob: `tokhyg scan -`. It is read as a stream, so a dump of any size
//! takes bounded memory; findings in it are reported at path `-`.

use super::decode::TextReader;
use super::{Blob, Content, Origin};
use std::path::Path;

/// The path argument that means standard input, and the path its findings are reported at.
pub const STDIN_PATH: &str = "-";

/// Whether a path argument means standard input.
pub fn is_stdin_arg(path: &Path) -> bool {
    path.as_os_str() == STDIN_PATH
}

/// Standard input as a streamed blob, UTF-16 text decoded (see [`super::decode`]).
pub fn blob() -> Blob<'static> {
    Blob {
        origin: Origin::stdin(),
        content: Content::Stream {
            reader: Box::new(TextReader::new(std::io::stdin().lock())),
            len: None,
        },
    }
}
