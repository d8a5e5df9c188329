//! Rules limited to some paths (`only_paths`, `skip_paths`): where a blob comes from, and
//! whether a rule runs there. Decided before a rule's regex is compiled or run, so a rule for
//! `.env` files costs nothing on the other files.

use crate::rules::{Rule, RuleKind};
use std::collections::HashMap;

/// Where a scanned blob comes from, for rules limited to some paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathScope<'a> {
    /// Any path: every rule runs (a rule's own examples, the benchmarks).
    Any,
    /// A blob with no path (standard input): rules limited to some paths do not run.
    Unknown,
    /// A blob at this `/`-separated path, relative to the scan root.
    Path(&'a str),
}

/// The compiled `only_paths` and `skip_paths` of one rule.
#[derive(Debug)]
pub(crate) struct PathLimits {
    only: Option<regex::Regex>,
    skip: Option<regex::Regex>,
}

impl PathLimits {
    /// The limits of every rule, `None` for a rule that has none. Rules share a few path regexes
    /// (the generic layer's `skip_paths`), each compiled once: a path regex in Unicode mode
    /// (`[^/]`) costs as much to compile as all the rest of start-up.
    pub(crate) fn of_all<'a>(rules: &'a [Rule]) -> Vec<Option<PathLimits>> {
        let mut compiled: HashMap<&'a str, Option<regex::Regex>> = HashMap::new();
        let mut compile = |source: &'a Option<String>| {
            let source = source.as_deref()?;
            compiled
                .entry(source)
                .or_insert_with(|| regex::Regex::new(source).ok())
                .clone()
        };
        rules
            .iter()
            .map(|rule| {
                let RuleKind::Pattern(pattern) = &rule.kind else {
                    return None;
                };
                let paths = pattern.paths.as_deref()?;
                let limits = PathLimits {
                    only: compile(&paths.only),
                    skip: compile(&paths.skip),
                };
                (limits.only.is_some() || limits.skip.is_some()).then_some(limits)
            })
            .collect()
    }

    /// Checks that `rule`'s path regexes compile (a regex that does not limits nothing when the
    /// matcher is built: user rules are refused by the schema, built-in ones by their test).
    pub(crate) fn check(rule: &Rule) -> Result<(), String> {
        let RuleKind::Pattern(pattern) = &rule.kind else {
            return Ok(());
        };
        let Some(paths) = pattern.paths.as_deref() else {
            return Ok(());
        };
        for (field, source) in [("only_paths", &paths.only), ("skip_paths", &paths.skip)] {
            if let Some(source) = source {
                crate::rules::schema::check_path_regex(source, field)?;
            }
        }
        Ok(())
    }

    /// Whether the rule runs on a blob at `scope`.
    pub(crate) fn admit(&self, scope: PathScope<'_>) -> bool {
        match scope {
            PathScope::Any => true,
            PathScope::Unknown => self.only.is_none(),
            PathScope::Path(path) => {
                self.only.as_ref().is_none_or(|re| re.is_match(path))
                    && self.skip.as_ref().is_none_or(|re| !re.is_match(path))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::schema::parse_builtin_json;

    const RULES: &str = r#"{"rules": [
        {"id": "a", "title": "A", "keywords": ["acme"], "pattern": "acme_[a-z]{8}",
         "skip_paths": "(?:^|/)docs/"},
        {"id": "b", "title": "B", "keywords": ["acme"], "pattern": "acme_[0-9]{8}",
         "skip_paths": "(?:^|/)docs/"},
        {"id": "c", "title": "C", "keywords": ["acme"], "pattern": "acme_[A-Z]{8}",
         "only_paths": "[unclosed"}
    ]}"#;

    #[test]
    fn built_in_path_regexes_are_left_to_check_rule_which_names_the_bad_one() {
        // Built-in files are trusted at load time (start-up speed); the rule test catches this.
        let rules = parse_builtin_json(RULES, "rules/t.yaml", "custom").unwrap();
        assert_eq!(super::PathLimits::check(&rules[0]), Ok(()));
        let error = crate::detect::check_rule(&rules[2]).unwrap_err();
        assert!(
            error.contains("`only_paths` is not a valid regex"),
            "{error}"
        );
    }

    #[test]
    fn rules_sharing_a_path_regex_share_its_limits() {
        let rules = parse_builtin_json(RULES, "rules/t.yaml", "custom").unwrap();
        let limits = super::PathLimits::of_all(&rules);
        for limit in &limits[..2] {
            let limit = limit.as_ref().expect("skip_paths set");
            assert!(!limit.admit(super::PathScope::Path("docs/a.md")));
            assert!(limit.admit(super::PathScope::Path("src/a.rs")));
        }
        assert!(limits[2].is_none(), "an uncompilable regex limits nothing");
    }
}
