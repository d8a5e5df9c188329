//! What every subcommand says on standard error besides its results, and how much: the global
//! `-q/--quiet`, `-v/--verbose` and `--color` options, set once per process by [`set`].
//!
//! - [`warn`] and errors are always said: they change what the user must do.
//! - [`info`] (a confirmation, the strength line, a clean scan's summary) is silenced by `-q`.
//! - [`detail`] (what a scan loaded, the figures of a scan with findings) is said only with
//!   `-v`.
//!
//! Everything goes through [`printable`], so a path or a value read from a file cannot inject
//! terminal control or bidirectional characters into a message.

use crate::report::{ColorChoice, printable};
use clap::Args;
use std::fmt::Display;
use std::sync::OnceLock;

/// How much to say on standard error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Warnings and errors only (`-q`).
    Quiet,
    /// Warnings, errors and confirmations.
    #[default]
    Normal,
    /// Everything, details too (`-v`).
    Verbose,
}

/// The options every subcommand takes (`tokhyg -q scan`, `tokhyg scan -q` alike).
#[derive(Debug, Args, Clone, Copy)]
pub struct GlobalArgs {
    /// Say only warnings and errors on stderr: no confirmations (`--into`, hooks, baselines),
    /// no strength line, no summary of a clean scan.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more on stderr: the rules, configuration, ignore file and baseline a scan loaded,
    /// and its figures (files, bytes, time) even when it found something.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Color the text report: auto (on a terminal, unless NO_COLOR is set or TERM=dumb),
    /// always, never.
    #[arg(long, value_enum, global = true, value_name = "WHEN", default_value_t)]
    pub color: ColorChoice,
}

/// The settings [`GlobalArgs`] chose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ui {
    /// How much to say.
    pub verbosity: Verbosity,
    /// When to color.
    pub color: ColorChoice,
}

impl From<GlobalArgs> for Ui {
    fn from(args: GlobalArgs) -> Self {
        let verbosity = if args.quiet {
            Verbosity::Quiet
        } else if args.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        };
        Ui {
            verbosity,
            color: args.color,
        }
    }
}

static UI: OnceLock<Ui> = OnceLock::new();

/// Sets the process's settings (the first call wins; later ones are ignored).
pub fn set(ui: Ui) {
    let _ = UI.set(ui);
}

/// The process's settings (the defaults until [`set`]).
pub fn get() -> Ui {
    UI.get().copied().unwrap_or_default()
}

/// Whether messages of `level` are said.
pub fn says(level: Verbosity) -> bool {
    get().verbosity >= level
}

/// Says `tokhyg: warning: MESSAGE` (always).
pub fn warn(message: impl Display) {
    eprintln!("tokhyg: warning: {}", printable(&message.to_string()));
}

/// Says `tokhyg: MESSAGE` unless `-q`.
pub fn info(message: impl Display) {
    if says(Verbosity::Normal) {
        eprintln!("tokhyg: {}", printable(&message.to_string()));
    }
}

/// Says `tokhyg: MESSAGE` with `-v` only.
pub fn detail(message: impl Display) {
    if says(Verbosity::Verbose) {
        eprintln!("tokhyg: {}", printable(&message.to_string()));
    }
}
