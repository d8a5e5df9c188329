//! `tokhyg rules list` (the built-in rules) and `tokhyg rules test FILE` (check a rules file
//! against its own examples and random tokens).

use super::exit;
use crate::detect::test_rules;
use crate::rules::{Rule, RuleSet, load_rules_file};
use anyhow::bail;
use clap::{Args, Subcommand};
use serde::Serialize;
use std::collections::BTreeSet;
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
    /// List every built-in rule: id, category, provider and title.
    List {
        /// Print a JSON array of {id, title, provider, category, kind, keywords} instead.
        #[arg(long)]
        json: bool,
        /// Only the rules of this category (`ai`, `cloud`, `password-hash`, ...; the second
        /// column of the list).
        #[arg(long, value_name = "CATEGORY")]
        category: Option<String>,
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
    let mut out = super::output::stdout();
    match args.command {
        RulesCommand::List { json, category } => {
            let rules = RuleSet::builtin()?;
            let selected = in_category(&rules, category.as_deref())?;
            list(&selected, json, &mut out)?;
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
    provider: Option<&'a str>,
    category: &'a str,
    kind: &'a str,
    keywords: &'a [String],
}

/// The rules of `category` (all of them for `None`); a category no rule has is an error that
/// lists the known ones.
fn in_category<'a>(rules: &'a RuleSet, category: Option<&str>) -> anyhow::Result<Vec<&'a Rule>> {
    let Some(category) = category else {
        return Ok(rules.rules().iter().collect());
    };
    let selected: Vec<&Rule> = rules
        .rules()
        .iter()
        .filter(|rule| rule.category == category)
        .collect();
    if selected.is_empty() {
        let known: BTreeSet<&str> = rules.rules().iter().map(|r| r.category.as_str()).collect();
        bail!(
            "no rule is in category `{category}`; the categories are: {}",
            known.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(selected)
}

fn list(rules: &[&Rule], json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    if json {
        let listed: Vec<ListedRule> = rules
            .iter()
            .map(|rule| ListedRule {
                id: &rule.id,
                title: &rule.title,
                provider: rule.provider.as_deref(),
                category: &rule.category,
                kind: rule.kind_name(),
                keywords: &rule.keywords,
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &listed)?;
        writeln!(out)?;
    } else {
        let id_width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
        let category_width = rules.iter().map(|r| r.category.len()).max().unwrap_or(0);
        let provider_of = |rule: &Rule| rule.provider.clone().unwrap_or_default();
        let provider_width = rules.iter().map(|r| provider_of(r).len()).max();
        let provider_width = provider_width.unwrap_or(0);
        for rule in rules {
            writeln!(
                out,
                "{:id_width$}  {:category_width$}  {:provider_width$}  {}",
                rule.id,
                rule.category,
                provider_of(rule),
                rule.title
            )?;
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
