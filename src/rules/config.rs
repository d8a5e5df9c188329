//! `.tokhyg.yaml`: a repository's own rules (same schema as `rules/*.yaml`), rule ids to
//! disable, and path globs whose files are never scanned.
//!
//! ```yaml
//! rules: [...]                       # optional, rules of the schema in rules/README.md
//! disable: [generic-env-file-value]  # optional, ids of built-in (or own) rules to turn off
//! disable_categories: [password-hash]  # optional, whole families (`tokhyg rules list`)
//! allow_paths: ['tests/fixtures/**', '*.snap']   # optional, globs on the relative path
//! ```

use super::RuleSet;
use super::path_globs::PathGlobs;
use super::plain_errors::plain;
use super::schema::{DEFAULT_CATEGORY, RawRule, validate_all};
use anyhow::Context;
use serde::Deserialize;
use std::path::Path;

/// The file name looked for at the repository root.
pub const CONFIG_FILE_NAME: &str = ".tokhyg.yaml";

/// A loaded `.tokhyg.yaml`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The repository's own rules (regexes already checked), without the built-in ones.
    pub rules: RuleSet,
    /// Rule ids to turn off.
    pub disable: Vec<String>,
    /// Rule categories to turn off.
    pub disable_categories: Vec<String>,
    /// Globs of paths never scanned: `allow_paths`, and `--exclude` once added.
    pub allow_paths: PathGlobs,
    /// The file it was read from, as shown in messages (`None`: no config file).
    pub origin: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: Vec<RawRule>,
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    disable_categories: Vec<String>,
    #[serde(default)]
    allow_paths: Vec<String>,
}

impl Config {
    /// Reads and validates a config file: schema, rule regexes, globs.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        Config::from_yaml(&text, &path.display().to_string())
    }

    /// Parses a config document; `origin` names the file in errors. An empty document is an
    /// empty config.
    pub fn from_yaml(text: &str, origin: &str) -> anyhow::Result<Config> {
        let raw: RawConfig = if text.trim().is_empty() {
            RawConfig {
                rules: Vec::new(),
                disable: Vec::new(),
                disable_categories: Vec::new(),
                allow_paths: Vec::new(),
            }
        } else {
            super::yaml_depth::check_depth(text)
                .and_then(|()| serde_yaml_ng::from_str(text).map_err(|e| anyhow::anyhow!(plain(e))))
                .with_context(|| {
                format!(
                    "{origin}: not a valid tokhyg config (known keys: rules, disable, disable_categories, allow_paths)"
                )
            })?
        };
        let rules = RuleSet::from_rules(validate_all(raw.rules, origin, DEFAULT_CATEGORY)?)
            .with_context(|| format!("{origin}: invalid `rules`"))?;
        crate::detect::check_rules(&rules)?;
        let mut allow_paths = PathGlobs::default();
        allow_paths
            .add(&raw.allow_paths, &format!("allow_paths of {origin}"))
            .with_context(|| format!("{origin}: invalid `allow_paths`"))?;
        Ok(Config {
            rules,
            disable: raw.disable,
            disable_categories: raw.disable_categories,
            allow_paths,
            origin: Some(origin.to_string()),
        })
    }

    /// The configuration of a scan or listing rooted at `root`: the file `explicit` names
    /// (`--config`), else `.tokhyg.yaml` in `root` if there is one, else the empty config.
    pub fn find(root: &Path, explicit: Option<&Path>) -> anyhow::Result<Config> {
        match explicit {
            Some(path) => Config::load(path),
            None => {
                let default = root.join(CONFIG_FILE_NAME);
                if default.is_file() {
                    Config::load(&default)
                } else {
                    Ok(Config::default())
                }
            }
        }
    }

    /// Whether `text` (a YAML document named `file_name`) is a config rather than a plain
    /// rules file: it is named `.tokhyg.yaml`, or uses a key only a config has.
    pub fn is_config_document(file_name: &str, text: &str) -> bool {
        if file_name == CONFIG_FILE_NAME {
            return true;
        }
        if super::yaml_depth::check_depth(text).is_err() {
            return false; // its parse as a rules file says why
        }
        let Ok(serde_yaml_ng::Value::Mapping(map)) = serde_yaml_ng::from_str(text) else {
            return false;
        };
        ["disable", "disable_categories", "allow_paths"]
            .iter()
            .any(|key| map.contains_key(*key))
    }

    /// Why this config turns `rule` off, if it does: `disable` or `disable_categories`.
    pub fn disables(&self, rule: &super::Rule) -> Option<&'static str> {
        if self.disable.contains(&rule.id) {
            Some("disable")
        } else if self.disable_categories.contains(&rule.category) {
            Some("disable_categories")
        } else {
            None
        }
    }

    /// Adds the globs of `--exclude`: paths that are not scanned, as if `allow_paths` listed
    /// them.
    pub fn exclude(&mut self, globs: &[String]) -> anyhow::Result<()> {
        self.allow_paths
            .add(globs, "--exclude")
            .context("invalid --exclude")
    }

    /// The rules a scan runs: the built-in ones, plus this config's, minus the disabled ids and
    /// categories.
    pub fn effective_rules(&self) -> anyhow::Result<RuleSet> {
        let mut set = RuleSet::builtin()?;
        set.extend(self.rules.clone())
            .context("a rule of the config has the id of a built-in rule; rename it or disable the built-in one")?;
        set.check_references()?;
        set.disable(&self.disable)?;
        set.disable_categories(&self.disable_categories)?;
        Ok(set)
    }

    /// True when `rel_path` (relative to the repository root, `/`-separated) matches an
    /// `allow_paths` or `--exclude` glob (see [`PathGlobs`]): the file must not be scanned.
    pub fn path_allowed(&self, rel_path: &str) -> bool {
        self.allow_paths.is_match(rel_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_rules_disable_and_allow_paths() {
        let config = Config::from_yaml(
            r#"
rules:
  - id: acme-key
    title: Acme key
    token: {prefix: acme_, alphabet: base62, length: 20}
disable: [acme-key]
allow_paths: ['tests/fixtures/**', '*.snap', 'Cargo.lock']
"#,
            ".tokhyg.yaml",
        )
        .unwrap();
        assert_eq!(config.rules.len(), 1);
        assert_eq!(config.disable, ["acme-key"]);
        assert!(config.path_allowed("tests/fixtures/a/b.txt"));
        assert!(config.path_allowed("./tests/fixtures/x"));
        assert!(config.path_allowed("deep/dir/out.snap"));
        assert!(config.path_allowed("Cargo.lock"));
        assert!(config.path_allowed("crates/x/Cargo.lock"));
        assert!(!config.path_allowed("src/main.rs"));
        assert!(!config.path_allowed("tests/fixtures_other/x"));
        assert!(!config.path_allowed("Cargo.lock.bak"));
    }

    #[test]
    fn empty_config_allows_nothing_and_disables_nothing() {
        let config = Config::from_yaml("", "c.yaml").unwrap();
        assert!(config.rules.is_empty());
        assert!(!config.path_allowed("a"));
    }

    #[test]
    fn errors_name_the_file() {
        for (yaml, expected) in [
            ("colour: red\n", "known keys"),
            ("allow_paths: ['a[']\n", "a["),
            (
                "rules:\n  - {id: x, title: X, keywords: [key], pattern: '(unclosed'}\n",
                "unclosed",
            ),
        ] {
            let error = format!("{:#}", Config::from_yaml(yaml, "my.yaml").unwrap_err());
            assert!(error.contains("my.yaml"), "{error}");
            assert!(error.contains(expected), "expected `{expected}` in {error}");
        }
    }

    #[test]
    fn effective_rules_refuse_unknown_disabled_ids() {
        let config = Config::from_yaml("disable: [no-such-rule]\n", "c.yaml").unwrap();
        let error = config.effective_rules().unwrap_err().to_string();
        assert!(error.contains("no-such-rule"), "{error}");
    }

    #[test]
    fn disable_categories_turns_whole_families_off() {
        let config = Config::from_yaml("disable_categories: [password-hash]\n", "c.yaml").unwrap();
        let rules = config.effective_rules().unwrap();
        let builtin = RuleSet::builtin().unwrap();
        let hashes = builtin
            .rules()
            .iter()
            .filter(|r| r.category == "password-hash");
        assert!(
            hashes.count() > 0,
            "the built-in rules have a password-hash family"
        );
        assert!(rules.rules().iter().all(|r| r.category != "password-hash"));
        assert!(rules.len() < builtin.len());
        let typo = Config::from_yaml("disable_categories: [password-hashes]\n", "c.yaml").unwrap();
        let error = typo.effective_rules().unwrap_err().to_string();
        assert!(
            error.contains("`password-hashes`") && error.contains("password-hash,"),
            "{error}"
        );
    }
}
