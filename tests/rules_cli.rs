//! `tokhyg rules list` and `tokhyg rules test`, run as the real binary.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use tokhyg::rules::RuleSet;
use tokhyg::token::checksum::crc32_base62;

fn tokhyg() -> Command {
    Command::cargo_bin("tokhyg").expect("the tokhyg binary is built")
}

/// The standard output of `command`, which must succeed.
fn stdout_of(command: &mut Command) -> Vec<u8> {
    command.assert().success().get_output().stdout.clone()
}

/// Runs `tokhyg rules test FILE`.
fn rules_test(file: impl AsRef<std::ffi::OsStr>) -> assert_cmd::assert::Assert {
    tokhyg().args(["rules", "test"]).arg(file).assert()
}

fn good_rules_yaml() -> String {
    let body = "Zq8Lm2Rt5Wx9Kp3Nv7Bc4Hj6";
    let tail = crc32_base62(body.as_bytes());
    format!(
        r#"
rules:
  - id: acme-key
    title: Acme key
    token: {{prefix: acme_, alphabet: base62, length: 24, checksum: crc32-base62}}
    remediation: Revoke it in the Acme console.
    examples: ['ACME_KEY = "acme_{body}{tail}"']
    negative_examples: ['ACME_KEY = "acme_{body}000000"', 'acme_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']
  - id: acme-password
    title: Acme password
    keywords: [acme_password]
    pattern: 'acme_password\s*=\s*"([^"]+)"'
    min_entropy: 3.0
    examples: ['acme_password = "Tr0ub4dor&3-xK9q"']
    negative_examples: ['acme_password = "${{ACME_PASSWORD}}"']
  - id: acme-keystore
    title: Acme keystore
    path: '(^|/)[^/]+\.acmeks$'
    examples: ['keys/prod.acmeks']
    negative_examples: ['docs/acmeks.md']
"#
    )
}

#[test]
fn list_prints_every_builtin_rule_aligned() {
    let builtin = RuleSet::builtin().unwrap();
    let output = stdout_of(tokhyg().args(["rules", "list"]));
    let text = String::from_utf8(output).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), builtin.len());
    for (line, rule) in lines.iter().zip(builtin.rules()) {
        let columns: Vec<&str> = line.split("  ").filter(|c| !c.trim().is_empty()).collect();
        assert_eq!(
            columns.first().map(|c| c.trim()),
            Some(rule.id.as_str()),
            "{line}"
        );
        assert_eq!(
            columns.get(1).map(|c| c.trim()),
            Some(rule.category.as_str()),
            "{line}"
        );
        assert!(line.ends_with(&rule.title), "{line}");
        if let Some(provider) = &rule.provider {
            assert!(line.contains(&format!("  {provider}")), "{line}");
        }
    }
    let title_columns: std::collections::HashSet<usize> = lines
        .iter()
        .zip(builtin.rules())
        .map(|(line, rule)| line.len() - rule.title.len())
        .collect();
    assert_eq!(title_columns.len(), 1, "titles start in one column");
}

#[test]
fn list_filters_by_category_and_names_the_known_ones() {
    let builtin = RuleSet::builtin().unwrap();
    let cloud = builtin
        .rules()
        .iter()
        .filter(|r| r.category == "cloud")
        .count();
    assert!(cloud > 0);
    let output = stdout_of(tokhyg().args(["rules", "list", "--category", "cloud", "--json"]));
    let listed: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let listed = listed.as_array().expect("a JSON array");
    assert_eq!(listed.len(), cloud);
    assert!(listed.iter().all(|entry| entry["category"] == "cloud"));
    tokhyg()
        .args(["rules", "list", "--category", "no-such"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rule is in category `no-such`"))
        .stderr(predicate::str::contains("cloud"));
}

#[test]
fn list_json_has_id_title_kind_and_keywords() {
    let builtin = RuleSet::builtin().unwrap();
    let output = stdout_of(tokhyg().args(["rules", "list", "--json"]));
    let listed: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let listed = listed.as_array().expect("a JSON array");
    assert_eq!(listed.len(), builtin.len());
    for (entry, rule) in listed.iter().zip(builtin.rules()) {
        assert_eq!(entry["id"], rule.id.as_str());
        assert_eq!(entry["title"], rule.title.as_str());
        assert_eq!(entry["kind"], rule.kind_name());
        assert_eq!(entry["category"], rule.category.as_str());
        assert_eq!(entry["provider"], serde_json::json!(rule.provider));
        assert_eq!(entry["keywords"], serde_json::json!(rule.keywords));
    }
}

#[test]
fn test_passes_a_correct_rules_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("good.yaml");
    fs::write(&file, good_rules_yaml()).unwrap();
    rules_test(&file).code(0).stdout(predicate::str::contains(
        "ok: 3 rules, 3 examples, 4 negative examples, 100 random tokens",
    ));
}

#[test]
fn test_reports_each_failure_with_rule_and_example() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.yaml");
    let yaml = good_rules_yaml()
        .replace("Tr0ub4dor&3-xK9q", "aaaa")
        .replace("'docs/acmeks.md'", "'docs/x.acmeks'")
        .replace("pattern: 'acme_password", "pattern: '(acme_password");
    fs::write(&file, &yaml).unwrap();
    rules_test(&file)
        .code(1)
        .stdout(predicate::str::contains(
            "rule `acme-password`: does not compile",
        ))
        .stdout(predicate::str::contains(
            "rule `acme-keystore`: negative example is reported: \"docs/x.acmeks\"",
        ))
        .stdout(predicate::str::contains("2 failure(s)"));

    let yaml = good_rules_yaml().replace("Tr0ub4dor&3-xK9q", "aaaa");
    fs::write(&file, &yaml).unwrap();
    rules_test(&file).code(1).stdout(predicate::str::contains(
        "rule `acme-password`: example is not reported: \"acme_password = \\\"aaaa\\\"\"",
    ));
}

#[test]
fn test_fails_with_2_on_unreadable_or_invalid_files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.yaml");
    rules_test(&missing)
        .code(2)
        .stderr(predicate::str::contains("missing.yaml"));

    let invalid = dir.path().join("invalid.yaml");
    fs::write(
        &invalid,
        "rules:\n  - id: Not_Kebab\n    title: X\n    path: x\n",
    )
    .unwrap();
    rules_test(&invalid)
        .code(2)
        .stderr(predicate::str::contains("invalid.yaml"))
        .stderr(predicate::str::contains("kebab-case"));
}

#[test]
fn test_runs_a_rule_woken_by_a_run_instead_of_keywords() {
    // A team's own checksummed keys with a prefix of their choice (`--prefix team-..-`):
    // no literal to look for, so the rule is woken by the base62 run after the prefix.
    let body = "Zq8Lm2Rt5Wx9Kp3Nv7Bc4Hj6aB";
    let tail = crc32_base62(body.as_bytes());
    let yaml = format!(
        r#"
rules:
  - id: team-key
    title: Team key
    run: {{alphabet: base62, min_length: 24, preceded_by: '-'}}
    pattern: '\bteam-[a-z]{{2,8}}-([0-9A-Za-z]{{24,64}})\b'
    checksum: crc32-base62
    examples: ['key = "team-billing-{body}{tail}"']
    negative_examples: ['key = "team-billing-{body}000000"', 'team-billing-short']
"#
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("team.yaml");
    fs::write(&file, &yaml).unwrap();
    rules_test(&file).code(0).stdout(predicate::str::contains(
        "ok: 1 rules, 1 examples, 2 negative examples",
    ));

    // A scan with the rule in .tokhyg.yaml finds the key (the built-in rule for tokhyg's own
    // keys would find it as well, and first: it is turned off here).
    fs::write(
        dir.path().join(".tokhyg.yaml"),
        format!("disable: [tokhyg-key]\n{yaml}"),
    )
    .unwrap();
    fs::write(
        dir.path().join("settings.py"),
        format!("TEAM_KEY = 'team-billing-{body}{tail}'\n"),
    )
    .unwrap();
    tokhyg()
        .args(["scan", "--format", "jsonl"])
        .current_dir(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"rule\":\"team-key\""));

    // Too short a run would wake the rule on every line: refused, naming file and rule.
    fs::write(&file, yaml.replace("min_length: 24", "min_length: 6")).unwrap();
    rules_test(&file)
        .code(2)
        .stderr(predicate::str::contains("team.yaml"))
        .stderr(predicate::str::contains("team-key"))
        .stderr(predicate::str::contains("min_length: 6"));
}

/// A repository whose `.tokhyg.yaml` adds the rules of [`good_rules_yaml`], disables the first
/// built-in rule and the `password-hash` category, and allowlists a path.
fn repository_with_config() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    let disabled = RuleSet::builtin().unwrap().rules()[0].id.clone();
    let config = format!(
        "{}disable: [{disabled}]\ndisable_categories: [password-hash]\nallow_paths: ['fixtures/**']\n",
        good_rules_yaml()
    );
    fs::write(dir.path().join(".tokhyg.yaml"), config).unwrap();
    (dir, disabled)
}

#[test]
fn list_shows_the_rules_the_config_adds_and_marks_the_disabled_ones() {
    let (dir, disabled) = repository_with_config();
    let sub = dir.path().join("src");
    fs::create_dir(&sub).unwrap();
    let output = stdout_of(tokhyg().current_dir(&sub).args(["rules", "list"]));
    let text = String::from_utf8(output).unwrap();
    let line_of = |id: &str| {
        text.lines()
            .find(|line| line.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no line for {id}: {text}"))
            .to_owned()
    };
    assert!(
        line_of("acme-key").contains("Acme key  [added by "),
        "{text}"
    );
    assert!(line_of("acme-key").ends_with(".tokhyg.yaml]"));
    assert!(
        line_of(&disabled).ends_with(".tokhyg.yaml: disable]"),
        "{text}"
    );
    let builtin = RuleSet::builtin().unwrap();
    let hash = builtin
        .rules()
        .iter()
        .find(|r| r.category == "password-hash")
        .expect("a password-hash rule");
    assert!(line_of(&hash.id).ends_with(".tokhyg.yaml: disable_categories]"));
    assert_eq!(text.lines().count(), builtin.len() + 3);

    let output = stdout_of(
        tokhyg()
            .current_dir(dir.path())
            .args(["rules", "list", "--json"]),
    );
    let listed: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let entry = |id: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(entry("acme-key")["enabled"], true);
    assert!(
        entry("acme-key")["origin"]
            .as_str()
            .unwrap()
            .ends_with(".tokhyg.yaml")
    );
    assert_eq!(entry(&disabled)["enabled"], false);
    assert!(
        entry(&disabled)["origin"]
            .as_str()
            .unwrap()
            .starts_with("rules/")
    );

    // --config names another file; without one, only built-in rules, none disabled.
    let elsewhere = tempfile::tempdir().unwrap();
    let output = stdout_of(
        tokhyg()
            .current_dir(elsewhere.path())
            .args(["rules", "list", "--config"])
            .arg(dir.path().join(".tokhyg.yaml")),
    );
    assert!(String::from_utf8(output).unwrap().contains("[added by "));
    let output = stdout_of(
        tokhyg()
            .current_dir(elsewhere.path())
            .args(["rules", "list"]),
    );
    assert!(!String::from_utf8(output).unwrap().contains(" ["));
}

#[test]
fn test_accepts_a_config_file_and_checks_the_rest_of_it() {
    let (dir, _) = repository_with_config();
    let config = dir.path().join(".tokhyg.yaml");
    rules_test(&config)
        .success()
        .stdout(predicate::str::contains("ok: 3 rules"));
    // Any name: the config keys say what it is.
    let renamed = dir.path().join("team-config.yaml");
    fs::copy(&config, &renamed).unwrap();
    rules_test(&renamed)
        .success()
        .stdout(predicate::str::contains("ok: 3 rules"));
    fs::write(&renamed, "disable: [no-such-rule]\n").unwrap();
    rules_test(&renamed)
        .code(2)
        .stderr(predicate::str::contains("team-config.yaml"))
        .stderr(predicate::str::contains("no-such-rule"));
}

#[test]
fn a_rules_file_of_the_wrong_shape_is_explained_in_yaml_words() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.yaml");
    fs::write(&file, "- id: x\n").unwrap();
    rules_test(&file)
        .code(2)
        .stderr(predicate::str::contains(
            "not a valid rules file (expected a top-level `rules:` list; see rules/README.md): \
             invalid type: a list, expected a mapping with a `rules:` list",
        ))
        .stderr(predicate::str::contains("struct").not());
}
