//! The scan pipeline, independent of where the bytes come from:
//!
//! ```text
//! Blob { origin, content }
//!   -> config `allow_paths` (an allowlisted path is not read at all)
//!   -> path rules on the origin's rule path (binary files included: a `.p12` is binary)
//!   -> binary check (NUL in the first 8 KiB: content not scanned)
//!   -> matcher, window by window (bounded memory)
//!   -> encoded runs decoded and matched again ([`encoded`]) -> line and column
//!   -> `tokhyg:allow` on the line -> fingerprint -> Finding
//! all findings -> ignore list and baseline -> sorted, deduplicated
//! ```
//!
//! Line and column are 1-based; the column counts bytes (not characters) from the start of the
//! line to the secret's first byte, so it is exact for any encoding. A path rule's finding is
//! at line 1, column 1; its "secret" is the rule path itself (its fingerprint therefore follows
//! the path: allowlist such files with `allow_paths` in `.tokhyg.yaml` instead).

pub mod archive;
mod archive_scan;
mod cap;
pub mod encoded;
pub mod history;
#[cfg(test)]
mod history_large_blob_tests;
mod parts;
pub mod staged;
mod tally;
mod window;

pub use cap::{CappedRule, MAX_FINDINGS_PER_RULE};
pub use tally::Tally;
pub use window::{BINARY_PROBE_LEN, Windowing, looks_binary};

use crate::detect::{Matcher, PathScope};
use crate::finding::Finding;
use crate::rules::config::Config;
use crate::source::files::{WalkOptions, walk};
use crate::source::{Blob, Content, Origin, Problem};
use crate::suppress::{Baseline, IgnoreList, Salt, fingerprint_with, has_allow_comment};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use window::{Outcome, Span};

/// What scanning one blob produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlobScan {
    /// Its findings, allow comments applied, in blob order (path rules first).
    pub findings: Vec<Finding>,
    /// The content looked binary and was not scanned (path rules still ran).
    pub binary: bool,
    /// Rules that found more than [`MAX_FINDINGS_PER_RULE`] secrets: only the first ones are in
    /// `findings`. The caller warns about each, naming the blob.
    pub capped: Vec<CappedRule>,
    /// What went wrong inside an archive blob: the member's path inside the blob (`!a.zip!b`,
    /// empty for the blob itself) and what happened. The caller warns about each.
    pub warnings: Vec<archive_scan::MemberWarning>,
}

impl BlobScan {
    /// The warnings about capped rules and unreadable archive members, the blob shown as
    /// `path`.
    pub fn cap_warnings(&self, path: &str) -> impl Iterator<Item = Problem> {
        let capped = self
            .capped
            .iter()
            .map(move |capped| Problem::Warning(capped.warning(path)));
        let archives = self
            .warnings
            .iter()
            .map(move |(member, what)| Problem::Warning(format!("archive {path}{member}: {what}")));
        capped.chain(archives)
    }
}

/// Turns blobs into findings. Cheap to share between threads: the matcher is behind an `Arc`.
#[derive(Debug, Clone)]
pub struct Scanner {
    matcher: Arc<Matcher>,
    config: Arc<Config>,
    windowing: Windowing,
    tally: Arc<Tally>,
    /// The repository's fingerprint salt, if it has one (see [`crate::suppress::Salt`]).
    salt: Option<Salt>,
    /// Whether encoded runs (base64, hex, percent, escapes) are decoded and scanned too.
    decode: bool,
    /// Whether archives (zip, tar, gzip, bzip2, xz) are looked into.
    archives: bool,
}

impl Scanner {
    /// A scanner running `matcher`, skipping the paths `config` allowlists.
    pub fn new(matcher: Arc<Matcher>, config: Arc<Config>) -> Scanner {
        Scanner {
            matcher,
            config,
            windowing: Windowing::DEFAULT,
            tally: Arc::default(),
            salt: None,
            decode: true,
            archives: true,
        }
    }

    /// The same scanner, looking into archives or not (`--no-archives`; see [`archive`]).
    pub fn with_archives(mut self, archives: bool) -> Scanner {
        self.archives = archives;
        self
    }

    /// The same scanner, decoding encoded runs or not (`--no-decode`; see [`encoded`]).
    pub fn with_decoding(mut self, decode: bool) -> Scanner {
        self.decode = decode;
        self
    }

    /// The same scanner fingerprinting findings keyed with `salt` (the repository's, from
    /// `.tokhygignore`), or unkeyed with `None`.
    pub fn with_fingerprint_salt(mut self, salt: Option<Salt>) -> Scanner {
        self.salt = salt;
        self
    }

    /// The same scanner reading streams in windows of another size (tests use small ones).
    pub fn with_windowing(mut self, windowing: Windowing) -> Scanner {
        self.windowing = windowing;
        self
    }

    /// The matcher it runs.
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// What it has scanned so far, this scanner and its clones together.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// The configuration it applies (`allow_paths` and `--exclude` included).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether the config's `allow_paths` excludes this origin from the scan.
    pub fn is_path_allowed(&self, origin: &Origin) -> bool {
        origin
            .rule_path
            .as_deref()
            .is_some_and(|path| self.config.path_allowed(path))
    }

    /// Path rules and content rules on one blob, unless its path is allowlisted. An I/O error
    /// while reading a stream is returned as is (the caller names the blob).
    pub fn scan_blob(&self, blob: Blob<'_>) -> io::Result<BlobScan> {
        if self.is_path_allowed(&blob.origin) {
            return Ok(BlobScan::default());
        }
        let mut findings = self.path_findings(&blob.origin);
        let content = self.content_findings(&blob.origin, blob.content)?;
        findings.extend(content.findings);
        Ok(BlobScan {
            findings,
            ..content
        })
    }

    /// Findings of the path rules matching the origin's rule path.
    pub fn path_findings(&self, origin: &Origin) -> Vec<Finding> {
        let Some(rule_path) = origin.rule_path.as_deref() else {
            return Vec::new();
        };
        self.matcher
            .scan_path(rule_path)
            .into_iter()
            .map(|rule| self.finding(rule, origin, Place::START, rule_path.as_bytes()))
            .collect()
    }

    /// Findings of the content rules in `content`, without path rules or `allow_paths` (but
    /// with the path rules of an archive's members, reported under `origin`'s path plus
    /// `!member`); rules limited to some paths run as the origin's path says (none: standard
    /// input).
    pub fn content_findings(&self, origin: &Origin, content: Content<'_>) -> io::Result<BlobScan> {
        self.content_findings_scoped(origin, content, false)
    }

    /// [`Scanner::content_findings`] with every rule, whatever the path: for a blob scanned
    /// once for all the paths it has (history), whose findings are then kept where
    /// [`Scanner::rule_fits_path`] says.
    pub fn content_findings_any_path(
        &self,
        origin: &Origin,
        content: Content<'_>,
    ) -> io::Result<BlobScan> {
        self.content_findings_scoped(origin, content, true)
    }

    /// Whether a finding of the rule `rule_id` may stand at `rule_path`: the rule's
    /// `only_paths` and `skip_paths` admit it.
    pub fn rule_fits_path(&self, rule_id: &str, rule_path: &str) -> bool {
        self.matcher
            .rules()
            .rules()
            .iter()
            .position(|rule| rule.id == rule_id)
            .is_none_or(|rule| self.matcher.runs_at(rule, PathScope::Path(rule_path)))
    }

    fn content_findings_scoped(
        &self,
        origin: &Origin,
        content: Content<'_>,
        any_path: bool,
    ) -> io::Result<BlobScan> {
        let budget = archive::Budget::default();
        let nesting = archive::Nesting::default();
        let top = Top {
            path: &origin.path,
            any_path,
        };
        self.content_findings_nested(origin, content, nesting, &budget, top)
    }

    /// [`Scanner::content_findings`] of a blob inside archives (`nesting`), sharing the top
    /// archive's `budget`; `top` is the top blob's path, which warnings leave out, and whether
    /// every rule runs whatever the path.
    fn content_findings_nested(
        &self,
        origin: &Origin,
        content: Content<'_>,
        nesting: archive::Nesting,
        budget: &archive::Budget,
        top: Top<'_>,
    ) -> io::Result<BlobScan> {
        let content = if self.archives {
            let (kind, content) = sniff_archive(content)?;
            if let Some(kind) = kind {
                if archive::may_open(kind, nesting) {
                    return Ok(self.scan_archive(origin, content, kind, nesting, budget, top));
                }
                let member = origin
                    .path
                    .strip_prefix(top.path)
                    .unwrap_or_default()
                    .to_string();
                let why = format!(
                    "a {} archive nested more than {} deep is not looked into",
                    kind.name(),
                    archive::MAX_DEPTH
                );
                return Ok(BlobScan {
                    binary: true,
                    warnings: vec![(member, why)],
                    ..BlobScan::default()
                });
            }
            content
        } else {
            content
        };
        let mut found = Vec::new();
        // The allow verdict of the last line text judged: a long line with many matches is
        // searched for the marker once, not once per match.
        let mut judged: Option<(u64, usize, bool)> = None;
        let mut cap = cap::FindingCap::default();
        let outcome = {
            let on_match = |m: window::Located<'_>| {
                let line = (m.line_text_offset, m.line_text.len());
                let allowed = match judged {
                    Some((offset, len, allowed)) if (offset, len) == line => allowed,
                    _ => {
                        let allowed = has_allow_comment(m.line_text);
                        judged = Some((line.0, line.1, allowed));
                        allowed
                    }
                };
                if !allowed && cap.admit(m.rule) {
                    let at = Place {
                        line: m.line,
                        column: m.column,
                        column_utf16: m.column_utf16,
                    };
                    let mut finding = self.finding(m.rule, origin, at, m.secret);
                    finding.decoded = m.decoded.to_vec();
                    found.push((m.rule, finding));
                }
            };
            let find = |window: &[u8]| -> Vec<Span> {
                let scope = if top.any_path {
                    PathScope::Any
                } else {
                    match origin.rule_path.as_deref() {
                        Some(path) => PathScope::Path(path),
                        None => PathScope::Unknown,
                    }
                };
                let mut spans: Vec<Span> = self
                    .matcher
                    .scan_at(window, scope)
                    .into_iter()
                    .map(|m| Span {
                        rule: m.rule,
                        start: m.start,
                        end: m.end,
                        decoded: None,
                    })
                    .collect();
                if self.decode && self.matcher.has_content_rules() {
                    self.add_decoded(window, &mut spans);
                }
                spans
            };
            let (reader, len): (Box<dyn io::Read + '_>, _) = match content {
                Content::Bytes(bytes) => (Box::new(bytes), Some(bytes.len() as u64)),
                Content::Stream { reader, len } => (reader, len),
            };
            let mut counted = tally::Counted {
                inner: reader,
                count: 0,
            };
            let outcome = window::scan_stream(&mut counted, len, self.windowing, find, on_match)?;
            if outcome != Outcome::Binary {
                self.tally.add(counted.count);
            }
            outcome
        };
        let rules = self.matcher.rules().rules();
        Ok(BlobScan {
            findings: parts::join_parts(found, self.matcher.rules()),
            binary: outcome == Outcome::Binary,
            capped: cap.capped(|rule| &rules[rule].id),
            warnings: Vec::new(),
        })
    }

    /// Adds to a window's plain matches those found in its encoded runs (see [`encoded`]). A
    /// run a provider rule matched as it stands is not decoded; a run a `generic-*` rule matched
    /// (a base64 value under a secret-sounding name) is, and what it decodes to replaces that
    /// match when a rule finds something there: `STRIPE_KEY_B64=<base64>` is the Stripe key.
    fn add_decoded(&self, window: &[u8], spans: &mut Vec<Span>) {
        let rules = self.matcher.rules().rules();
        let is_generic = |span: &Span| rules[span.rule].id.starts_with("generic-");
        let specific: Vec<Span> = spans.iter().filter(|s| !is_generic(s)).cloned().collect();
        let decoded = encoded::encoded_spans(&self.matcher, window, &specific);
        if decoded.is_empty() {
            return;
        }
        spans.retain(|s| {
            !is_generic(s) || !decoded.iter().any(|d| d.start < s.end && s.start < d.end)
        });
        spans.extend(decoded);
        spans.sort_by_key(|s| s.start);
    }

    fn finding(&self, rule: usize, origin: &Origin, at: Place, raw: &[u8]) -> Finding {
        let rule = &self.matcher.rules().rules()[rule];
        let secret = String::from_utf8_lossy(raw).into_owned();
        Finding {
            rule_id: rule.id.clone(),
            title: rule.title.clone(),
            remediation: rule.remediation.clone(),
            provider: rule.provider.clone(),
            category: rule.category.clone(),
            severity: rule.severity,
            path: origin.path.clone(),
            line: at.line,
            column: at.column,
            column_utf16: at.column_utf16,
            commit: origin.commit.clone(),
            occurrences: None,
            fingerprint: fingerprint_with(self.salt.as_ref(), &rule.id, raw),
            public_prefix: rule.public_prefix_len(&secret),
            secret,
            related: Vec::new(),
            decoded: Vec::new(),
        }
    }
}

/// The kind of archive `content` starts, if any, and the content to read from its start.
fn sniff_archive(content: Content<'_>) -> io::Result<(Option<archive::Kind>, Content<'_>)> {
    match content {
        Content::Bytes(bytes) => {
            let head = &bytes[..bytes.len().min(archive::SNIFF_LEN)];
            Ok((archive::Kind::sniff(head), Content::Bytes(bytes)))
        }
        Content::Stream { reader, len } => {
            let (head, reader) = archive::peek(reader)?;
            Ok((archive::Kind::sniff(&head), Content::Stream { reader, len }))
        }
    }
}

/// The top blob of a scan through archives: its path, which member warnings leave out, and
/// whether every rule runs whatever the path (history places findings afterwards).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Top<'a> {
    pub(crate) path: &'a str,
    pub(crate) any_path: bool,
}

/// Where in a blob a finding is: 1-based line, and column in bytes and in UTF-16 code units.
#[derive(Debug, Clone, Copy)]
struct Place {
    line: usize,
    column: usize,
    column_utf16: usize,
}

impl Place {
    /// Line 1, column 1: where a path rule's finding is.
    const START: Place = Place {
        line: 1,
        column: 1,
        column_utf16: 1,
    };
}

/// Findings the user has already judged: the `.tokhygignore` list and a baseline.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    /// Fingerprints never to report.
    pub ignore: IgnoreList,
    /// Findings known when the baseline was written; only new ones are reported.
    pub baseline: Option<Baseline>,
}

impl Suppressions {
    /// Whether `finding` is suppressed.
    pub fn suppresses(&self, finding: &Finding) -> bool {
        self.ignore.suppresses(finding)
            || self.baseline.as_ref().is_some_and(|b| b.contains(finding))
    }
}

/// The findings to report: suppressed ones removed, sorted in report order (path, line, column,
/// rule, commit; then fingerprint so that the order never depends on thread timing), exact
/// duplicates (overlapping scan paths) removed.
pub fn finish(mut findings: Vec<Finding>, suppressions: &Suppressions) -> Vec<Finding> {
    findings.retain(|finding| !suppressions.suppresses(finding));
    // Unstable: a stable sort borrows a buffer of half the findings (a finding is ~400 bytes).
    // Findings equal in this order are exact duplicates in practice (same place, rule and
    // secret), and the secret breaks any tie left, so the order never depends on thread timing.
    findings.sort_unstable_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
            .then_with(|| a.secret.cmp(&b.secret))
    });
    findings.dedup();
    findings
}

/// What a scan of paths produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathsScan {
    /// Every finding, unsuppressed and unsorted (see [`finish`]).
    pub findings: Vec<Finding>,
    /// Problems met, sorted: errors make the scan incomplete.
    pub problems: Vec<Problem>,
}

/// Scans files and directories (see [`crate::source::files`] for what is walked) in parallel.
/// `repo_root` (canonical) is what rule paths are relative to. A file that cannot be read is a
/// [`Problem::Error`] naming it; the other files are still scanned. A file the user named that
/// is not scanned (binary, or allowlisted) is a [`Problem::Warning`] saying so.
pub fn scan_paths(
    scanner: &Scanner,
    roots: &[PathBuf],
    repo_root: Option<&Path>,
    options: &WalkOptions,
) -> PathsScan {
    let findings = Mutex::new(Vec::new());
    let file_problems = Mutex::new(Vec::new());
    let mut problems = walk(roots, repo_root, options, |file| {
        if scanner.is_path_allowed(&file.origin) {
            let glob = file
                .origin
                .rule_path
                .as_deref()
                .and_then(|path| scanner.config().allow_paths.matching(path));
            if file.explicit
                && let Some((glob, source)) = glob
            {
                let reason = format!("`{glob}` ({source}) matches it");
                lock(&file_problems).push(file.not_scanned(&reason));
            }
            return;
        }
        let result = file.open().and_then(|blob| scanner.scan_blob(blob));
        match result {
            Ok(scan) => {
                if scan.binary && file.explicit {
                    lock(&file_problems).push(Problem::Warning(format!(
                        "the content of {} was not scanned: it looks binary (a NUL byte in its \
                         first 8 KiB) and is not UTF-16 text; path rules still applied",
                        file.origin.path
                    )));
                }
                if !scan.capped.is_empty() || !scan.warnings.is_empty() {
                    lock(&file_problems).extend(scan.cap_warnings(&file.origin.path));
                }
                if !scan.findings.is_empty() {
                    lock(&findings).extend(scan.findings);
                }
            }
            Err(error) => lock(&file_problems).push(Problem::Error(format!(
                "cannot read {}: {error}",
                file.fs_path.display()
            ))),
        }
    });
    problems.extend(lock(&file_problems).drain(..));
    problems.sort();
    PathsScan {
        findings: std::mem::take(&mut *lock(&findings)),
        problems,
    }
}

/// Locks a mutex whose data stays valid even if a thread panicked while holding it (findings
/// are only ever appended).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
