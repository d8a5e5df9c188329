//! Command-line front end: one thin module per subcommand. Each turns its arguments into calls
//! to the library and its results into an exit code (see [`exit`]).

pub mod audit;
pub mod clipboard;
pub mod docs;
pub mod generate;
pub mod generate_into;
pub mod hook;
pub mod interactive;
pub mod output;
pub mod rules;
pub mod scan;
pub mod size;
pub mod ui;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit codes shared by every subcommand (the output contract of DESIGN.md).
pub mod exit {
    /// Nothing found, or the command did what was asked.
    pub const CLEAN: u8 = 0;
    /// A scan found at least one secret.
    pub const FINDINGS: u8 = 1;
    /// Bad arguments, unreadable input, not a repository, refused write.
    pub const ERROR: u8 = 2;
}

/// Secret hygiene: generate keys into ignored .env files, scan for leaked tokens.
#[derive(Debug, Parser)]
#[command(name = "tokhyg", version, about, max_term_width = 100)]
pub struct Cli {
    /// Options of every subcommand: -q, -v, --color.
    #[command(flatten)]
    pub global: ui::GlobalArgs,
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `tokhyg`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate cryptographically secure tokens, to stdout or into a .env file.
    Generate(generate::GenerateArgs),
    /// Scan files, staged changes or git history for leaked secrets.
    Scan(scan::ScanArgs),
    /// List the built-in rules or test a rules file.
    Rules(rules::RulesArgs),
    /// Check the repository's secret hygiene: where secrets live, weak and reused values,
    /// templates, rotation, exposure, protection and history.
    Audit(audit::AuditArgs),
    /// Install or remove the plain git pre-commit hook.
    Hook(hook::HookArgs),
    /// Print shell completions: bash, zsh, fish, powershell or elvish.
    Completions(docs::CompletionsArgs),
    /// Print the manual page (roff), or write every page into a directory.
    Man(docs::ManArgs),
}

/// Runs the parsed command line and maps its result to the process exit code. Errors are
/// printed once, here, with their full context chain.
pub fn run(cli: Cli) -> ExitCode {
    ui::set(cli.global.into());
    let result = match cli.command {
        Command::Generate(args) => generate::run(args),
        Command::Scan(args) => scan::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Hook(args) => hook::run(args),
        Command::Completions(args) => docs::completions(args),
        Command::Man(args) => docs::man(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A reader that closed its end of the pipe ended the output; nothing went wrong.
        Err(error) if closed_stdout(&error) => ExitCode::from(exit::CLEAN),
        Err(error) => {
            eprintln!(
                "tokhyg: error: {}",
                crate::report::printable(&user_message(&error))
            );
            ExitCode::from(exit::ERROR)
        }
    }
}

/// The error's context chain, `: `-separated, in the user's terms: libgit2's errors give their
/// message only, without the `; class=Reference (4); code=NotFound (-3)` their `Display` adds.
fn user_message(error: &anyhow::Error) -> String {
    error
        .chain()
        .map(|cause| match cause.downcast_ref::<git2::Error>() {
            Some(git) => git.message().to_owned(),
            None => cause.to_string(),
        })
        .collect::<Vec<_>>()
        .join(": ")
}

/// Whether `error` comes from writing to a pipe whose reader has gone (every write to standard
/// output goes through [`output::Stdout`], so this is the last line of defence).
fn closed_stdout(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(output::is_closed_pipe)
}
