//! The matcher: keyword prefilter (one pass, see [`keywords`]) -> lazily compiled regex near each hit
//! -> validators (token format and checksum, entropy, `allow`, placeholders). It knows nothing
//! of files or git.
//!
//! A blob is searched once for every keyword of every rule. Only the rules whose keyword
//! appears run, each on windows around its hits (as far as a match containing the hit can
//! reach), so most blobs run no regex at all. A rule's regexes are compiled the first time one
//! of its keywords is hit.

mod compile;
mod identifier;
mod jwt;
mod keywords;
mod path_scope;
mod placeholder;
mod profile;
mod regex_list;
mod rule_test;
pub(crate) mod runs;
mod shape;
mod window;

use crate::rules::{Rule, RuleKind, RuleSet, ValueCheck};
use crate::token::entropy::shannon;
use compile::{Compiled, TextRule};
use keywords::KeywordFinder;
use path_scope::PathLimits;
use regex_automata::Input;
use runs::RunFinder;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::OnceLock;

pub use keywords::common_triples_table;
pub use path_scope::PathScope;
pub use profile::PROFILE_VAR;
pub use rule_test::{RuleFailure, RuleTestReport, test_rules};

/// How far apart a match and the keyword hit that found it can be, at most, in bytes. A caller
/// that scans a large file in chunks overlaps consecutive chunks by this much so that no match
/// is cut (and drops the matches it already saw).
pub const CHUNK_OVERLAP: usize = 4 * compile::MAX_REACH;

/// One validated match of a rule in a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index of the rule in the matcher's [`RuleSet`].
    pub rule: usize,
    /// Byte offset of the secret's first byte in the scanned buffer.
    pub start: usize,
    /// Byte offset one past the secret's last byte.
    pub end: usize,
}

/// Compiled rules, ready to scan many blobs from many threads.
#[derive(Debug)]
pub struct Matcher {
    rules: RuleSet,
    /// Every keyword of every token and pattern rule; `None` when there is none.
    keywords: Option<KeywordFinder>,
    /// For each keyword (automaton pattern id), the rules it wakes.
    keyword_rules: Vec<Vec<usize>>,
    /// Each distinct `run:` prefilter, with the rules it wakes.
    runs: Vec<(RunFinder, Vec<usize>)>,
    /// Indices of the path rules.
    path_rules: Vec<usize>,
    /// Pattern rules with neither keywords nor a run: they run on the whole of every blob
    /// their `only_paths` admits.
    whole_blob_rules: Vec<usize>,
    /// Each rule's `only_paths` and `skip_paths`, compiled when the matcher is built.
    path_limits: Vec<Option<PathLimits>>,
    /// Each rule's regexes, compiled on first use.
    compiled: Vec<OnceLock<Result<Compiled, String>>>,
    /// The path rules' regexes as one set, compiled on first use.
    path_set: OnceLock<Option<regex::RegexSet>>,
    /// Specificity of each rule: when matches overlap, only the most specific is kept.
    ranks: Vec<u8>,
    /// Regex time per rule, when [`PROFILE_VAR`] asks for it.
    profile: profile::RuleProfile,
}

impl Matcher {
    /// Builds the matcher: the keyword automaton only; regexes are compiled lazily, on the
    /// first keyword hit.
    ///
    /// # Panics
    ///
    /// Only if the keywords exceed aho-corasick's limits (billions of states), which no rules
    /// file read into memory can reach.
    pub fn new(rules: RuleSet) -> Self {
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_ids: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut path_rules = Vec::new();
        let mut whole_blob_rules = Vec::new();
        let mut run_prefilters: Vec<(&crate::rules::RunPrefilter, Vec<usize>)> = Vec::new();
        for (index, rule) in rules.rules().iter().enumerate() {
            match &rule.kind {
                RuleKind::Path(_) => path_rules.push(index),
                RuleKind::Pattern(pattern) => {
                    if pattern.run.is_none() && rule.keywords.is_empty() {
                        whole_blob_rules.push(index);
                    }
                    if let Some(run) = &pattern.run {
                        match run_prefilters.iter_mut().find(|(r, _)| *r == run) {
                            Some((_, woken)) => woken.push(index),
                            None => run_prefilters.push((run, vec![index])),
                        }
                    }
                }
                RuleKind::Token(_) => {}
            }
            for keyword in &rule.keywords {
                match keyword_ids.get(keyword.as_str()) {
                    Some(&id) => keyword_rules[id].push(index),
                    None => {
                        keyword_ids.insert(keyword, keywords.len());
                        keywords.push(keyword.clone());
                        keyword_rules.push(vec![index]);
                    }
                }
            }
        }
        let keywords = (!keywords.is_empty()).then(|| KeywordFinder::new(&keywords));
        let runs = run_prefilters
            .into_iter()
            .map(|(run, woken)| (RunFinder::new(run), woken))
            .collect();
        let compiled = rules.rules().iter().map(|_| OnceLock::new()).collect();
        let path_limits = PathLimits::of_all(rules.rules());
        let ranks = ranks(&rules);
        let profile = profile::RuleProfile::from_env(rules.rules().len());
        Matcher {
            rules,
            keywords,
            keyword_rules,
            runs,
            path_rules,
            whole_blob_rules,
            path_limits,
            compiled,
            path_set: OnceLock::new(),
            ranks,
            profile,
        }
    }

    /// The rules this matcher runs.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Every validated match in `bytes`, sorted by position, without duplicates. A match's span
    /// is the secret's (a token rule's whole token, a pattern rule's secret group). Where matches
    /// of several rules overlap, only the most specific rule's is kept (token rules with a
    /// checksum, then token rules and pattern rules with a checksum, then pattern rules, then
    /// rules whose id starts with `generic-`; ties go to the longer span, then the earlier rule).
    pub fn scan(&self, bytes: &[u8]) -> Vec<Match> {
        self.scan_at(bytes, PathScope::Any)
    }

    /// [`Matcher::scan`] for a blob at `scope`: rules limited to other paths do not run.
    pub fn scan_at(&self, bytes: &[u8], scope: PathScope<'_>) -> Vec<Match> {
        let mut found = Vec::new();
        for &rule in &self.whole_blob_rules {
            if self.runs_at(rule, scope)
                && !bytes.is_empty()
                && let Some(Compiled::Text(text)) = self.compiled(rule)
            {
                self.scan_window(rule, text, bytes, 0..bytes.len(), &mut found);
            }
        }
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        if let Some(finder) = &self.keywords {
            let mut keyword_hits = Vec::new();
            finder.find_all(bytes, &mut keyword_hits);
            for (keyword, start, end) in keyword_hits {
                for &rule in &self.keyword_rules[keyword] {
                    hits.push((rule, start, end));
                }
            }
        }
        let mut run_hits = Vec::new();
        for (finder, woken) in &self.runs {
            run_hits.clear();
            finder.find_all(bytes, &mut run_hits);
            for &(start, end) in &run_hits {
                hits.extend(woken.iter().map(|&rule| (rule, start, end)));
            }
        }
        if hits.is_empty() {
            return resolve_overlaps(found, &self.ranks);
        }
        hits.sort_unstable();
        hits.dedup();
        self.compile_woken(&hits, scope);
        let mut spans = Vec::new();
        for group in hits.chunk_by(|a, b| a.0 == b.0) {
            let rule = group[0].0;
            if !self.runs_at(rule, scope) {
                continue;
            }
            let Some(Compiled::Text(text)) = self.compiled(rule) else {
                continue;
            };
            spans.clear();
            spans.extend(group.iter().map(|&(_, start, end)| (start, end)));
            let windows = if text.line_bound {
                let reach = if text.bounded {
                    text.reach
                } else {
                    compile::MAX_REACH
                };
                window::line_windows(bytes, &spans, reach)
            } else {
                window::windows(bytes, &spans, text.reach, text.line_wide)
            };
            let started = self.profile.start();
            let mut count = 0;
            for window in windows {
                count += 1;
                self.scan_window(rule, text, bytes, window, &mut found);
            }
            self.profile.record(rule, started, count);
        }
        resolve_overlaps(found, &self.ranks)
    }

    /// Whether the rule with index `rule` runs on a blob at `scope` (`only_paths`,
    /// `skip_paths`): for a source that scans a blob once for all its paths (history) and
    /// places the findings afterwards.
    pub fn runs_at(&self, rule: usize, scope: PathScope<'_>) -> bool {
        self.path_limits[rule]
            .as_ref()
            .is_none_or(|limits| limits.admit(scope))
    }

    /// Whether any rule looks at content (a token or pattern rule), not only at paths.
    pub fn has_content_rules(&self) -> bool {
        self.keywords.is_some() || !self.runs.is_empty() || !self.whole_blob_rules.is_empty()
    }

    /// Number of prefilter hits in `bytes` (keyword occurrences and `run:` runs): the
    /// prefilter pass alone, running no rule. For benchmarks (`benches/matcher.rs`), to tell
    /// the prefilter's cost from the rules'.
    pub fn keyword_hits(&self, bytes: &[u8]) -> usize {
        let mut hits = Vec::new();
        if let Some(finder) = &self.keywords {
            finder.find_all(bytes, &mut hits);
        }
        let mut runs = Vec::new();
        for (finder, _) in &self.runs {
            finder.find_all(bytes, &mut runs);
        }
        hits.len() + runs.len()
    }

    /// Indices of the path rules whose regex matches `rel_path` (relative to the scan root,
    /// `/`-separated): files that should never be committed, whatever they hold.
    pub fn scan_path(&self, rel_path: &str) -> Vec<usize> {
        match self.path_set() {
            Some(set) => set
                .matches(rel_path)
                .iter()
                .map(|i| self.path_rules[i])
                .collect(),
            // A path regex does not compile: the others, one by one (the bad one is reported
            // once and skipped).
            None => self
                .path_rules
                .iter()
                .copied()
                .filter(|&rule| matches!(self.compiled(rule), Some(Compiled::Path(re)) if re.is_match(rel_path)))
                .collect(),
        }
    }

    /// Every path rule's regex in one set, compiled on first use: one pass per path instead of
    /// one per rule, and one compilation (the path rules are run on every file). `None` when
    /// one of them does not compile.
    fn path_set(&self) -> Option<&regex::RegexSet> {
        self.path_set
            .get_or_init(|| {
                let patterns =
                    self.path_rules
                        .iter()
                        .map(|&rule| match &self.rules.rules()[rule].kind {
                            RuleKind::Path(path) => path.pattern.as_str(),
                            _ => unreachable!("path_rules holds path rules only"),
                        });
                regex::RegexSet::new(patterns).ok()
            })
            .as_ref()
    }

    /// Compiles the path rules now instead of on first use: every file's path goes through
    /// them. For a caller with a spare thread and time to wait, such as `scan --staged` while
    /// git diffs the index.
    pub fn compile_path_rules(&self) {
        self.path_set();
    }

    /// Compiles, in parallel, the rules that `hits` wake and that have not run yet. The first
    /// blobs of a scan wake several costly rules at once (the generic layer's, on any line with
    /// `token` or `key`): compiled one after another they were most of a small staged scan.
    fn compile_woken(&self, hits: &[(usize, usize, usize)], scope: PathScope<'_>) {
        use rayon::prelude::*;
        let mut uncompiled: Vec<usize> = hits
            .iter()
            .map(|&(rule, _, _)| rule)
            .filter(|&rule| self.compiled[rule].get().is_none() && self.runs_at(rule, scope))
            .collect();
        uncompiled.dedup();
        if uncompiled.len() > 1 {
            uncompiled.par_iter().for_each(|&rule| {
                self.compiled(rule);
            });
        }
    }

    /// The rule's compiled form, compiled now if this is its first use. A rule that does not
    /// compile is reported once on standard error and never runs; the built-in rule test and
    /// [`check_rules`] (run on every user rules file) keep this from happening.
    fn compiled(&self, rule: usize) -> Option<&Compiled> {
        self.compiled[rule]
            .get_or_init(|| {
                let compiled = compile::compile(&self.rules.rules()[rule]);
                if let Err(error) = &compiled {
                    let rule = &self.rules.rules()[rule];
                    let message =
                        format!("rule `{}` ({}) is skipped: {error}", rule.id, rule.origin);
                    // The origin is a path the user chose: escaped like every path shown.
                    eprintln!("tokhyg: warning: {}", crate::report::printable(&message));
                }
                compiled
            })
            .as_ref()
            .ok()
    }

    /// Runs one rule's regex on one window and keeps the matches that pass its validators.
    fn scan_window(
        &self,
        rule: usize,
        text: &TextRule,
        hay: &[u8],
        window: Range<usize>,
        out: &mut Vec<Match>,
    ) {
        let kind = &self.rules.rules()[rule].kind;
        let window_end = window.end;
        // An unbounded match starts in the window but may run on past it (a PEM block); one on
        // a single line ends with the line, unless the line is longer than the window.
        let ends_line = window.end == hay.len() || hay[window.end - 1] == b'\n';
        let search_end = if text.bounded || (text.line_bound && ends_line) {
            window.end
        } else {
            let reach = window.end.saturating_add(compile::MAX_REACH).min(hay.len());
            match text.max_line_feeds {
                // A match holding at most n line feeds ends before the (n+1)th one past the
                // window (it may take that one as its last byte).
                Some(n) => memchr::memchr_iter(b'\n', &hay[window.end..reach])
                    .nth(n)
                    .map_or(reach, |at| window.end + at + 1),
                None => reach,
            }
        };
        let input = Input::new(hay).range(window.start..search_end);
        // A context rule's value is in every match: a window without one (most windows of a
        // provider name that is also a word, as `segment`) is done without the larger regex.
        if let Some(required) = &text.required
            && required.search(&input).is_none()
        {
            return;
        }
        // Most windows hold no match: find that out without the allocation and the capture
        // engine of a captures search.
        match text.regex.search(&input) {
            Some(first) if first.start() < window_end => {}
            _ => return,
        }
        for caps in text.regex.captures_iter(input) {
            let Some(whole) = caps.get_match() else {
                continue;
            };
            if whole.start() >= window_end {
                break; // belongs to a later window, if to any
            }
            let Some(secret) = caps.get_group(text.secret_group) else {
                continue;
            };
            let span = secret.range();
            if !span.is_empty() && is_valid(kind, text, hay, whole.range(), span.clone()) {
                out.push(Match {
                    rule,
                    start: span.start,
                    end: span.end,
                });
            }
        }
    }
}

impl Drop for Matcher {
    /// Prints the rule profile, when one was asked for.
    fn drop(&mut self) {
        let ids: Vec<&str> = self.rules.rules().iter().map(|r| r.id.as_str()).collect();
        if let Some(report) = self.profile.report(&ids) {
            eprint!("{report}");
        }
    }
}

/// The validators of a rule's kind, then the built-in placeholder filter. `whole` is the
/// regex's match, `span` the secret in it.
fn is_valid(
    kind: &RuleKind,
    text: &TextRule,
    hay: &[u8],
    whole: Range<usize>,
    span: Range<usize>,
) -> bool {
    let secret = &hay[span.clone()];
    match kind {
        RuleKind::Token(format) => {
            if let Some(table) = &text.token_bytes {
                let touches = |at: Option<&u8>| at.is_some_and(|&b| table[usize::from(b)]);
                if touches(span.start.checked_sub(1).and_then(|i| hay.get(i)))
                    || touches(hay.get(span.end))
                {
                    return false; // part of a longer run: not this token
                }
            }
            let Ok(token) = std::str::from_utf8(secret) else {
                return false;
            };
            format.verify(token) && !placeholder::is_placeholder(&secret[format.prefix.len()..])
        }
        RuleKind::Pattern(pattern) => {
            // Entropy of what the secret stands for: `%40`-style escapes inflate it.
            if pattern
                .min_entropy
                .is_some_and(|min| shannon(&placeholder::percent_decoded(secret)) < min)
            {
                return false;
            }
            if pattern
                .checksum
                .is_some_and(|checksum| !checksum.verify(secret))
            {
                return false;
            }
            if pattern
                .max_line_length
                .is_some_and(|max| line_longer_than(hay, span.start, max))
            {
                return false;
            }
            !text.allow.is_match(secret)
                && !text.allow_match.is_match(&hay[whole.clone()])
                && pattern.checks.iter().all(|&check| passes(check, secret))
                && !placeholder::is_placeholder(secret)
                && !placeholder::line_marks_example(hay, span)
        }
        RuleKind::Path(_) => false,
    }
}

/// True when the line holding byte `at` is longer than `max` bytes. Looks no further than `max`
/// bytes either side, so a match on a minified megabyte line costs no more than one on a short
/// line.
fn line_longer_than(hay: &[u8], at: usize, max: usize) -> bool {
    let from = at.saturating_sub(max);
    let start = match memchr::memrchr(b'\n', &hay[from..at]) {
        Some(i) => from + i + 1,
        None if from == 0 => 0,
        None => return true, // the line started more than `max` bytes before `at`
    };
    let limit = (start + max + 1).min(hay.len());
    memchr::memchr(b'\n', &hay[at..limit]).is_none() && hay.len() > start + max
}

/// Whether `secret` passes one of a rule's `checks`.
fn passes(check: ValueCheck, secret: &[u8]) -> bool {
    match check {
        ValueCheck::NotIdentifier => !identifier::is_identifier_like(secret),
        ValueCheck::JwtClaims => jwt::has_registered_claim(secret),
    }
}

/// Specificity of a rule (higher wins when matches overlap). Ranks are two apart so that a rule
/// that `supersedes` another (one above it) stays below the next kind up.
fn rank(rule: &Rule) -> u8 {
    if rule.part {
        // A part (an id beside a secret) is no finding on its own: it never hides a provider's
        // finding, but a generic rule reading `api_key: <the id>` as a secret is told apart.
        return 3;
    }
    match &rule.kind {
        RuleKind::Token(format) if format.checksum.is_some() => 8,
        RuleKind::Token(_) => 6,
        RuleKind::Pattern(pattern) if pattern.checksum.is_some() => 6,
        RuleKind::Pattern(_) if rule.id.starts_with("generic-") => 2,
        RuleKind::Pattern(_) => 4,
        RuleKind::Path(_) => 0,
    }
}

/// Each rule's [`rank`], raised above the ranks of the rules it `supersedes` (transitively;
/// an id not in the set, a disabled rule, is ignored).
fn ranks(rules: &RuleSet) -> Vec<u8> {
    let mut ranks: Vec<u8> = rules.rules().iter().map(rank).collect();
    let index_of = |id: &str| rules.rules().iter().position(|r| r.id == id);
    let edges: Vec<(usize, usize)> = rules
        .rules()
        .iter()
        .enumerate()
        .flat_map(|(winner, rule)| {
            rule.supersedes
                .iter()
                .filter_map(move |id| index_of(id).map(|loser| (winner, loser)))
        })
        .collect();
    // Longest-path relaxation: a chain of n rules settles in n passes; a cycle (meaningless)
    // stops at the bound instead of looping.
    for _ in 0..=edges.len() {
        let mut changed = false;
        for &(winner, loser) in &edges {
            let above = ranks[loser].saturating_add(1);
            if ranks[winner] < above {
                ranks[winner] = above;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    ranks
}

/// Keeps one match per overlapping cluster: the most specific, then the longest, then the
/// earliest rule's; returns them sorted by position.
fn resolve_overlaps(mut found: Vec<Match>, ranks: &[u8]) -> Vec<Match> {
    found.sort_unstable_by(|a, b| {
        ranks[b.rule]
            .cmp(&ranks[a.rule])
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.rule.cmp(&b.rule))
            .then(a.start.cmp(&b.start))
    });
    // Kept spans are disjoint, so the one starting last before `m.end` is the only candidate
    // for an overlap with `m`.
    let mut kept: BTreeMap<usize, Match> = BTreeMap::new();
    for m in found {
        let overlaps = kept
            .range(..m.end)
            .next_back()
            .is_some_and(|(_, k)| k.end > m.start);
        if !overlaps {
            kept.insert(m.start, m);
        }
    }
    kept.into_values().collect()
}

/// Compiles every rule of `rules` and reports all that fail, naming file and rule: run on user
/// rules files when they are loaded (the built-in ones are checked by a test instead).
pub fn check_rules(rules: &RuleSet) -> anyhow::Result<()> {
    let errors: Vec<String> = rules
        .rules()
        .iter()
        .filter_map(|rule| {
            check_rule(rule)
                .err()
                .map(|e| format!("{}: rule `{}`: {e}", rule.origin, rule.id))
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{}", errors.join("\n"))
    }
}

/// Compiles one rule: its regex, `allow` regexes, path regexes and secret group must be valid.
pub fn check_rule(rule: &Rule) -> Result<(), String> {
    PathLimits::check(rule)?;
    compile::compile(rule).map(|_| ())
}

#[cfg(test)]
mod tests;
