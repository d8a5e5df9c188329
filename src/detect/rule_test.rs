//! Checks a rule set against its own examples through the real [`Matcher`]: every rule
//! compiles, every example yields a match of its rule, no negative example does, and random
//! tokens generated from each token rule's format are found (and, with a checksum, are no longer
//! found once one character changes). Used by `tokhyg rules test` and by the built-in rule test.

use super::{Matcher, placeholder};
use crate::rules::{Rule, RuleKind, RuleSet};
use crate::token::format::TokenFormat;
use rand::CryptoRng;
use std::fmt;

/// One way a rule failed its test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFailure {
    /// Id of the failing rule.
    pub rule_id: String,
    /// The file the rule came from.
    pub origin: String,
    /// What went wrong, naming the example.
    pub message: String,
}

impl fmt::Display for RuleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: rule `{}`: {}",
            self.origin, self.rule_id, self.message
        )
    }
}

/// What [`test_rules`] checked, for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleTestReport {
    /// Rules tested.
    pub rules: usize,
    /// Examples run (positive).
    pub examples: usize,
    /// Negative examples run.
    pub negative_examples: usize,
    /// Random tokens generated and scanned.
    pub random_tokens: usize,
    /// Every failure, in rule order.
    pub failures: Vec<RuleFailure>,
}

/// Tests every rule of `rules` with a matcher of exactly these rules; `tokens_per_rule` random
/// tokens are generated for each token rule.
pub fn test_rules(rules: &RuleSet, tokens_per_rule: usize) -> RuleTestReport {
    let matcher = Matcher::new(rules.clone());
    let mut report = RuleTestReport {
        rules: rules.len(),
        ..RuleTestReport::default()
    };
    let mut rng = rand::rng();
    for (index, rule) in rules.rules().iter().enumerate() {
        let mut fail = |message: String| {
            report.failures.push(RuleFailure {
                rule_id: rule.id.clone(),
                origin: rule.origin.clone(),
                message,
            });
        };
        if let Err(error) = super::check_rule(rule) {
            fail(format!("does not compile: {error}"));
            continue;
        }
        if rule.examples.is_empty() {
            fail("has no `examples`: every rule needs at least one text it must report".into());
        }
        if rule.negative_examples.is_empty() {
            fail(
                "has no `negative_examples`: every rule needs at least one text it must not report"
                    .into(),
            );
        }
        let finds = |text: &str| -> bool {
            match rule.kind {
                RuleKind::Path(_) => matcher.scan_path(text).contains(&index),
                _ => matcher
                    .scan(text.as_bytes())
                    .iter()
                    .any(|m| m.rule == index),
            }
        };
        for example in &rule.examples {
            if !finds(example) {
                fail(format!("example is not reported: {example:?}"));
            }
        }
        for example in &rule.negative_examples {
            if finds(example) {
                fail(format!("negative example is reported: {example:?}"));
            }
        }
        report.examples += rule.examples.len();
        report.negative_examples += rule.negative_examples.len();
        if let RuleKind::Token(format) = &rule.kind {
            report.random_tokens += tokens_per_rule;
            for message in
                random_token_failures(&matcher, index, rule, format, tokens_per_rule, &mut rng)
            {
                fail(message);
            }
        }
    }
    report
}

/// Generates tokens, embeds each in an assignment line and checks the matcher reports exactly
/// the token; with a checksum, also that a one-character change is not reported.
fn random_token_failures<R: CryptoRng>(
    matcher: &Matcher,
    index: usize,
    rule: &Rule,
    format: &TokenFormat,
    count: usize,
    rng: &mut R,
) -> Vec<String> {
    let mut failures = Vec::new();
    let mut filtered = 0;
    for _ in 0..count {
        let token = format.generate(rng);
        // A random body can look like a placeholder (`...aaaaaa...`) by rare chance; the filter
        // is right to drop it, so such a draw tests nothing and is not counted as a miss.
        if placeholder::is_placeholder(&token.as_bytes()[format.prefix.len()..]) {
            filtered += 1;
            continue;
        }
        let keyword_line = rule
            .keywords
            .iter()
            .find(|k| !format.prefix.to_ascii_lowercase().contains(k.as_str()))
            .map_or(String::new(), |k| format!("# {k}\n"));
        let text = format!("{keyword_line}key = \"{token}\"\n");
        let start = keyword_line.len() + "key = \"".len();
        let span = start..start + token.len();
        let found = matcher.scan(text.as_bytes());
        if !found
            .iter()
            .any(|m| m.rule == index && (m.start..m.end) == span)
        {
            failures.push(format!("generated token is not reported: {text:?}"));
            break; // one is enough to show the format and the rule disagree
        }
        if format.checksum.is_some() {
            let changed = change_one_body_char(&token, format);
            let text = text.replace(&token, &changed);
            if matcher
                .scan(text.as_bytes())
                .iter()
                .any(|m| m.rule == index)
            {
                failures.push(format!("token with a wrong checksum is reported: {text:?}"));
                break;
            }
        }
    }
    // More than a few percent of draws looking like placeholders means the filter, not chance.
    if count > 0 && filtered * 20 > count {
        failures.push(format!(
            "{filtered} of {count} generated tokens look like placeholders (a format too short or too narrow?)"
        ));
    }
    failures
}

/// The token with its first body character replaced by another character of the alphabet.
fn change_one_body_char(token: &str, format: &TokenFormat) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    let at = format.prefix.chars().count();
    let current = chars[at];
    if let Some(&other) = format.alphabet.chars().iter().find(|&&c| c != current) {
        chars[at] = other;
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::token::checksum::crc32_base62;

    #[test]
    fn reports_every_kind_of_failure() {
        let body = "aB3dE5gH7jK9mN1pQ3sT5vX7";
        let yaml = format!(
            r#"
rules:
  - id: good
    title: Good
    token: {{prefix: gd_, alphabet: base62, length: 24, checksum: crc32-base62}}
    examples: ['k = gd_{body}{tail}']
    negative_examples: ['gd_{body}000000']
  - id: broken
    title: Broken
    keywords: [brk]
    pattern: 'brk(('
  - id: wrong-examples
    title: Wrong examples
    keywords: [pw=]
    pattern: 'pw=(\w{{8,}})'
    examples: ['pw=short']
    negative_examples: ['pw=Zq8Lm2Rt5Wx']
  - id: no-examples
    title: No examples
    path: '\.p12$'
"#,
            tail = crc32_base62(body.as_bytes())
        );
        let rules = RuleSet::from_yaml(&yaml, "fixture.yaml").unwrap();
        let report = test_rules(&rules, 20);
        let messages: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
        let has = |rule: &str, text: &str| {
            messages
                .iter()
                .any(|m| m.contains(&format!("rule `{rule}`")) && m.contains(text))
        };
        assert!(
            !messages.iter().any(|m| m.contains("rule `good`")),
            "{messages:#?}"
        );
        assert!(has("broken", "does not compile"), "{messages:#?}");
        assert!(
            has("wrong-examples", "example is not reported: \"pw=short\""),
            "{messages:#?}"
        );
        assert!(
            has("wrong-examples", "negative example is reported"),
            "{messages:#?}"
        );
        assert!(has("no-examples", "has no `examples`"), "{messages:#?}");
        assert!(
            has("no-examples", "has no `negative_examples`"),
            "{messages:#?}"
        );
        assert_eq!(report.random_tokens, 20);
        assert!(messages.iter().all(|m| m.starts_with("fixture.yaml: ")));
    }

    #[test]
    fn token_rules_with_their_own_keywords_are_tested_with_a_keyword_nearby() {
        let rules = RuleSet::from_yaml(
            r#"
rules:
  - id: blind
    title: Blind
    token: {prefix: bl_, alphabet: hex, length: 32}
    keywords: [blindkey]
    examples: ['blindkey = bl_8f14e45fceea167a5a36dedd4bea2543']
    negative_examples: ['bl_0']
"#,
            "fixture.yaml",
        )
        .unwrap();
        let report = test_rules(&rules, 50);
        assert!(report.failures.is_empty(), "{:#?}", report.failures);
        assert_eq!(
            (
                report.examples,
                report.negative_examples,
                report.random_tokens
            ),
            (1, 1, 50)
        );
    }
}
