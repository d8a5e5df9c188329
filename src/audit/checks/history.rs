//! Check 8, history: secrets anywhere in the repository's history, summarised (how many, how
//! many still in the work tree). A secret in history is public to every clone: it must be
//! rotated first, then removed from history.

use super::exposure::Scans;
use crate::audit::{Check, Context, Item, Status};
use crate::source::history::{HistoryOptions, Selection};
use std::collections::BTreeSet;

/// Findings listed one by one; the rest are counted.
const LISTED: usize = 10;

/// Runs the check (skipped with `--no-history`).
pub fn check(context: &Context<'_>, scans: &Scans) -> anyhow::Result<Check> {
    const ID: &str = "history";
    const TITLE: &str = "No secrets in history";
    if !context.options.history {
        return Ok(Check::skipped(ID, TITLE, "skipped (--no-history)"));
    }
    if context.repo.head().is_err() {
        return Ok(Check::new(ID, TITLE, "no commits yet".into(), Vec::new()));
    }
    let options = HistoryOptions {
        selection: Selection::AllRefs,
        threads: 0,
        progress: false,
        paths: Default::default(),
    };
    let found =
        crate::scan::history::scan_history(context.scanner, &context.root, &options, false)?;
    let findings = crate::scan::finish(found.findings, context.suppressions);
    let in_tree: BTreeSet<&str> = scans
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let still = findings
        .iter()
        .filter(|f| in_tree.contains(f.fingerprint.as_str()))
        .count();
    let mut items: Vec<Item> = findings
        .iter()
        .take(LISTED)
        .map(|finding| {
            let commit = finding
                .commit
                .as_ref()
                .map_or(String::new(), |c| format!(" in commit {}", &c.id[..c.id.len().min(10)]));
            Item::new(
                Status::Fail,
                format!(
                    "{} at {}:{}{commit}{}",
                    finding.title,
                    finding.path,
                    finding.line,
                    if in_tree.contains(finding.fingerprint.as_str()) {
                        " (still in the work tree)"
                    } else {
                        ""
                    }
                ),
            )
            .at(&finding.path, Some(finding.line))
            .fix("rotate the key at its provider first; then remove it from history (git filter-repo --replace-text) and force-push; `tokhyg scan --history` lists every place")
        })
        .collect();
    if findings.len() > LISTED {
        items.push(Item::new(
            Status::Fail,
            format!(
                "and {} more: `tokhyg scan --history` lists them all",
                findings.len() - LISTED
            ),
        ));
    }
    Ok(Check::new(
        ID,
        TITLE,
        format!(
            "{} secret(s) in history, {still} still in the work tree",
            findings.len()
        ),
        items,
    ))
}
