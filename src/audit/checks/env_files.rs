//! Check 1, where secrets live: every `.env`-like file (templates aside) must be ignored by git
//! and untracked, readable by its owner only; and `.gitignore` must cover `.env*` and key files
//! before they exist.

use super::shell_quote;
use crate::audit::{Check, Context, Item, Status};
use std::path::Path;

/// Names that must be ignored before anyone creates them, with the `.gitignore` line that
/// covers each.
const MUST_BE_IGNORED: &[(&str, &str)] = &[
    (".env", ".env"),
    (".env.local", ".env.*"),
    (".env.production", ".env.*"),
    ("server.pem", "*.pem"),
    ("server.key", "*.key"),
    ("id_rsa", "id_rsa*"),
    ("id_ed25519", "id_ed25519*"),
    ("keystore.p12", "*.p12"),
    ("cert.pfx", "*.pfx"),
];

/// Runs the check.
pub fn check(context: &Context<'_>) -> anyhow::Result<Check> {
    let mut items = Vec::new();
    let index = context.repo.index()?;
    let secret_files: Vec<_> = context.env_files.iter().filter(|f| !f.template).collect();
    for file in &secret_files {
        let relative = Path::new(&file.rel);
        let quoted = shell_quote(&file.rel);
        if index.get_path(relative, 0).is_some() {
            items.push(
                Item::new(
                    Status::Fail,
                    format!(
                        "{} is tracked by git: every clone holds its secrets",
                        file.rel
                    ),
                )
                .at(&file.rel, None)
                .fix(format!(
                    "git rm --cached {quoted} && printf '%s\\n' {} >> .gitignore, then rotate every key it holds",
                    shell_quote(&format!("/{}", file.rel))
                )),
            );
        } else if !context.repo.is_path_ignored(relative)? {
            items.push(
                Item::new(
                    Status::Fail,
                    format!(
                        "{} is not ignored by git: `git add .` would commit it",
                        file.rel
                    ),
                )
                .at(&file.rel, None)
                .fix(format!(
                    "printf '%s\\n' {} >> .gitignore",
                    shell_quote(&format!("/{}", file.rel))
                )),
            );
        }
        if let Some(mode) = group_or_other_mode(&file.path) {
            items.push(
                Item::new(
                    Status::Warn,
                    format!("{} is readable by other users (mode {mode:04o})", file.rel),
                )
                .at(&file.rel, None)
                .fix(format!("chmod 600 {quoted}")),
            );
        }
    }
    let mut missing: Vec<&str> = Vec::new();
    for (probe, line) in MUST_BE_IGNORED {
        if !context.repo.is_path_ignored(probe)? && !missing.contains(line) {
            missing.push(line);
        }
    }
    if !missing.is_empty() {
        let mut lines = missing.clone();
        if missing.contains(&".env.*") {
            lines.push("!.env.example");
        }
        let quoted: Vec<String> = lines.iter().map(|l| shell_quote(l)).collect();
        items.push(
            Item::new(
                Status::Warn,
                format!(
                    ".gitignore does not cover {} before such files exist",
                    missing.join(", ")
                ),
            )
            .at(".gitignore", None)
            .fix(format!("printf '%s\\n' {} >> .gitignore", quoted.join(" "))),
        );
    }
    let summary = format!(
        "{} .env-like file(s), {} template(s)",
        secret_files.len(),
        context.env_files.len() - secret_files.len()
    );
    Ok(Check::new(
        "env-files",
        "Where secrets live",
        summary,
        items,
    ))
}

/// The file's permission bits when group or others may read or write it.
#[cfg(unix)]
fn group_or_other_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o066 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn group_or_other_mode(_path: &Path) -> Option<u32> {
    None
}
