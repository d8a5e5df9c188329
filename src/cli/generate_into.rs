//! `tokhyg generate --into FILE NAME...`: write fresh tokens into a git-ignored `.env` file.
//!
//! Being built.

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
}

/// Sets every requested name to a token drawn from `new_token`, atomically, and reports on
/// stderr what was written. Returns the exit code.
pub fn run(
    _request: IntoRequest<'_>,
    _new_token: &mut dyn FnMut() -> String,
) -> anyhow::Result<u8> {
    anyhow::bail!("`generate --into` is not built yet")
}
