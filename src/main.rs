use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    tokhyg::cli::run(tokhyg::cli::Cli::parse())
}
