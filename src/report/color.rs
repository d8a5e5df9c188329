//! Terminal colors for the text report: whether to use them, and the escapes.
//!
//! Colors are used only when standard output is a terminal, `NO_COLOR` is unset or empty
//! (<https://no-color.org>), and `TERM` is not `dumb`.

use std::ffi::OsStr;

/// Escape that starts the color of a path.
pub(crate) const PATH: &str = "\x1b[35m";
/// Escape that starts the color of a rule id.
pub(crate) const RULE: &str = "\x1b[1;31m";
/// Escape that resets all attributes.
pub(crate) const RESET: &str = "\x1b[0m";

/// Whether to color output, given whether it goes to a terminal and the values of the
/// `NO_COLOR` and `TERM` environment variables.
pub fn color_wanted(is_terminal: bool, no_color: Option<&OsStr>, term: Option<&OsStr>) -> bool {
    let no_color_set = no_color.is_some_and(|value| !value.is_empty());
    let dumb = term.is_some_and(|value| value == "dumb");
    is_terminal && !no_color_set && !dumb
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
        assert!(color_wanted(true, None, Some(xterm)));
        assert!(color_wanted(true, None, None));
        assert!(color_wanted(true, Some(empty), Some(xterm)));
        assert!(!color_wanted(true, Some(one), Some(xterm)));
        assert!(!color_wanted(false, None, Some(xterm)));
        assert!(!color_wanted(true, None, Some(OsStr::new("dumb"))));
    }

    #[test]
    fn paint_wraps_only_when_enabled() {
        assert_eq!(paint("a.env", PATH, true), "\x1b[35ma.env\x1b[0m");
        assert_eq!(paint("a.env", PATH, false), "a.env");
    }
}
