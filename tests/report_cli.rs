//! The report formats and suppression files as a user meets them through the real binary:
//! exact text output, no color in a pipe, a clean stdout when nothing is found, secrets only on
//! request, and clear errors for malformed ignore and baseline files.
//!
//! Secrets are keys of the tests' own `.tokhyg.yaml` rule (prefix `rpt_`, 30 base62 characters,
//! crc32-base62 checksum), so these tests do not depend on the built-in rules.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;
use tempfile::TempDir;
use tokhyg::token::checksum::crc32_base62;

const CONFIG: &str = r#"
rules:
  - id: report-test-key
    title: Report test key
    provider: Report
    remediation: Rotate the report test key.
    token: {prefix: rpt_, alphabet: base62, length: 30, checksum: crc32-base62}
"#;

/// A valid key; `n` picks one of several distinct bodies.
fn key(n: usize) -> String {
    const BODY: &str = "k7Qw9Zr2Lm4Xp8Tn1Vb6Yc3Hd5Gf0JsAeUoIyRtPqMnBvCxZ";
    let body = &BODY[n..n + 30];
    format!("rpt_{body}{}", crc32_base62(body.as_bytes()))
}

/// A scan root with the test config, two secrets in two files and one clean file.
fn project() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join(".tokhyg.yaml"), CONFIG).unwrap();
    fs::create_dir_all(root.join("my dir")).unwrap();
    fs::write(
        root.join("app.env"),
        format!("# settings\nKEY={}\n", key(0)),
    )
    .unwrap();
    fs::write(root.join("my dir/ü.txt"), format!("token: {}\n", key(1))).unwrap();
    fs::write(root.join("clean.txt"), "nothing to see\n").unwrap();
    dir
}

fn tokhyg(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tokhyg").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color");
    cmd
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn scan(dir: &Path, args: &[&str]) -> Output {
    let output = tokhyg(dir).arg("scan").args(args).output().unwrap();
    Output {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn text_report_is_exact_and_uncolored_in_a_pipe() {
    let dir = project();
    let run = scan(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let fingerprint =
        |n: usize| tokhyg::suppress::fingerprint("report-test-key", key(n).as_bytes());
    let expected = format!(
        "\
app.env:2:5  report-test-key  Report test key
    secret       rpt_k7Qw…
    fingerprint  {}
    fix          Rotate the report test key.

my dir/ü.txt:1:8  report-test-key  Report test key
    secret       rpt_7Qw9…
    fingerprint  {}
    fix          Rotate the report test key.

2 secrets found in 2 files
",
        fingerprint(0),
        fingerprint(1)
    );
    assert_eq!(run.stdout, expected);
    assert!(!run.stdout.contains('\x1b'));
    assert!(!run.stderr.contains(&key(0)) && !run.stderr.contains(&key(1)));
}

#[test]
fn redact_n_chooses_the_shown_characters_in_every_format() {
    let dir = project();
    for format in ["text", "json", "sarif"] {
        let none = scan(dir.path(), &["--format", format, "--redact", "0"]);
        assert_eq!(none.code, 1, "{format}: {}", none.stderr);
        assert!(none.stdout.contains("rpt_…"), "{format}: {}", none.stdout);
        assert!(!none.stdout.contains("rpt_k"), "{format}: {}", none.stdout);
        let six = scan(dir.path(), &["--format", format, "--redact=6"]);
        assert!(
            six.stdout.contains("rpt_k7Qw9Z…"),
            "{format}: {}",
            six.stdout
        );
    }
    let both = scan(dir.path(), &["--redact", "2", "--show-secrets"]);
    assert_eq!(both.code, 2, "{}", both.stderr);
}

#[test]
fn color_always_and_never_override_the_terminal_test_and_no_color() {
    let dir = project();
    let always = tokhyg(dir.path())
        .env("NO_COLOR", "1")
        .args(["--color", "always", "scan"])
        .output()
        .unwrap();
    let text = String::from_utf8(always.stdout).unwrap();
    assert!(text.starts_with("\x1b[35mapp.env\x1b[0m:2:5"), "{text}");
    let never = scan(dir.path(), &["--color=never"]);
    assert!(!never.stdout.contains('\x1b'));
    let bad = scan(dir.path(), &["--color", "sometimes"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("auto, always, never"), "{}", bad.stderr);
}

#[test]
fn a_clean_scan_keeps_stdout_clean() {
    let dir = project();
    fs::remove_file(dir.path().join("app.env")).unwrap();
    fs::remove_file(dir.path().join("my dir/ü.txt")).unwrap();
    for (format, expected) in [("text", ""), ("jsonl", ""), ("json", "[]\n")] {
        let run = scan(dir.path(), &["--format", format]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert_eq!(run.stdout, expected, "{format}");
    }
}

#[test]
fn secrets_show_only_with_show_secrets_in_every_format() {
    let dir = project();
    for format in ["text", "json", "jsonl", "sarif"] {
        let hidden = scan(dir.path(), &["--format", format]);
        assert_eq!(hidden.code, 1, "{format}: {}", hidden.stderr);
        let shown = scan(dir.path(), &["--format", format, "--show-secrets"]);
        for secret in [key(0), key(1)] {
            assert!(!hidden.stdout.contains(&secret), "{format} leaked {secret}");
            assert!(shown.stdout.contains(&secret), "{format} hid {secret}");
        }
    }
}

#[test]
fn json_and_jsonl_hold_the_same_records() {
    let dir = project();
    let json: Value =
        serde_json::from_str(&scan(dir.path(), &["--format", "json"]).stdout).unwrap();
    let jsonl = scan(dir.path(), &["--format", "jsonl"]).stdout;
    let lines: Vec<Value> = jsonl
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(json.as_array().unwrap(), &lines);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["path"], "my dir/ü.txt");
    assert_eq!(lines[1]["secret"], "rpt_7Qw9…");
    assert_eq!(lines[1]["remediation"], "Rotate the report test key.");
    assert!(lines[1]["commit"].is_null());
    let fingerprint = lines[1]["fingerprint"].as_str().unwrap();
    assert_eq!(
        fingerprint,
        tokhyg::suppress::fingerprint("report-test-key", key(1).as_bytes())
    );
}

#[test]
fn sarif_columns_count_utf16_units_and_json_columns_count_bytes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".tokhyg.yaml"), CONFIG).unwrap();
    // `ключ` is 8 bytes and 4 UTF-16 units; `🔑` 4 bytes and 2 units.
    fs::write(
        dir.path().join("keys.txt"),
        format!("ключ 🔑 = {}\n", key(2)),
    )
    .unwrap();
    let json: Value =
        serde_json::from_str(&scan(dir.path(), &["--format", "json"]).stdout).unwrap();
    assert_eq!(json[0]["column"], 17);
    let sarif: Value =
        serde_json::from_str(&scan(dir.path(), &["--format", "sarif"]).stdout).unwrap();
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1);
    assert_eq!(region["startColumn"], 11);
}

#[test]
fn a_malformed_ignore_file_is_an_error_naming_file_and_line() {
    let dir = project();
    let text = format!(
        "# fixtures\n{}\n{}\n",
        tokhyg::suppress::fingerprint("report-test-key", key(0).as_bytes()),
        key(1)
    );
    fs::write(dir.path().join(".tokhygignore"), text).unwrap();
    let run = scan(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(".tokhygignore:3:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("is not a fingerprint"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains(&key(1)),
        "the pasted key is echoed: {}",
        run.stderr
    );
}

#[test]
fn a_malformed_baseline_is_an_error_naming_it() {
    let dir = project();
    fs::write(
        dir.path().join("base.json"),
        "{\"version\": 1, \"findings\": {}}",
    )
    .unwrap();
    let run = scan(dir.path(), &["--baseline", "base.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("base.json"), "{}", run.stderr);
    assert!(run.stderr.contains("--write-baseline"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

/// Runs `tokhyg scan` in `dir` with standard output on a pseudo-terminal (util-linux
/// `script`), with `NO_COLOR` set to `no_color` or unset.
fn scan_on_a_terminal(dir: &Path, no_color: Option<&str>) -> String {
    let binary = assert_cmd::cargo::cargo_bin("tokhyg");
    let mut cmd = std::process::Command::new("script");
    cmd.current_dir(dir)
        .args(["-qec", &format!("'{}' scan", binary.display()), "/dev/null"])
        .stdin(std::process::Stdio::null())
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR");
    if let Some(value) = no_color {
        cmd.env("NO_COLOR", value);
    }
    let output = cmd
        .output()
        .expect("util-linux `script` is needed to run tokhyg on a pseudo-terminal");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_terminal_gets_color_unless_no_color_is_set() {
    let dir = project();
    let colored = scan_on_a_terminal(dir.path(), None);
    assert!(
        colored.starts_with("\x1b[35mapp.env\x1b[0m:2:5  \x1b[1;31mreport-test-key\x1b[0m  "),
        "{colored:?}"
    );
    assert!(!colored.contains(&key(0)));
    let empty = scan_on_a_terminal(dir.path(), Some(""));
    assert!(
        empty.contains('\x1b'),
        "an empty NO_COLOR does not disable color"
    );
    let plain = scan_on_a_terminal(dir.path(), Some("1"));
    assert!(
        plain.starts_with("app.env:2:5  report-test-key  "),
        "{plain:?}"
    );
    assert!(!plain.contains('\x1b'), "{plain:?}");
}
