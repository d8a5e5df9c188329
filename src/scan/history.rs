//! Turns a history scan into findings: each unique blob's content findings are placed at every
//! (commit, path) that introduced the blob, path rules run on every path history ever held, and
//! each leaked secret is reported once, at the oldest place that introduced it, with the number
//! of places holding it ([`Finding::occurrences`]), unless the user asked for all occurrences.

use super::{CappedRule, Scanner};
use crate::finding::{CommitInfo, Finding};
use crate::source::history::walk::Place;
use crate::source::history::{self, HistoryOptions, HistoryScan, ReadTuning};
use crate::source::{Blob, Content, Origin, Problem};
use git2::Repository;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What a history scan found, ready for the report.
#[derive(Debug, Default)]
pub struct HistoryFindings {
    /// Findings, one per leaked secret (or one per place with all occurrences), unsorted, each
    /// with its secret's number of places in [`Finding::occurrences`].
    pub findings: Vec<Finding>,
    /// Unreadable objects (errors) and things worth knowing (warnings).
    pub problems: Vec<Problem>,
}

/// Scans the history of the repository holding `dir` with `scanner`.
pub fn scan_history(
    scanner: &Scanner,
    dir: &Path,
    options: &HistoryOptions,
    all_occurrences: bool,
) -> anyhow::Result<HistoryFindings> {
    scan_history_with(
        scanner,
        dir,
        options,
        ReadTuning::default(),
        all_occurrences,
    )
}

/// [`scan_history`] with blob reading tuned.
pub fn scan_history_with(
    scanner: &Scanner,
    dir: &Path,
    options: &HistoryOptions,
    tuning: ReadTuning,
    all_occurrences: bool,
) -> anyhow::Result<HistoryFindings> {
    // Content findings do not depend on where the blob is: they are placed afterwards.
    let nowhere = Origin {
        path: String::new(),
        rule_path: None,
        commit: None,
    };
    let scan = history::scan_with(dir, options, tuning, |content: Content<'_>| {
        // Every rule runs; those limited to some paths are filtered where the blob is placed.
        scanner
            .content_findings_any_path(&nowhere, content)
            .map(|scan| {
                let capped = scan.capped.into_iter().map(BlobHit::Capped);
                let archive = scan
                    .warnings
                    .into_iter()
                    .map(|(member, what)| BlobHit::Archive(member, what));
                scan.findings
                    .into_iter()
                    .map(BlobHit::Found)
                    .chain(capped)
                    .chain(archive)
                    .collect()
            })
    })?;
    let repo = history::open_repository(dir)?;
    let mut commits = CommitCache::new(&repo);
    let mut placed: Vec<(Place, Finding)> = Vec::new();
    let mut cap_warnings = Vec::new();
    for (blob, hits) in &scan.hits {
        let places = scan.places(*blob);
        for capped in hits.iter().filter_map(BlobHit::capped) {
            if let Some(first) = places.first() {
                let origin = origin_at(&scan, &mut commits, *first);
                let commit = origin
                    .commit
                    .as_ref()
                    .map_or("?", |c| &c.id[..c.id.len().min(12)]);
                let shown = format!("{} (commit {commit})", origin.path);
                cap_warnings.push(Problem::Warning(capped.warning(&shown)));
            }
        }
        for hit in hits {
            if let (BlobHit::Archive(member, what), Some(first)) = (hit, places.first()) {
                let origin = origin_at(&scan, &mut commits, *first);
                let commit = origin
                    .commit
                    .as_ref()
                    .map_or("?", |c| &c.id[..c.id.len().min(12)]);
                cap_warnings.push(Problem::Warning(format!(
                    "archive {}{member} (commit {commit}): {what}",
                    origin.path
                )));
            }
        }
        for place in places {
            let origin = origin_at(&scan, &mut commits, *place);
            if scanner.is_path_allowed(&origin) {
                continue;
            }
            for finding in hits.iter().filter_map(BlobHit::found) {
                if !scanner.rule_fits_path(&finding.rule_id, &origin.path) {
                    continue;
                }
                let mut finding = finding.clone();
                // Content findings were made with an empty path; an archive member's carry
                // `!member` after it.
                finding.path = format!("{}{}", origin.path, finding.path);
                finding.commit.clone_from(&origin.commit);
                placed.push((*place, finding));
            }
        }
    }
    for (_, place) in scan.first_place_of_each_path() {
        let origin = origin_at(&scan, &mut commits, place);
        if !scanner.is_path_allowed(&origin) {
            let found = scanner.path_findings(&origin);
            placed.extend(found.into_iter().map(|f| (place, f)));
        }
    }
    let mut out = dedupe(placed, all_occurrences);
    let mut ref_problems = Vec::new();
    let unreadable = history::ref_objects::ref_object_blobs(
        &repo,
        &scan.ref_objects,
        &options.paths,
        |blob: Blob<'_>| {
            let shown = blob.origin.path.clone();
            match scanner.scan_blob(blob) {
                Ok(found) => {
                    ref_problems.extend(found.cap_warnings(&shown));
                    out.findings
                        .extend(found.findings.into_iter().map(|mut finding| {
                            finding.occurrences = Some(1);
                            finding
                        }));
                }
                Err(error) => {
                    ref_problems.push(Problem::Error(format!("cannot scan {shown}: {error}")))
                }
            }
        },
    );
    out.problems.extend(unreadable);
    out.problems.append(&mut ref_problems);
    out.problems
        .extend(scan.ref_errors.iter().cloned().map(Problem::Error));
    out.problems.append(&mut cap_warnings);
    out.problems
        .extend(scan.warnings.iter().cloned().map(Problem::Warning));
    out.problems.extend(
        scan.errors
            .iter()
            .map(|error| Problem::Error(scan.describe(error))),
    );
    Ok(out)
}

/// What the scan of one blob yields: findings, and the rules whose findings were capped.
// Nearly every item is a finding: boxing it to shrink the rare `Capped` would cost an
// allocation per finding for nothing.
#[allow(clippy::large_enum_variant)]
enum BlobHit {
    Found(Finding),
    Capped(CappedRule),
    /// A warning about an archive blob or one of its members: the member's path inside the
    /// blob (empty for the blob itself) and what happened.
    Archive(String, String),
}

impl BlobHit {
    fn found(&self) -> Option<&Finding> {
        match self {
            BlobHit::Found(finding) => Some(finding),
            BlobHit::Capped(_) | BlobHit::Archive(..) => None,
        }
    }

    fn capped(&self) -> Option<&CappedRule> {
        match self {
            BlobHit::Capped(capped) => Some(capped),
            BlobHit::Found(_) | BlobHit::Archive(..) => None,
        }
    }
}

/// Keeps, per fingerprint, the oldest place (commit order, then path, line, column), or every
/// place with `all_occurrences`; either way each finding says how many places hold its secret.
fn dedupe(mut placed: Vec<(Place, Finding)>, all_occurrences: bool) -> HistoryFindings {
    placed.sort_by(|(pa, a), (pb, b)| {
        (pa.commit, &a.path, a.line, a.column).cmp(&(pb.commit, &b.path, b.line, b.column))
    });
    // Every placed finding is a distinct place of its secret: a place (commit, path) holds one
    // blob, and a blob's findings differ in line, column or rule.
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (_, finding) in &placed {
        *counts.entry(finding.fingerprint.clone()).or_default() += 1;
    }
    let mut reported = HashSet::new();
    let mut out = HistoryFindings::default();
    for (_, mut finding) in placed {
        let first = reported.insert(finding.fingerprint.clone());
        if first || all_occurrences {
            finding.occurrences = counts.get(&finding.fingerprint).copied();
            out.findings.push(finding);
        }
    }
    out
}

fn origin_at<T>(scan: &HistoryScan<T>, commits: &mut CommitCache<'_>, place: Place) -> Origin {
    let path = scan.path(place.path);
    Origin {
        rule_path: Some(path.clone()),
        path,
        commit: scan.commit_id(place.commit).and_then(|id| commits.get(id)),
    }
}

/// Author and date of the commits findings are reported in, each read once.
struct CommitCache<'r> {
    repo: &'r Repository,
    known: HashMap<git2::Oid, Option<CommitInfo>>,
}

impl<'r> CommitCache<'r> {
    fn new(repo: &'r Repository) -> Self {
        CommitCache {
            repo,
            known: HashMap::new(),
        }
    }

    fn get(&mut self, id: git2::Oid) -> Option<CommitInfo> {
        let repo = self.repo;
        self.known
            .entry(id)
            .or_insert_with(|| {
                let commit = repo.find_commit(id).ok()?;
                let author = commit.author();
                Some(CommitInfo {
                    id: id.to_string(),
                    author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
                    email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
                    date: rfc3339(author.when()),
                })
            })
            .clone()
    }
}

/// A git time as RFC 3339 in its own offset (`2024-05-01T14:00:00+02:00`, or `Z` for UTC).
fn rfc3339(time: git2::Time) -> String {
    let offset = i64::from(time.offset_minutes());
    let local = time.seconds() + offset * 60;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let date = crate::date::Date::from_days(days);
    let zone = if offset == 0 {
        "Z".to_owned()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        format!("{sign}{:02}:{:02}", offset.abs() / 60, offset.abs() % 60)
    };
    format!(
        "{date}T{:02}:{:02}:{:02}{zone}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339_in_the_commit_offset() {
        assert_eq!(rfc3339(git2::Time::new(0, 0)), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(git2::Time::new(1_714_564_800, 120)),
            "2024-05-01T14:00:00+02:00"
        );
        assert_eq!(
            rfc3339(git2::Time::new(951_782_400, -330)),
            "2000-02-28T18:30:00-05:30"
        );
    }
}
