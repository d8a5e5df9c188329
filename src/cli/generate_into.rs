//! `tokhyg generate --into FILE NAME...`: write fresh tokens into a git-ignored `.env` file.
//!
//! The order matters for "nothing touched on refusal": check the names, check that git ignores
//! the file, lock its directory, read and parse it, plan every edit in memory (any refusal stops
//! here), then add the file to `.gitignore` if asked, then replace the file in one atomic
//! rename. Secrets never appear in messages; `--show` prints them on stdout.

use crate::cli::{exit, ui};
use crate::dotenv::atomic::{self, DirLock, SECRET_FILE_MODE};
use crate::dotenv::document::Document;
use crate::dotenv::edit::{self, Change, Policy};
use crate::dotenv::guard::{self, Exposure, GitignoreChange, RepoPath};
use crate::dotenv::stamp::{self, Date, Stamp};
use crate::dotenv::{pending, quote};
use crate::token::key_id::key_id;
use anyhow::{Context, Result, anyhow, bail};
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

/// What `generate --into` was asked to do.
#[derive(Debug)]
pub struct IntoRequest<'a> {
    /// The .env file to create or update.
    pub file: &'a Path,
    /// Variable names to set, in order.
    pub names: &'a [String],
    /// Replace a name that already exists.
    pub force: bool,
    /// Replace a name that exists and keep its old value as NAME_PREVIOUS.
    pub rotate: bool,
    /// Add the file to the repository's .gitignore when git would not ignore it.
    pub add_to_gitignore: bool,
    /// Print the new secrets on stdout.
    pub show: bool,
    /// Strength of each token, for the confirmation line (e.g. "256 bits, base62, 43 chars").
    pub strength: &'a str,
    /// Randomness of each token in bits, for its id and stamp.
    pub bits: f64,
    /// Write a rotation stamp comment above each variable (`--no-stamp` turns it off).
    pub stamp: bool,
    /// A name whose value is a public key id (`--pair`'s NAME_ID): no stamp, no key id, and
    /// the confirmation says it is not a secret.
    pub public: Option<&'a str>,
}

/// Most tokens drawn for one name: 64 times the expected number at the rarest writable fraction
/// `generate` accepts (2^-16), so a format it accepted fails here with odds below e^-64.
const MAX_DRAWS: u32 = 64 << 16;

/// Draws after which a format none of whose tokens could be spelled without a quote that a
/// broken line leaves open is refused.
const OPEN_QUOTE_DRAWS: u32 = 4096;

/// Sets every requested name to a token drawn from `new_token`, atomically, and reports on
/// stderr what was written. Returns the exit code.
pub fn run(request: IntoRequest<'_>, new_token: &mut dyn FnMut(&str) -> String) -> Result<u8> {
    let file = request.file;
    check_names(request.names, request.rotate)?;
    let policy = if request.rotate {
        Policy::Rotate
    } else if request.force {
        Policy::Replace
    } else {
        Policy::Refuse
    };
    check_file_argument(file)?;
    let target = atomic::resolve(file)?;
    let exposure = guard::classify(&target)?;
    let unprotected = exposure == Exposure::OutsideRepository;
    let pending_gitignore = match exposure {
        Exposure::Tracked(location) => return Err(tracked_error(file, &location)),
        Exposure::NotIgnored(location) if !request.add_to_gitignore => {
            return Err(not_ignored_error(file, &location));
        }
        Exposure::NotIgnored(location) => Some(location),
        Exposure::Ignored | Exposure::InsideGitDir | Exposure::OutsideRepository => None,
    };

    if let Some(created) = atomic::create_parent_dirs(&target)? {
        ui::info(format_args!(
            "created directory {} (mode 0700) for {}",
            created.display(),
            file.display()
        ));
    }
    let lock = DirLock::acquire_within(
        atomic::parent_dir(&target),
        atomic::lock_timeout(),
        &mut |waiting| ui::info(waiting),
    )?;
    remove_stale_temporaries(&target);
    let existing = atomic::read_existing(&target)?;
    if let Some(existing) = &existing
        && existing.metadata.permissions().readonly()
        && !request.force
    {
        bail!(
            "{} is read-only; refusing to change it, as editors do: make it writable (chmod u+w) or use --force, which writes it and keeps its mode",
            file.display()
        );
    }
    let mut document = Document::parse(
        existing
            .as_ref()
            .map(|e| e.bytes.clone())
            .unwrap_or_default(),
    );
    for invalid in document.invalid() {
        if invalid.open_quote.is_some() && !request.force {
            bail!(
                "{} line {} opens a quote that never closes: python-dotenv and npm dotenv read the lines below it as part of that value, so what tokhyg writes could change what they read (and hide other variables); close the quote, or use --force to write anyway",
                file.display(),
                invalid.line
            );
        }
        ui::warn(format_args!(
            "{} line {} is not a KEY=value line tokhyg can read; kept unchanged",
            file.display(),
            invalid.line
        ));
    }
    let mut written = Vec::with_capacity(request.names.len());
    for name in request.names {
        let context = || format!("cannot set {name} in {}", file.display());
        let avoid = document.open_quotes();
        let (token, rendered) =
            draw_writable(&mut || new_token(name), &avoid).with_context(context)?;
        let (edited, change) =
            edit::set(&document, name, rendered.as_bytes(), policy).with_context(context)?;
        document = edited;
        let public = request.public == Some(name.as_str());
        if request.stamp && !public {
            document = stamped(document, name, &token, request.bits, file);
        }
        written.push((name, token, change));
    }

    // The .env is written (and synced) first, so a full disk fails before .gitignore changes;
    // then .gitignore; then the .env is renamed into place, which needs no space.
    let prepared = atomic::prepare(
        &target,
        document.bytes(),
        existing.as_ref().map(|e| &e.metadata),
        SECRET_FILE_MODE,
    )?;
    if let Some(location) = &pending_gitignore
        && let GitignoreChange::Appended(gitignore) =
            guard::add_to_gitignore(location, Some(&lock))?
    {
        ui::info(format_args!(
            "added {} to {}",
            String::from_utf8_lossy(&location.gitignore_pattern()?),
            gitignore.display()
        ));
    }
    let replaced = prepared.commit()?;
    drop(lock);

    if replaced.in_place {
        ui::info(format_args!(
            "{} has other hard links: rewritten in place so that they all keep sharing it",
            file.display()
        ));
    }
    if replaced.owner_changed {
        ui::warn(format_args!(
            "could not keep the owner of {}; it now belongs to you (its mode was kept)",
            file.display()
        ));
    }
    let mut stdout = super::output::stdout();
    for (name, token, change) in &written {
        if request.public == Some(name.as_str()) {
            ui::info(confirmation(
                name,
                file,
                "public key id, not a secret",
                change,
            ));
        } else {
            ui::info(confirmation(name, file, request.strength, change));
            match key_id(token, request.bits) {
                Ok(id) => ui::info(format_args!("key id of {name}: {id} (safe to log)")),
                Err(weak) => ui::info(format_args!("{name}: {weak}")),
            }
        }
        if let Some(warning) = disputed_warning(name, change) {
            ui::warn(warning);
        }
        if let Change::Replaced {
            stale_previous: Some(line),
            ..
        } = change
        {
            ui::warn(format_args!(
                "{name}_PREVIOUS on line {line} of {} still holds an older value; remove it once that key is revoked",
                file.display()
            ));
        }
        if request.show {
            writeln!(stdout, "{name}={token}").context("cannot write to standard output")?;
        }
    }
    if unprotected {
        ui::warn(format_args!(
            "{} is not inside a git repository; nothing protects it from being committed if it ends up in one",
            file.display()
        ));
    }
    Ok(exit::CLEAN)
}

/// `document` with the rotation stamp of `name` (see [`stamp`]); unchanged, with a warning, when
/// a stamp there would change what a parser reads.
fn stamped(document: Document, name: &str, token: &str, bits: f64, file: &Path) -> Document {
    let stamp = Stamp {
        name: name.to_string(),
        date: Date::today(),
        bits: Some(bits),
        id: key_id(token, bits).ok(),
    };
    match stamp::apply(&document, &stamp) {
        Some(stamped) => stamped,
        None => {
            ui::warn(format_args!(
                "{name} in {} has no rotation stamp: a comment line above it would change what \
                 a .env parser reads there",
                file.display()
            ));
            document
        }
    }
}

/// The line on stderr that says what was written, never the secret itself.
fn confirmation(name: &str, file: &Path, strength: &str, change: &Change) -> String {
    let head = format!("wrote {name} to {} ({strength})", file.display());
    match change {
        Change::Added => head,
        Change::Replaced { line, .. } => format!("{head}, replacing the value on line {line}"),
        Change::Rotated { previous, .. } => format!("{head}; the old value is now {previous}"),
    }
}

/// `--into` takes a file: a path ending in `/`, or naming an existing directory, is refused
/// with the fix (writing `.env/` as the file `.env`, or suggesting to ignore `/src`, would be
/// a guess).
fn check_file_argument(file: &Path) -> Result<()> {
    let text = file.as_os_str().to_string_lossy();
    let trimmed = text.trim_end_matches(['/', std::path::MAIN_SEPARATOR]);
    if file.is_dir() || file.file_name().is_none() {
        // `/` trims to nothing: its file is `/.env`.
        let dir = if trimmed.is_empty() && text.is_empty() {
            "."
        } else {
            trimmed
        };
        bail!(
            "--into takes a file, and {} is a directory; name the file in it, such as {dir}/.env",
            file.display()
        );
    }
    if trimmed.len() < text.len() {
        bail!(
            "--into takes a file, and {} ends with `/`, which names a directory; did you mean {trimmed}?",
            file.display()
        );
    }
    Ok(())
}

/// What to say when the old value was one parsers read differently (`NAME=#...`).
fn disputed_warning(name: &str, change: &Change) -> Option<String> {
    let disputed = "its old value started with `#`, which python-dotenv read as a value and npm \
                    dotenv and dotenvy as an empty value and a comment";
    match change {
        Change::Replaced { disputed: true, .. } => Some(format!("{name}: {disputed}")),
        Change::Rotated {
            disputed: true,
            previous,
            ..
        } => Some(format!(
            "{name}: {disputed}; {previous} keeps what python-dotenv read, quoted so that every \
             parser reads it"
        )),
        _ => None,
    }
}

/// Names must be portable environment variable names, given once each; with `--rotate`, no
/// name may be another's `_PREVIOUS` slot.
fn check_names(names: &[String], rotate: bool) -> Result<()> {
    if names.is_empty() {
        bail!("name at least one variable to set, e.g. `tokhyg generate --into .env API_KEY`");
    }
    let mut seen = HashSet::new();
    for name in names {
        if !is_env_name(name) {
            bail!(
                "{name:?} is not a valid variable name: use letters, digits and `_`, not starting with a digit"
            );
        }
        if !seen.insert(name.as_str()) {
            bail!("{name} is given twice");
        }
    }
    if rotate
        && let Some(name) = names
            .iter()
            .find(|name| seen.contains(edit::previous_name(name).as_str()))
    {
        bail!(
            "cannot rotate {name} and also set {}: rotation keeps the old value there",
            edit::previous_name(name)
        );
    }
    Ok(())
}

/// `[A-Za-z_][A-Za-z0-9_]*`.
fn is_env_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A token and its `.env` spelling. Most tokens can be written as drawn. When one cannot (a
/// symbol alphabet drew `${…}`, say), fresh tokens are drawn and the first writable one is
/// taken: uniform over the writable tokens, whose exact entropy `generate` computed and showed
/// (`dotenv::writable`), after refusing formats where fewer than one token in 2^16 is writable.
/// Under `--force`, tokens whose every spelling holds a quote that a line above leaves open
/// (`avoid`) are redrawn too, so the new value cannot close it.
/// The cap on draws is then never reached in practice; if it is, the format is the problem.
fn draw_writable(new_token: &mut dyn FnMut() -> String, avoid: &[u8]) -> Result<(String, String)> {
    let mut first_error = None;
    for draw in 0..MAX_DRAWS {
        let token = new_token();
        match quote::render_avoiding(&token, avoid) {
            Ok(rendered) => return Ok((token, rendered)),
            Err(error) => {
                // The entropy shown does not count the quotes a broken line leaves open (only
                // under --force): give up early when they leave (almost) no token.
                let open_quote = matches!(error, quote::Unwritable::OpenQuoteAbove(_));
                if open_quote && draw + 1 >= OPEN_QUOTE_DRAWS {
                    return Err(anyhow!(error).context(
                        "no token of this format drawn could be written below the line that leaves a quote open; close that quote, or choose an alphabet without it",
                    ));
                }
                first_error.get_or_insert(error);
            }
        }
    }
    let error = first_error.map_or_else(|| anyhow!("no token was drawn"), |e| anyhow!(e));
    Err(error.context(
        "no token of this format can be written to a .env file so that python-dotenv, npm dotenv and dotenvy all read it back unchanged; choose an alphabet without these characters",
    ))
}

fn not_ignored_error(file: &Path, location: &RepoPath) -> anyhow::Error {
    let pattern = location
        .gitignore_pattern()
        .map(|p| String::from_utf8_lossy(&p).into_owned())
        .unwrap_or_else(|_| location.relative.display().to_string());
    anyhow!(
        "{} is not ignored by git (repository {}), so a secret written there could be committed. \
         Make git ignore it: run `printf '\\n%s\\n' '{pattern}' >> .gitignore` in {} (the first \\n ends a last line that lacks one), or rerun with --add-to-gitignore",
        file.display(),
        location.root.display(),
        location.root.display()
    )
}

fn tracked_error(file: &Path, location: &RepoPath) -> anyhow::Error {
    anyhow!(
        "{} is tracked by git (repository {}), so a secret written there would be committed. \
         Untrack it with `git rm --cached {}` (in {}), make git ignore it (`printf '\\n%s\\n' '/{}' >> .gitignore`, \
         or --add-to-gitignore once it is untracked), and rotate any secret it already holds: \
         it is in the history",
        file.display(),
        location.root.display(),
        location.relative.display(),
        location.root.display(),
        location.relative.display()
    )
}

/// Removes the temporary files a killed earlier run left beside `target` (they hold every
/// secret of the file); says so. Best effort: the write goes on if the directory cannot be
/// listed.
fn remove_stale_temporaries(target: &Path) {
    let Some(name) = target.file_name() else {
        return;
    };
    let dir = atomic::parent_dir(target);
    if let Ok(removed @ 1..) = pending::remove_stale(dir, &name.to_string_lossy()) {
        ui::warn(format_args!(
            "removed {removed} temporary file(s) an interrupted earlier write left beside {}",
            target.display()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_are_checked() {
        assert!(is_env_name("API_KEY"));
        assert!(is_env_name("_x9"));
        assert!(!is_env_name("9A"));
        assert!(!is_env_name("API-KEY"));
        assert!(!is_env_name("A.B"));
        assert!(!is_env_name(""));
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(check_names(&names(&["A", "B"]), false).is_ok());
        assert!(check_names(&names(&["A", "A"]), false).is_err());
        assert!(check_names(&names(&[]), false).is_err());
        assert!(check_names(&names(&["A", "A_PREVIOUS"]), false).is_ok());
        assert!(check_names(&names(&["A", "A_PREVIOUS"]), true).is_err());
    }

    #[test]
    fn unwritable_draws_are_redrawn_and_hopeless_ones_refused() {
        let mut queue = vec!["a${B}c".to_owned(), "ok1".to_owned()]
            .into_iter()
            .cycle();
        let (token, rendered) =
            draw_writable(&mut || queue.next().unwrap_or_default(), b"").unwrap();
        assert_eq!((token.as_str(), rendered.as_str()), ("ok1", "ok1"));
        let error = draw_writable(&mut || "a'b\"c".to_owned(), b"").unwrap_err();
        assert!(format!("{error:#}").contains("no token of this format"));
    }
}
