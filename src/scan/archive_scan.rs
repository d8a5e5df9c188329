//! The scanner's side of archives (see [`super::archive`]): an archive blob's members, each
//! scanned like a file (path rules on its name, content rules on its bytes, archives inside it
//! opened in turn), reported under `archive!member`.

use super::archive::{self, Budget, Guarded, Kind, Limited, Nesting, Stop};
use super::{BlobScan, Place, Scanner, Top};
use crate::source::{Content, Origin};
use std::cell::{Cell, RefCell};
use std::io::{Cursor, Read};
use std::rc::Rc;

/// A warning about a blob or one of its members: the member's path inside the blob
/// (`!inner.zip!a.env`, empty for the blob itself) and what happened.
pub type MemberWarning = (String, String);

impl Scanner {
    /// Scans `content`, an archive of `kind` at `origin` opened at `nesting`, member by member.
    /// Never fails: what cannot be read is a warning in the result.
    pub(super) fn scan_archive(
        &self,
        origin: &Origin,
        content: Content<'_>,
        kind: Kind,
        nesting: Nesting,
        budget: &Budget,
        top: Top<'_>,
    ) -> BlobScan {
        let mut out = BlobScan::default();
        let here = origin
            .path
            .strip_prefix(top.path)
            .unwrap_or_default()
            .to_string();
        let inner = archive::inside(kind, nesting);
        match kind {
            Kind::Gzip | Kind::Bzip2 | Kind::Xz => {
                let consumed = Rc::new(Cell::new(0));
                let input: Box<dyn Read + '_> = match content {
                    Content::Bytes(bytes) => Box::new(Cursor::new(bytes)),
                    Content::Stream { reader, .. } => reader,
                };
                let counted = archive::Counting::new(input, Rc::clone(&consumed));
                let member = MemberReader::new(
                    archive::decompressor(kind, counted),
                    Some(consumed),
                    None,
                    budget,
                    true,
                );
                // Transparent: the decompressed stream is the blob itself.
                self.scan_member(origin, member, None, inner, budget, top, &mut out);
            }
            Kind::Tar => {
                let reader: Box<dyn Read + '_> = match content {
                    Content::Bytes(bytes) => Box::new(Cursor::new(bytes)),
                    Content::Stream { reader, .. } => reader,
                };
                self.scan_tar(origin, reader, inner, budget, top, &here, &mut out);
            }
            Kind::Zip => match zip_bytes(content) {
                Ok(bytes) => self.scan_zip(origin, &bytes, inner, budget, top, &here, &mut out),
                Err(why) => out.warnings.push((here.clone(), why)),
            },
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn scan_tar(
        &self,
        origin: &Origin,
        reader: Box<dyn Read + '_>,
        nesting: Nesting,
        budget: &Budget,
        top: Top<'_>,
        here: &str,
        out: &mut BlobScan,
    ) {
        let mut tar = tar::Archive::new(reader);
        let entries = match tar.entries() {
            Ok(entries) => entries,
            Err(error) => {
                out.warnings.push((
                    here.to_string(),
                    format!("not a readable tar archive: {error}"),
                ));
                return;
            }
        };
        let mut members = 0;
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    out.warnings.push((
                        here.to_string(),
                        format!(
                            "tar archive cut short or corrupt ({error}): the rest is not scanned"
                        ),
                    ));
                    return;
                }
            };
            if !entry.header().entry_type().is_file() {
                continue;
            }
            members += 1;
            if members > archive::MAX_MEMBERS {
                out.warnings.push((here.to_string(), too_many_members()));
                return;
            }
            let name = archive::member_path(&String::from_utf8_lossy(&entry.path_bytes()));
            let member = MemberReader::new(Box::new(entry), None, None, budget, false);
            self.scan_member(origin, member, Some(&name), nesting, budget, top, out);
            if budget.spent() {
                return;
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn scan_zip(
        &self,
        origin: &Origin,
        bytes: &[u8],
        nesting: Nesting,
        budget: &Budget,
        top: Top<'_>,
        here: &str,
        out: &mut BlobScan,
    ) {
        let mut zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
            Ok(zip) => zip,
            Err(error) => {
                out.warnings.push((
                    here.to_string(),
                    format!("not a readable zip archive: {error}"),
                ));
                return;
            }
        };
        if zip.len() > archive::MAX_MEMBERS {
            out.warnings.push((here.to_string(), too_many_members()));
        }
        let mut unreadable = Vec::new();
        for index in 0..zip.len().min(archive::MAX_MEMBERS) {
            let file = match zip.by_index(index) {
                Ok(file) => file,
                Err(error) => {
                    unreadable.push(error.to_string());
                    continue;
                }
            };
            if !file.is_file() {
                continue;
            }
            let name = archive::member_path(&String::from_utf8_lossy(file.name_raw()));
            let declared = file.compressed_size();
            let member = MemberReader::new(Box::new(file), None, Some(declared), budget, true);
            self.scan_member(origin, member, Some(&name), nesting, budget, top, out);
            if budget.spent() {
                break;
            }
        }
        if let Some(first) = unreadable.first() {
            out.warnings.push((
                here.to_string(),
                format!(
                    "{} member(s) of the zip archive could not be read ({first}): not scanned",
                    unreadable.len()
                ),
            ));
        }
    }

    /// Scans one member (`name` inside the archive at `origin`; `None` for the stream a
    /// compressed blob decompresses to, which is the blob itself) and adds its findings and
    /// warnings to `out`.
    #[allow(clippy::too_many_arguments)]
    fn scan_member(
        &self,
        origin: &Origin,
        member: MemberReader<'_>,
        name: Option<&str>,
        nesting: Nesting,
        budget: &Budget,
        top: Top<'_>,
        out: &mut BlobScan,
    ) {
        let member_origin = match name {
            Some(name) => Origin {
                path: format!("{}!{name}", origin.path),
                rule_path: Some(name.to_string()),
                commit: origin.commit.clone(),
            },
            None => origin.clone(),
        };
        if name.is_some() {
            for rule in self
                .matcher
                .scan_path(member_origin.rule_path.as_deref().unwrap_or_default())
            {
                let finding = self.finding(
                    rule,
                    &member_origin,
                    Place::START,
                    member_origin
                        .rule_path
                        .as_deref()
                        .unwrap_or_default()
                        .as_bytes(),
                );
                out.findings.push(finding);
            }
        }
        let MemberReader {
            reader,
            stopped,
            error,
        } = member;
        let scanned = self.content_findings_nested(
            &member_origin,
            Content::Stream { reader, len: None },
            nesting,
            budget,
            top,
        );
        let here = member_origin
            .path
            .strip_prefix(top.path)
            .unwrap_or_default()
            .to_string();
        match scanned {
            Ok(scan) => {
                out.findings.extend(scan.findings);
                out.capped.extend(scan.capped);
                out.warnings.extend(scan.warnings);
            }
            Err(error) => out
                .warnings
                .push((here.clone(), format!("cannot be read: {error}"))),
        }
        if let Some(message) = error.borrow().as_ref() {
            out.warnings.push((
                here.clone(),
                format!("corrupt or truncated ({message}): scanned as far as it could be read"),
            ));
        }
        match stopped.get() {
            Some(Stop::Ratio) => out.warnings.push((
                here,
                format!(
                    "decompresses to over {}x its size (a compression bomb?): read no further",
                    archive::MAX_RATIO
                ),
            )),
            Some(Stop::Total) => out.warnings.push((
                here,
                format!(
                    "the archive decompresses to over {} MiB: the rest is not scanned",
                    archive::MAX_DECOMPRESSED >> 20
                ),
            )),
            None => {}
        }
    }
}

/// A member's bytes under the archive limits, with what stopped them early.
struct MemberReader<'a> {
    reader: Box<dyn Read + 'a>,
    stopped: Rc<Cell<Option<Stop>>>,
    error: Rc<RefCell<Option<String>>>,
}

impl<'a> MemberReader<'a> {
    /// `inner` under the limits; `counted`: whether its bytes are decompressed ones, spent from
    /// the budget (a tar member's are not: see [`Limited::not_counted`]).
    fn new(
        inner: Box<dyn Read + 'a>,
        consumed: Option<Rc<Cell<u64>>>,
        declared: Option<u64>,
        budget: &'a Budget,
        counted: bool,
    ) -> Self {
        let stopped = Rc::new(Cell::new(None));
        let error = Rc::new(RefCell::new(None));
        let guarded = Guarded::new(inner, Rc::clone(&error));
        let limited = Limited::new(guarded, consumed, declared, budget, Rc::clone(&stopped));
        let limited = if counted {
            limited
        } else {
            limited.not_counted()
        };
        MemberReader {
            reader: Box::new(limited),
            stopped,
            error,
        }
    }
}

/// A zip's bytes, read into memory when it is a stream (its directory is at its end).
fn zip_bytes(content: Content<'_>) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    match content {
        Content::Bytes(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
        Content::Stream { reader, .. } => {
            let mut bytes = Vec::new();
            reader
                .take(archive::MAX_ZIP_IN_MEMORY + 1)
                .read_to_end(&mut bytes)
                .map_err(|error| format!("cannot be read: {error}"))?;
            if bytes.len() as u64 > archive::MAX_ZIP_IN_MEMORY {
                return Err(format!(
                    "a zip archive over {} MiB is not looked into (its directory is at its end)",
                    archive::MAX_ZIP_IN_MEMORY >> 20
                ));
            }
            Ok(std::borrow::Cow::Owned(bytes))
        }
    }
}

fn too_many_members() -> String {
    format!(
        "holds over {} members: only the first are scanned",
        archive::MAX_MEMBERS
    )
}
