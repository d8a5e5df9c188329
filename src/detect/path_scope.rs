//! Rules limited to some paths (`only_paths`, `skip_paths`): where a blob comes from, and
//! whether a rule runs there. Decided before a rule's regex is compiled or run, so a rule for
//! `.env` files costs nothing on the other files.

use crate::rules::{Rule, RuleKind};

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
    /// The limits of `rule`, `None` when it has none. A regex that does not compile (the schema
    /// refuses those) limits nothing.
    pub(crate) fn of(rule: &Rule) -> Option<PathLimits> {
        let RuleKind::Pattern(pattern) = &rule.kind else {
            return None;
        };
        let paths = pattern.paths.as_deref()?;
        let compile = |source: &Option<String>| {
            source
                .as_deref()
                .and_then(|source| regex::Regex::new(source).ok())
        };
        let limits = PathLimits {
            only: compile(&paths.only),
            skip: compile(&paths.skip),
        };
        (limits.only.is_some() || limits.skip.is_some()).then_some(limits)
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
