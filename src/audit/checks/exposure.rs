//! Check 6, secrets where they should never be: in a URL's query string (logged by every proxy),
//! in log files, in what a web app ships to browsers (`public/`, `static/`, `dist/`, `build/`),
//! and in code comments. Uses the scan's engine; log files and web output are looked at even
//! when git ignores them, as they are copied, served and shipped all the same.

use crate::audit::inventory::is_exposed_place;
use crate::audit::{Check, Context, Item, Status};
use crate::finding::Finding;
use crate::scan::scan_paths;
use crate::source::files::WalkOptions;
use crate::token::key_id::key_id_unchecked;
use std::path::{Path, PathBuf};

/// The findings of the scans audit runs once: the work tree as `tokhyg scan` sees it, plus
/// ignored log files and web output.
pub struct Scans {
    /// Findings, paths relative to the root.
    pub findings: Vec<Finding>,
}

impl Scans {
    /// Scans the work tree of `context`.
    pub fn run(context: &Context<'_>) -> anyhow::Result<Scans> {
        let options = WalkOptions {
            no_ignore: false,
            follow_symlinks: false,
            prune: context.scanner.config().allow_paths.clone(),
            max_file_size: None,
        };
        let root = context.root.clone();
        let mut findings = scan_paths(
            context.scanner,
            std::slice::from_ref(&root),
            Some(&root),
            &options,
        )
        .findings;
        let ignored = ignored_exposed_files(context)?;
        if !ignored.is_empty() {
            findings.extend(scan_paths(context.scanner, &ignored, Some(&root), &options).findings);
        }
        let mut findings = crate::scan::finish(findings, context.suppressions);
        for finding in &mut findings {
            finding.path = relative(&finding.path, &root);
        }
        findings.sort_by(|a, b| (&a.path, a.line, &a.rule_id).cmp(&(&b.path, b.line, &b.rule_id)));
        findings.dedup_by(|a, b| (&a.path, a.line, &a.rule_id) == (&b.path, b.line, &b.rule_id));
        Ok(Scans { findings })
    }
}

/// Runs the check on the findings of `scans`.
pub fn check(context: &Context<'_>, scans: &Scans) -> Check {
    let mut items = Vec::new();
    for finding in &scans.findings {
        let Some(place) = place(&context.root, finding) else {
            continue;
        };
        items.push(
            Item::new(
                Status::Fail,
                format!(
                    "{} (id {}) {place} at {}:{}",
                    finding.title,
                    key_id_unchecked(&finding.secret),
                    finding.path,
                    finding.line
                ),
            )
            .at(&finding.path, Some(finding.line))
            .fix(fix(place)),
        );
    }
    Check::new(
        "exposure",
        "No secrets in URLs, logs, web output or comments",
        format!(
            "{} finding(s) in the work tree looked at",
            scans.findings.len()
        ),
        items,
    )
}

/// Where a finding stands, when it is one of the places this check is about.
fn place(root: &Path, finding: &Finding) -> Option<&'static str> {
    let path = finding.path.as_str();
    if is_exposed_place(path) {
        let parts: Vec<&str> = path.split('/').collect();
        let dirs = &parts[..parts.len() - 1];
        let log = path.ends_with(".log") || dirs.iter().any(|d| *d == "logs" || *d == "log");
        return Some(if log {
            "in a log file"
        } else {
            "in files a web app ships to browsers"
        });
    }
    let line = line_of(&root.join(path), finding.line)?;
    if in_query_string(&line, &finding.secret) {
        return Some("in a URL's query string");
    }
    if is_comment(&line) {
        return Some("in a code comment");
    }
    None
}

fn fix(place: &str) -> String {
    match place {
        "in a log file" => "rotate the key, delete the log, and stop logging credentials (redact Authorization headers and tokens)".into(),
        "in files a web app ships to browsers" => "rotate the key and keep it on the server: a browser bundle must only hold public keys".into(),
        "in a URL's query string" => "rotate the key and send it in a header (Authorization) instead of the URL, which proxies and logs keep".into(),
        _ => "rotate the key and remove it from the comment; load it from the environment".into(),
    }
}

/// Whether `secret` stands as a query parameter's value in `line` (`?token=S`, `&api_key=S`).
fn in_query_string(line: &str, secret: &str) -> bool {
    line.match_indices(secret).any(|(at, _)| {
        let Some(name_end) = line[..at].strip_suffix('=') else {
            return false;
        };
        let name_start = name_end
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .unwrap_or(0);
        matches!(name_end.as_bytes().get(name_start), Some(b'?' | b'&'))
            && name_start + 1 < name_end.len()
    })
}

/// Whether `line` is a comment in the common syntaxes.
fn is_comment(line: &str) -> bool {
    let text = line.trim_start();
    ["#", "//", "/*", "* ", "-- ", "<!--", ";", "%"]
        .iter()
        .any(|opener| text.starts_with(opener))
        && !text.starts_with("#!")
        && !text.starts_with("#include")
}

/// Line `number` (1-based) of the file at `path`.
fn line_of(path: &Path, number: usize) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let line = bytes.split(|&b| b == b'\n').nth(number.checked_sub(1)?)?;
    Some(String::from_utf8_lossy(line).into_owned())
}

/// `path` relative to `root` when it lies under it.
fn relative(path: &str, root: &Path) -> String {
    Path::new(path)
        .strip_prefix(root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| path.to_string())
}

/// Log files and web output that git ignores (so the walk of `scan` skips them).
fn ignored_exposed_files(context: &Context<'_>) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for (path, rel) in &context.exposed {
        if context.repo.is_path_ignored(Path::new(rel))? {
            files.push(path.clone());
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_and_comments() {
        assert!(in_query_string(
            "fetch(`https://api.x.io/v1?token=S3cr3t`)",
            "S3cr3t"
        ));
        assert!(in_query_string(
            "u = 'https://h/p?a=1&api_key=S3cr3t&b=2'",
            "S3cr3t"
        ));
        assert!(!in_query_string("api_key = 'S3cr3t'", "S3cr3t"));
        assert!(!in_query_string("https://h/p?=S3cr3t", "S3cr3t"));
        assert!(is_comment("  # old key: abc"));
        assert!(is_comment("// TODO remove sk_live_x"));
        assert!(!is_comment("#!/bin/sh"));
        assert!(!is_comment("let a = 1; // trailing"));
        assert!(!is_comment("-----BEGIN OPENSSH PRIVATE KEY-----"));
        assert!(is_comment("-- psql: password hunter2"));
    }
}
