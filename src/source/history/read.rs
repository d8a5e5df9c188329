//! The blob readers: one thread per core, each with its own repository handle (a libgit2
//! repository must not be shared between threads), reading each unique blob once from the
//! object database and handing its bytes to the scan. Only the blobs being scanned are in
//! memory, and at most one large blob at a time.

use super::progress::Counters;
use super::walk::{BlobIndex, BlobJob, ObjectError};
use git2::{ObjectType, Repository};
use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::Receiver;

/// Blobs at least this big are read one at a time across all readers, which bounds memory to
/// one large blob plus one ordinary blob per reader.
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
    /// Turns a blob's bytes into results.
    pub visit: &'a V,
    /// Progress counters.
    pub counters: &'a Counters,
    /// Held while a large blob is in memory.
    pub large: &'a Mutex<()>,
}

impl<V> Readers<'_, V> {
    /// Runs one reader until the walk closes the job queue.
    pub fn run<T>(&self) -> anyhow::Result<ReaderOutput<T>>
    where
        V: Fn(&[u8]) -> Vec<T>,
    {
        let repo = Repository::open(self.git_dir).map_err(|error| {
            anyhow::anyhow!(
                "cannot open {}: {}",
                self.git_dir.display(),
                error.message()
            )
        })?;
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
        V: Fn(&[u8]) -> Vec<T>,
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
        let _large = (size >= LARGE_BLOB).then(|| self.large.lock());
        let object = match odb.read(job.id) {
            Ok(object) => object,
            Err(error) => return out.errors.push(fail(error.message().to_owned())),
        };
        let results = (self.visit)(object.data());
        Counters::add(&self.counters.blobs_read, 1);
        Counters::add(&self.counters.bytes, size as u64);
        if !results.is_empty() {
            out.hits.push((job.index, results));
        }
    }
}
