//! The blob readers: one thread per core, each with its own repository handle (a libgit2
//! repository must not be shared between threads), reading each unique blob once and handing
//! it to the scan. Ordinary blobs are read whole by libgit2 (fastest); blobs of at least the
//! large-blob threshold are streamed from the object directories ([`super::stream`]) and
//! scanned window by window, so memory holds one scan window per reader whatever their size.

use super::progress::Counters;
use super::stream::ObjectStreams;
use super::walk::{BlobIndex, BlobJob, ObjectError};
use crate::source::Content;
use git2::{ObjectType, Repository};
use std::io;
use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::Receiver;

/// Default large-blob threshold: blobs at least this big are streamed rather than read whole,
/// which bounds memory to one ordinary blob (under this size) plus one scan window per reader.
pub const LARGE_BLOB: usize = 32 * 1024 * 1024;

/// What one reader produced.
#[derive(Debug)]
pub struct ReaderOutput<T> {
    /// Blobs that gave at least one result, with those results.
    pub hits: Vec<(BlobIndex, Vec<T>)>,
    /// Blobs that could not be read.
    pub errors: Vec<ObjectError>,
}

/// Shared state of the readers.
pub struct Readers<'a, V> {
    /// The git directory, opened once per reader.
    pub git_dir: &'a Path,
    /// Batches of blobs to read, from the walk.
    pub jobs: &'a Mutex<Receiver<Vec<BlobJob>>>,
    /// Turns a blob's content into results; an error reading a streamed blob is returned.
    pub visit: &'a V,
    /// Progress counters.
    pub counters: &'a Counters,
    /// Streams of large blobs.
    pub streams: &'a ObjectStreams,
    /// Blobs of at least this many bytes are streamed.
    pub large_blob: usize,
}

impl<V> Readers<'_, V> {
    /// Runs one reader until the walk closes the job queue.
    pub fn run<T>(&self) -> anyhow::Result<ReaderOutput<T>>
    where
        V: Fn(Content<'_>) -> io::Result<Vec<T>>,
    {
        let repo = Repository::open(self.git_dir).map_err(|error| {
            anyhow::anyhow!(
                "cannot open {}: {}",
                self.git_dir.display(),
                error.message()
            )
        })?;
        crate::source::loose_guard::guard(&repo)?;
        let odb = repo.odb()?;
        let mut out = ReaderOutput {
            hits: Vec::new(),
            errors: Vec::new(),
        };
        loop {
            // A poisoned lock means another reader panicked; its panic is reported on join.
            let batch = match self.jobs.lock() {
                Ok(queue) => queue.recv(),
                Err(_) => break,
            };
            let Ok(batch) = batch else { break };
            for job in batch {
                self.read_one(&odb, job, &mut out);
            }
        }
        Ok(out)
    }

    fn read_one<T>(&self, odb: &git2::Odb<'_>, job: BlobJob, out: &mut ReaderOutput<T>)
    where
        V: Fn(Content<'_>) -> io::Result<Vec<T>>,
    {
        let fail = |message: String| ObjectError {
            id: job.id,
            kind: "blob",
            commit: Some(job.first.commit),
            path: job.first.path,
            message,
        };
        let size = match odb.read_header(job.id) {
            Ok((size, ObjectType::Blob)) => size,
            Ok((_, kind)) => {
                return out
                    .errors
                    .push(fail(format!("expected a blob, found a {kind}")));
            }
            Err(error) => return out.errors.push(fail(error.message().to_owned())),
        };
        let results = if size >= self.large_blob {
            match self.streams.open_blob(job.id) {
                Ok(Some((len, reader))) => {
                    Counters::add(&self.counters.streamed, 1);
                    (self.visit)(Content::Stream {
                        reader,
                        len: Some(len),
                    })
                }
                // Not where this reader looks (a pack format it does not know, a pack written
                // after the scan listed them): libgit2 reads it whole, as for small blobs.
                Ok(None) => self.read_whole(odb, job.id),
                Err(error) => Err(error),
            }
        } else {
            self.read_whole(odb, job.id)
        };
        let results = match results {
            Ok(results) => results,
            Err(error) => return out.errors.push(fail(error.to_string())),
        };
        Counters::add(&self.counters.blobs_read, 1);
        Counters::add(&self.counters.bytes, size as u64);
        if !results.is_empty() {
            out.hits.push((job.index, results));
        }
    }

    /// Reads blob `id` whole with libgit2 and visits its bytes.
    fn read_whole<T>(&self, odb: &git2::Odb<'_>, id: git2::Oid) -> io::Result<Vec<T>>
    where
        V: Fn(Content<'_>) -> io::Result<Vec<T>>,
    {
        let object = odb
            .read(id)
            .map_err(|error| io::Error::other(error.message().to_owned()))?;
        (self.visit)(Content::Bytes(object.data()))
    }
}
