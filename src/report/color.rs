//! Terminal colors for the text report: whether to use them, and the escapes.
//!
//! `--color always` and `--color never` decide alone. With `--color auto` (the default), colors
//! are used only when standard output is a terminal, `NO_COLOR` is unset or empty
//! (<https://no-color.org>), and `TERM` is not `dumb`.

use std::ffi::OsStr;

/// Escape that starts the color of a path.
pub(crate) const PATH: &str = "\x1b[35m";
/// Escape that starts the color of a rule id.
pub(crate) const RULE: &str = "\x1b[1;31m";
/// Escape that resets all attributes.
pub(crate) const RESET: &str = "\x1b[0m";
/// A passed check (`tokhyg audit`): green.
pub(crate) const PASS: &str = "\x1b[32m";
/// A warned check: yellow.
pub(crate) const WARN: &str = "\x1b[33m";
/// What is said in passing (a check's summary, a skipped check): dim.
pub(crate) const DIM: &str = "\x1b[2m";

/// When to color output (`--color`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set or TERM is dumb.
    #[default]
    Auto,
    /// Always, even into a pipe or a file.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to color output going to a terminal or not (`is_terminal`), reading `NO_COLOR`
    /// and `TERM` from the environment for `auto`.
    pub fn enabled(self, is_terminal: bool) -> bool {
        let no_color = std::env::var_os("NO_COLOR");
        let term = std::env::var_os("TERM");
        color_wanted(self, is_terminal, no_color.as_deref(), term.as_deref())
    }
}

/// Whether to color output, given the choice, whether it goes to a terminal and the values of
/// the `NO_COLOR` and `TERM` environment variables.
pub fn color_wanted(
    choice: ColorChoice,
    is_terminal: bool,
    no_color: Option<&OsStr>,
    term: Option<&OsStr>,
) -> bool {
    let no_color_set = no_color.is_some_and(|value| !value.is_empty());
    let dumb = term.is_some_and(|value| value == "dumb");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && !no_color_set && !dumb,
    }
}

/// `text` wrapped in `color` and a reset when `enabled`, as is otherwise.
pub(crate) fn paint(text: &str, color: &str, enabled: bool) -> String {
    if enabled {
        format!("{color}{text}{RESET}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_only_on_a_terminal_without_no_color() {
        let empty = OsStr::new("");
        let one = OsStr::new("1");
        let xterm = OsStr::new("xterm-256color");
        let auto = ColorChoice::Auto;
        assert!(color_wanted(auto, true, None, Some(xterm)));
        assert!(color_wanted(auto, true, None, None));
        assert!(color_wanted(auto, true, Some(empty), Some(xterm)));
        assert!(!color_wanted(auto, true, Some(one), Some(xterm)));
        assert!(!color_wanted(auto, false, None, Some(xterm)));
        assert!(!color_wanted(auto, true, None, Some(OsStr::new("dumb"))));
    }

    #[test]
    fn always_and_never_decide_alone() {
        let one = OsStr::new("1");
        let dumb = OsStr::new("dumb");
        assert!(color_wanted(
            ColorChoice::Always,
            false,
            Some(one),
            Some(dumb)
        ));
        assert!(!color_wanted(ColorChoice::Never, true, None, None));
    }

    #[test]
    fn paint_wraps_only_when_enabled() {
        assert_eq!(paint("a.env", PATH, true), "\x1b[35ma.env\x1b[0m");
        assert_eq!(paint("a.env", PATH, false), "a.env");
    }
}
