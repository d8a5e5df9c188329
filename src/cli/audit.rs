//! `tokhyg audit`: the secret-hygiene checklist of the repository around a directory (see
//! [`crate::audit`]). Exit 0 when no check fails, 1 when one does, 2 on error.

use crate::audit::{self, Options, report};
use crate::cli::scan::{CommonArgs, ScanSetup};
use crate::cli::{exit, ui};
use crate::report::Format;
use anyhow::Context as _;
use clap::{Args, ValueEnum};
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

/// Arguments of `tokhyg audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// A directory inside the repository to audit (default: the current directory).
    pub path: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,
    /// The rotation window: keys generated longer ago are due (`90d`, `12w`, `6m` as 30-day
    /// months, or a number of days).
    #[arg(long, value_name = "AGE", default_value = "90d", value_parser = parse_age)]
    pub max_age: u32,
    /// Do not scan the git history (check 8): the fast checks only.
    #[arg(long)]
    pub no_history: bool,
    /// Configuration file (default: .tokhyg.yaml at the repository root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// How the audit is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// A checklist for people.
    Text,
    /// JSON (schema in DESIGN.md).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

/// Parses a rotation window into days.
fn parse_age(text: &str) -> Result<u32, String> {
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "d"),
    };
    let count: u32 = number
        .parse()
        .map_err(|_| format!("`{text}` is not an age like 90d, 12w or 6m"))?;
    let days = match unit {
        "d" => 1,
        "w" => 7,
        "m" => 30,
        "y" => 365,
        _ => return Err(format!("`{text}`: the unit is d, w, m or y")),
    };
    count
        .checked_mul(days)
        .filter(|&days| days > 0)
        .ok_or_else(|| format!("`{text}` is not a usable window"))
}

/// Runs `tokhyg audit`.
pub fn run(args: AuditArgs) -> anyhow::Result<u8> {
    let dir = match &args.path {
        Some(path) => path.clone(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    let (repo, root) = audit::open_repository(&dir)?;
    let common = CommonArgs {
        format: Format::Text,
        output: None,
        show_secrets: false,
        redact: 0,
        baseline: None,
        write_baseline: None,
        update_baseline: None,
        config: args.config.clone(),
        exclude: Vec::new(),
        no_decode: false,
        no_archives: false,
    };
    let setup = ScanSetup::load(root.clone(), &common)?;
    let options = Options {
        max_age_days: args.max_age,
        history: !args.no_history,
    };
    let started = std::time::Instant::now();
    let result = audit::run(repo, root, &setup.scanner, &setup.suppressions, options)?;
    let out = match args.format {
        AuditFormat::Text => report::text(
            &result,
            ui::get().color.enabled(std::io::stdout().is_terminal()),
        ),
        AuditFormat::Json => format!("{:#}\n", report::json(&result)),
        AuditFormat::Sarif => format!("{:#}\n", report::sarif(&result)),
    };
    let mut stdout = super::output::stdout();
    stdout
        .write_all(out.as_bytes())
        .context("cannot write the report to standard output")?;
    ui::detail(format_args!(
        "audit took {:.2} s",
        started.elapsed().as_secs_f64()
    ));
    Ok(if result.failed() {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}

#[cfg(test)]
mod tests {
    use super::parse_age;

    #[test]
    fn ages_in_days_weeks_months_and_years() {
        assert_eq!(parse_age("90d"), Ok(90));
        assert_eq!(parse_age("90"), Ok(90));
        assert_eq!(parse_age("12w"), Ok(84));
        assert_eq!(parse_age("6m"), Ok(180));
        assert_eq!(parse_age("1y"), Ok(365));
        assert!(parse_age("0d").is_err());
        assert!(parse_age("soon").is_err());
        assert!(parse_age("3h").unwrap_err().contains("unit"));
    }
}
