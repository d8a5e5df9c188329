//! Rules: the schema of `rules/*.yaml` and `.tokhyg.yaml` (see `rules/README.md`), validated
//! into a [`RuleSet`]. Rules are data; turning them into regexes is the matcher's job
//! ([`crate::detect`]), done lazily so that loading the built-in rules compiles nothing.

pub mod config;
pub mod context;
pub mod path_globs;
pub mod plain_errors;
pub(crate) mod schema;
mod yaml_depth;

pub use schema::{MIN_KEYWORD_LEN, is_selective_keyword};

use crate::token::checksum::Checksum;
use crate::token::format::TokenFormat;
use anyhow::{Context, bail};
use std::collections::{HashMap, HashSet};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

/// One detection rule, validated (its regexes are checked by [`crate::detect::check_rules`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Stable kebab-case id, such as `github-pat-classic`; appears in output and baselines.
    pub id: String,
    /// Human title.
    pub title: String,
    /// The company or product that issues the secret (`GitHub`), when the rule is provider
    /// specific; `None` for generic rules.
    pub provider: Option<String>,
    /// The family the rule belongs to (`cloud`, `ai`, `password-hash`, `custom` for a user's
    /// own rules), for `rules list --category` and reports.
    pub category: String,
    /// What to do about a finding, one line.
    pub remediation: Option<String>,
    /// How grave a finding is: a live credential is `high`; a password hash, which must be
    /// cracked before use, `low`.
    pub severity: Severity,
    /// The rules that find the other parts of this rule's credential (an access key id beside a
    /// secret key): a part within `lines` lines is reported with the finding, not on its own.
    pub pairs: Option<Pairs>,
    /// The rule finds a part of a credential that is not a secret alone (an application id):
    /// its matches are reported only with a finding of a rule that `pairs` with it.
    pub part: bool,
    /// Ids of broader rules this one is more specific than: where a match of this rule
    /// overlaps one of theirs, this rule's is reported (a Clerk key over Stripe's `sk_live_`).
    pub supersedes: Vec<String>,
    /// What the rule matches.
    pub kind: RuleKind,
    /// Lower-case literals; the rule runs only near a case-insensitive hit of one of them.
    /// Empty for path rules only.
    pub keywords: Vec<String>,
    /// Lines of text (paths, for path rules) that must produce a finding of this rule.
    pub examples: Vec<String>,
    /// Lines of text (paths, for path rules) that must not.
    pub negative_examples: Vec<String>,
    /// The file the rule came from (`rules/cloud.yaml`, `.tokhyg.yaml`), for messages.
    pub origin: String,
}

/// `pairs:` of a rule: which rules find the other parts of its credential, and how near.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairs {
    /// Ids of the rules finding the other parts.
    pub with: Vec<String>,
    /// How many lines above or below the finding a part may stand.
    pub lines: usize,
}

/// How grave a finding of a rule is (`severity:` in the schema; `high` unless a rule says).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Needs more work before it can be used (a password hash to crack).
    Low,
    /// Usable, with a limited reach (a test-mode key, a read-only or short-lived token).
    Medium,
    /// A credential anyone can use as it is.
    #[default]
    High,
}

impl Severity {
    /// Every severity, with its name in the schema and reports.
    pub const ALL: [(&'static str, Severity); 3] = [
        ("low", Severity::Low),
        ("medium", Severity::Medium),
        ("high", Severity::High),
    ];

    /// Its name in the schema and reports.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// The three kinds of rule of the schema.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// A structured format the engine both generates and recognises.
    Token(TokenFormat),
    /// Keywords, a regex and validators.
    Pattern(PatternRule),
    /// A file that should never be committed, recognised by its path.
    Path(PathRule),
}

/// The paths a pattern rule runs on (`only_paths`, `skip_paths`: regexes on the blob's
/// `/`-separated path).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PathFilter {
    /// The rule runs only on blobs whose path matches (`.env` files), never on a blob with no
    /// path (standard input). With no keywords and no `run`, the rule runs on the whole of each
    /// such blob.
    pub only: Option<String>,
    /// The rule does not run on blobs whose path matches (API reference examples, type stubs).
    pub skip: Option<String>,
}

/// The regex part of a pattern rule and its validators.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternRule {
    /// Regex crate syntax, run on bytes in ASCII mode.
    pub pattern: String,
    /// The capture group holding the secret; `None` means the schema default (1 if the pattern
    /// has a group, else 0).
    pub secret_group: Option<usize>,
    /// Shannon entropy (bits per character) the secret must reach.
    pub min_entropy: Option<f64>,
    /// A checksum the secret (body and tail) must verify.
    pub checksum: Option<Checksum>,
    /// Regexes on the secret; a secret matching one of them is a placeholder.
    pub allow: Vec<String>,
    /// What wakes the rule instead of keywords, for a secret with no literal in it.
    pub run: Option<RunPrefilter>,
    /// Regexes on the whole match (the name a value is assigned to as well as the value); a
    /// match matching one of them is not a finding (`NextContinuationToken: "..."`).
    pub allow_match: Vec<String>,
    /// Checks on the secret that a regex cannot express; a secret failing one is not a finding.
    pub checks: Vec<ValueCheck>,
    /// A match on a line longer than this many bytes is not reported (minified bundles and
    /// source maps, where names and values are code, not configuration); `None`: no limit.
    pub max_line_length: Option<usize>,
    /// `only_paths` and `skip_paths`, when the rule has either (boxed: most rules have none).
    pub paths: Option<Box<PathFilter>>,
    /// A regex that every match of `pattern` contains (a context rule's value): a window
    /// without a match of it runs no `pattern`. A cheap prefilter, set by the schema for
    /// context rules; `None` for the others.
    pub required: Option<String>,
}

/// A named check on a pattern rule's secret (`checks:` in the schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueCheck {
    /// `not-identifier`: the secret is not an identifier made of words
    /// (`RD_KAFKAP_SaslHandshake`, `UnimplementedOKPCurveKey`, `sentinel_pass`).
    NotIdentifier,
    /// `jwt-claims`: the secret is a JWT whose payload holds a registered claim (`iss`, `sub`,
    /// `aud`, `exp`, `iat`, `nbf` or `jti`), as every issued token does.
    JwtClaims,
}

impl ValueCheck {
    /// Every check, with its name in the schema.
    pub const ALL: [(&'static str, ValueCheck); 2] = [
        ("not-identifier", ValueCheck::NotIdentifier),
        ("jwt-claims", ValueCheck::JwtClaims),
    ];
}

/// The `run:` of a pattern rule that has no literal to look for (tokhyg's own keys: any prefix,
/// then a long base62 body): the rule runs around every maximal run of at least `min_length`
/// characters of `alphabet`, right after one of the `preceded_by` bytes if any are given. Every
/// match of its regex must contain such a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunPrefilter {
    /// The ASCII bytes of the run (the alphabet's characters).
    pub bytes: Vec<u8>,
    /// Name of the alphabet as written (`base62`, `custom:...`), for messages.
    pub alphabet: String,
    /// The shortest run that wakes the rule.
    pub min_length: usize,
    /// Bytes one of which must come right before the run; empty for any (or none).
    pub preceded_by: Vec<u8>,
    /// Set by `is_secret: true`: the run itself is the rule's secret, so it must carry the
    /// rule's checksum, and a run that does not wakes nothing (checked before any regex runs).
    pub checksum: Option<Checksum>,
}

/// A path rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRule {
    /// Regex on the `/`-separated path relative to the scan root.
    pub pattern: String,
}

impl Rule {
    /// Short name of the rule's kind: `token`, `pattern` or `path`.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            RuleKind::Token(_) => "token",
            RuleKind::Pattern(_) => "pattern",
            RuleKind::Path(_) => "path",
        }
    }

    /// How many leading bytes of `secret` are its provider's public prefix, which a redacted
    /// report shows in full (`ghp_`, `xoxb-`, `AKIA`): the token prefix of a token rule, else the
    /// longest keyword the secret starts with (in any case). Only a rule naming a `provider`
    /// has one (a generic rule's keyword, `password`, is no prefix), and never the whole secret.
    pub fn public_prefix_len(&self, secret: &str) -> usize {
        if self.provider.is_none() {
            return 0;
        }
        let token_prefix = match &self.kind {
            RuleKind::Token(format) => Some(format.prefix.as_str()),
            _ => None,
        };
        token_prefix
            .into_iter()
            .chain(self.keywords.iter().map(String::as_str))
            .filter(|prefix| {
                prefix.len() < secret.len()
                    && secret.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
            })
            .map(str::len)
            .max()
            .unwrap_or(0)
    }
}

/// The family of a built-in rules file, `origin` being `rules/NAME.yaml`: `NAME`.
fn builtin_family(origin: &str) -> &str {
    origin
        .trim_start_matches("rules/")
        .trim_end_matches(".yaml")
}

/// A validated set of rules with unique ids, in a fixed order (the order of their files).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// Every built-in rule: all `rules/*.yaml` files, embedded at build time, in file-name
    /// order. Regexes are not compiled here (the built-in rule test checks them all).
    /// The files are parsed in parallel (they are independent; this is most of a small scan's
    /// start-up), then joined in file order.
    pub fn builtin() -> anyhow::Result<RuleSet> {
        use rayon::prelude::*;
        let files: Vec<Vec<Rule>> = builtin::BUILTIN_RULE_FILES
            .par_iter()
            .map(|(origin, _yaml, json)| {
                schema::parse_builtin_json(json, origin, builtin_family(origin))
            })
            .collect::<anyhow::Result<_>>()?;
        let set = RuleSet::from_rules(files.into_iter().flatten().collect())?;
        set.check_references()?;
        Ok(set)
    }

    /// Parses and validates a rules document (`rules:` list of the schema). `origin` names the
    /// file in errors. Regexes are not compiled: see [`crate::detect::check_rules`].
    /// Parses a built-in rules file, `origin` being `rules/NAME.yaml`: rules that name no
    /// category (nor their document) are in the file's family, `NAME`.
    pub fn from_builtin_file(text: &str, origin: &str) -> anyhow::Result<RuleSet> {
        RuleSet::parse(text, origin, builtin_family(origin))
    }

    /// Rules that name no category (nor their document) are in `custom`.
    pub fn from_yaml(text: &str, origin: &str) -> anyhow::Result<RuleSet> {
        RuleSet::parse(text, origin, schema::DEFAULT_CATEGORY)
    }

    fn parse(text: &str, origin: &str, default_category: &str) -> anyhow::Result<RuleSet> {
        RuleSet::from_rules(schema::parse_rules_document(
            text,
            origin,
            default_category,
        )?)
    }

    /// A set made of already validated rules; refuses duplicate ids.
    pub fn from_rules(rules: Vec<Rule>) -> anyhow::Result<RuleSet> {
        let mut seen: HashMap<&str, &Rule> = HashMap::with_capacity(rules.len());
        for rule in &rules {
            if let Some(existing) = seen.insert(&rule.id, rule) {
                return Err(duplicate_id_error(rule, existing));
            }
        }
        Ok(RuleSet { rules })
    }

    fn push(&mut self, rule: Rule) -> anyhow::Result<()> {
        if let Some(existing) = self.rules.iter().find(|r| r.id == rule.id) {
            return Err(duplicate_id_error(&rule, existing));
        }
        self.rules.push(rule);
        Ok(())
    }

    /// Appends `other`'s rules; a rule id defined in both is an error.
    pub fn extend(&mut self, other: RuleSet) -> anyhow::Result<()> {
        for rule in other.rules {
            self.push(rule)?;
        }
        Ok(())
    }

    /// Removes the rules with these ids; an id that names no rule is an error (a typo would
    /// otherwise silently keep the rule on).
    pub fn disable(&mut self, ids: &[String]) -> anyhow::Result<()> {
        let known: HashSet<&str> = self.rules.iter().map(|r| r.id.as_str()).collect();
        let unknown: Vec<&str> = ids
            .iter()
            .map(String::as_str)
            .filter(|id| !known.contains(id))
            .collect();
        if !unknown.is_empty() {
            bail!(
                "cannot disable unknown rule id(s): {} (`tokhyg rules list` shows the ids)",
                unknown.join(", ")
            );
        }
        let disabled: HashSet<&str> = ids.iter().map(String::as_str).collect();
        self.rules.retain(|r| !disabled.contains(r.id.as_str()));
        Ok(())
    }

    /// Checks that every id a rule `supersedes` or `pairs` with names a rule of the set (a typo
    /// would silently leave the broader rule winning, or the parts apart).
    pub fn check_references(&self) -> anyhow::Result<()> {
        let known: HashSet<&str> = self.rules.iter().map(|r| r.id.as_str()).collect();
        for rule in &self.rules {
            let superseded = rule.supersedes.iter().map(|id| ("supersedes", id));
            let paired = rule.pairs.iter().flat_map(|p| p.with.iter());
            let named = superseded.chain(paired.map(|id| ("pairs with", id)));
            for (how, id) in named {
                if !known.contains(id.as_str()) {
                    bail!(
                        "{}: rule `{}` {how} `{id}`, which is not a rule (`tokhyg rules list` shows the ids)",
                        rule.origin,
                        rule.id
                    );
                }
            }
        }
        Ok(())
    }

    /// Removes the rules of these categories; a category no rule has is an error that lists
    /// the known ones.
    pub fn disable_categories(&mut self, categories: &[String]) -> anyhow::Result<()> {
        let known: std::collections::BTreeSet<&str> =
            self.rules.iter().map(|r| r.category.as_str()).collect();
        if let Some(unknown) = categories.iter().find(|c| !known.contains(c.as_str())) {
            bail!(
                "cannot disable unknown category `{unknown}`; the categories are: {}",
                known.into_iter().collect::<Vec<_>>().join(", ")
            );
        }
        self.rules.retain(|r| !categories.contains(&r.category));
        Ok(())
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when the set holds no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Reads and parses a rules file from disk (for `tokhyg rules test`).
pub fn load_rules_file(path: &std::path::Path) -> anyhow::Result<RuleSet> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read rules file {}", path.display()))?;
    RuleSet::from_yaml(&text, &path.display().to_string())
}

/// The error for a rule whose id `existing` already has.
fn duplicate_id_error(rule: &Rule, existing: &Rule) -> anyhow::Error {
    anyhow::anyhow!(
        "{}: rule id `{}` is already defined in {}; rule ids must be unique",
        rule.origin,
        rule.id,
        existing.origin
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load_from_json_exactly_as_from_their_yaml() {
        let mut from_yaml = RuleSet::default();
        for (origin, yaml, _json) in builtin::BUILTIN_RULE_FILES {
            from_yaml
                .extend(RuleSet::from_builtin_file(yaml, origin).unwrap())
                .unwrap();
        }
        let from_json = RuleSet::builtin().unwrap();
        assert!(from_json.rules().len() > 600);
        assert_eq!(from_json, from_yaml);
    }

    const TWO_RULES: &str = r#"
rules:
  - id: acme-key
    title: Acme key
    token: {prefix: acme_, alphabet: base62, length: 20}
    examples: ['k = acme_aaaaaaaaaaaaaaaaaaab']
    negative_examples: ['acme_short']
  - id: acme-password
    title: Acme password
    keywords: [acme]
    pattern: 'acme_password\s*=\s*(\S+)'
"#;

    #[test]
    fn builtin_rules_load() {
        RuleSet::builtin().unwrap();
    }

    #[test]
    fn parses_and_keeps_order() {
        let set = RuleSet::from_yaml(TWO_RULES, "two.yaml").unwrap();
        let ids: Vec<&str> = set.rules().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["acme-key", "acme-password"]);
        assert_eq!(set.rules()[0].keywords, ["acme_"]);
        assert_eq!(set.rules()[0].origin, "two.yaml");
    }

    #[test]
    fn extend_refuses_duplicate_ids() {
        let mut set = RuleSet::from_yaml(TWO_RULES, "a.yaml").unwrap();
        let error = set
            .extend(RuleSet::from_yaml(TWO_RULES, "b.yaml").unwrap())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("acme-key") && error.contains("a.yaml"),
            "{error}"
        );
    }

    #[test]
    fn disable_removes_known_ids_and_refuses_unknown_ones() {
        let mut set = RuleSet::from_yaml(TWO_RULES, "a.yaml").unwrap();
        let error = set.disable(&["nope".into()]).unwrap_err().to_string();
        assert!(error.contains("nope"), "{error}");
        assert_eq!(set.len(), 2);
        set.disable(&["acme-key".into()]).unwrap();
        assert_eq!(set.len(), 1);
        assert!(set.get("acme-key").is_none());
    }

    #[test]
    fn disable_categories_removes_their_rules_and_refuses_unknown_ones() {
        let yaml = "rules:\n  - {id: a, title: A, category: password-hash, token: {prefix: aa_, alphabet: hex, length: 20}}\n  - {id: b, title: B, token: {prefix: bb_, alphabet: hex, length: 20}}\n";
        let mut set = RuleSet::from_yaml(yaml, "a.yaml").unwrap();
        let error = set
            .disable_categories(&["nope".into()])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`nope`") && error.contains("custom, password-hash"),
            "{error}"
        );
        set.disable_categories(&["password-hash".into()]).unwrap();
        let ids: Vec<&str> = set.rules().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["b"]);
    }

    #[test]
    fn supersedes_must_name_rules_of_the_set() {
        let yaml = "rules:\n  - {id: a, title: A, supersedes: [b], token: {prefix: aa_, alphabet: hex, length: 20}}\n";
        let set = RuleSet::from_yaml(yaml, "a.yaml").unwrap();
        let error = set.check_references().unwrap_err().to_string();
        assert!(error.contains("supersedes `b`"), "{error}");
        let both = format!(
            "{yaml}  - {{id: b, title: B, token: {{prefix: bb_, alphabet: hex, length: 20}}}}\n"
        );
        RuleSet::from_yaml(&both, "a.yaml")
            .unwrap()
            .check_references()
            .unwrap();
        let pairs = "rules:\n  - {id: a, title: A, pairs: {with: [c], lines: 2}, token: {prefix: aa_, alphabet: hex, length: 20}}\n";
        let error = RuleSet::from_yaml(pairs, "a.yaml")
            .unwrap()
            .check_references()
            .unwrap_err();
        assert!(error.to_string().contains("pairs with `c`"), "{error}");
        let own = "rules:\n  - {id: a, title: A, supersedes: [a], token: {prefix: aa_, alphabet: hex, length: 20}}\n";
        assert!(RuleSet::from_yaml(own, "a.yaml").is_err());
    }

    #[test]
    fn public_prefix_is_a_providers_token_prefix_or_keyword() {
        let yaml = r#"
rules:
  - {id: gh, title: G, provider: G, token: {prefix: ghp_, alphabet: base62, length: 8}}
  - {id: sl, title: S, provider: S, keywords: [xox, xoxb-], pattern: '(xoxb-\w+)'}
  - {id: aws, title: A, provider: A, keywords: [akia], pattern: '(AKIA\w+)'}
  - {id: generic-pw, title: P, keywords: [pass], pattern: 'pass=(\w+)'}
"#;
        let set = RuleSet::from_yaml(yaml, "t.yaml").unwrap();
        let prefix = |id: &str, secret: &str| set.get(id).unwrap().public_prefix_len(secret);
        assert_eq!(prefix("gh", "ghp_k3Q9abcd"), 4);
        assert_eq!(prefix("sl", "xoxb-1234-abcd"), 5, "the longest keyword");
        assert_eq!(prefix("aws", "AKIAIOSFODNN7ABC"), 4, "any case");
        assert_eq!(prefix("aws", "akia"), 0, "never the whole secret");
        assert_eq!(prefix("sl", "zzzz-xoxb-1234"), 0);
        assert_eq!(prefix("generic-pw", "passw0rd-long"), 0, "no provider");
    }
}
