//! The `.env`-like files of a work tree, ignored ones included (that is where secrets should
//! live), and the secret-named variables in them.

use crate::dotenv::document::{Document, Entry};
use anyhow::Context as _;
use std::path::{Path, PathBuf};

/// Directories never searched: dependencies and build output, where a `.env` or a log belongs
/// to someone else's package, and CI configuration.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "target",
    "vendor",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".terraform",
    ".github",
    ".gitlab",
    ".circleci",
];

/// Suffixes that make a `.env`-like file a template meant to be committed.
const TEMPLATE_WORDS: &[&str] = &["example", "sample", "template", "dist", "defaults", "tmpl"];

/// Largest file read as a `.env` file.
const MAX_ENV_FILE: u64 = 1 << 20;

/// One `.env`-like file.
#[derive(Clone, Debug)]
pub struct EnvFile {
    /// Path relative to the work tree root, `/`-separated.
    pub rel: String,
    /// Absolute path.
    pub path: PathBuf,
    /// A template (`.env.example`): committed on purpose, placeholders only.
    pub template: bool,
    /// The parsed file.
    pub doc: Document,
}

/// A secret-named variable with a value.
#[derive(Clone, Debug)]
pub struct Secret<'f> {
    /// The file.
    pub file: &'f EnvFile,
    /// Its entry in the file.
    pub entry: &'f Entry,
    /// The value as a parser reads it (quotes removed).
    pub value: String,
}

impl EnvFile {
    /// The variables whose name says secret and whose value is set and not a reference to
    /// another variable (`${OTHER}`).
    pub fn secrets(&self) -> Vec<Secret<'_>> {
        self.doc
            .entries()
            .iter()
            .filter(|entry| is_secret_name(&entry.key))
            .filter_map(|entry| {
                let value = unquote(self.doc.raw_value(entry));
                let reference = value.starts_with("${") || value.starts_with('$');
                (!value.is_empty() && !reference).then_some(Secret {
                    file: self,
                    entry,
                    value,
                })
            })
            .collect()
    }
}

/// Whether `name` is one of the `.env`-like names: `.env`, `.env.*`, `*.env`, `.envrc`,
/// `secrets.*`, `credentials*`.
pub fn is_env_like(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if is_encrypted(&lower) {
        return false;
    }
    lower == ".env"
        || lower.starts_with(".env.")
        || lower.ends_with(".env")
        || lower == ".envrc"
        || (lower.starts_with("secrets.") && !is_code(&lower))
        || (lower.starts_with("credentials") && !is_code(&lower))
}

/// Encrypted secret files (Rails `credentials.yml.enc`, SOPS, age, GnuPG) are meant to be
/// committed.
fn is_encrypted(name: &str) -> bool {
    [".enc", ".gpg", ".age", ".asc"]
        .iter()
        .any(|ext| name.ends_with(ext))
        || name.contains(".sops.")
}

/// Source files named like secrets (`secrets.py`, `credentials.go`) hold code, not values.
fn is_code(name: &str) -> bool {
    let ext = name.rsplit('.').next().unwrap_or("");
    matches!(
        ext,
        "py" | "rs" | "go" | "js" | "ts" | "java" | "kt" | "rb" | "php" | "cs" | "md" | "txt"
    )
}

/// Whether a `.env`-like file name is a template (`.env.example`, `example.env`,
/// `.env.production.sample`).
pub fn is_template(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower
        .split(['.', '-', '_'])
        .any(|part| TEMPLATE_WORDS.contains(&part))
}

/// Whether a variable name says it holds a secret (`API_KEY`, `DB_PASSWORD`, `stripeSecret`),
/// not an identifier or address beside one (`CLIENT_ID`, `DATABASE_HOST`, `PUBLIC_KEY`).
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper.split(['_', '-', '.']).collect();
    let last = words.last().copied().unwrap_or("");
    let harmless = [
        "ID", "URL", "HOST", "PORT", "USER", "USERNAME", "NAME", "REGION", "PATH",
    ];
    if harmless.contains(&last) && !upper.contains("PASSWORD") {
        return false;
    }
    // Front-end build tools put these in the browser bundle: public by design.
    let browser = [
        "VITE_",
        "NEXT_PUBLIC_",
        "REACT_APP_",
        "EXPO_PUBLIC_",
        "NUXT_PUBLIC_",
        "GATSBY_",
    ];
    if upper.contains("PUBLIC")
        || upper.contains("PUBLISHABLE")
        || browser.iter().any(|p| upper.starts_with(p))
    {
        return false;
    }
    [
        "SECRET",
        "TOKEN",
        "PASSW",
        "PWD",
        "PRIVATE",
        "CREDENTIAL",
        "SALT",
        "SIGNATURE",
    ]
    .iter()
    .any(|word| upper.contains(word))
        || words
            .iter()
            .any(|w| matches!(*w, "KEY" | "APIKEY" | "PASS" | "AUTH" | "DSN" | "PAT"))
        || upper.ends_with("KEY")
}

/// The value a parser reads from a raw value: quotes removed, and in double quotes the common
/// escapes resolved.
pub fn unquote(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    if text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'') {
        return text[1..text.len() - 1].to_string();
    }
    if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
        return text[1..text.len() - 1]
            .replace("\\n", "\n")
            .replace("\\\"", "\"")
            .replace("\\\\", "\\");
    }
    text.trim().to_string()
}

/// What one walk of the work tree (ignored files included) finds for the checks.
#[derive(Debug, Default)]
pub struct Inventory {
    /// Every `.env`-like file, parsed, sorted by path.
    pub env_files: Vec<EnvFile>,
    /// Log files and web output ([`is_exposed_place`]), up to [`MAX_EXPOSED_FILE`] bytes.
    pub exposed: Vec<(PathBuf, String)>,
}

/// Directories whose files a web app serves or ships to browsers.
pub const WEB_DIRS: &[&str] = &["public", "static", "dist", "build", "www"];

/// Largest log or web-output file the exposure check scans.
const MAX_EXPOSED_FILE: u64 = 64 << 20;

/// Whether `rel` (`/`-separated) is a log file or lies in a web app's output: places a secret
/// is copied, served or shipped from, ignored by git or not.
pub fn is_exposed_place(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let dirs = &parts[..parts.len().saturating_sub(1)];
    rel.ends_with(".log")
        || dirs
            .iter()
            .any(|d| *d == "logs" || *d == "log" || WEB_DIRS.contains(d))
}

/// Walks the work tree under `root` once, ignored files included.
pub fn take(root: &Path) -> anyhow::Result<Inventory> {
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(false)
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            !(entry.file_type().is_some_and(|t| t.is_dir()) && SKIPPED_DIRS.contains(&&*name))
        })
        .build();
    let mut inventory = Inventory::default();
    for entry in walker {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path().to_path_buf();
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let len = entry.metadata().map_or(u64::MAX, |m| m.len());
        if is_exposed_place(&rel) && len <= MAX_EXPOSED_FILE {
            inventory.exposed.push((path.clone(), rel.clone()));
        }
        let name = entry.file_name().to_string_lossy().to_string();
        if !is_env_like(&name) || len > MAX_ENV_FILE {
            continue;
        }
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        if bytes.contains(&0) {
            continue;
        }
        inventory.env_files.push(EnvFile {
            rel,
            template: is_template(&name),
            doc: Document::parse(bytes),
            path,
        });
    }
    inventory.env_files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(inventory)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_like_names_and_templates() {
        for name in [
            ".env",
            ".env.local",
            "prod.env",
            ".envrc",
            "secrets.yaml",
            "credentials",
        ] {
            assert!(is_env_like(name), "{name}");
        }
        for name in [
            "env.rs",
            "secrets.py",
            "credentials.go",
            "environment.ts",
            "README.md",
            "credentials.yml.enc",
            "secrets.sops.yaml",
        ] {
            assert!(!is_env_like(name), "{name}");
        }
        for name in [
            ".env.example",
            "example.env",
            ".env.production.sample",
            ".env.dist",
        ] {
            assert!(is_template(name), "{name}");
        }
        assert!(!is_template(".env.production"));
    }

    #[test]
    fn secret_names_and_their_harmless_neighbours() {
        for name in [
            "API_KEY",
            "DB_PASSWORD",
            "stripeSecret",
            "JWT_SECRET",
            "KEY",
            "GITLAB_PAT",
            "SENTRY_DSN",
            "SESSION_SALT",
            "DATABASE_PASSWORD_URL",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "CLIENT_ID",
            "DATABASE_HOST",
            "STRIPE_PUBLISHABLE_KEY",
            "PUBLIC_KEY",
            "PORT",
            "NODE_ENV",
            "KEY_ID",
            "MONKEY_NAME",
            "VITE_SENTRY_DSN",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn values_are_read_as_parsers_read_them() {
        assert_eq!(unquote(b"'a b'"), "a b");
        assert_eq!(unquote(b"\"a\\nb\""), "a\nb");
        assert_eq!(unquote(b"plain"), "plain");
    }
}
