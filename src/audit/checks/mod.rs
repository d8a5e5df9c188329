//! The checks of `tokhyg audit`, one module each, in the order they are reported.

pub mod env_files;
pub mod exposure;
pub mod history;
pub mod protection;
pub mod reuse;
pub mod rotation;
pub mod templates;
pub mod weak_values;

/// A path quoted for a POSIX shell when it needs it, for fix commands.
pub fn shell_quote(text: &str) -> String {
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+@%=:,".contains(&b));
    if plain && !text.is_empty() {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
