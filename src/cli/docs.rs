//! `tokhyg completions SHELL` and `tokhyg man`: shell completion scripts and manual pages,
//! generated from the same clap definition that parses the command line, so they never
//! disagree with it.

use super::{Cli, exit, output, ui};
use anyhow::Context;
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `tokhyg completions`.
#[derive(Debug, Args)]
#[command(after_help = "\
Load them for the current bash session with `source <(tokhyg completions bash)`, or install
them where your shell looks: for bash, tokhyg completions bash >
~/.local/share/bash-completion/completions/tokhyg; for zsh, a file named _tokhyg in a directory
of $fpath; for fish, ~/.config/fish/completions/tokhyg.fish.")]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Arguments of `tokhyg man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command (tokhyg.1, tokhyg-scan.1, ...) into DIR instead of printing
    /// the page of `tokhyg` itself (read it with `tokhyg man | man -l -`).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Runs `tokhyg completions SHELL`: the script on standard output.
pub fn completions(args: CompletionsArgs) -> anyhow::Result<u8> {
    let mut command = Cli::command();
    let mut out = output::stdout();
    clap_complete::generate(args.shell, &mut command, "tokhyg", &mut out);
    out.flush()
        .context("cannot write the completions to standard output")?;
    Ok(exit::CLEAN)
}

/// Runs `tokhyg man`: the manual page on standard output, or every page into a directory.
pub fn man(args: ManArgs) -> anyhow::Result<u8> {
    let command = Cli::command();
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create the directory {}", dir.display()))?;
            clap_mangen::generate_to(command, &dir)
                .with_context(|| format!("cannot write the manual pages into {}", dir.display()))?;
            ui::info(format_args!(
                "wrote the manual pages into {}",
                dir.display()
            ));
        }
        None => {
            let mut out = output::stdout();
            clap_mangen::Man::new(command)
                .render(&mut out)
                .and_then(|()| out.flush())
                .context("cannot write the manual page to standard output")?;
        }
    }
    Ok(exit::CLEAN)
}
