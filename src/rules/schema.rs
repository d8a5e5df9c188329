//! The YAML schema of a rules document (serde), and its validation into [`Rule`]s. Every error
//! names the file and the rule, and says what the schema expects.

use super::context::{MAX_NEAR_LINES, context_pattern, value_pattern};
use super::{
    Pairs, PathFilter, PathRule, PatternRule, Rule, RuleKind, RunPrefilter, Severity, ValueCheck,
};
use crate::token::alphabet::Alphabet;
use crate::token::checksum::Checksum;
use crate::token::format::TokenFormat;
use anyhow::{Context, bail};
use serde::Deserialize;

/// A rules document: `rules/*.yaml` or the `rules:` list of `.tokhyg.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesDocument {
    /// The category of every rule of the document that does not name its own.
    category: Option<String>,
    /// The severity of every rule of the document that does not give its own.
    severity: Option<String>,
    rules: Vec<RawRule>,
}

/// One rule as written, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    id: String,
    title: String,
    provider: Option<String>,
    category: Option<String>,
    severity: Option<String>,
    remediation: Option<String>,
    supersedes: Option<Vec<String>>,
    pairs: Option<RawPairs>,
    #[serde(default)]
    part: bool,
    token: Option<RawToken>,
    keywords: Option<Vec<String>>,
    pattern: Option<String>,
    value: Option<String>,
    near_lines: Option<usize>,
    secret_group: Option<usize>,
    min_entropy: Option<f64>,
    checksum: Option<String>,
    allow: Option<Vec<String>>,
    allow_match: Option<Vec<String>>,
    checks: Option<Vec<String>>,
    max_line_length: Option<usize>,
    only_paths: Option<String>,
    skip_paths: Option<String>,
    run: Option<RawRun>,
    path: Option<String>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    negative_examples: Vec<String>,
}

/// The `pairs:` mapping: the rules whose matches are other parts of the same credential.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPairs {
    with: Vec<String>,
    lines: usize,
}

/// Farthest apart, in lines, two parts of one credential are joined.
const MAX_PAIR_LINES: usize = 20;

/// The `token:` mapping of a token rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawToken {
    #[serde(default)]
    prefix: String,
    alphabet: String,
    length: usize,
    checksum: Option<String>,
}

/// The `run:` mapping of a pattern rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRun {
    alphabet: String,
    min_length: usize,
    #[serde(default)]
    preceded_by: String,
    #[serde(default)]
    is_secret: bool,
}

/// Shortest `run: min_length` accepted: shorter runs of letters and digits are in every line of
/// code, and a rule woken by them would run everywhere.
const MIN_RUN_LENGTH: usize = 16;

/// Category of rules that neither they nor their document name one: a user's own rules.
pub(crate) const DEFAULT_CATEGORY: &str = "custom";

/// Parses a whole rules document. Rules that name no category (severity) take the document's
/// `category:` (`severity:`),
/// else `default_category` (a built-in file's family, such as `cloud` for `rules/cloud.yaml`).
pub(crate) fn parse_rules_document(
    text: &str,
    origin: &str,
    default_category: &str,
) -> anyhow::Result<Vec<Rule>> {
    let document: RulesDocument = super::yaml_depth::check_depth(text)
        .and_then(|()| {
            serde_yaml_ng::from_str(text)
                .map_err(|error| anyhow::anyhow!(super::plain_errors::plain(error)))
        })
        .with_context(|| {
        format!("{origin}: not a valid rules file (expected a top-level `rules:` list; see rules/README.md)")
    })?;
    rules_of_document(document, origin, default_category, RegexSyntax::Check)
}

/// Parses a built-in rules file as build.rs converted it to JSON (the same document as its
/// YAML, read several times faster).
pub(crate) fn parse_builtin_json(
    json: &str,
    origin: &str,
    default_category: &str,
) -> anyhow::Result<Vec<Rule>> {
    let document: RulesDocument = serde_json::from_str(json)
        .with_context(|| format!("{origin}: not a valid rules file (as converted to JSON)"))?;
    rules_of_document(
        document,
        origin,
        default_category,
        RegexSyntax::CheckedByTests,
    )
}

/// The validated rules of a parsed document, with its default category and severity applied.
fn rules_of_document(
    document: RulesDocument,
    origin: &str,
    default_category: &str,
    syntax_check: RegexSyntax,
) -> anyhow::Result<Vec<Rule>> {
    let category = document.category.as_deref().unwrap_or(default_category);
    if !is_kebab_case(category) {
        bail!(
            "{origin}: category `{category}` must be kebab-case (such as `cloud` or `password-hash`)"
        );
    }
    let mut rules = document.rules;
    if let Some(severity) = document.severity {
        for rule in rules.iter_mut().filter(|rule| rule.severity.is_none()) {
            rule.severity = Some(severity.clone());
        }
    }
    validate_rules(rules, origin, category, syntax_check)
}

/// Whether validation checks the regexes that are only compiled later: the `value:` of context
/// rules and `only_paths`/`skip_paths`. Checking them was a third of a small scan's start-up; every built-in rule is compiled by `tests/builtin_rules.rs`
/// (`detect::test_rules`) instead, user rules by [`crate::detect::check_rules`] as well as here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RegexSyntax {
    /// Parse it, for an error that names the field.
    Check,
    /// Trust it: the rules are built in and a test compiles every one.
    CheckedByTests,
}

/// Validates rules already deserialized (the `rules:` list of `.tokhyg.yaml`); rules that name
/// no category get `default_category`.
pub(crate) fn validate_all(
    raw: Vec<RawRule>,
    origin: &str,
    default_category: &str,
) -> anyhow::Result<Vec<Rule>> {
    validate_rules(raw, origin, default_category, RegexSyntax::Check)
}

fn validate_rules(
    raw: Vec<RawRule>,
    origin: &str,
    default_category: &str,
    syntax_check: RegexSyntax,
) -> anyhow::Result<Vec<Rule>> {
    raw.into_iter()
        .enumerate()
        .map(|(index, raw)| {
            let label = if raw.id.is_empty() {
                format!("rule #{}", index + 1)
            } else {
                format!("rule `{}`", raw.id)
            };
            validate(raw, origin, default_category, syntax_check)
                .with_context(|| format!("{origin}: {label}"))
        })
        .collect()
}

/// True for `lower-case-words-and-digits`.
pub(crate) fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn validate(
    raw: RawRule,
    origin: &str,
    default_category: &str,
    syntax_check: RegexSyntax,
) -> anyhow::Result<Rule> {
    if !is_kebab_case(&raw.id) {
        bail!(
            "id `{}` must be kebab-case: lower-case letters and digits separated by single `-`",
            raw.id
        );
    }
    if raw.title.trim().is_empty() {
        bail!("`title` must not be empty");
    }
    let category = raw
        .category
        .as_deref()
        .unwrap_or(default_category)
        .to_string();
    if !is_kebab_case(&category) {
        bail!("`category` `{category}` must be kebab-case (such as `cloud` or `password-hash`)");
    }
    let severity = match raw.severity.as_deref() {
        None => Severity::default(),
        Some(name) => parse_severity(name)?,
    };
    let supersedes = raw.supersedes.clone().unwrap_or_default();
    if let Some(bad) = supersedes
        .iter()
        .find(|id| !is_kebab_case(id) || **id == raw.id)
    {
        bail!("`supersedes` lists `{bad}`: it takes the ids of other rules (kebab-case)");
    }
    let pairs = raw.pairs.clone().map(validated_pairs).transpose()?;
    if raw.part && pairs.is_some() {
        bail!("a `part` rule takes no `pairs`: the rules it is a part of name it in theirs");
    }
    if let Some(provider) = &raw.provider
        && (provider.contains('\n') || provider.trim().is_empty())
    {
        bail!("`provider` must be one non-empty line (the company or product, such as `GitHub`)");
    }
    if let Some(remediation) = &raw.remediation
        && (remediation.contains('\n') || remediation.trim().is_empty())
    {
        bail!("`remediation` must be one non-empty line");
    }
    let kinds = [
        raw.token.is_some(),
        raw.pattern.is_some(),
        raw.value.is_some(),
        raw.path.is_some(),
    ];
    if kinds.iter().filter(|&&k| k).count() != 1 {
        bail!("a rule needs exactly one of `token`, `pattern`, `value` or `path`");
    }
    let keywords = match &raw.keywords {
        Some(list) => validated_keywords(list)?,
        None => Vec::new(),
    };
    let mut raw = raw;
    let mut required = None;
    if let Some(value) = raw.value.take() {
        raw.pattern = Some(context_rule_pattern(&raw, &keywords, &value, syntax_check)?);
        required = Some(value_pattern(&value));
    } else if raw.near_lines.is_some() {
        bail!("`near_lines` belongs to context rules: give the secret's shape as `value`");
    }

    let pattern_fields = present_pattern_fields(&raw);
    let (kind, keywords) = if let Some(token) = raw.token {
        reject_pattern_fields(&pattern_fields, "token", raw.checksum.is_some())?;
        if raw.run.is_some() {
            bail!(
                "`run` belongs to pattern rules; a token rule is found by its prefix or `keywords`"
            );
        }
        let format = token_format(token)?;
        let keywords = if !keywords.is_empty() {
            keywords
        } else if format.prefix.is_empty() {
            bail!("a token rule without `prefix` must give `keywords`");
        } else {
            vec![format.prefix.to_ascii_lowercase()]
        };
        (RuleKind::Token(format), keywords)
    } else if let Some(pattern) = raw.pattern {
        let checksum = raw.checksum.as_deref().map(parse_checksum).transpose()?;
        let run = raw
            .run
            .map(|run| run_prefilter(run, checksum))
            .transpose()?;
        match (keywords.is_empty(), run.is_some()) {
            (true, false) if raw.only_paths.is_none() => bail!(
                "a pattern rule needs `keywords`: lower-case literals its regex is run near (or, with no literal to look for, a `run`, or `only_paths` to run on the whole of those files)"
            ),
            (false, true) => bail!("a pattern rule takes `keywords` or `run`, not both"),
            _ => {}
        }
        if let Some(entropy) = raw.min_entropy
            && !(0.0..=8.0).contains(&entropy)
        {
            bail!("`min_entropy` is in bits per character: between 0 and 8, not {entropy}");
        }
        if raw.max_line_length == Some(0) {
            bail!("`max_line_length` must be at least 1 (bytes)");
        }
        let checks = raw
            .checks
            .unwrap_or_default()
            .iter()
            .map(|name| value_check(name))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let paths = path_filter(raw.only_paths, raw.skip_paths, syntax_check)?;
        let rule = PatternRule {
            pattern,
            secret_group: raw.secret_group,
            min_entropy: raw.min_entropy,
            checksum,
            allow: raw.allow.unwrap_or_default(),
            run,
            allow_match: raw.allow_match.unwrap_or_default(),
            checks,
            max_line_length: raw.max_line_length,
            paths,
            required,
        };
        (RuleKind::Pattern(rule), keywords)
    } else if let Some(path) = raw.path {
        reject_pattern_fields(&pattern_fields, "path", false)?;
        if !keywords.is_empty() || raw.run.is_some() {
            bail!("a path rule takes no `keywords` or `run`");
        }
        (RuleKind::Path(PathRule { pattern: path }), Vec::new())
    } else {
        unreachable!("exactly one kind was checked above")
    };
    if let Some(short) = keywords.iter().find(|k| !is_selective_keyword(k)) {
        bail!(
            "keyword `{short}` is too short: a keyword needs at least {MIN_KEYWORD_LEN} characters \
             (or 2, one of them rare in code, such as `q~`); a shorter one is in nearly every file \
             and wakes the rule everywhere. Use a longer literal that every match contains (a \
             provider or variable name); a token rule's keyword is its prefix unless it gives \
             `keywords`"
        );
    }

    Ok(Rule {
        id: raw.id,
        title: raw.title.trim().to_string(),
        provider: raw.provider.map(|p| p.trim().to_string()),
        category,
        remediation: raw.remediation.map(|r| r.trim().to_string()),
        severity,
        supersedes,
        pairs,
        part: raw.part,
        kind,
        keywords,
        examples: raw.examples,
        negative_examples: raw.negative_examples,
        origin: origin.to_string(),
    })
}

/// The `only_paths` and `skip_paths` of a pattern rule, each a regex that compiles; `None`
/// when it has neither.
fn path_filter(
    only: Option<String>,
    skip: Option<String>,
    syntax_check: RegexSyntax,
) -> anyhow::Result<Option<Box<PathFilter>>> {
    if only.is_none() && skip.is_none() {
        return Ok(None);
    }
    Ok(Some(Box::new(PathFilter {
        only: only
            .map(|re| valid_path_regex(re, "only_paths", syntax_check))
            .transpose()?,
        skip: skip
            .map(|re| valid_path_regex(re, "skip_paths", syntax_check))
            .transpose()?,
    })))
}

/// A path regex (`only_paths`, `skip_paths`) that compiles, or an error naming the field.
fn valid_path_regex(
    source: String,
    field: &str,
    syntax_check: RegexSyntax,
) -> anyhow::Result<String> {
    if syntax_check == RegexSyntax::Check {
        check_path_regex(&source, field).map_err(anyhow::Error::msg)?;
    }
    Ok(source)
}

/// Whether a path regex compiles, or the error naming its field (`only_paths`, `skip_paths`):
/// the schema's check of user rules and the rule test's of built-in ones.
pub(crate) fn check_path_regex(source: &str, field: &str) -> Result<(), String> {
    regex::Regex::new(source)
        .map(|_| ())
        .map_err(|error| format!("`{field}` is not a valid regex: {error}"))
}

fn validated_keywords(list: &[String]) -> anyhow::Result<Vec<String>> {
    let mut keywords: Vec<String> = Vec::with_capacity(list.len());
    for keyword in list {
        if keyword.is_empty() {
            bail!("a keyword must not be empty");
        }
        if keyword.chars().any(|c| c.is_uppercase()) {
            bail!("keyword `{keyword}` must be lower-case (keywords match case-insensitively)");
        }
        if !keywords.contains(keyword) {
            keywords.push(keyword.clone());
        }
    }
    Ok(keywords)
}

/// Shortest keyword accepted, in bytes (see [`is_selective_keyword`]).
pub const MIN_KEYWORD_LEN: usize = 3;

/// Whether `keyword` is long enough to prefilter anything: at least [`MIN_KEYWORD_LEN`] bytes,
/// or two of which one is rare in code (not a letter, digit, space or common punctuation, as
/// the `~` of `q~`). A keyword of one or two common characters hits nearly every file: a rule
/// woken by `k` ran its regex on every line and held millions of findings of a 9 MB file.
pub fn is_selective_keyword(keyword: &str) -> bool {
    let rare = |b: u8| !b.is_ascii_alphanumeric() && !b" _-./:=\"'(),;\t".contains(&b);
    keyword.len() >= MIN_KEYWORD_LEN || (keyword.len() == 2 && keyword.bytes().any(rare))
}

/// The regex of a context rule (`value:` with the provider's names as `keywords`).
fn context_rule_pattern(
    raw: &RawRule,
    keywords: &[String],
    value: &str,
    syntax_check: RegexSyntax,
) -> anyhow::Result<String> {
    if keywords.is_empty() {
        bail!(
            "a context rule (`value`) needs `keywords`: the provider's names, one of which must name the value"
        );
    }
    if raw.run.is_some() || raw.secret_group.is_some() {
        bail!("a context rule (`value`) takes no `run` or `secret_group`: its secret is the value");
    }
    let near_lines = raw.near_lines.unwrap_or(0);
    if near_lines > MAX_NEAR_LINES {
        bail!("`near_lines` is at most {MAX_NEAR_LINES}, not {near_lines}");
    }
    if syntax_check == RegexSyntax::Check {
        regex_syntax::Parser::new()
            .parse(value)
            .map_err(|e| anyhow::anyhow!("invalid `value` regex: {e}"))?;
    }
    Ok(context_pattern(keywords, value, near_lines))
}

/// The names of the pattern-rule fields `raw` sets.
fn present_pattern_fields(raw: &RawRule) -> Vec<&'static str> {
    [
        ("secret_group", raw.secret_group.is_some()),
        ("min_entropy", raw.min_entropy.is_some()),
        ("checksum", raw.checksum.is_some()),
        ("allow", raw.allow.is_some()),
        ("allow_match", raw.allow_match.is_some()),
        ("checks", raw.checks.is_some()),
        ("max_line_length", raw.max_line_length.is_some()),
        ("only_paths", raw.only_paths.is_some()),
        ("skip_paths", raw.skip_paths.is_some()),
    ]
    .into_iter()
    .filter(|(_, set)| *set)
    .map(|(name, _)| name)
    .collect()
}

fn reject_pattern_fields(present: &[&str], kind: &str, has_checksum: bool) -> anyhow::Result<()> {
    if !present.is_empty() {
        let hint = if kind == "token" && has_checksum {
            " (a token rule's checksum goes inside `token:`)"
        } else {
            ""
        };
        bail!(
            "`{}` belong(s) to pattern rules, not to a {kind} rule{hint}",
            present.join("`, `")
        );
    }
    Ok(())
}

fn value_check(name: &str) -> anyhow::Result<ValueCheck> {
    ValueCheck::ALL
        .iter()
        .find(|(known, _)| *known == name)
        .map(|&(_, check)| check)
        .with_context(|| {
            let known: Vec<&str> = ValueCheck::ALL.iter().map(|(known, _)| *known).collect();
            format!(
                "unknown check `{name}` in `checks`: one of {}",
                known.join(", ")
            )
        })
}

fn token_format(token: RawToken) -> anyhow::Result<TokenFormat> {
    let alphabet = match token.alphabet.strip_prefix("custom:") {
        Some(chars) => Alphabet::custom(chars),
        None => Alphabet::named(&token.alphabet),
    }
    .with_context(|| format!("`alphabet: {}`", token.alphabet))?;
    if token.length == 0 {
        bail!("`length` (random body characters) must be at least 1");
    }
    if token
        .prefix
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        bail!("`prefix` must not contain whitespace or control characters");
    }
    let checksum = token.checksum.as_deref().map(parse_checksum).transpose()?;
    Ok(TokenFormat {
        prefix: token.prefix,
        alphabet,
        length: token.length,
        checksum,
    })
}

/// The `run:` of a pattern rule whose checksum (if any) is `checksum`.
fn run_prefilter(run: RawRun, checksum: Option<Checksum>) -> anyhow::Result<RunPrefilter> {
    let alphabet = match run.alphabet.strip_prefix("custom:") {
        Some(chars) => Alphabet::custom(chars),
        None => Alphabet::named(&run.alphabet),
    }
    .with_context(|| format!("`run: alphabet: {}`", run.alphabet))?;
    let Some(bytes) = alphabet.ascii_bytes() else {
        bail!("`run: alphabet` must be ASCII characters");
    };
    if run.min_length < MIN_RUN_LENGTH {
        bail!(
            "`run: min_length: {}` is too short to prefilter anything: at least {MIN_RUN_LENGTH}",
            run.min_length
        );
    }
    if !run.preceded_by.is_ascii() {
        bail!("`run: preceded_by` must be ASCII characters");
    }
    let preceded_by = run.preceded_by.into_bytes();
    if let Some(&inside) = preceded_by.iter().find(|b| bytes.contains(b)) {
        bail!(
            "`run: preceded_by` holds `{}`, a character of the run's alphabet: a run is as long as it goes, so it is never preceded by one",
            char::from(inside)
        );
    }
    let checksum = match (run.is_secret, checksum) {
        (false, _) => None,
        (true, Some(checksum)) => Some(checksum),
        (true, None) => bail!(
            "`run: is_secret: true` checks the rule's `checksum` on each run: the rule has none"
        ),
    };
    Ok(RunPrefilter {
        bytes,
        alphabet: run.alphabet,
        min_length: run.min_length,
        preceded_by,
        checksum,
    })
}

fn validated_pairs(raw: RawPairs) -> anyhow::Result<Pairs> {
    if raw.with.is_empty() || raw.with.iter().any(|id| !is_kebab_case(id)) {
        bail!("`pairs: with:` lists the ids (kebab-case) of the rules that find the other parts");
    }
    if raw.lines > MAX_PAIR_LINES {
        bail!(
            "`pairs: lines:` is at most {MAX_PAIR_LINES}, not {}",
            raw.lines
        );
    }
    Ok(Pairs {
        with: raw.with,
        lines: raw.lines,
    })
}

fn parse_severity(name: &str) -> anyhow::Result<Severity> {
    match Severity::ALL.iter().find(|(known, _)| *known == name) {
        Some((_, severity)) => Ok(*severity),
        None => bail!("`severity` is one of low, medium or high, not `{name}`"),
    }
}

fn parse_checksum(name: &str) -> anyhow::Result<Checksum> {
    Ok(name.parse::<Checksum>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(yaml: &str) -> String {
        format!(
            "{:#}",
            parse_rules_document(yaml, "t.yaml", DEFAULT_CATEGORY).unwrap_err()
        )
    }

    #[test]
    fn keywords_shorter_than_the_documented_minimum_are_refused() {
        for (yaml, short) in [
            ("keywords: [k], pattern: 'k=(\\w+)'", "k"),
            ("keywords: [api_key, pw], pattern: 'pw=(\\w+)'", "pw"),
            ("token: {prefix: x_, alphabet: hex, length: 32}", "x_"),
        ] {
            let error = error_of(&format!("rules:\n  - {{id: a, title: T, {yaml}}}\n"));
            assert!(error.contains("t.yaml: rule `a`"), "{error}");
            assert!(
                error.contains(&format!("keyword `{short}` is too short")),
                "{error}"
            );
            assert!(error.contains("at least 3 characters"), "{error}");
        }
        for fine in [
            "keywords: [pwd], pattern: 'pwd=(\\w+)'",
            "keywords: ['q~'], pattern: 'q~(\\w+)'",
            "token: {prefix: x_, alphabet: hex, length: 32}, keywords: [x_0]",
        ] {
            let yaml = format!("rules:\n  - {{id: a, title: T, {fine}}}\n");
            parse_rules_document(&yaml, "t.yaml", DEFAULT_CATEGORY).unwrap();
        }
    }

    #[test]
    fn kebab_case_ids() {
        assert!(is_kebab_case("github-pat-classic"));
        assert!(is_kebab_case("aws2-key"));
        for bad in ["", "Github", "a--b", "-a", "a-", "a_b", "a b"] {
            assert!(!is_kebab_case(bad), "{bad}");
        }
    }

    #[test]
    fn token_rule_keyword_defaults_to_lower_cased_prefix() {
        let rules = parse_rules_document(
            "rules:\n  - {id: a, title: A, token: {prefix: AKIA, alphabet: upper, length: 16}}\n",
            "t.yaml",
            DEFAULT_CATEGORY,
        )
        .unwrap();
        assert_eq!(rules[0].keywords, ["akia"]);
        let RuleKind::Token(format) = &rules[0].kind else {
            panic!("not a token rule")
        };
        assert_eq!(format.prefix, "AKIA");
    }

    #[test]
    fn schema_errors_name_the_file_the_rule_and_the_problem() {
        let cases = [
            (
                "rules:\n  - {id: Bad_Id, title: T, path: x}\n",
                "kebab-case",
            ),
            (
                "rules:\n  - {id: a, title: T, pattern: x}\n",
                "needs `keywords`",
            ),
            (
                "rules:\n  - {id: a, title: T, keywords: [Key], pattern: x}\n",
                "lower-case",
            ),
            (
                "rules:\n  - {id: a, title: T, keywords: [k], pattern: x, path: y}\n",
                "exactly one",
            ),
            ("rules:\n  - {id: a, title: T}\n", "exactly one"),
            (
                "rules:\n  - {id: a, title: T, token: {alphabet: hex, length: 8}}\n",
                "must give `keywords`",
            ),
            (
                "rules:\n  - {id: a, title: T, token: {prefix: p_, alphabet: nope, length: 8}}\n",
                "unknown alphabet",
            ),
            (
                "rules:\n  - {id: a, title: T, token: {prefix: p_, alphabet: hex, length: 0}}\n",
                "length",
            ),
            (
                "rules:\n  - {id: a, title: T, token: {prefix: p_, alphabet: hex, length: 8}, checksum: crc32-base62}\n",
                "inside `token:`",
            ),
            (
                "rules:\n  - {id: a, title: T, keywords: [k], pattern: x, checksum: md5}\n",
                "unknown checksum",
            ),
            (
                "rules:\n  - {id: a, title: T, keywords: [k], pattern: x, min_entropy: 9}\n",
                "bits per character",
            ),
            (
                "rules:\n  - {id: a, title: T, keywords: [k], path: x}\n",
                "no `keywords`",
            ),
            (
                "rules:\n  - {id: a, title: T, path: x, colour: red}\n",
                "unknown field",
            ),
            ("rules:\n  - {id: a, title: '', path: x}\n", "title"),
            (
                "rules:\n  - {id: a, title: T, run: {alphabet: base62, min_length: 8}, pattern: x}\n",
                "too short",
            ),
            (
                "rules:\n  - {id: a, title: T, run: {alphabet: base62, min_length: 20, preceded_by: '_a'}, pattern: x}\n",
                "holds `a`",
            ),
            (
                "rules:\n  - {id: a, title: T, keywords: [k], run: {alphabet: hex, min_length: 20}, pattern: x}\n",
                "not both",
            ),
            (
                "rules:\n  - {id: a, title: T, run: {alphabet: hex, min_length: 20, is_secret: true}, pattern: x}\n",
                "has none",
            ),
            (
                "rules:\n  - {id: a, title: T, run: {alphabet: hex, min_length: 20}, token: {prefix: p_, alphabet: hex, length: 8}}\n",
                "belongs to pattern rules",
            ),
            (
                "rules:\n  - {id: a, title: T, pairs: {with: [], lines: 3}, token: {prefix: p_, alphabet: hex, length: 8}}\n",
                "`pairs: with:` lists the ids",
            ),
            (
                "rules:\n  - {id: a, title: T, pairs: {with: [b], lines: 50}, token: {prefix: p_, alphabet: hex, length: 8}}\n",
                "`pairs: lines:` is at most 20",
            ),
            (
                "rules:\n  - {id: a, title: T, part: true, pairs: {with: [b], lines: 2}, token: {prefix: p_, alphabet: hex, length: 8}}\n",
                "a `part` rule takes no `pairs`",
            ),
            (
                "rules:\n  - {id: a, title: T, severity: critical, token: {prefix: p_, alphabet: hex, length: 8}}\n",
                "`severity` is one of low, medium or high, not `critical`",
            ),
            (
                "rules:\n  - {id: a, title: T, keywords: [acme], value: '[0-9a-f]{32}', pattern: x}\n",
                "exactly one of `token`, `pattern`, `value` or `path`",
            ),
            (
                "rules:\n  - {id: a, title: T, value: '[0-9a-f]{32}'}\n",
                "a context rule (`value`) needs `keywords`",
            ),
            (
                "rules:\n  - {id: a, title: T, keywords: [acme], value: '[0-9a-f]{32}', near_lines: 9}\n",
                "`near_lines` is at most 5",
            ),
            (
                "rules:\n  - {id: a, title: T, keywords: [acme], value: '[0-9a-f]{32}', secret_group: 2}\n",
                "takes no `run` or `secret_group`",
            ),
            (
                "rules:\n  - {id: a, title: T, keywords: [acme], value: '[0-9a-f'}\n",
                "invalid `value` regex",
            ),
            (
                "rules:\n  - {id: a, title: T, keywords: [acme], pattern: x, near_lines: 2}\n",
                "`near_lines` belongs to context rules",
            ),
            (
                "rules:\n  - {id: a, title: T, keywords: [k], pattern: x, checks: [no-such]}\n",
                "unknown check `no-such`",
            ),
            (
                "rules:\n  - {id: a, title: T, keywords: [k], pattern: x, max_line_length: 0}\n",
                "at least 1",
            ),
            (
                "rules:\n  - {id: a, title: T, token: {prefix: p_, alphabet: hex, length: 8}, allow_match: [x]}\n",
                "`allow_match` belong(s) to pattern rules",
            ),
            (
                "rules:\n  - {id: a, title: T, path: x, checks: [jwt-claims]}\n",
                "`checks` belong(s) to pattern rules",
            ),
            ("rulez: []\n", "rules:"),
        ];
        for (yaml, expected) in cases {
            let error = error_of(yaml);
            assert!(error.contains("t.yaml"), "{error}");
            assert!(
                error.contains(expected),
                "expected `{expected}` in: {error}"
            );
        }
        assert!(error_of("rules:\n  - {id: Bad_Id, title: T, path: x}\n").contains("Bad_Id"));
    }

    #[test]
    fn custom_alphabets_are_accepted() {
        let rules = parse_rules_document(
            "rules:\n  - {id: a, title: T, token: {prefix: 'xy-', alphabet: 'custom:abc123', length: 8}}\n",
            "t.yaml",
            DEFAULT_CATEGORY,
        )
        .unwrap();
        let RuleKind::Token(format) = &rules[0].kind else {
            panic!("not a token rule")
        };
        assert_eq!(format.alphabet.len(), 6);
    }

    #[test]
    fn category_comes_from_the_rule_then_the_document_then_the_default() {
        let yaml = "category: cloud\nrules:\n  - {id: a, title: A, provider: Acme, token: {prefix: aa_, alphabet: hex, length: 20}}\n  - {id: b, title: B, category: ai, token: {prefix: bb_, alphabet: hex, length: 20}}\n";
        let rules = parse_rules_document(yaml, "t.yaml", DEFAULT_CATEGORY).unwrap();
        assert_eq!(rules[0].category, "cloud");
        assert_eq!(rules[0].provider.as_deref(), Some("Acme"));
        assert_eq!(rules[1].category, "ai");
        assert_eq!(rules[1].provider, None);
        let bare =
            "rules:\n  - {id: a, title: A, token: {prefix: aa_, alphabet: hex, length: 20}}\n";
        let rules = parse_rules_document(bare, "t.yaml", "saas").unwrap();
        assert_eq!(rules[0].category, "saas");
    }

    #[test]
    fn category_and_provider_are_checked() {
        let bad_category = "rules:\n  - {id: a, title: A, category: Cloud Stuff, token: {prefix: aa_, alphabet: hex, length: 20}}\n";
        assert!(error_of(bad_category).contains("must be kebab-case"));
        let bad_provider = "rules:\n  - {id: a, title: A, provider: ' ', token: {prefix: aa_, alphabet: hex, length: 20}}\n";
        assert!(error_of(bad_provider).contains("`provider` must be one non-empty line"));
    }

    #[test]
    fn severity_comes_from_the_rule_then_the_document_then_high() {
        let yaml = "severity: low\nrules:\n  - {id: a, title: A, token: {prefix: aa_, alphabet: hex, length: 20}}\n  - {id: b, title: B, severity: medium, token: {prefix: bb_, alphabet: hex, length: 20}}\n";
        let rules = parse_rules_document(yaml, "t.yaml", DEFAULT_CATEGORY).unwrap();
        assert_eq!(rules[0].severity, Severity::Low);
        assert_eq!(rules[1].severity, Severity::Medium);
        let bare =
            "rules:\n  - {id: a, title: A, token: {prefix: aa_, alphabet: hex, length: 20}}\n";
        let rules = parse_rules_document(bare, "t.yaml", DEFAULT_CATEGORY).unwrap();
        assert_eq!(rules[0].severity, Severity::High);
    }
}
