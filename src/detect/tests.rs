//! Matcher tests on small fixture rules, independent of the built-in rules files.

use super::*;
use crate::token::checksum::crc32_base62;

const FIXTURE: &str = r#"
rules:
  - id: acme-key
    title: Acme key
    token: {prefix: acme_, alphabet: base62, length: 24, checksum: crc32-base62}
  - id: plain-key
    title: Plain key without checksum
    token: {prefix: pk-, alphabet: hex, length: 32}
  - id: vendor-hex
    title: Vendor hex key, no prefix
    token: {alphabet: hex, length: 32}
    keywords: [vendor]
  - id: aws-secret
    title: AWS secret
    keywords: [aws]
    pattern: '(?i)aws.{0,20}secret.{0,20}[=:]\s*["'']?([A-Za-z0-9/+]{40})'
    min_entropy: 3.5
  - id: trailing-label
    title: Key before its label
    keywords: [trailkey]
    pattern: '\b([0-9a-f]{32}) ?# ?trailkey'
  - id: generic-password
    title: Password assignment
    keywords: [password, secret]
    pattern: '(?i)(?:password|secret)\w*\s*[=:]\s*["'']?([^\s"'']{8,})'
    min_entropy: 3.0
    allow: ['^(?i)hunter2']
  - id: pem-private-key
    title: Private key
    keywords: ['-----begin']
    pattern: '-----BEGIN ([A-Z]+ )?PRIVATE KEY-----\s*([A-Za-z0-9+/=\s]{64,}?)\s*-----END'
    secret_group: 2
  - id: keystore-file
    title: Keystore
    path: '(^|/)[^/]+\.(p12|pfx|jks)$'
"#;

fn matcher() -> Matcher {
    Matcher::new(RuleSet::from_yaml(FIXTURE, "fixture.yaml").unwrap())
}

fn acme_token(body: &str) -> String {
    format!("acme_{body}{}", crc32_base62(body.as_bytes()))
}

/// (rule id, secret) of every match.
fn found(matcher: &Matcher, text: &[u8]) -> Vec<(String, String)> {
    matcher
        .scan(text)
        .into_iter()
        .map(|m| {
            (
                matcher.rules().rules()[m.rule].id.clone(),
                String::from_utf8_lossy(&text[m.start..m.end]).into_owned(),
            )
        })
        .collect()
}

fn pair(id: &str, secret: &str) -> (String, String) {
    (id.to_string(), secret.to_string())
}

const BODY: &str = "Zq8Lm2Rt5Wx9Kp3Nv7Bc4Hj6";

#[test]
fn a_token_with_the_right_checksum_is_found_with_its_exact_span() {
    let m = matcher();
    let token = acme_token(BODY);
    let text = format!("const KEY = \"{token}\";\n");
    let matches = m.scan(text.as_bytes());
    assert_eq!(matches.len(), 1);
    assert_eq!(&text[matches[0].start..matches[0].end], token);
    assert_eq!(m.rules().rules()[matches[0].rule].id, "acme-key");
}

#[test]
fn a_token_with_a_wrong_checksum_is_not_a_finding() {
    let m = matcher();
    let token = acme_token(BODY);
    let wrong = token.replace("Zq8", "Zq9");
    assert!(m.scan(wrong.as_bytes()).is_empty());
}

#[test]
fn a_token_inside_a_longer_alphanumeric_run_is_not_a_token() {
    let m = matcher();
    let token = acme_token(BODY);
    assert!(m.scan(format!("x{token}").as_bytes()).is_empty());
    assert!(m.scan(format!("{token}9").as_bytes()).is_empty());
    assert_eq!(m.scan(format!("({token})").as_bytes()).len(), 1);
    assert_eq!(
        m.scan(token.as_bytes()).len(),
        1,
        "at both ends of the buffer"
    );
}

#[test]
fn adjacent_tokens_sharing_one_separator_are_both_found() {
    let m = matcher();
    let a = acme_token(BODY);
    let b = acme_token("Yp7Kn1Qs4Vw8Jo2Mu6Ad3Gf5");
    for sep in [",", " ", "\n", ";"] {
        let text = format!("{a}{sep}{b}");
        assert_eq!(
            found(&m, text.as_bytes()),
            [pair("acme-key", &a), pair("acme-key", &b)],
            "{sep:?}"
        );
    }
}

#[test]
fn keywords_match_case_insensitively_but_token_prefixes_do_not() {
    let m = matcher();
    let upper = acme_token(BODY).replace("acme_", "ACME_");
    assert!(m.scan(upper.as_bytes()).is_empty());
    let secret = "wJa1rXUtnFEMI9K7MDENGxbPxRfiCYzQ8kR2LmPq";
    let text = format!("AWS_SECRET_ACCESS_KEY = \"{secret}\"");
    assert_eq!(found(&m, text.as_bytes()), [pair("aws-secret", secret)]);
}

#[test]
fn token_rules_without_prefix_run_near_their_keywords_only() {
    let m = matcher();
    let hex = "8f14e45fceea167a5a36dedd4bea2543";
    assert_eq!(
        found(&m, format!("VENDOR_KEY={hex}").as_bytes()),
        [pair("vendor-hex", hex)]
    );
    assert!(m.scan(format!("checksum={hex}").as_bytes()).is_empty());
    // A longer hex run (a SHA-256) is not a 32-character token.
    let sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    assert!(m.scan(format!("vendor sha {sha}").as_bytes()).is_empty());
}

#[test]
fn a_secret_before_its_keyword_is_found() {
    let m = matcher();
    let hex = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";
    let text = format!("{}\n{hex} # trailkey\n", "filler ".repeat(50));
    assert_eq!(found(&m, text.as_bytes()), [pair("trailing-label", hex)]);
}

#[test]
fn validators_drop_low_entropy_allowed_and_placeholder_secrets() {
    let m = matcher();
    assert_eq!(
        found(&m, b"password = \"Tr0ub4dor&3-xK9q\""),
        [pair("generic-password", "Tr0ub4dor&3-xK9q")]
    );
    for text in [
        "password = \"aaaabbbbaaaabbbb\"",  // entropy 1
        "password = \"hunter2hunter2!\"",   // allow
        "password = \"${DB_PASSWORD}\"",    // template
        "password = os.environ['DB_PASS']", // env lookup
        "password = \"your-password-here\"",
        "password = \"changeme\"",
        "password: \"<PASSWORD>\"",
        "password = \"XXXXXXXXXXXX\"",
    ] {
        assert!(found(&m, text.as_bytes()).is_empty(), "{text}");
    }
}

#[test]
fn overlapping_matches_keep_the_most_specific_rule() {
    let m = matcher();
    let token = acme_token(BODY);
    let text = format!("secret = \"{token}\"");
    assert_eq!(found(&m, text.as_bytes()), [pair("acme-key", &token)]);
}

#[test]
fn a_rule_that_supersedes_another_wins_their_overlap_and_only_theirs() {
    // Two providers share the `live_` prefix; the narrower format names the broader rule.
    let rules = r#"
rules:
  - id: broad-live-key
    title: Broad live key
    keywords: [live_]
    pattern: '\b(live_[0-9A-Za-z]{20,60})\b'
  - id: narrow-live-key
    title: Narrow live key
    supersedes: [broad-live-key]
    keywords: [live_]
    pattern: '\b(live_[0-9a-f]{32})\b'
"#;
    let without = rules.replace("    supersedes: [broad-live-key]\n", "");
    let hex = "live_0f3a9c27b1d84e6f5a0c9d2e7b4f8a13";
    let base62 = "live_Q7mZ2kR9vT4xW8pL3nB6cF1hJ5dG0sYa";
    let text = format!("a = {hex}\nb = {base62}\n");
    let with = Matcher::new(RuleSet::from_yaml(rules, "fixture.yaml").unwrap());
    assert_eq!(
        found(&with, text.as_bytes()),
        [pair("narrow-live-key", hex), pair("broad-live-key", base62)]
    );
    // Without `supersedes`, equal ranks fall back to the rule listed first.
    let plain = Matcher::new(RuleSet::from_yaml(&without, "fixture.yaml").unwrap());
    assert_eq!(
        found(&plain, text.as_bytes()),
        [pair("broad-live-key", hex), pair("broad-live-key", base62)]
    );
}

#[test]
fn overlapping_keywords_all_wake_their_rules() {
    // `secret` inside `aws_secret`: both the aws rule (keyword `aws`) and the generic rule
    // (keyword `secret`) run; the aws rule wins the overlap.
    let m = matcher();
    let secret = "wJa1rXUtnFEMI9K7MDENGxbPxRfiCYzQ8kR2LmPq";
    let text = format!("aws_secret_access_key: {secret}");
    assert_eq!(found(&m, text.as_bytes()), [pair("aws-secret", secret)]);
}

#[test]
fn unbounded_patterns_find_multi_line_secrets() {
    let m = matcher();
    let body: String = (0..20)
        .map(|i| format!("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC{i:02}kcwggSjAgEAAoIBAQC7\n"))
        .collect();
    let text =
        format!("x = 1\n-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n");
    let matches = found(&m, text.as_bytes());
    assert_eq!(matches.len(), 1);
    assert_eq!(matches[0].0, "pem-private-key");
    assert_eq!(matches[0].1.trim(), body.trim());
}

#[test]
fn matches_far_apart_in_a_large_blob_are_all_found_in_order() {
    let m = matcher();
    let a = acme_token(BODY);
    let b = acme_token("Yp7Kn1Qs4Vw8Jo2Mu6Ad3Gf5");
    let filler = "let value = compute(items, 42);\n".repeat(10_000);
    let text = format!("{b}\n{filler}token={a}\n{filler}\n{b}");
    let spans: Vec<(String, String)> = found(&m, text.as_bytes());
    assert_eq!(
        spans,
        [
            pair("acme-key", &b),
            pair("acme-key", &a),
            pair("acme-key", &b)
        ]
    );
    let starts: Vec<usize> = m.scan(text.as_bytes()).iter().map(|m| m.start).collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn invalid_utf8_around_a_secret_is_fine() {
    let m = matcher();
    let token = acme_token(BODY);
    let mut text = b"\xff\xfe garbage \xc3(".to_vec();
    text.extend_from_slice(token.as_bytes());
    text.extend_from_slice(b"\x80\x81");
    let matches = m.scan(&text);
    assert_eq!(matches.len(), 1);
    assert_eq!(&text[matches[0].start..matches[0].end], token.as_bytes());
}

#[test]
fn regexes_compile_only_for_rules_whose_keyword_is_hit() {
    let m = matcher();
    assert!(m.scan(b"fn main() { println!(\"hello\"); }").is_empty());
    assert!(m.compiled.iter().all(|slot| slot.get().is_none()));
    m.scan(b"the vendor said");
    let compiled: Vec<&str> = m
        .compiled
        .iter()
        .zip(m.rules().rules())
        .filter(|(slot, _)| slot.get().is_some())
        .map(|(_, rule)| rule.id.as_str())
        .collect();
    assert_eq!(compiled, ["vendor-hex"]);
}

#[test]
fn path_rules_match_relative_paths() {
    let m = matcher();
    let keystore = m
        .rules()
        .rules()
        .iter()
        .position(|r| r.id == "keystore-file")
        .unwrap();
    assert_eq!(m.scan_path("certs/server.p12"), [keystore]);
    assert_eq!(m.scan_path("release.jks"), [keystore]);
    assert!(m.scan_path("docs/p12-format.md").is_empty());
}

#[test]
fn an_empty_rule_set_finds_nothing() {
    let m = Matcher::new(RuleSet::default());
    assert!(m.scan(b"password = Tr0ub4dor&3-xK9q").is_empty());
    assert!(m.scan_path("a.p12").is_empty());
}

#[test]
fn the_matcher_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Matcher>();
    let m = matcher();
    let token = acme_token(BODY);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| assert_eq!(m.scan(token.as_bytes()).len(), 1));
        }
    });
}

#[test]
fn the_builtin_rules_woken_most_often_run_on_their_keyword_lines_only() {
    // Their keywords are common words of code (`token`, `password`, `://`), so a window as
    // wide as their longest match around every hit would cost more than the rest together.
    let rules = RuleSet::builtin().unwrap();
    for id in [
        "generic-password-quoted",
        "generic-password-unquoted",
        "generic-password-yaml",
        "generic-secret-quoted",
        "generic-secret-unquoted",
        "generic-secret-yaml",
        "generic-dockerfile-secret",
        "generic-xml-secret",
        "generic-url-credentials",
        "generic-url-token",
        "generic-url-query-secret",
        "generic-webhook-url",
        "generic-auth-header-scheme",
        "generic-api-key-header",
        "generic-command-line-password",
        "generic-secret-call",
        "database-url-password",
        "tokhyg-key",
        "github-pat-classic",
    ] {
        let rule = rules
            .get(id)
            .unwrap_or_else(|| panic!("no built-in rule {id}"));
        let Ok(compile::Compiled::Text(text)) = compile::compile(rule) else {
            panic!("{id} does not compile to a text rule");
        };
        assert!(text.line_bound, "{id} is not line-bound");
    }
}

/// One pattern rule with the context validators: `allow_match`, `checks`, `max_line_length`.
const CONTEXT_FIXTURE: &str = r#"
rules:
  - id: context-secret
    title: Secret with context validators
    keywords: [token]
    pattern: '(?i)(\w*token)\s*=\s*"([^"]{8,})"'
    secret_group: 2
    allow_match: ['(?i)next_?token']
    checks: [not-identifier]
    max_line_length: 80
  - id: issued-jwt
    title: JWT with claims
    keywords: [eyj]
    pattern: '(eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+)'
    checks: [jwt-claims]
"#;

#[test]
fn context_validators_drop_names_identifiers_long_lines_and_claimless_jwts() {
    let matcher = Matcher::new(RuleSet::from_yaml(CONTEXT_FIXTURE, "fixture.yaml").unwrap());
    let secret = "kQ3vZ8pL1xR7mN2bT9wY";
    assert_eq!(
        found(&matcher, format!("api_token = \"{secret}\"").as_bytes()),
        vec![pair("context-secret", secret)]
    );
    assert!(found(&matcher, format!("next_token = \"{secret}\"").as_bytes()).is_empty());
    assert!(found(&matcher, b"api_token = \"RD_KAFKAP_Metadata\"").is_empty());
    let long = format!("{}api_token = \"{secret}\"", "x".repeat(80));
    assert!(found(&matcher, long.as_bytes()).is_empty());
    // The limit is per line: the same match on a short line after a long one is found.
    let after_long = format!("{}\napi_token = \"{secret}\"", "x".repeat(200));
    assert_eq!(found(&matcher, after_long.as_bytes()).len(), 1);

    // {"sub":"admin-1"} is an issued token; {"some":"payload"} is a README example.
    let issued = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbi0xIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
    let example = "eyJhbGciOiJIUzI1NiJ9.eyJzb21lIjoicGF5bG9hZCJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
    assert_eq!(
        found(&matcher, issued.as_bytes()),
        vec![pair("issued-jwt", issued)]
    );
    assert!(found(&matcher, example.as_bytes()).is_empty());
}

#[test]
fn line_length_is_measured_without_scanning_whole_lines() {
    let text = b"short\nexactly-ten\nlonger line here";
    assert!(!line_longer_than(text, 0, 5));
    assert!(line_longer_than(text, 0, 4));
    assert!(!line_longer_than(text, 8, 11));
    assert!(line_longer_than(text, 8, 10));
    assert!(line_longer_than(text, 20, 15));
    assert!(!line_longer_than(text, 20, 16));
}

#[test]
fn context_rules_find_values_on_their_line_and_below_their_provider_in_the_matcher() {
    let rules = r#"
rules:
  - id: hubspot-key
    title: HubSpot key
    keywords: [hubspot]
    value: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
    near_lines: 2
"#;
    let m = Matcher::new(RuleSet::from_yaml(rules, "fixture.yaml").unwrap());
    let key = "3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b";
    let same_line = format!("x = 1\nHUBSPOT_API_KEY={key}\n");
    assert_eq!(found(&m, same_line.as_bytes()), [pair("hubspot-key", key)]);
    // The match spans lines: the rule must not be run on the keyword's line only.
    let below = format!("hubspot:\n  portal: 1234\n  api_key: {key}\n");
    assert_eq!(found(&m, below.as_bytes()), [pair("hubspot-key", key)]);
    let too_far = format!("hubspot:\n  a: 1\n  b: 2\n  api_key: {key}\n");
    assert!(found(&m, too_far.as_bytes()).is_empty());
}

/// A rule for `.env` files only (no keywords: the whole file), and a keyword rule skipped in
/// type stubs.
const PATH_SCOPED: &str = r#"
rules:
  - id: env-value
    title: Any value of an env file
    only_paths: '(^|/)\.env$'
    pattern: '(?m)^[A-Z_]+=([0-9A-Za-z]{16,})$'
  - id: stubbed-secret
    title: A secret outside stubs
    keywords: [secret]
    pattern: 'secret = "([0-9A-Za-z]{16,})"'
    skip_paths: '\.pyi$'
"#;

#[test]
fn path_scoped_rules_run_where_their_paths_say() {
    let m = Matcher::new(RuleSet::from_yaml(PATH_SCOPED, "t.yaml").unwrap());
    let ids = |text: &str, scope: PathScope<'_>| -> Vec<String> {
        m.scan_at(text.as_bytes(), scope)
            .iter()
            .map(|hit| m.rules().rules()[hit.rule].id.clone())
            .collect()
    };
    let env = "CRM_LINK=Kq8vZ3pL1xR7mN2bT9wY\n";
    assert_eq!(ids(env, PathScope::Path("web/.env")), ["env-value"]);
    assert!(ids(env, PathScope::Path("web/env.txt")).is_empty());
    assert!(
        ids(env, PathScope::Unknown).is_empty(),
        "no path: not an env file"
    );
    assert_eq!(
        ids(env, PathScope::Any),
        ["env-value"],
        "a rule's own examples"
    );
    let code = "secret = \"Kq8vZ3pL1xR7mN2bT9wY\"\n";
    assert_eq!(
        ids(code, PathScope::Path("app/client.py")),
        ["stubbed-secret"]
    );
    assert_eq!(ids(code, PathScope::Unknown), ["stubbed-secret"]);
    assert!(ids(code, PathScope::Path("stubs/client.pyi")).is_empty());
    assert!(m.runs_at(1, PathScope::Path("a.py")) && !m.runs_at(1, PathScope::Path("a.pyi")));
}

#[test]
fn path_fields_are_checked_when_rules_are_read() {
    let bad = "rules:\n  - {id: a, title: A, keywords: [abc], pattern: 'abc', skip_paths: '(['}\n";
    let error = RuleSet::from_yaml(bad, "t.yaml").unwrap_err();
    assert!(
        format!("{error:#}").contains("`skip_paths` is not a valid regex"),
        "{error:#}"
    );
    let no_keywords = "rules:\n  - {id: a, title: A, pattern: 'abc'}\n";
    let error = RuleSet::from_yaml(no_keywords, "t.yaml").unwrap_err();
    assert!(format!("{error:#}").contains("only_paths"), "{error:#}");
}
