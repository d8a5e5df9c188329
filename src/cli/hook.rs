//! `tokhyg hook install|uninstall`: the plain git pre-commit hook (`hooks/pre-commit`, embedded
//! in the binary), for repositories that do not use the pre-commit framework; and what the
//! hook says when it blocks a commit ([`blocked_commit_advice`]).
//!
//! Where the hook goes is where git looks: `core.hooksPath` when set (a relative value is
//! relative to the top of the work tree, `~/` to the home directory), else the `hooks`
//! directory of the repository's common git directory, which linked worktrees share.
//!
//! A hook file is tokhyg's when it holds [`MARKER`]. `install` replaces only tokhyg's own hook;
//! another hook (a team's script, the pre-commit framework's) is refused unless `--force`, which
//! first moves it aside to `pre-commit.tokhyg-backup`. `uninstall` removes only tokhyg's hook,
//! and puts such a backup back.

use crate::cli::{exit, ui};
use crate::finding::Finding;
use crate::report::printable;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use git2::Repository;
use std::fmt::Write as _;
use std::fs;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};

/// The hook script, as `hooks/pre-commit` in the repository.
pub const HOOK_SCRIPT: &str = include_str!("../../hooks/pre-commit");

/// The line that marks a hook file as written by tokhyg.
pub const MARKER: &str = "# tokhyg-managed-hook";

/// The hook's file name in the hooks directory.
const HOOK_NAME: &str = "pre-commit";

/// Where `install --force` moves a hook it replaces.
const BACKUP_NAME: &str = "pre-commit.tokhyg-backup";

/// Arguments of `tokhyg hook`.
#[derive(Debug, Args)]
pub struct HookArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: HookAction,
}

/// The `tokhyg hook` subcommands.
#[derive(Debug, Subcommand)]
pub enum HookAction {
    /// Install the pre-commit hook that runs `tokhyg scan --staged` in this repository.
    Install {
        /// Replace a pre-commit hook that tokhyg did not write (it is kept as
        /// pre-commit.tokhyg-backup, and put back by `tokhyg hook uninstall`).
        #[arg(long)]
        force: bool,
    },
    /// Remove tokhyg's pre-commit hook (never another one).
    Uninstall,
}

/// Runs `tokhyg hook`.
pub fn run(args: HookArgs) -> anyhow::Result<u8> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let dir = hooks_dir(&cwd)?;
    match args.action {
        HookAction::Install { force } => install(&dir, force),
        HookAction::Uninstall => uninstall(&dir),
    }
}

/// The directory git runs hooks from, for the repository enclosing `cwd`.
pub fn hooks_dir(cwd: &Path) -> anyhow::Result<PathBuf> {
    let repo = Repository::discover(cwd).map_err(|error| {
        anyhow::anyhow!(
            "{} is not in a git repository ({}); run `tokhyg hook` inside the repository to \
             protect",
            cwd.display(),
            error.message()
        )
    })?;
    let configured = repo
        .config()
        .context("cannot read the repository's git configuration")?
        .get_string("core.hooksPath")
        .ok()
        .filter(|value| !value.is_empty());
    let Some(configured) = configured else {
        return Ok(repo.commondir().join("hooks"));
    };
    if let Some(rest) = configured.strip_prefix("~/") {
        let home = std::env::var_os("HOME")
            .context("core.hooksPath starts with `~/` but HOME is not set")?;
        return Ok(PathBuf::from(home).join(rest));
    }
    let configured = PathBuf::from(configured);
    if configured.is_absolute() {
        return Ok(configured);
    }
    // Git runs hooks from the top of the work tree (the git directory when bare), and resolves
    // a relative hooks path from there.
    let base = repo.workdir().unwrap_or_else(|| repo.path());
    Ok(base.join(configured))
}

/// Whether a hook file's text is tokhyg's.
fn is_ours(text: &str) -> bool {
    text.lines().any(|line| line.trim_end() == MARKER)
}

/// What is at the hook's path now.
enum Existing {
    Nothing,
    Ours,
    Other,
}

fn existing(hook: &Path) -> anyhow::Result<Existing> {
    match fs::read(hook) {
        Ok(bytes) if is_ours(&String::from_utf8_lossy(&bytes)) => Ok(Existing::Ours),
        Ok(_) => Ok(Existing::Other),
        Err(error) if error.kind() == ErrorKind::NotFound => {
            // A dangling symbolic link is still a hook somebody put there.
            if fs::symlink_metadata(hook).is_ok() {
                Ok(Existing::Other)
            } else {
                Ok(Existing::Nothing)
            }
        }
        Err(error) => Err(error).with_context(|| format!("cannot read {}", hook.display())),
    }
}

/// Writes the hook into `dir`.
fn install(dir: &Path, force: bool) -> anyhow::Result<u8> {
    let hook = dir.join(HOOK_NAME);
    match existing(&hook)? {
        Existing::Nothing | Existing::Ours => {}
        Existing::Other if !force => {
            let framework = fs::read_to_string(&hook)
                .is_ok_and(|text| text.contains("pre-commit.com") || text.contains("pre_commit"));
            let hint = if framework {
                " It is the pre-commit framework's hook: add the `tokhyg` hook to \
                 .pre-commit-config.yaml instead (see the README)."
            } else {
                " Call `tokhyg scan --staged` from it yourself, or rerun with --force to replace \
                 it (it is kept as pre-commit.tokhyg-backup)."
            };
            eprintln!(
                "tokhyg: {} already exists and was not written by tokhyg; left unchanged.{hint}",
                hook.display()
            );
            return Ok(exit::ERROR);
        }
        Existing::Other => {
            let backup = dir.join(BACKUP_NAME);
            if fs::symlink_metadata(&backup).is_ok() {
                bail!(
                    "{} already exists; move it away before replacing {} again",
                    backup.display(),
                    hook.display()
                );
            }
            fs::rename(&hook, &backup).with_context(|| {
                format!("cannot move {} to {}", hook.display(), backup.display())
            })?;
            ui::info(format_args!(
                "moved the previous hook to {} (`tokhyg hook uninstall` puts it back)",
                backup.display()
            ));
        }
    }
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the hooks directory {}", dir.display()))?;
    write_executable(&hook, HOOK_SCRIPT)?;
    ui::info(format_args!(
        "installed the pre-commit hook at {}",
        hook.display()
    ));
    if !on_path("tokhyg") {
        ui::warn(
            "`tokhyg` is not on PATH, so the hook will stop every commit until it is (or until \
             TOKHYG names the binary)",
        );
    }
    Ok(exit::CLEAN)
}

/// Removes tokhyg's hook from `dir`, restoring a hook that `install --force` moved aside.
fn uninstall(dir: &Path) -> anyhow::Result<u8> {
    let hook = dir.join(HOOK_NAME);
    match existing(&hook)? {
        Existing::Nothing => {
            ui::info(format_args!("no pre-commit hook at {}", hook.display()));
            return Ok(exit::CLEAN);
        }
        Existing::Other => {
            eprintln!(
                "tokhyg: {} was not written by tokhyg; left unchanged",
                hook.display()
            );
            return Ok(exit::ERROR);
        }
        Existing::Ours => {}
    }
    fs::remove_file(&hook).with_context(|| format!("cannot remove {}", hook.display()))?;
    ui::info(format_args!(
        "removed the pre-commit hook {}",
        hook.display()
    ));
    let backup = dir.join(BACKUP_NAME);
    if fs::symlink_metadata(&backup).is_ok() {
        fs::rename(&backup, &hook).with_context(|| {
            format!("cannot restore {} to {}", backup.display(), hook.display())
        })?;
        ui::info(format_args!(
            "restored the previous hook from {}",
            backup.display()
        ));
    }
    Ok(exit::CLEAN)
}

/// Writes `text` to `path` through a temporary file in the same directory (a crash never
/// leaves a half-written hook that git would run), executable by everyone who can read it.
fn write_executable(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(file.path(), fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make {} executable", path.display()))?;
    }
    file.persist(path)
        .map_err(|error| error.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Whether an executable named `name` is on PATH.
fn on_path(name: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            let candidate = dir.join(name);
            fs::metadata(&candidate).is_ok_and(|meta| meta.is_file())
        })
    })
}

/// What a blocked commit is told after the report: each finding's fingerprint (for
/// `.tokhygignore`), and how to fix the commit. The secrets themselves are not in it.
pub fn blocked_commit_advice(findings: &[Finding]) -> String {
    let mut text = String::new();
    let count = findings.len();
    let noun = if count == 1 { "secret" } else { "secrets" };
    let _ = writeln!(
        text,
        "tokhyg: commit blocked: the staged changes add {count} {noun} (listed above)."
    );
    text.push_str(
        "\nTo fix it:\n\
         \x20 1. Keep the value out of git, in a .env file that git ignores, and read it from the\n\
         \x20    environment in the code: `tokhyg generate --into .env NAME` makes a fresh key there\n\
         \x20    (add --add-to-gitignore if .env is not ignored yet); or cut the value from the file\n\
         \x20    and paste it into .env as NAME=value. Then `git add` the file again.\n\
         \x20 2. If the secret was ever pushed or shared, treat it as leaked: revoke and rotate it.\n\
         \x20 3. Not a secret? Put `tokhyg:allow` in a comment on its line (`# tokhyg:allow`,\n\
         \x20    `// tokhyg:allow`), or add its fingerprint to .tokhygignore:\n",
    );
    // One line per fingerprint (a secret pasted twice is one entry), naming its first place.
    let mut seen = std::collections::BTreeMap::new();
    for finding in findings {
        seen.entry(&finding.fingerprint)
            .or_insert((finding, 0usize))
            .1 += 1;
    }
    for (fingerprint, (first, places)) in seen {
        let more = match places {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        let _ = writeln!(
            text,
            "       {fingerprint}  # {}:{} {}{more}",
            printable(&first.path),
            first.line,
            printable(&first.rule_id)
        );
    }
    text.push_str("\nTo commit anyway (not recommended): git commit --no-verify\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_script_carries_the_marker_and_runs_the_staged_scan() {
        assert!(is_ours(HOOK_SCRIPT));
        assert!(HOOK_SCRIPT.starts_with("#!/bin/sh\n"));
        assert!(HOOK_SCRIPT.contains("scan --staged"));
        assert!(!is_ours(
            "#!/bin/sh\n# calls tokhyg-managed-hook-like things\n"
        ));
        assert!(is_ours("#!/bin/sh\r\n# tokhyg-managed-hook\r\nexit 0\r\n"));
    }

    #[test]
    fn advice_names_every_fingerprint_and_the_fixes_but_no_secret() {
        let finding = Finding {
            rule_id: "github-pat-classic".to_owned(),
            title: "GitHub personal access token (classic)".to_owned(),
            remediation: None,
            provider: None,
            category: "custom".to_owned(),
            severity: crate::rules::Severity::High,
            path: "config/dev env.txt".to_owned(),
            line: 3,
            column: 7,
            column_utf16: 7,
            commit: None,
            occurrences: None,
            fingerprint: "0123456789abcdef0123456789abcdef".to_owned(),
            secret: "ghp_0123456789abcdefghijABCDEFGHIJ0zNvy2".to_owned(),
            public_prefix: 4,
            related: Vec::new(),
            decoded: Vec::new(),
        };
        let text = blocked_commit_advice(std::slice::from_ref(&finding));
        assert!(text.contains("add 1 secret (listed above)"), "{text}");
        assert!(text.contains(
            "0123456789abcdef0123456789abcdef  # config/dev env.txt:3 github-pat-classic"
        ));
        for needle in [
            "tokhyg generate --into .env NAME",
            "revoke and rotate",
            "# tokhyg:allow",
            ".tokhygignore",
        ] {
            assert!(text.contains(needle), "{needle} in {text}");
        }
        assert!(!text.contains(&finding.secret));
        let mut again = finding.clone();
        again.line = 9;
        let two = blocked_commit_advice(&[finding, again]);
        assert!(two.contains("add 2 secrets"));
        assert_eq!(two.matches("0123456789abcdef0123456789abcdef").count(), 1);
        assert!(two.contains("config/dev env.txt:3 github-pat-classic (and 1 more)\n"));
    }
}
