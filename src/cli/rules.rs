//! `tokhyg rules list` (the built-in rules and those the config adds, the disabled ones marked)
//! and `tokhyg rules test FILE` (check a rules file, or a `.tokhyg.yaml`, against its own
//! examples and random tokens).

use super::exit;
use crate::detect::test_rules;
use crate::rules::config::Config;
use crate::rules::{Rule, RuleSet, load_rules_file};
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

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
    /// List every rule a scan here knows: the built-in ones and those the config
    /// (.tokhyg.yaml at the repository root, or --config) adds; id, category, provider and
    /// title, then `[added by FILE]` or `[disabled by FILE: disable]` where it applies.
    List {
        /// Print a JSON array of {id, title, provider, category, kind, keywords, origin,
        /// enabled} instead.
        #[arg(long)]
        json: bool,
        /// Configuration file (default: .tokhyg.yaml at the repository root).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Only the rules of this category (`ai`, `cloud`, `password-hash`, ...; the second
        /// column of the list).
        #[arg(long, value_name = "CATEGORY")]
        category: Option<String>,
    },
    /// Compile every rule of a rules file, check its examples and negative examples, and
    /// check that 100 random tokens of each token rule are found. Exit 0 when all pass, 1 on
    /// failures, 2 when the file is unreadable or invalid.
    Test {
        /// The rules file (the schema of rules/README.md), or a config file (.tokhyg.yaml,
        /// or any file using its keys): its rules are tested, the rest of it is checked.
        file: PathBuf,
    },
}

/// Runs `tokhyg rules`.
pub fn run(args: RulesArgs) -> anyhow::Result<u8> {
    let mut out = super::output::stdout();
    match args.command {
        RulesCommand::List {
            json,
            config,
            category,
        } => {
            let root = super::scan::scan_root(None)?;
            let config = Config::find(&root, config.as_deref())?;
            let mut rules = RuleSet::builtin()?;
            rules.extend(config.rules.clone()).context(
                "a rule of the config has the id of a built-in rule; rename it or disable the \
                 built-in one",
            )?;
            let selected = in_category(&rules, category.as_deref())?;
            list(&selected, &config, json, &mut out)?;
            Ok(exit::CLEAN)
        }
        RulesCommand::Test { file } => test(&rules_to_test(&file)?, &mut out),
    }
}

/// The rules `rules test FILE` checks: those of a rules file, or of a config file, whose other
/// keys are checked too (unknown disabled ids, bad globs) as a scan would.
fn rules_to_test(file: &Path) -> anyhow::Result<RuleSet> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read rules file {}", file.display()))?;
    let name = file.file_name().map(|n| n.to_string_lossy());
    if !Config::is_config_document(name.as_deref().unwrap_or_default(), &text) {
        return load_rules_file(file);
    }
    let config = Config::from_yaml(&text, &file.display().to_string())?;
    config
        .effective_rules()
        .with_context(|| format!("{}: invalid config", file.display()))?;
    Ok(config.rules)
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
    /// The file that defines it: `rules/NAME.yaml` for a built-in rule, else the config.
    origin: &'a str,
    /// False when the config disables it.
    enabled: bool,
}

/// What `rules list` says after a rule's title: where a config rule came from, or what turns
/// a rule off. Empty for an enabled built-in rule.
fn config_note(rule: &Rule, config: &Config) -> String {
    let file = config.origin.as_deref().unwrap_or_default();
    match config.disables(rule) {
        Some(key) => format!("  [disabled by {file}: {key}]"),
        None if config.rules.get(&rule.id).is_some() => format!("  [added by {file}]"),
        None => String::new(),
    }
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

fn list(rules: &[&Rule], config: &Config, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
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
                origin: &rule.origin,
                enabled: config.disables(rule).is_none(),
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
                "{:id_width$}  {:category_width$}  {:provider_width$}  {}{}",
                rule.id,
                rule.category,
                provider_of(rule),
                rule.title,
                config_note(rule, config)
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
