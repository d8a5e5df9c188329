//! `tokhyg rules list` (the built-in rules) and `tokhyg rules test FILE` (check a rules file
//! against its own examples and random tokens).

use super::exit;
use crate::detect::test_rules;
use crate::rules::{RuleSet, load_rules_file};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// Random tokens generated per token rule by `tokhyg rules test`.
const TOKENS_PER_RULE: usize = 100;

/// Arguments of `tokhyg rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// What to do with the rules.
    #[command(subcommand)]
    pub command: RulesCommand,
}

/// The subcommands of `tokhyg rules`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every built-in rule: id and title.
    List {
        /// Print a JSON array of {id, title, kind, keywords} instead.
        #[arg(long)]
        json: bool,
    },
    /// Compile every rule of a rules file, check its examples and negative examples, and
    /// check that 100 random tokens of each token rule are found. Exit 0 when all pass, 1 on
    /// failures, 2 when the file is unreadable or invalid.
    Test {
        /// The rules file (the schema of rules/README.md).
        file: PathBuf,
    },
}

/// Runs `tokhyg rules`.
pub fn run(args: RulesArgs) -> anyhow::Result<u8> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.command {
        RulesCommand::List { json } => {
            list(&RuleSet::builtin()?, json, &mut out)?;
            Ok(exit::CLEAN)
        }
        RulesCommand::Test { file } => {
            let rules = load_rules_file(&file)?;
            test(&rules, &mut out)
        }
    }
}

/// One rule in `rules list --json`.
#[derive(Serialize)]
struct ListedRule<'a> {
    id: &'a str,
    title: &'a str,
    kind: &'a str,
    keywords: &'a [String],
}

fn list(rules: &RuleSet, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    if json {
        let listed: Vec<ListedRule> = rules
            .rules()
            .iter()
            .map(|rule| ListedRule {
                id: &rule.id,
                title: &rule.title,
                kind: rule.kind_name(),
                keywords: &rule.keywords,
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &listed)?;
        writeln!(out)?;
    } else {
        let width = rules.rules().iter().map(|r| r.id.len()).max().unwrap_or(0);
        for rule in rules.rules() {
            writeln!(out, "{:width$}  {}", rule.id, rule.title)?;
        }
    }
    Ok(())
}

fn test(rules: &RuleSet, out: &mut impl Write) -> anyhow::Result<u8> {
    let report = test_rules(rules, TOKENS_PER_RULE);
    for failure in &report.failures {
        writeln!(out, "FAIL {failure}")?;
    }
    let summary = format!(
        "{} rules, {} examples, {} negative examples, {} random tokens",
        report.rules, report.examples, report.negative_examples, report.random_tokens
    );
    if report.failures.is_empty() {
        writeln!(out, "ok: {summary}")?;
        Ok(exit::CLEAN)
    } else {
        writeln!(out, "{} failure(s): {summary}", report.failures.len())?;
        Ok(exit::FINDINGS)
    }
}
