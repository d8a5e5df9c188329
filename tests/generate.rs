//! `tokhyg generate` to stdout, run as the real binary: every flag of issue 2, the errors and
//! their exit codes, and chi-square checks on the binary's own output.
//!
//! The statistical checks use [`tokhyg::token::uniformity`]: exact chi-square critical values
//! with the family's false-alarm rate split across positions, so each test wrongly fails with
//! probability below 1e-6. (The unit tests in `src/token/distribution_tests.rs` show, with
//! larger samples, that the same checks reject a modulo-biased or patching sampler.)

use assert_cmd::Command;
use predicates::prelude::*;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use tokhyg::token::alphabet::{CharClass, SYMBOLS};
use tokhyg::token::checksum::Checksum;
use tokhyg::token::each_class::{log2_qualifying, symbol_probability};
use tokhyg::token::uniformity::PositionCounts;

/// Family-wise false-alarm rate of each statistical test.
const ALPHA: f64 = 1e-6;

fn tokhyg() -> Command {
    Command::cargo_bin("tokhyg").expect("the tokhyg binary is built")
}

/// Runs `tokhyg generate ARGS`, asserts exit 0, and returns (stdout lines, stderr).
fn generate(args: &[&str]) -> (Vec<String>, String) {
    let output = tokhyg()
        .arg("generate")
        .args(args)
        .output()
        .expect("tokhyg runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "generate {args:?} failed: {stderr}"
    );
    let stdout = String::from_utf8(output.stdout).expect("tokens are UTF-8");
    (stdout.lines().map(str::to_string).collect(), stderr)
}

/// Runs `tokhyg generate ARGS`, asserts exit 2 and no output on stdout, returns stderr.
fn refused(args: &[&str]) -> String {
    let output = tokhyg()
        .arg("generate")
        .args(args)
        .output()
        .expect("tokhyg runs");
    assert_eq!(
        output.status.code(),
        Some(2),
        "generate {args:?} should fail"
    );
    assert!(
        output.stdout.is_empty(),
        "generate {args:?} printed a token"
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn one_token(args: &[&str]) -> String {
    let (lines, _) = generate(args);
    assert_eq!(lines.len(), 1, "{lines:?}");
    lines.into_iter().next().unwrap_or_default()
}

fn all_in(token: &str, alphabet: &str) -> bool {
    token.chars().all(|c| alphabet.contains(c))
}

const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn unix_millis() -> u64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970");
    u64::try_from(since.as_millis()).expect("milliseconds fit in 64 bits")
}

const BASE62: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

#[test]
fn default_is_one_256_bit_base62_token_and_only_the_token_on_stdout() {
    let (lines, stderr) = generate(&[]);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].len(), 43);
    assert!(all_in(&lines[0], BASE62), "{}", lines[0]);
    assert!(stderr.contains("256.0 bits, base62, 43 chars"), "{stderr}");
    assert!(!stderr.contains(&lines[0]), "the token leaked to stderr");
    // Two runs never repeat (2^-256).
    assert_ne!(lines[0], one_token(&[]));
}

#[test]
fn quiet_drops_the_strength_line() {
    let (lines, stderr) = generate(&["--quiet"]);
    assert_eq!(lines.len(), 1);
    assert_eq!(stderr, "");
}

#[test]
fn classes_with_a_length() {
    let token = one_token(&[
        "--length",
        "32",
        "--lower",
        "--upper",
        "--digits",
        "--symbols",
    ]);
    assert_eq!(token.len(), 32);
    assert!(all_in(&token, &format!("{BASE62}{SYMBOLS}")), "{token}");
    let token = one_token(&["--length", "200", "--digits"]);
    assert!(token.len() == 200 && token.bytes().all(|b| b.is_ascii_digit()));
    let token = one_token(&["--length", "200", "--lower", "--symbols"]);
    assert!(all_in(
        &token,
        &format!("abcdefghijklmnopqrstuvwxyz{SYMBOLS}")
    ));
}

#[test]
fn hex_bytes_make_a_webhook_secret() {
    let (lines, stderr) = generate(&["--format", "hex", "--bytes", "32"]);
    assert_eq!(lines[0].len(), 64);
    assert!(all_in(&lines[0], "0123456789abcdef"));
    assert!(
        stderr.contains("256 bits, hex of 32 random bytes, 64 chars"),
        "{stderr}"
    );
    let token = one_token(&["--format", "HEX", "--bytes", "16"]);
    assert!(token.len() == 32 && all_in(&token, "0123456789ABCDEF"));
}

#[test]
fn byte_encodings_follow_rfc_4648() {
    let token = one_token(&["--format", "base64", "--bytes", "32"]);
    assert_eq!(token.len(), 44);
    assert!(token.ends_with('=') && !token.ends_with("=="), "{token}");
    let token = one_token(&["--format", "base64url", "--bytes", "32"]);
    assert_eq!(token.len(), 43);
    assert!(all_in(&token, &format!("{BASE62}-_")), "{token}");
    let token = one_token(&["--format", "base32", "--bytes", "32"]);
    assert_eq!(token.len(), 56);
    assert!(
        token.ends_with("====") && !token.ends_with("====="),
        "{token}"
    );
    assert!(all_in(&token, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567="));
}

#[test]
fn bits_pick_the_shortest_length() {
    let token = one_token(&["--format", "base64url", "--bits", "256"]);
    assert_eq!(token.len(), 43);
    assert!(all_in(&token, &format!("{BASE62}-_")));
    for (format, bits, length, alphabet) in [
        ("hex", "128", 32, "0123456789abcdef"),
        (
            "base58",
            "128",
            22,
            "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
        ),
        ("crockford32", "130", 26, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"),
        ("base32", "160", 32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
        ("base62", "128", 22, BASE62),
        ("alphanumeric", "128", 22, BASE62),
        ("base64", "96", 16, &format!("{BASE62}+/")),
    ] {
        let token = one_token(&["--format", format, "--bits", bits]);
        assert_eq!(token.len(), length, "{format} {bits}");
        assert!(all_in(&token, alphabet), "{format}: {token}");
    }
}

#[test]
fn prefix_and_checksum_make_a_verifiable_key() {
    let (lines, stderr) = generate(&["--prefix", "sk_live_", "--checksum", "--count", "50"]);
    assert_eq!(lines.len(), 50);
    for key in &lines {
        let rest = key
            .strip_prefix("sk_live_")
            .expect("the prefix comes first");
        assert_eq!(rest.len(), 43 + 6);
        assert!(all_in(rest, BASE62));
        // The CRC covers the body only, not the prefix.
        assert!(Checksum::Crc32Base62.verify(rest.as_bytes()), "{key}");
        assert!(!Checksum::Crc32Base62.verify(key.as_bytes()));
    }
    assert!(
        stderr.contains("prefix sk_live_, crc32-base62 checksum"),
        "{stderr}"
    );
    let key = one_token(&["--prefix", "acme-Key_2"]);
    assert!(key.starts_with("acme-Key_2") && key.len() == 10 + 43);
}

#[test]
fn uuid_is_version_4_and_ulid_is_crockford_time_plus_randomness() {
    let uuid =
        regex::Regex::new("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            .expect("valid regex");
    let (lines, stderr) = generate(&["--format", "uuid", "--count", "20"]);
    assert!(lines.iter().all(|l| uuid.is_match(l)), "{lines:?}");
    assert!(stderr.contains("122 bits"), "{stderr}");
    let before = unix_millis();
    let (lines, stderr) = generate(&["--format", "ulid", "--count", "20"]);
    let after = unix_millis();
    let ulid = regex::Regex::new("^[0-7][0-9A-HJKMNP-TV-Z]{25}$").expect("valid regex");
    assert!(lines.iter().all(|l| ulid.is_match(l)), "{lines:?}");
    for line in &lines {
        // The first 10 characters are the 48-bit millisecond time.
        let time = line[..10].bytes().fold(0u64, |acc, c| {
            let digit = CROCKFORD
                .bytes()
                .position(|d| d == c)
                .expect("Crockford digit");
            (acc << 5) | digit as u64
        });
        assert!(
            (before..=after).contains(&time),
            "{line}: {time} not in {before}..={after}"
        );
    }
    let randomness: std::collections::HashSet<_> = lines.iter().map(|l| &l[10..]).collect();
    assert_eq!(randomness.len(), lines.len());
    assert!(
        stderr.contains("warning") && stderr.contains("80 bits"),
        "{stderr}"
    );
}

#[test]
fn count_prints_one_token_per_line() {
    let (lines, stderr) = generate(&["--count", "5"]);
    assert_eq!(lines.len(), 5);
    assert!(lines.iter().all(|l| l.len() == 43 && all_in(l, BASE62)));
    let distinct: std::collections::HashSet<_> = lines.iter().collect();
    assert_eq!(distinct.len(), 5);
    assert!(stderr.contains("5 tokens"), "{stderr}");
}

#[test]
fn json_describes_every_token() {
    let output = tokhyg()
        .args(["generate", "--count", "5", "--json"])
        .output()
        .expect("tokhyg runs");
    assert!(output.status.success());
    let items: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("stdout is one JSON array");
    assert_eq!(items.len(), 5);
    for item in &items {
        let token = item["token"].as_str().expect("token is a string");
        assert_eq!(token.len(), 43);
        assert_eq!(item["format"], "base62");
        assert_eq!(item["length"], 43);
        let bits = item["bits"].as_f64().expect("bits is a number");
        assert!((bits - 43.0 * 62f64.log2()).abs() < 1e-9);
        assert!(item.get("prefix").is_none() && item.get("checksum").is_none());
    }

    let output = tokhyg()
        .args(["generate", "--json", "--prefix", "ab_", "--checksum"])
        .output()
        .expect("tokhyg runs");
    let items: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("stdout is one JSON array");
    assert_eq!(items[0]["prefix"], "ab_");
    assert_eq!(items[0]["checksum"], "crc32-base62");
    assert_eq!(items[0]["length"], 3 + 43 + 6);
}

#[test]
fn json_escapes_quotes_and_backslashes_of_custom_alphabets() {
    let output = tokhyg()
        .args([
            "generate",
            "--json",
            "--alphabet",
            "\"\\é",
            "--length",
            "64",
        ])
        .output()
        .expect("tokhyg runs");
    assert!(output.status.success());
    let items: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("stdout is one JSON array");
    let token = items[0]["token"].as_str().expect("token is a string");
    assert_eq!(token.chars().count(), 64);
    assert!(all_in(token, "\"\\é"));
    assert_eq!(items[0]["format"], "custom");
    assert_eq!(items[0]["length"], 64);
}

#[test]
fn each_class_guarantees_every_class_and_reports_the_exact_entropy() {
    let output = tokhyg()
        .args([
            "generate",
            "--json",
            "--count",
            "300",
            "--each-class",
            "--length",
            "6",
            "--lower",
            "--upper",
            "--digits",
            "--symbols",
        ])
        .output()
        .expect("tokhyg runs");
    assert!(output.status.success());
    let items: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("stdout is one JSON array");
    let exact = log2_qualifying(&[26, 26, 10, 26], 6).expect("possible");
    for item in &items {
        let token = item["token"].as_str().expect("token is a string");
        assert!(token.bytes().any(|b| b.is_ascii_lowercase()), "{token}");
        assert!(token.bytes().any(|b| b.is_ascii_uppercase()), "{token}");
        assert!(token.bytes().any(|b| b.is_ascii_digit()), "{token}");
        assert!(token.chars().any(|c| SYMBOLS.contains(c)), "{token}");
        assert_eq!(item["bits"].as_f64(), Some(exact));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("(each class)"), "{stderr}");
}

#[test]
fn no_ambiguous_drops_look_alikes() {
    let token = one_token(&[
        "--no-ambiguous",
        "--length",
        "1024",
        "--lower",
        "--upper",
        "--digits",
        "--symbols",
    ]);
    assert_eq!(token.len(), 1024);
    assert!(
        !token.contains(['0', 'O', 'o', '1', 'l', 'I', '|']),
        "{token}"
    );
    let token = one_token(&["--no-ambiguous", "--alphabet", "ab0O1l'", "--length", "64"]);
    assert!(all_in(&token, "ab"), "{token}");
}

#[test]
fn custom_alphabets() {
    let token = one_token(&["--alphabet", "xyz", "--length", "100"]);
    assert!(token.len() == 100 && all_in(&token, "xyz"));
    let stderr = refused(&["--alphabet", "abca"]);
    assert!(stderr.contains("repeats `a`"), "{stderr}");
    let stderr = refused(&["--alphabet", "ab c"]);
    assert!(stderr.contains("whitespace"), "{stderr}");
    let stderr = refused(&["--alphabet", "a"]);
    assert!(stderr.contains("at least 2 characters"), "{stderr}");
    let stderr = refused(&["--alphabet", "0O1", "--no-ambiguous"]);
    assert!(stderr.contains("at least 2 characters"), "{stderr}");
}

#[test]
fn weak_tokens_warn_on_stderr_and_are_still_printed() {
    let (lines, stderr) = generate(&["--length", "8"]);
    assert_eq!(lines[0].len(), 8);
    assert!(
        stderr.contains("warning") && stderr.contains("47.6 bits"),
        "{stderr}"
    );
    assert!(stderr.contains("128 bits"), "{stderr}");
    let (_, stderr) = generate(&["--bits", "128", "--quiet"]);
    assert!(!stderr.contains("warning"), "{stderr}");
    // --quiet keeps warnings.
    let (_, stderr) = generate(&["--length", "8", "--quiet"]);
    assert!(stderr.contains("warning"), "{stderr}");
}

#[test]
fn lengths_outside_4_to_1024_are_refused() {
    for args in [
        &["--length", "3"][..],
        &["--length", "1025"],
        &["--bits", "16"],
        &["--bits", "8000"],
        &["--format", "hex", "--bytes", "1"],
        &["--format", "hex", "--bytes", "513"],
    ] {
        let stderr = refused(args);
        assert!(
            stderr.contains("the length must be 4 to 1024"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(one_token(&["--length", "4"]).len(), 4);
    assert_eq!(one_token(&["--length", "1024"]).len(), 1024);
    assert_eq!(
        one_token(&["--format", "hex", "--bytes", "512"]).len(),
        1024
    );
}

#[test]
fn conflicting_flags_are_clap_errors() {
    for (args, needle) in [
        (
            &["--length", "8", "--bits", "64"][..],
            "cannot be used with",
        ),
        (
            &["--length", "8", "--format", "hex", "--bytes", "4"],
            "cannot be used with",
        ),
        (&["--format", "hex", "--lower"], "cannot be used with"),
        (
            &["--format", "hex", "--alphabet", "ab"],
            "cannot be used with",
        ),
        (&["--alphabet", "ab", "--digits"], "cannot be used with"),
        (
            &["--format", "base58", "--no-ambiguous"],
            "cannot be used with",
        ),
        (&["--format", "hex", "--each-class"], "cannot be used with"),
        (
            &["--alphabet", "abc", "--each-class"],
            "cannot be used with",
        ),
        (&["--bytes", "32"], "--format"),
        (&["--format", "nope"], "invalid value"),
        (&["--count", "0"], "at least 1"),
        (&["--count", "x"], "not a whole number"),
        (&["--length", "-1"], "'-1'"),
    ] {
        let stderr = refused(args);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

#[test]
fn engine_refusals_name_the_flag() {
    for (args, needle) in [
        (
            &["--format", "base62", "--bytes", "32"][..],
            "--bytes works only with the byte encodings",
        ),
        (&["--format", "uuid", "--length", "36"], "fixed size"),
        (&["--format", "ulid", "--bits", "128"], "fixed size"),
        (&["--prefix", "sk live"], "--prefix"),
        (&["--prefix", "sk.live"], "--prefix"),
        (&["--prefix", ""], "--prefix"),
        (&["--bits", "0"], "--bits must be at least 1"),
    ] {
        let stderr = refused(args);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(stderr.starts_with("tokhyg: error:"), "{stderr}");
    }
}

#[test]
fn names_and_into_need_each_other() {
    let stderr = refused(&["API_KEY"]);
    assert!(stderr.contains("--into"), "{stderr}");
    let stderr = refused(&["--into", ".env"]);
    assert!(stderr.contains("NAME"), "{stderr}");
    for args in [
        &["--force"][..],
        &["--rotate"],
        &["--show"],
        &["--add-to-gitignore"],
    ] {
        let stderr = refused(args);
        assert!(stderr.contains("--into"), "{args:?}: {stderr}");
    }
    for args in [&["--count", "2"][..], &["--json"]] {
        let stderr = refused(&[&["--into", ".env", "A"][..], args].concat());
        assert!(stderr.contains("cannot be used with"), "{args:?}: {stderr}");
    }
}

#[test]
fn into_writes_tokens_of_the_requested_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = dir.path().join(".env");
    tokhyg()
        .current_dir(dir.path())
        .args(["generate", "--format", "hex", "--bytes", "32", "--into"])
        .arg(&env)
        .args(["WEBHOOK_SECRET", "HMAC_KEY"])
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&env).expect("the .env file is written");
    let values: Vec<&str> = text
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(_, value)| value.trim_matches(['"', '\'']))
        .collect();
    assert_eq!(values.len(), 2, "{text}");
    for value in values {
        assert!(
            value.len() == 64 && all_in(value, "0123456789abcdef"),
            "{text}"
        );
    }
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tokhyg"))
        .args(["generate", "--count", "10000000", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tokhyg starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut first)
        .expect("one line");
    // Dropping the reader closes the pipe; the writer gets EPIPE on its next write.
    let output = child.wait_with_output().expect("tokhyg ends");
    assert_eq!(first.trim_end().len(), 43);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn help_documents_the_checksum_alphabet_and_the_formats() {
    tokhyg()
        .args(["generate", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("base62 body"))
        .stdout(predicate::str::contains("crockford32"))
        .stdout(predicate::str::contains("--each-class"));
}

/// Indices of each line's characters in `alphabet`, counted per position.
fn counts_of(lines: &[String], alphabet: &[char]) -> PositionCounts {
    let length = lines[0].chars().count();
    let mut counts = PositionCounts::new(length, alphabet.len());
    for line in lines {
        let token: Vec<usize> = line
            .chars()
            .map(|c| {
                alphabet
                    .iter()
                    .position(|&a| a == c)
                    .unwrap_or_else(|| panic!("{c:?} is not in the alphabet"))
            })
            .collect();
        counts.add(&token);
    }
    counts
}

#[test]
fn the_binary_output_is_uniform_per_position() {
    // Alphabet sizes that are not powers of two: 10, 26, 58 and a custom 3.
    for (args, alphabet) in [
        (&["--digits"][..], "0123456789"),
        (&["--upper"], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        (
            &["--format", "base58"],
            "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
        ),
        (&["--alphabet", "x-y"], "x-y"),
    ] {
        let (lines, _) =
            generate(&[&["--count", "20000", "--length", "6", "--quiet"], args].concat());
        let alphabet: Vec<char> = alphabet.chars().collect();
        let counts = counts_of(&lines, &alphabet);
        let expected = vec![1.0 / alphabet.len() as f64; alphabet.len()];
        let result = counts.check(&expected, ALPHA, true);
        assert!(result.is_ok(), "{args:?}: {result:?}");
    }
}

#[test]
fn the_binary_each_class_output_matches_the_conditional_distribution() {
    // Digits and symbols, 4 characters: a token lacks digits with probability (26/36)^4 = 0.27,
    // so the constraint reshapes the distribution visibly.
    let (lines, _) = generate(&[
        "--count",
        "30000",
        "--length",
        "4",
        "--digits",
        "--symbols",
        "--each-class",
        "--quiet",
    ]);
    let alphabet: Vec<char> = CharClass::Digits
        .chars()
        .chars()
        .chain(CharClass::Symbols.chars().chars())
        .collect();
    for line in &lines {
        assert!(line.bytes().any(|b| b.is_ascii_digit()), "{line}");
        assert!(line.chars().any(|c| SYMBOLS.contains(c)), "{line}");
    }
    let counts = counts_of(&lines, &alphabet);
    let expected: Vec<f64> = alphabet
        .iter()
        .map(|c| symbol_probability(&[10, 26], 4, usize::from(!c.is_ascii_digit())))
        .collect();
    let result = counts.check(&expected, ALPHA, false);
    assert!(result.is_ok(), "{result:?}");
}
