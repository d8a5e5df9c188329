//! The regex lists of pattern rules (`allow`, `allow_match`), each compiled into one regex that
//! matches where any of them does, once per process: rules that share a list (the generic rules
//! all name one `allow` list of 25 regexes through a YAML anchor) share its compiled form.
//! Compiling the lists rule by rule was 20 of the 71 ms that compiling every built-in rule took.

use regex_automata::meta;
use regex_syntax::hir::Hir;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

/// Several regexes as one: [`AnyRegex::is_match`] says whether any of them matches.
#[derive(Debug)]
pub(crate) struct AnyRegex(Option<meta::Regex>);

impl AnyRegex {
    /// True when one of the regexes matches somewhere in `haystack`.
    pub(crate) fn is_match(&self, haystack: &[u8]) -> bool {
        self.0
            .as_ref()
            .is_some_and(|regex| regex.is_match(haystack))
    }
}

/// A list's compiled form, or the message saying why it does not compile.
type Entry = Arc<OnceLock<Result<Arc<AnyRegex>, String>>>;

/// A list by its field's name and its regexes.
type ListKey = (String, Vec<String>);

/// Compiled lists.
static COMPILED: LazyLock<Mutex<HashMap<ListKey, Entry>>> = LazyLock::new(Mutex::default);

/// The list `sources` of the field `field`, compiled (or taken from the lists compiled before):
/// each regex parsed with `parse`, all of them built into one with `build_many`. The error names
/// the field and the regex that does not parse.
pub(crate) fn compile_list(
    sources: &[String],
    field: &str,
    parse: impl Fn(&str) -> Result<Hir, String>,
    build_many: impl FnOnce(&[Hir]) -> Result<meta::Regex, String>,
) -> Result<Arc<AnyRegex>, String> {
    if sources.is_empty() {
        static EMPTY: LazyLock<Arc<AnyRegex>> = LazyLock::new(|| Arc::new(AnyRegex(None)));
        return Ok(Arc::clone(&EMPTY));
    }
    let entry = {
        // The map only ever grows: a thread that panicked while holding it left it valid.
        let mut lists = COMPILED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(
            lists
                .entry((field.to_owned(), sources.to_vec()))
                .or_default(),
        )
    };
    // Compiled outside the map's lock, so other lists are not held up; a second thread asking
    // for the same list waits for this one.
    entry
        .get_or_init(|| {
            let hirs = sources
                .iter()
                .map(|source| {
                    parse(source).map_err(|e| format!("invalid `{field}` regex `{source}`: {e}"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let regex = build_many(&hirs).map_err(|e| format!("`{field}` regexes: {e}"))?;
            Ok(Arc::new(AnyRegex(Some(regex))))
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Result<Hir, String> {
        regex_syntax::Parser::new()
            .parse(source)
            .map_err(|e| e.to_string())
    }

    fn build_many(hirs: &[Hir]) -> Result<meta::Regex, String> {
        meta::Builder::new()
            .build_many_from_hir(hirs)
            .map_err(|e| e.to_string())
    }

    fn list(sources: &[&str]) -> Vec<String> {
        sources.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn matches_where_any_regex_of_the_list_matches() {
        let any = compile_list(&list(&["^abc$", "(?i)^x+$"]), "allow", parse, build_many).unwrap();
        assert!(any.is_match(b"abc"));
        assert!(any.is_match(b"XXX"));
        assert!(!any.is_match(b"abcd"));
        let none = compile_list(&[], "allow", parse, build_many).unwrap();
        assert!(!none.is_match(b"abc"));
    }

    #[test]
    fn a_list_is_compiled_once_and_shared() {
        let sources = list(&["^shared-list-[0-9]+$"]);
        let builds = std::cell::Cell::new(0);
        let counting = |hirs: &[Hir]| {
            builds.set(builds.get() + 1);
            build_many(hirs)
        };
        let first = compile_list(&sources, "allow", parse, counting).unwrap();
        let second = compile_list(&sources, "allow", parse, counting).unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(builds.get(), 1);
    }

    #[test]
    fn an_invalid_regex_is_named_with_its_field() {
        let error =
            compile_list(&list(&["ok", "(["]), "allow_match", parse, build_many).unwrap_err();
        assert!(
            error.contains("invalid `allow_match` regex `([`"),
            "{error}"
        );
    }
}
