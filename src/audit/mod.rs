//! `tokhyg audit`: where a repository's secret hygiene stands. Each check is a module of
//! [`checks`] that looks at one habit (where secrets live, weak values, reuse, templates,
//! rotation, exposure, protection, history) and returns a [`Check`]: items that pass, warn or
//! fail, each with the exact command that fixes it. Secret values never appear in a check's
//! items: a value is named by file, variable and its short id ([`crate::token::key_id`]).

pub mod checks;
pub mod inventory;
pub mod report;
pub mod strength;

use crate::dotenv::stamp::Date;
use crate::scan::{Scanner, Suppressions};
use anyhow::Context as _;
use inventory::EnvFile;
use std::path::{Path, PathBuf};

/// How one item, or a whole check, stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not run (`--no-history`).
    Skip,
    /// Nothing to fix.
    Pass,
    /// Worth fixing: a gap that has not leaked anything yet.
    Warn,
    /// A leak, or a gap that makes one likely.
    Fail,
}

impl Status {
    /// The word shown for it.
    pub fn word(self) -> &'static str {
        match self {
            Status::Skip => "skip",
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// One thing a check found.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Item {
    /// How it stands.
    pub status: Status,
    /// What was found, never a secret value.
    pub message: String,
    /// The file it is about, relative to the repository root, `/`-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The line in that file, 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The command (or the edit) that fixes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Item {
    /// An item about `path` (and `line`, if known).
    pub fn new(status: Status, message: impl Into<String>) -> Item {
        Item {
            status,
            message: message.into(),
            path: None,
            line: None,
            fix: None,
        }
    }

    /// The item, about `path`.
    pub fn at(mut self, path: &str, line: Option<usize>) -> Item {
        self.path = Some(path.to_string());
        self.line = line;
        self
    }

    /// The item, with its fix.
    pub fn fix(mut self, fix: impl Into<String>) -> Item {
        self.fix = Some(fix.into());
        self
    }
}

/// The result of one check.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Check {
    /// Stable identifier (`env-files`, `weak-values`, ...), for JSON and SARIF.
    pub id: &'static str,
    /// What the check looks at, in words.
    pub title: &'static str,
    /// The check's status: its worst item's, `pass` with none, `skip` when not run.
    pub status: Status,
    /// What it found; empty when all is well.
    pub items: Vec<Item>,
    /// One line on what was looked at (`3 .env files, 12 secrets`).
    pub summary: String,
}

impl Check {
    /// A check that ran and found `items`.
    pub fn new(id: &'static str, title: &'static str, summary: String, items: Vec<Item>) -> Check {
        let status = items
            .iter()
            .map(|item| item.status)
            .max()
            .unwrap_or(Status::Pass)
            .max(Status::Pass);
        Check {
            id,
            title,
            status,
            items,
            summary,
        }
    }

    /// A check that did not run, and why.
    pub fn skipped(id: &'static str, title: &'static str, why: &str) -> Check {
        Check {
            id,
            title,
            status: Status::Skip,
            items: Vec::new(),
            summary: why.to_string(),
        }
    }
}

/// What `tokhyg audit` was asked.
#[derive(Clone, Debug)]
pub struct Options {
    /// Keys generated longer ago than this many days are due for rotation.
    pub max_age_days: u32,
    /// Scan the history too (check 8).
    pub history: bool,
}

/// Everything the checks look at, gathered once.
pub struct Context<'a> {
    /// The work tree's root (canonical).
    pub root: PathBuf,
    /// The repository.
    pub repo: git2::Repository,
    /// Every `.env`-like file of the work tree, parsed.
    pub env_files: Vec<EnvFile>,
    /// Log files and web output of the work tree, ignored ones included: (path, relative path).
    pub exposed: Vec<(PathBuf, String)>,
    /// The scanner with the repository's configuration.
    pub scanner: &'a Scanner,
    /// The findings already judged (`.tokhygignore`), left out as in `tokhyg scan`.
    pub suppressions: &'a Suppressions,
    /// The options.
    pub options: Options,
    /// The day the audit runs.
    pub today: Date,
}

/// A finished audit.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Audit {
    /// The repository audited.
    pub root: String,
    /// Every check, in order.
    pub checks: Vec<Check>,
}

impl Audit {
    /// Whether any check failed (exit code 1).
    pub fn failed(&self) -> bool {
        self.checks.iter().any(|check| check.status == Status::Fail)
    }

    /// How many checks have `status`.
    pub fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }
}

/// Opens the repository around `dir`; an error says that audit needs one.
pub fn open_repository(dir: &Path) -> anyhow::Result<(git2::Repository, PathBuf)> {
    let repo = git2::Repository::discover(dir).map_err(|error| {
        anyhow::anyhow!(
            "{} is not in a git repository ({}); run `tokhyg audit` inside the repository to audit",
            dir.display(),
            error.message()
        )
    })?;
    let workdir = repo
        .workdir()
        .with_context(|| {
            format!(
                "{} is a bare repository: audit looks at a work tree",
                repo.path().display()
            )
        })?
        .to_path_buf();
    let root = workdir.canonicalize().unwrap_or(workdir);
    Ok((repo, root))
}

/// Runs every check on the repository at `root`.
pub fn run(
    repo: git2::Repository,
    root: PathBuf,
    scanner: &Scanner,
    suppressions: &Suppressions,
    options: Options,
) -> anyhow::Result<Audit> {
    let inventory::Inventory {
        mut env_files,
        exposed,
    } = inventory::take(&root)?;
    // `allow_paths` of .tokhyg.yaml (test fixtures, say) hold nothing audit should judge.
    env_files.retain(|file| !scanner.config().path_allowed(&file.rel));
    let context = Context {
        root,
        repo,
        env_files,
        exposed,
        scanner,
        suppressions,
        options,
        today: Date::today(),
    };
    let scans = checks::exposure::Scans::run(&context)?;
    let checks = vec![
        checks::env_files::check(&context)?,
        checks::weak_values::check(&context),
        checks::reuse::check(&context),
        checks::templates::check(&context),
        checks::rotation::check(&context),
        checks::exposure::check(&context, &scans),
        checks::protection::check(&context),
        checks::history::check(&context, &scans)?,
    ];
    Ok(Audit {
        root: context.root.display().to_string(),
        checks,
    })
}
