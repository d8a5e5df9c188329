//! Where the bytes of a scan come from: the files under some paths ([`files`]), standard input
//! ([`stdin`]), and later the staged index and git history. A source produces [`Blob`]s: bytes
//! (in memory, or a stream read in bounded windows) and the [`Origin`] they are reported at. It
//! knows nothing about rules; [`crate::scan`] turns blobs into findings.

pub mod decode;
pub mod files;
pub mod history;
pub mod loose_guard;
pub mod path_list;
pub mod staged;
pub mod stdin;
pub mod tracked;

use crate::finding::CommitInfo;
use std::io::Read;

/// How much binary-detection looks at: a NUL byte in the first 8 KiB means "binary", as git
/// and ripgrep decide (the UTF-16 sniffing of [`decode`] looks at as much).
pub const BINARY_PROBE_LEN: usize = 8 * 1024;

/// Where a blob's bytes are reported at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The path shown in findings: `/`-separated, relative to where the user pointed the scan
    /// (see [`files`]), `-` for standard input. Non-UTF-8 bytes are replaced with U+FFFD.
    pub path: String,
    /// The path that path rules and the config's `allow_paths` are matched against: relative to
    /// the repository root (where `.tokhyg.yaml` lives) when the blob lies under it, `/`-separated.
    /// `None` when the blob has no path (standard input): no path rule applies then.
    pub rule_path: Option<String>,
    /// The commit the blob is reported in (history scans).
    pub commit: Option<CommitInfo>,
}

impl Origin {
    /// The origin of standard input: path `-`, no path rules.
    pub fn stdin() -> Origin {
        Origin {
            path: stdin::STDIN_PATH.to_string(),
            rule_path: None,
            commit: None,
        }
    }
}

/// The bytes of a blob.
pub enum Content<'a> {
    /// Bytes already in memory (small git blobs, tests).
    Bytes(&'a [u8]),
    /// A stream read window by window, so a blob of any size takes bounded memory.
    Stream {
        /// The bytes.
        reader: Box<dyn Read + 'a>,
        /// The stream's length when known; it only sizes the first read.
        len: Option<u64>,
    },
}

impl std::fmt::Debug for Content<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Content::Bytes(bytes) => write!(f, "Content::Bytes({} bytes)", bytes.len()),
            Content::Stream { len, .. } => write!(f, "Content::Stream(len {len:?})"),
        }
    }
}

/// Bytes to scan and where to report what they hold.
#[derive(Debug)]
pub struct Blob<'a> {
    /// Where findings in it are reported.
    pub origin: Origin,
    /// Its bytes.
    pub content: Content<'a>,
}

/// Something that went wrong while reading a source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// Something that was asked for could not be scanned (a missing path, an unreadable file or
    /// directory): the scan's result is incomplete.
    Error(String),
    /// Something worth knowing that leaves the result complete (a symbolic link loop that was
    /// not entered, an ignore file with a bad line).
    Warning(String),
}
