//! Multi-part credentials: a secret whose rule `pairs` with the rules of its other parts (an
//! AWS secret access key and its access key id, an Algolia admin key and its application id) is
//! reported once, with the nearest part of each kind within the rule's `lines`, and those parts
//! are not reported on their own. Matches of `part` rules (identifiers that are no secret alone)
//! are reported only that way.

use crate::finding::{Finding, RelatedPart};
use crate::rules::RuleSet;

/// Joins the parts of one blob's findings, given with the index of their rule in `rules`:
/// returns the findings to report, in their order.
pub(super) fn join_parts(found: Vec<(usize, Finding)>, rules: &RuleSet) -> Vec<Finding> {
    let rules = rules.rules();
    let involved = |&(rule, _): &(usize, Finding)| rules[rule].part || rules[rule].pairs.is_some();
    if !found.iter().any(involved) {
        return found.into_iter().map(|(_, finding)| finding).collect();
    }
    let mut absorbed = vec![false; found.len()];
    let mut joined: Vec<Vec<RelatedPart>> = vec![Vec::new(); found.len()];
    for (index, (rule, finding)) in found.iter().enumerate() {
        // A finding already joined to another as its part hosts none (two secrets that pair
        // with each other, such as a consumer key and its secret, are reported once).
        let Some(pairs) = rules[*rule].pairs.as_ref().filter(|_| !absorbed[index]) else {
            continue;
        };
        for partner in &pairs.with {
            let nearest = found
                .iter()
                .enumerate()
                .filter(|(other, (other_rule, _))| {
                    *other != index
                        && joined[*other].is_empty()
                        && rules[*other_rule].id == *partner
                })
                .map(|(other, (_, part))| (finding.line.abs_diff(part.line), other))
                .filter(|(distance, _)| *distance <= pairs.lines)
                .min();
            if let Some((_, other)) = nearest {
                let part = &found[other].1;
                joined[index].push(RelatedPart {
                    rule_id: part.rule_id.clone(),
                    title: part.title.clone(),
                    line: part.line,
                    column: part.column,
                    column_utf16: part.column_utf16,
                });
                absorbed[other] = true;
            }
        }
    }
    found
        .into_iter()
        .zip(joined)
        .zip(absorbed)
        .filter(|(((rule, _), _), absorbed)| !absorbed && !rules[*rule].part)
        .map(|(((_, mut finding), related), _)| {
            finding.related = related;
            finding
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Severity;

    const RULES: &str = r#"
rules:
  - id: acme-key-id
    title: Acme key id
    token: {prefix: AKID, alphabet: upper, length: 12}
  - id: acme-app-id
    title: Acme application id
    part: true
    keywords: [app_id]
    pattern: 'app_id=([A-Z0-9]{8})'
  - id: acme-secret
    title: Acme secret
    pairs: {with: [acme-key-id, acme-app-id], lines: 3}
    keywords: [acme_secret]
    pattern: 'acme_secret=([a-z0-9]{24})'
  - id: other-key
    title: Other key
    token: {prefix: OTHR, alphabet: upper, length: 12}
"#;

    fn rules() -> RuleSet {
        RuleSet::from_yaml(RULES, "t.yaml").unwrap()
    }

    fn found(rules: &RuleSet, id: &str, line: usize) -> (usize, Finding) {
        let index = rules.rules().iter().position(|r| r.id == id).unwrap();
        let finding = Finding {
            rule_id: id.to_owned(),
            title: rules.rules()[index].title.clone(),
            remediation: None,
            provider: None,
            category: "custom".to_owned(),
            severity: Severity::High,
            path: "f".to_owned(),
            line,
            column: 1,
            column_utf16: 1,
            commit: None,
            occurrences: None,
            fingerprint: format!("{id}-{line}"),
            secret: String::new(),
            public_prefix: 0,
            related: Vec::new(),
            decoded: Vec::new(),
        };
        (index, finding)
    }

    /// A reported finding: its rule and line, and the rule and line of each related part.
    type Reported<'a> = (&'a str, usize, Vec<(&'a str, usize)>);

    fn summary(findings: &[Finding]) -> Vec<Reported<'_>> {
        findings
            .iter()
            .map(|f| {
                let related = f.related.iter().map(|p| (p.rule_id.as_str(), p.line));
                (f.rule_id.as_str(), f.line, related.collect())
            })
            .collect()
    }

    #[test]
    fn near_parts_travel_with_the_secret_and_are_not_reported_alone() {
        let rules = rules();
        let joined = join_parts(
            vec![
                found(&rules, "acme-key-id", 1),
                found(&rules, "acme-app-id", 2),
                found(&rules, "acme-secret", 3),
                found(&rules, "other-key", 4),
            ],
            &rules,
        );
        assert_eq!(
            summary(&joined),
            [
                (
                    "acme-secret",
                    3,
                    vec![("acme-key-id", 1), ("acme-app-id", 2)]
                ),
                ("other-key", 4, vec![])
            ]
        );
    }

    #[test]
    fn far_parts_stay_apart_and_a_part_rule_alone_is_no_finding() {
        let rules = rules();
        let joined = join_parts(
            vec![
                found(&rules, "acme-key-id", 1),
                found(&rules, "acme-app-id", 2),
                found(&rules, "acme-secret", 9),
            ],
            &rules,
        );
        assert_eq!(
            summary(&joined),
            [("acme-key-id", 1, vec![]), ("acme-secret", 9, vec![])]
        );
    }

    #[test]
    fn the_nearest_part_is_taken_and_the_others_are_kept() {
        let rules = rules();
        let joined = join_parts(
            vec![
                found(&rules, "acme-key-id", 1),
                found(&rules, "acme-key-id", 4),
                found(&rules, "acme-secret", 5),
            ],
            &rules,
        );
        assert_eq!(
            summary(&joined),
            [
                ("acme-key-id", 1, vec![]),
                ("acme-secret", 5, vec![("acme-key-id", 4)])
            ]
        );
    }

    #[test]
    fn two_secrets_pairing_with_each_other_are_reported_once() {
        let yaml = RULES.replace(
            "    token: {prefix: AKID, alphabet: upper, length: 12}",
            "    token: {prefix: AKID, alphabet: upper, length: 12}\n    pairs: {with: [acme-secret], lines: 3}",
        );
        let rules = RuleSet::from_yaml(&yaml, "t.yaml").unwrap();
        let joined = join_parts(
            vec![
                found(&rules, "acme-key-id", 1),
                found(&rules, "acme-secret", 2),
            ],
            &rules,
        );
        assert_eq!(
            summary(&joined),
            [("acme-key-id", 1, vec![("acme-secret", 2)])]
        );
    }
}
