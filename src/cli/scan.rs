//! `tokhyg scan`: files and directories (default `.`), or standard input (`-`).
//!
//! Exit codes: 0 nothing found, 1 findings, 2 error. When some paths cannot be read (a missing
//! path, an unreadable file or directory), everything else is still scanned and reported, each
//! problem is printed on stderr naming the path, and the exit code is 2: a partial result is
//! shown, but never passes for a clean one.
//!
//! The configuration (`.tokhyg.yaml`) and the ignore file (`.tokhygignore`) are looked for at
//! the repository root enclosing the first path (the nearest ancestor holding `.git`); outside a
//! repository, in the first path itself (or the directory of a file). `--config` names another
//! configuration file.

use crate::cli::{exit, ui};
use crate::detect::Matcher;
use crate::finding::Finding;
use crate::report::{self, Format, ReportOptions};
use crate::rules::{self, config::Config};
use crate::scan::{PathsScan, Scanner, Suppressions, Tally, finish, scan_paths};
use crate::source::files::{WalkOptions, enclosing_repository};
use crate::source::{Problem, path_list, stdin};
use crate::suppress::{Baseline, IgnoreList};
use anyhow::{Context, bail};
use clap::Args;
use indicatif::HumanBytes;
use std::io::{self, BufWriter, IsTerminal as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The file of fingerprints to suppress, at the repository root.
pub const IGNORE_FILE_NAME: &str = ".tokhygignore";

/// What `tokhyg scan --help` says after the options.
const SCAN_HELP: &str = "\
Exit status: 0 nothing found, 1 secrets found, 2 error. A path that cannot be read is named on
stderr; everything else is still scanned and reported, and the exit status is 2.

Hidden files are scanned; .git/ never is. In a git repository every tracked file is scanned;
untracked files that .gitignore or git's exclude files exclude are not. Outside a repository
.gitignore is not honoured. .ignore files are honoured for untracked files (--no-ignore scans
everything); a path given explicitly is scanned whatever ignore files say. Binary files (a NUL
byte in the first 8 KiB) are not read, but path rules (key stores) apply to them. UTF-16 text
(with a byte order mark, or recognised) is decoded and scanned. A file named on the command
line (or in --files-from) that is not scanned (binary, --exclude or allow_paths, over
--max-file-size) is named on stderr, with the reason.
Paths are shown as given, '/'-separated; line and column are 1-based, the column counts bytes.
A clean scan says so in one line on stderr (files, bytes, time) unless -q; -v gives the figures
after any scan.";

/// Arguments of `tokhyg scan`.
#[derive(Debug, Args)]
#[command(after_help = SCAN_HELP)]
pub struct ScanArgs {
    /// Files or directories to scan (default: the current directory); `-` reads standard input.
    /// With --history, the paths after `--` limit the scan to the files of history at or below
    /// them, as `git log -- PATH` does (`tokhyg scan --history main~5..main -- src/app.py`).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// How files are walked.
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Scan the git history of the repository enclosing the current directory instead of files:
    /// every commit of every branch, tag and HEAD, or only the commits of the revisions and
    /// ranges given as values (`--history origin/main..HEAD`, `A...B`, `REV`). Put paths after
    /// `--` to limit it to them: `--history -- src/app.py`.
    #[arg(long, value_name = "RANGE", num_args = 0..)]
    pub history: Option<Vec<String>>,
    /// With --history: list every place that holds a leaked secret, not only the oldest.
    #[arg(long, requires = "history")]
    pub all_occurrences: bool,
    /// Scan what is staged for the next commit (the index, not the work tree): only the lines
    /// it adds or changes. This is what the pre-commit hook runs.
    #[arg(long, conflicts_with_all = ["history", "paths"])]
    pub staged: bool,
    /// With --staged: report every secret in the changed files, not only on added lines.
    #[arg(long, requires = "staged")]
    pub all_lines: bool,
    /// Rules, suppression and output, shared by every kind of scan.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// How files are walked.
#[derive(Debug, Args)]
pub struct WalkArgs {
    /// Also scan untracked files that .gitignore, .ignore and git's exclude files exclude.
    #[arg(long)]
    pub no_ignore: bool,
    /// Follow symbolic links met while walking directories (a link loop is reported, not
    /// entered).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Do not scan files larger than SIZE (bytes, or with K, M, G: 1024-based, such as 10M).
    /// A file named on the command line that is skipped is named on stderr; the files skipped
    /// while walking are counted there.
    #[arg(long, value_name = "SIZE", value_parser = super::size::parse_size)]
    pub max_file_size: Option<u64>,
    /// Scan the paths listed in FILE (`-`: standard input), besides any PATH: separated by NUL
    /// bytes when the list holds one (`find -print0`, `git ls-files -z`), else one per line.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["staged", "history"])]
    pub files_from: Option<PathBuf>,
}

/// Options every kind of scan (files, staged, history) shares.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output (mode 0600 with --show-secrets).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show secrets whole in the report instead of redacted.
    #[arg(long)]
    pub show_secrets: bool,
    /// Redacted secrets show their provider's public prefix (`ghp_`) and the first N
    /// characters of the rest (never more than a fifth of it): `ghp_k3Q9…`. 0 shows only the
    /// prefix.
    #[arg(long, value_name = "N", default_value_t = report::DEFAULT_SHOWN, conflicts_with = "show_secrets")]
    pub redact: usize,
    /// Report only findings that are not in this baseline file. With --write-baseline, the
    /// baseline to update instead.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current findings to this baseline file instead of reporting them; exit 0.
    /// With --baseline B: write B updated (entries still found kept, new findings added,
    /// entries no longer found dropped; each counted on stderr).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Update this baseline file in place (created if missing): the same as
    /// `--baseline FILE --write-baseline FILE`. Scan what the baseline covers: an entry whose
    /// secret the scan does not find is dropped (none when the scan had an error).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "write_baseline"])]
    pub update_baseline: Option<PathBuf>,
    /// Configuration file (default: .tokhyg.yaml at the repository root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not scan paths matching GLOB (repeatable), as `allow_paths` in .tokhyg.yaml: matched
    /// against the path from the repository root; a glob without `/` matches a name at any
    /// depth (`--exclude '*.min.js' --exclude 'vendor/**'`).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Do not decode base64, hex, percent-encoded or escaped runs to look for secrets inside
    /// them (by default they are, two encodings deep, and a secret found there is reported at
    /// the encoded run with the encodings it was under).
    #[arg(long)]
    pub no_decode: bool,
    /// Do not look into archives (zip, jar, whl and the like, tar, gzip, bzip2, xz): scan
    /// them as the binary files they are (path rules only).
    #[arg(long)]
    pub no_archives: bool,
}

impl CommonArgs {
    /// The baseline file to write, if any (`--write-baseline`, `--update-baseline`).
    pub fn baseline_to_write(&self) -> Option<&Path> {
        self.write_baseline
            .as_deref()
            .or(self.update_baseline.as_deref())
    }

    /// The existing baseline that suppresses findings or is updated: `--baseline`, or the file
    /// of `--update-baseline` when it exists.
    fn baseline_to_update(&self) -> Option<&Path> {
        self.baseline
            .as_deref()
            .or(self.update_baseline.as_deref().filter(|path| path.exists()))
    }
}

/// Everything a scan needs before reading any byte: the scanner (rules and path allowlist),
/// the suppressions, and the directory rule paths are relative to.
#[derive(Debug)]
pub struct ScanSetup {
    /// Turns blobs into findings.
    pub scanner: Scanner,
    /// The ignore list and baseline.
    pub suppressions: Suppressions,
    /// Canonical repository root (or scan root outside a repository).
    pub root: PathBuf,
    /// When the scan began (before the configuration was read), for its summary.
    pub started: Instant,
}

impl ScanSetup {
    /// Loads the configuration, rules, ignore file and baseline for a scan rooted at `root`
    /// (canonical), as `args` ask.
    pub fn load(root: PathBuf, args: &CommonArgs) -> anyhow::Result<ScanSetup> {
        let started = Instant::now();
        let mut config = Config::find(&root, args.config.as_deref())?;
        config.exclude(&args.exclude)?;
        let rules = config.effective_rules()?;
        let config_path = args.config.clone().or_else(|| {
            let default = root.join(rules::config::CONFIG_FILE_NAME);
            default.is_file().then_some(default)
        });
        match &config_path {
            Some(path) => ui::detail(format_args!(
                "{}, with the configuration {}",
                report::plural(rules.len(), "rule"),
                path.display()
            )),
            None => ui::detail(format_args!(
                "{}, built in (no {} at {})",
                report::plural(rules.len(), "rule"),
                rules::config::CONFIG_FILE_NAME,
                root.display()
            )),
        }
        let ignore_path = root.join(IGNORE_FILE_NAME);
        let ignore = if ignore_path.is_file() {
            ui::detail(format_args!(
                "fingerprints ignored: {}",
                ignore_path.display()
            ));
            let ignore = IgnoreList::load(&ignore_path)?;
            if ignore.salt().is_none() {
                ui::warn(unsalted_ignore_file_advice(&ignore_path));
            }
            ignore
        } else {
            IgnoreList::default()
        };
        // The ignore file's salt keys every fingerprint the scan prints (reports, the hook's
        // advice, new baseline entries), so they match the file's entries in every kind of scan.
        let scanner = Scanner::new(Arc::new(Matcher::new(rules)), Arc::new(config))
            .with_fingerprint_salt(ignore.salt().copied())
            .with_decoding(!args.no_decode)
            .with_archives(!args.no_archives);
        // Loaded now even when it is only to be updated, so a bad file fails before the scan.
        let baseline = args.baseline_to_update().map(Baseline::load).transpose()?;
        if let Some(path) = args.baseline_to_update() {
            ui::detail(format_args!("baseline: {}", path.display()));
        }
        let baseline = baseline.filter(|_| args.baseline_to_write().is_none());
        Ok(ScanSetup {
            scanner,
            suppressions: Suppressions { ignore, baseline },
            root,
            started,
        })
    }
}

impl ScanSetup {
    /// Warns of each `.tokhygignore` entry written before the file's salt that suppresses one
    /// of `findings` (unsuppressed yet), with the keyed fingerprint to replace it with.
    pub fn warn_of_unkeyed_entries(&self, findings: &[Finding]) {
        let mut replacements = std::collections::BTreeMap::new();
        for finding in findings {
            if let Some(old) = self.suppressions.ignore.unkeyed_entry_for(finding) {
                replacements.insert(old, finding.fingerprint.clone());
            }
        }
        for (old, new) in replacements {
            ui::warn(format_args!(
                "{IGNORE_FILE_NAME}: entry {old} is an unkeyed fingerprint written before the \
                 salt; it still suppresses, but replace it with {new}"
            ));
        }
    }

    /// The summary of a scan by this setup's scanner, counting `noun` (`file`, `blob`).
    pub fn summary(&self, noun: &'static str) -> Summary<'_> {
        Summary {
            noun,
            tally: self.scanner.tally(),
            started: self.started,
        }
    }
}

/// What a scan read and how long it took, said in one line on stderr: `no secrets found in 42
/// files (1.21 MiB) in 0.03 s` after a clean scan (unless `-q`), `scanned 42 files ...` after
/// any other with `-v`.
#[derive(Debug)]
pub struct Summary<'a> {
    noun: &'static str,
    tally: &'a Tally,
    started: Instant,
}

impl Summary<'_> {
    /// The figures: `42 files (1.21 MiB) in 0.03 s`.
    fn figures(&self) -> String {
        format!(
            "{} ({}) in {:.2} s",
            report::plural(self.tally.blobs(), self.noun),
            HumanBytes(self.tally.bytes()),
            self.started.elapsed().as_secs_f64()
        )
    }

    /// Says the summary: that nothing was found when `clean` (nothing found, no error), else
    /// the figures with `-v` only.
    fn say(&self, clean: bool) {
        if clean {
            ui::info(format_args!("no secrets found in {}", self.figures()));
        } else {
            ui::detail(format_args!("scanned {}", self.figures()));
        }
    }
}

/// Runs `tokhyg scan`.
pub fn run(args: ScanArgs) -> anyhow::Result<u8> {
    if args.staged {
        return run_staged(&args);
    }
    if let Some(ranges) = &args.history {
        return run_history(ranges, &args);
    }
    let mut paths = args.paths;
    if paths.is_empty() && args.walk.files_from.is_none() {
        paths.push(PathBuf::from("."));
    }
    let stdin_args = paths.iter().filter(|p| stdin::is_stdin_arg(p)).count();
    let list_on_stdin = args
        .walk
        .files_from
        .as_deref()
        .is_some_and(stdin::is_stdin_arg);
    if stdin_args + usize::from(list_on_stdin) > 1 {
        bail!(
            "standard input can be read only once: give `-` either as a PATH or to --files-from, \
             not both"
        );
    }
    paths.retain(|p| !stdin::is_stdin_arg(p));
    if let Some(list) = &args.walk.files_from {
        paths.extend(read_path_list(list)?);
    }
    let setup = ScanSetup::load(scan_root(paths.first())?, &args.common)?;
    let options = WalkOptions {
        no_ignore: args.walk.no_ignore,
        follow_symlinks: args.walk.follow_symlinks,
        prune: setup.scanner.config().allow_paths.clone(),
        max_file_size: args.walk.max_file_size,
    };
    let mut scan = if paths.is_empty() {
        PathsScan::default()
    } else {
        scan_paths(&setup.scanner, &paths, Some(&setup.root), &options)
    };
    if stdin_args == 1 {
        scan_stdin(&setup.scanner, &mut scan);
    }
    setup.warn_of_unkeyed_entries(&scan.findings);
    let findings = finish(scan.findings, &setup.suppressions);
    conclude(
        findings,
        &scan.problems,
        &args.common,
        &setup.summary("file"),
    )
}

/// Reports `findings` (sorted, suppressions applied) and `problems` as `args` ask, then says
/// `summary` on stderr, and returns the exit code: 2 if there was an error, else 1 if anything
/// was found (0 when a baseline was written), else 0.
pub fn conclude(
    findings: Vec<Finding>,
    problems: &[Problem],
    args: &CommonArgs,
    summary: &Summary<'_>,
) -> anyhow::Result<u8> {
    if let Some(path) = args.baseline_to_write() {
        write_baseline(path, &findings, problems, args)?;
        let had_error = report_problems(problems);
        return Ok(if had_error { exit::ERROR } else { exit::CLEAN });
    }
    write_report(&findings, args)?;
    // After the report, so that the last lines on a terminal say the result is incomplete.
    let had_error = report_problems(problems);
    summary.say(findings.is_empty() && !had_error);
    Ok(if had_error {
        exit::ERROR
    } else if findings.is_empty() {
        exit::CLEAN
    } else {
        exit::FINDINGS
    })
}

/// What to do about an ignore file without a salt line, with a new salt to paste.
fn unsalted_ignore_file_advice(path: &Path) -> String {
    format!(
        "{} has no salt line, so its fingerprints are plain hashes of rule and secret that \
         anyone reading the file can test against guessed secrets (a weak password falls in \
         seconds). Add this line at its top: `{} {}`. Reports then print fingerprints keyed \
         with it; the entries already there keep working until you replace them",
        path.display(),
        crate::suppress::SALT_PREFIX,
        crate::suppress::Salt::random()
    )
}

/// Writes the baseline `path` of `findings` (suppressed by the ignore list only), updating the
/// one `args` name if any, and says on stderr what it did.
fn write_baseline(
    path: &Path,
    findings: &[Finding],
    problems: &[Problem],
    args: &CommonArgs,
) -> anyhow::Result<()> {
    let Some(old_path) = args.baseline_to_update() else {
        Baseline::write(path, findings)?;
        ui::info(format_args!(
            "wrote {} finding(s) to the baseline {}",
            findings.len(),
            path.display()
        ));
        return Ok(());
    };
    let incomplete = problems.iter().any(|p| matches!(p, Problem::Error(_)));
    let update = Baseline::load(old_path)?.write_updated(path, findings, incomplete)?;
    let from = if old_path == path {
        String::new()
    } else {
        format!(" from {}", old_path.display())
    };
    let why_kept = if incomplete {
        " (the scan had errors, so no entry was dropped)"
    } else {
        ""
    };
    ui::info(format_args!(
        "updated the baseline {}{from}: {} entries still found kept, {} added, {} no longer \
         found dropped{why_kept}",
        path.display(),
        update.kept,
        update.added,
        update.dropped
    ));
    Ok(())
}

/// Prints problems on stderr; true if one of them is an error.
fn report_problems(problems: &[Problem]) -> bool {
    let mut had_error = false;
    for problem in problems {
        match problem {
            Problem::Error(message) => {
                had_error = true;
                eprintln!("tokhyg: error: {}", report::printable(message));
            }
            Problem::Warning(message) => ui::warn(message),
        }
    }
    had_error
}

fn write_report(findings: &[Finding], args: &CommonArgs) -> anyhow::Result<()> {
    match &args.output {
        Some(path) => {
            let file = report::create_file(path, args.show_secrets)
                .with_context(|| format!("cannot create the report file {}", path.display()))?;
            let mut out = BufWriter::new(file);
            let options = ReportOptions {
                show_secrets: args.show_secrets,
                redact: args.redact,
                color: ui::get().color.enabled(false),
            };
            report::write(&mut out, findings, args.format, &options)
                .with_context(|| format!("cannot write the report file {}", path.display()))
        }
        None => {
            let options = ReportOptions {
                show_secrets: args.show_secrets,
                redact: args.redact,
                color: ui::get().color.enabled(io::stdout().is_terminal()),
            };
            let mut out = io::stdout().lock();
            match report::write(&mut out, findings, args.format, &options) {
                // A closed pipe (`tokhyg scan | head`) is the reader's choice, not an error.
                Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("cannot write the report to standard output"),
            }
        }
    }
}

/// The paths listed in `list` (a file, or `-` for standard input); see
/// [`crate::source::path_list`].
fn read_path_list(list: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let bytes = if stdin::is_stdin_arg(list) {
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut io::stdin().lock(), &mut bytes)
            .context("cannot read the list of paths from standard input (--files-from -)")?;
        bytes
    } else {
        std::fs::read(list).with_context(|| {
            format!(
                "cannot read the list of paths {} (--files-from)",
                list.display()
            )
        })?
    };
    Ok(path_list::parse_path_list(&bytes))
}

/// Scans standard input into `scan`.
fn scan_stdin(scanner: &Scanner, scan: &mut PathsScan) {
    match scanner.scan_blob(stdin::blob()) {
        Ok(result) => {
            if result.binary {
                scan.problems.push(Problem::Warning(
                    "standard input looks binary (a NUL byte in its first 8 KiB); not scanned"
                        .to_string(),
                ));
            }
            scan.problems.extend(result.cap_warnings("standard input"));
            scan.findings.extend(result.findings);
        }
        Err(error) => scan.problems.push(Problem::Error(format!(
            "cannot read standard input: {error}"
        ))),
    }
}

/// The directory configuration and rule paths are relative to: the repository enclosing
/// `first` (default: the current directory), else `first` itself, or its directory when it is
/// a file. A missing `first` falls back to the current directory (the walk reports it as an
/// error).
pub(super) fn scan_root(first: Option<&PathBuf>) -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let anchor = first
        .map(PathBuf::as_path)
        .filter(|path| path.exists())
        .unwrap_or(cwd.as_path());
    if let Some(repo) = enclosing_repository(anchor) {
        return Ok(repo);
    }
    let anchor = anchor
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", anchor.display()))?;
    if anchor.is_dir() {
        Ok(anchor)
    } else {
        Ok(anchor.parent().map_or(cwd, Path::to_path_buf))
    }
}

/// Runs `tokhyg scan --history [RANGE...] [-- PATH...]` in the repository enclosing the current
/// directory: PATHs limit it to the files at or below them, as `git log -- PATH` does.
/// Unreadable objects are reported after the findings, with exit code 2.
fn run_history(ranges: &[String], args: &ScanArgs) -> anyhow::Result<u8> {
    use crate::source::history::{self, HistoryOptions, Selection};
    let dir = std::env::current_dir().context("cannot read the current directory")?;
    let repo = history::open_repository(&dir)?;
    let root = repo.workdir().unwrap_or(repo.path()).to_path_buf();
    let root = root.canonicalize().unwrap_or(root);
    let paths = history_paths(&args.paths, &dir, &root)?;
    let setup = ScanSetup::load(root, &args.common)?;
    let selection = if ranges.is_empty() {
        Selection::AllRefs
    } else {
        Selection::Ranges(ranges.to_vec())
    };
    let options = HistoryOptions {
        selection,
        threads: 0,
        progress: ui::says(ui::Verbosity::Normal),
        paths,
    };
    let found =
        crate::scan::history::scan_history(&setup.scanner, &dir, &options, args.all_occurrences)?;
    setup.warn_of_unkeyed_entries(&found.findings);
    let findings = finish(found.findings, &setup.suppressions);
    if !args.all_occurrences {
        let repeated: usize = findings
            .iter()
            .filter_map(|f| f.occurrences.map(|n| n.saturating_sub(1)))
            .sum();
        if repeated > 0 {
            ui::info(format_args!(
                "the reported secrets are also held at {repeated} other place(s) in history; \
                 --all-occurrences lists them"
            ));
        }
    }
    conclude(
        findings,
        &found.problems,
        &args.common,
        &setup.summary("blob"),
    )
}

/// The history paths `paths` (relative to `cwd`, or absolute) name, relative to the work tree
/// `root`; a path outside it is an error.
fn history_paths(
    paths: &[PathBuf],
    cwd: &Path,
    root: &Path,
) -> anyhow::Result<crate::source::history::pathspec::PathSpec> {
    // `cwd` may be reached through a symbolic link that `root` (canonical) resolves.
    let canonical_cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
    let mut relative = Vec::new();
    for path in paths {
        let inside = [cwd, canonical_cwd.as_path()].into_iter().find_map(|base| {
            let absolute = normalize(&base.join(path));
            absolute.strip_prefix(root).ok().map(Path::to_path_buf)
        });
        let Some(inside) = inside else {
            anyhow::bail!(
                "{} is outside the repository at {}: with --history, the paths after `--` limit \
                 the scan to files of this repository's history",
                path.display(),
                root.display()
            );
        };
        relative.push(inside.to_string_lossy().replace('\\', "/"));
    }
    Ok(crate::source::history::pathspec::PathSpec::new(relative))
}

/// `path` with `.` and `..` components resolved lexically (the path may not exist any more: it
/// names files of history).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Runs `tokhyg scan --staged` in the repository a git hook sees (see
/// [`crate::source::staged`]); when something is found, stderr says how to fix the commit.
fn run_staged(args: &ScanArgs) -> anyhow::Result<u8> {
    use crate::source::staged;
    let repo = staged::open_repository()?;
    let root = repo.workdir().unwrap_or(repo.path()).to_path_buf();
    let root = root.canonicalize().unwrap_or(root);
    // The hook's cost is start-up: diff the index on another thread while the rules load.
    let (setup, staged) = std::thread::scope(|scope| {
        let diff = scope.spawn(move || staged::staged_changes(&repo).map(|c| (repo, c)));
        let setup = ScanSetup::load(root, &args.common);
        if let Ok(setup) = &setup {
            // The diff usually takes longer than the rules: compile meanwhile the path rules,
            // which every staged file meets.
            setup.scanner.matcher().compile_path_rules();
        }
        let staged = match diff.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (setup, staged)
    });
    let setup = setup?;
    let (repo, changes) = staged?;
    let found = crate::scan::staged::scan_changes(&setup.scanner, &repo, &changes, args.all_lines);
    setup.warn_of_unkeyed_entries(&found.findings);
    let findings = finish(found.findings, &setup.suppressions);
    let advice = (!findings.is_empty() && args.common.baseline_to_write().is_none())
        .then(|| super::hook::blocked_commit_advice(&findings));
    let code = conclude(
        findings,
        &found.problems,
        &args.common,
        &setup.summary("staged file"),
    )?;
    if let Some(advice) = advice {
        eprint!("\n{advice}");
    }
    Ok(code)
}
