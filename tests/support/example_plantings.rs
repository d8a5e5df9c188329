//! Plants the rules' own examples in the corpus: every rule the other plantings cannot draw a
//! secret for (context rules, whose value has no literal to start from, and the pattern rules
//! whose regex gives no sample) gets its first example written into a realistic document, a
//! blank line apart from the next, with the rule's negative examples beside it as near misses.
//! So a new context rule is checked against the corpus at once: found there, and quiet on
//! its near misses, next to everything else the corpus holds.

use super::planting::PlantedCorpus;
use tokhyg::detect::Matcher;
use tokhyg::rules::{Rule, RuleKind, RuleSet};

/// The secret the whole rule set reports for `rule` in `text`, when `rule` is the one that
/// reports it.
fn reported_secret(matcher: &Matcher, rule: &Rule, text: &str) -> Option<String> {
    let index = matcher
        .rules()
        .rules()
        .iter()
        .position(|r| r.id == rule.id)?;
    matcher
        .scan(text.as_bytes())
        .into_iter()
        .find(|m| m.rule == index)
        .map(|m| text[m.start..m.end].to_string())
}

/// Plants the first example of every rule in `wanted` (ids) and of every context rule, and
/// their negative examples that no rule reports; returns the ids it could not plant, with why.
pub fn plant_rule_examples(
    corpus: &mut PlantedCorpus,
    rules: &[Rule],
    wanted: &[String],
) -> Vec<(String, String)> {
    let matcher = Matcher::new(RuleSet::from_rules(rules.to_vec()).expect("the built-in rules"));
    let mut not_planted = Vec::new();
    for rule in rules {
        let RuleKind::Pattern(pattern) = &rule.kind else {
            continue;
        };
        if rule.part || !(pattern.required.is_some() || wanted.contains(&rule.id)) {
            continue;
        }
        if rules
            .iter()
            .any(|r| r.pairs.as_ref().is_some_and(|p| p.with.contains(&rule.id)))
        {
            // Beside the example of the secret it pairs with, it would be reported as that
            // finding's part, not on its own (tests/multipart.rs covers pairs).
            continue;
        }
        let path = format!("handbook/docs/integrations/{}.md", rule.category);
        if corpus.is_new(&path) {
            corpus.context(&path, &format!("# Integrations: {}\n", rule.category));
        }
        let Some(example) = rule.examples.first() else {
            not_planted.push((rule.id.clone(), "no example".to_string()));
            continue;
        };
        let Some(secret) = reported_secret(&matcher, rule, example) else {
            not_planted.push((
                rule.id.clone(),
                "its example goes to another rule".to_string(),
            ));
            continue;
        };
        let what = format!("example of rule {}", rule.id);
        corpus.plant(&path, example, &[secret], &what);
        corpus.context(&path, "");
        for negative in &rule.negative_examples {
            if negative.contains('\n') || !matcher.scan(negative.as_bytes()).is_empty() {
                continue; // a near miss must be one line that no rule reports on its own
            }
            corpus.near_miss(&path, negative, &format!("negative example of {}", rule.id));
            corpus.context(&path, "");
        }
    }
    not_planted
}
