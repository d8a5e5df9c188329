//! The scanner's side of `scan --staged`: the staged files [`crate::source::staged`] lists,
//! scanned with path and content rules, keeping only what the commit adds (findings on added
//! lines, path rules a file did not already match under its old name).

use super::Scanner;
use crate::finding::Finding;
use crate::source::staged::{AddedLines, StagedChanges, StagedFile, lossy};
use crate::source::{Content, Origin, Problem};
use git2::Repository;
use std::collections::HashSet;

/// What a staged scan found.
#[derive(Debug, Default)]
pub struct StagedScan {
    /// The findings to report (unsuppressed, unsorted: see [`crate::scan::finish`]).
    pub findings: Vec<Finding>,
    /// Conflicted paths (warnings) and unreadable blobs (errors).
    pub problems: Vec<Problem>,
}

/// Scans the staged `changes` of `repo` (from
/// [`crate::source::staged::staged_changes`]) with `scanner`: only
/// findings on added lines, unless `all_lines`.
pub fn scan_changes(
    scanner: &Scanner,
    repo: &Repository,
    changes: &StagedChanges,
    all_lines: bool,
) -> StagedScan {
    let mut out = StagedScan::default();
    for path in &changes.conflicted {
        out.problems.push(Problem::Warning(format!(
            "{} has unresolved merge conflicts: not scanned (resolve it and `git add` it; the \
             scan then checks the resolution)",
            lossy(path)
        )));
    }
    for file in &changes.files {
        scan_file(scanner, repo, file, all_lines, &mut out);
    }
    out
}

/// Path rules and content rules on one staged file, keeping what the commit adds.
fn scan_file(
    scanner: &Scanner,
    repo: &Repository,
    file: &StagedFile,
    all_lines: bool,
    out: &mut StagedScan,
) {
    let path = lossy(&file.path);
    let origin = Origin {
        path: path.clone(),
        rule_path: Some(path.clone()),
        commit: None,
    };
    if scanner.is_path_allowed(&origin) {
        return;
    }
    let matcher = scanner.matcher();
    let rules = matcher.rules().rules();
    let already: HashSet<&str> = if all_lines {
        HashSet::new()
    } else {
        file.same_blob_before
            .iter()
            .flat_map(|old| matcher.scan_path(&lossy(old)))
            .map(|rule| rules[rule].id.as_str())
            .collect()
    };
    out.findings.extend(
        scanner
            .path_findings(&origin)
            .into_iter()
            .filter(|finding| !already.contains(finding.rule_id.as_str())),
    );
    if !all_lines && file.added.is_empty() {
        return;
    }
    let blob = match repo.find_blob(file.blob) {
        Ok(blob) => blob,
        Err(error) => {
            out.problems.push(Problem::Error(format!(
                "cannot read the staged content of {path} (blob {}): {}",
                file.blob,
                error.message()
            )));
            return;
        }
    };
    match scanner.content_findings(&origin, Content::Bytes(blob.content())) {
        Ok(scan) => {
            out.problems.extend(scan.cap_warnings(&path));
            out.findings.extend(
                scan.findings
                    .into_iter()
                    .filter(|finding| all_lines || on_added_line(finding, &file.added)),
            );
        }
        Err(error) => out.problems.push(Problem::Error(format!(
            "cannot scan the staged content of {path}: {error}"
        ))),
    }
}

/// Whether any line of the finding's secret is an added line.
fn on_added_line(finding: &Finding, added: &AddedLines) -> bool {
    let last = finding.line + finding.secret.matches('\n').count();
    added.touches(finding.line, last)
}
