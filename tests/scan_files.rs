//! `tokhyg scan` over files, directories and standard input, through the real binary.
//!
//! The planted tokens follow a rule of the tests' own `.tokhyg.yaml` (prefix `tst_`, 30 base62
//! characters and a crc32-base62 checksum, the GitHub scheme), so these tests exercise the walk
//! and the pipeline whatever the built-in rules say.

use assert_cmd::Command;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use tokhyg::token::checksum::crc32_base62;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const CONFIG: &str = r#"
rules:
  - id: test-token
    title: Test token
    remediation: Rotate the test token.
    token: {prefix: tst_, alphabet: base62, length: 30, checksum: crc32-base62}
  - id: test-keystore
    title: Keystore file
    path: '(^|/)[^/]+\.tstks$'
"#;

/// A valid test token, different for every seed.
fn token(seed: u64) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let body: String = (0..30)
        .map(|_| BASE62[rng.random_range(0..BASE62.len())] as char)
        .collect();
    format!("tst_{body}{}", crc32_base62(body.as_bytes()))
}

/// A temporary scan root holding the test config.
fn project() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".tokhyg.yaml"), CONFIG).unwrap();
    dir
}

fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, content).unwrap();
    path
}

fn tokhyg(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tokhyg").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

struct Run {
    code: i32,
    findings: Vec<Value>,
    stderr: String,
}

/// Runs `tokhyg scan --format json ARGS` in `dir`.
fn scan_json(dir: &Path, args: &[&str]) -> Run {
    let output = tokhyg(dir)
        .arg("scan")
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let findings: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout:?}"));
    Run {
        code: output.status.code().unwrap(),
        findings: findings.as_array().unwrap().clone(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `tokhyg scan ARGS` in `dir`, which must fail with exit status 2; its stderr.
fn scan_error(dir: &Path, args: &[&str]) -> String {
    let output = tokhyg(dir).arg("scan").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?}");
    stderr
}

/// `path:line:column rule` of every finding, in report order.
fn places(run: &Run) -> Vec<String> {
    run.findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{} {}",
                f["path"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["rule"].as_str().unwrap()
            )
        })
        .collect()
}

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn json_findings_have_the_contract_fields() {
    let dir = project();
    let secret = token(1);
    write(
        dir.path(),
        "src/app.py",
        format!("x = 1\nAPI = \"{secret}\"\n"),
    );
    let run = scan_json(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.findings.len(), 1);
    let finding = &run.findings[0];
    assert_eq!(finding["rule"], "test-token");
    assert_eq!(finding["path"], "src/app.py");
    assert_eq!(finding["line"], 2);
    assert_eq!(finding["column"], 8);
    assert_eq!(finding["commit"], Value::Null);
    assert_eq!(
        finding["fingerprint"],
        tokhyg::suppress::fingerprint("test-token", secret.as_bytes())
    );
    assert_eq!(
        finding["secret"],
        tokhyg::report::redact(&secret, 0, tokhyg::report::DEFAULT_SHOWN)
    );
    assert!(
        !serde_json::to_string(&run.findings)
            .unwrap()
            .contains(&secret)
    );

    let shown = scan_json(dir.path(), &["--show-secrets"]);
    assert_eq!(shown.findings[0]["secret"], secret.as_str());
}

#[test]
fn exit_codes_are_0_clean_1_found_2_error_after_reporting_what_was_scanned() {
    let dir = project();
    write(dir.path(), "clean.txt", "nothing to see\n");
    assert_eq!(scan_json(dir.path(), &["clean.txt"]).code, 0);

    write(dir.path(), "leak.txt", token(2));
    assert_eq!(scan_json(dir.path(), &["leak.txt"]).code, 1);

    let run = scan_json(dir.path(), &["leak.txt", "missing-dir"]);
    assert_eq!(run.code, 2);
    assert_eq!(places(&run), ["leak.txt:1:1 test-token"]);
    assert!(run.stderr.contains("missing-dir"), "{}", run.stderr);
}

#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_file_is_an_error_naming_it() {
    // Reading /proc/self/mem at offset 0 fails with EIO, even for root (for whom chmod 000 would
    // not make a file unreadable).
    let dir = project();
    write(dir.path(), "leak.txt", token(3));
    let run = scan_json(dir.path(), &["leak.txt", "/proc/self/mem"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(places(&run), ["leak.txt:1:1 test-token"]);
    assert!(run.stderr.contains("/proc/self/mem"), "{}", run.stderr);
}

#[test]
fn hidden_files_are_scanned_but_not_the_git_directory() {
    let dir = project();
    git(dir.path(), &["init", "-q"]);
    write(
        dir.path(),
        ".env.production",
        format!("TOKEN={}\n", token(4)),
    );
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        format!("env:\n  T: {}\n", token(5)),
    );
    write(dir.path(), ".git/leftover.txt", token(6));
    let run = scan_json(dir.path(), &[]);
    assert_eq!(
        places(&run),
        [
            ".env.production:1:7 test-token",
            ".github/workflows/ci.yml:2:6 test-token"
        ]
    );
}

#[test]
fn outside_a_repository_gitignore_hides_nothing_but_ignore_files_do() {
    // An unpacked package: its .gitignore says what its author did not commit, which is exactly
    // where a secret would be.
    let dir = project();
    write(dir.path(), ".gitignore", "local.env\nbuild/\n");
    write(dir.path(), ".ignore", "cache.txt\n");
    write(dir.path(), "local.env", token(7));
    write(dir.path(), "build/out.txt", token(8));
    write(dir.path(), "cache.txt", token(9));
    write(dir.path(), "kept.txt", token(10));

    assert_eq!(
        places(&scan_json(dir.path(), &[])),
        [
            "build/out.txt:1:1 test-token",
            "kept.txt:1:1 test-token",
            "local.env:1:1 test-token",
        ]
    );
    assert_eq!(
        places(&scan_json(dir.path(), &["--no-ignore"])),
        [
            "build/out.txt:1:1 test-token",
            "cache.txt:1:1 test-token",
            "kept.txt:1:1 test-token",
            "local.env:1:1 test-token",
        ]
    );
    assert_eq!(
        places(&scan_json(dir.path(), &["cache.txt"])),
        ["cache.txt:1:1 test-token"]
    );
}

#[test]
fn in_a_repository_tracked_files_are_scanned_whatever_gitignore_says() {
    let dir = project();
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), ".gitignore", "*.env\nbuild/\n");
    write(dir.path(), ".ignore", "cache.txt\n");
    write(dir.path(), "forced.env", token(60));
    write(dir.path(), "build/forced.txt", token(61));
    write(dir.path(), "cache.txt", token(62));
    write(dir.path(), "local.env", token(63));
    write(dir.path(), "build/out.txt", token(64));
    write(dir.path(), "kept.txt", token(65));
    git(
        dir.path(),
        &["add", "-f", "forced.env", "build/forced.txt", "cache.txt"],
    );

    let tracked_and_kept = [
        "build/forced.txt:1:1 test-token",
        "cache.txt:1:1 test-token",
        "forced.env:1:1 test-token",
        "kept.txt:1:1 test-token",
    ];
    assert_eq!(places(&scan_json(dir.path(), &[])), tracked_and_kept);
    assert_eq!(places(&scan_json(dir.path(), &["."])), tracked_and_kept);
    write(dir.path(), "sub/forced.env", token(66));
    write(dir.path(), "sub/local.env", token(67));
    git(dir.path(), &["add", "-f", "sub/forced.env"]);
    assert_eq!(
        places(&scan_json(dir.path(), &["sub"])),
        ["sub/forced.env:1:1 test-token"]
    );
    let inside = scan_json(&dir.path().join("sub"), &[]);
    assert_eq!(places(&inside), ["forced.env:1:1 test-token"]);

    // Deleted from the work tree: not there to scan, and not an error.
    fs::remove_file(dir.path().join("forced.env")).unwrap();
    let run = scan_json(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(!places(&run).iter().any(|p| p.starts_with("forced.env")));
}

#[test]
fn gitignore_of_a_repository_applies_to_a_subdirectory_scan() {
    let dir = project();
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), ".gitignore", "*.local\n");
    write(dir.path(), "sub/a.local", token(11));
    write(dir.path(), "sub/b.txt", token(12));
    assert_eq!(
        places(&scan_json(dir.path(), &["sub"])),
        ["sub/b.txt:1:1 test-token"]
    );
    let inside = scan_json(&dir.path().join("sub"), &[]);
    assert_eq!(places(&inside), ["b.txt:1:1 test-token"]);
}

#[test]
fn standard_input_is_scanned_as_path_dash() {
    let dir = project();
    let secret = token(13);
    let output = tokhyg(dir.path())
        .args(["scan", "--format", "json", "-"])
        .write_stdin(format!("log line\n  leaked {secret}\n"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let findings: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(findings[0]["path"], "-");
    assert_eq!(findings[0]["line"], 2);
    assert_eq!(findings[0]["column"], 10);

    let clean = tokhyg(dir.path())
        .args(["scan", "-"])
        .write_stdin("nothing\n")
        .output()
        .unwrap();
    assert_eq!(clean.status.code(), Some(0));
}

#[test]
fn output_order_is_sorted_and_identical_across_runs() {
    let dir = project();
    let mut expected = Vec::new();
    for i in 0..40u64 {
        let rel = format!("d{}/f{:02}.txt", i % 4, i);
        let text = format!("{}\n\n{} {}\n", token(100 + i), "pad", token(200 + i));
        write(dir.path(), &rel, text);
        expected.push(format!("{rel}:1:1 test-token"));
        expected.push(format!("{rel}:3:5 test-token"));
    }
    expected.sort();
    let render = || {
        tokhyg(dir.path())
            .args(["scan", "--format", "jsonl"])
            .output()
            .unwrap()
            .stdout
    };
    let first = render();
    for _ in 0..3 {
        assert_eq!(render(), first);
    }
    assert_eq!(places(&scan_json(dir.path(), &[])), expected);
}

#[test]
fn non_utf8_content_and_paths_are_scanned() {
    let dir = project();
    let secret = token(14);
    let mut content = b"caf\xe9 = '\xff\xfe".to_vec();
    content.extend_from_slice(secret.as_bytes());
    content.extend_from_slice(b"'\n");
    write(dir.path(), "latin1.txt", &content);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"bad\xffname.txt");
        fs::write(dir.path().join(name), token(15)).unwrap();
    }
    let run = scan_json(dir.path(), &[]);
    let mut want = vec!["latin1.txt:1:11 test-token".to_string()];
    if cfg!(unix) {
        want.insert(0, "bad\u{fffd}name.txt:1:1 test-token".to_string());
    }
    assert_eq!(places(&run), want);
}

#[test]
fn binary_files_are_skipped_but_path_rules_still_apply() {
    let dir = project();
    let mut binary = b"\x00\x01\x02".to_vec();
    binary.extend_from_slice(token(16).as_bytes());
    write(dir.path(), "blob.bin", &binary);
    write(dir.path(), "certs/server.tstks", &binary);
    let run = scan_json(dir.path(), &[]);
    assert_eq!(places(&run), ["certs/server.tstks:1:1 test-keystore"]);
    // Met while walking: skipped without a word. Named: skipped, and the user is told why.
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let named = scan_json(dir.path(), &["blob.bin", "certs/server.tstks"]);
    assert_eq!(named.code, 1, "{}", named.stderr);
    assert!(
        named
            .stderr
            .contains("warning: the content of blob.bin was not scanned: it looks binary"),
        "{}",
        named.stderr
    );
    assert!(
        named
            .stderr
            .contains("the content of certs/server.tstks was not scanned"),
        "{}",
        named.stderr
    );
}

/// `text` in UTF-16, little- or big-endian, with or without a byte order mark.
fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
    let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
    units
        .flat_map(|unit| {
            if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            }
        })
        .collect()
}

#[test]
fn utf16_files_are_decoded_and_scanned_with_their_lines_and_columns() {
    let dir = project();
    let text = |seed| {
        format!(
            "Windows Registry Editor\r\n; café ☕\r\n\"Key\"=\"{}\"\r\n",
            token(seed)
        )
    };
    write(dir.path(), "le-bom.reg", utf16(&text(70), true, true));
    write(dir.path(), "be-bom.txt", utf16(&text(71), false, true));
    write(dir.path(), "le.ps1", utf16(&text(72), true, false));
    write(dir.path(), "be.cfg", utf16(&text(73), false, false));
    let run = scan_json(dir.path(), &[]);
    assert_eq!(
        places(&run),
        [
            "be-bom.txt:3:8 test-token",
            "be.cfg:3:8 test-token",
            "le-bom.reg:3:8 test-token",
            "le.ps1:3:8 test-token",
        ]
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    for (finding, seed) in run.findings.iter().zip([71, 73, 70, 72]) {
        let secret = token(seed);
        assert_eq!(
            finding["fingerprint"],
            tokhyg::suppress::fingerprint("test-token", secret.as_bytes())
        );
    }
    let named = scan_json(dir.path(), &["le.ps1"]);
    assert_eq!(places(&named), ["le.ps1:3:8 test-token"]);
    assert!(named.stderr.is_empty(), "{}", named.stderr);

    let piped = tokhyg(dir.path())
        .args(["scan", "--format", "json", "-"])
        .write_stdin(utf16(&text(74), true, true))
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(1));
    let findings: Value = serde_json::from_slice(&piped.stdout).unwrap();
    assert_eq!(findings[0]["line"], 3);
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_unless_asked_and_loops_only_warn() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "far.txt", token(17));
    let dir = project();
    write(dir.path(), "near.txt", token(18));
    symlink(outside.path(), dir.path().join("linked-dir")).unwrap();
    symlink(
        outside.path().join("far.txt"),
        dir.path().join("linked-file.txt"),
    )
    .unwrap();
    fs::create_dir(dir.path().join("loop")).unwrap();
    symlink("..", dir.path().join("loop/up")).unwrap();

    let plain = scan_json(dir.path(), &[]);
    assert_eq!(plain.code, 1);
    assert_eq!(places(&plain), ["near.txt:1:1 test-token"]);

    let followed = scan_json(dir.path(), &["--follow-symlinks"]);
    assert_eq!(followed.code, 1, "a loop is a warning: {}", followed.stderr);
    assert_eq!(
        places(&followed),
        [
            "linked-dir/far.txt:1:1 test-token",
            "linked-file.txt:1:1 test-token",
            "near.txt:1:1 test-token",
        ]
    );
    assert!(followed.stderr.contains("warning"), "{}", followed.stderr);
    assert!(followed.stderr.contains("loop"), "{}", followed.stderr);

    // A link given as a path is what the user asked for: it is followed.
    let named = scan_json(dir.path(), &["--config", ".tokhyg.yaml", "linked-dir"]);
    assert_eq!(places(&named), ["linked-dir/far.txt:1:1 test-token"]);
}

#[test]
fn a_file_larger_than_a_window_is_scanned_in_chunks_with_exact_lines() {
    // The scanner reads 8 MiB windows overlapping by 128 KiB: its emission boundaries fall at
    // 8 MiB + 64 KiB and every 8 MiB after. Plant tokens at the start, straddling the first
    // boundary and the first chunk's end, and at the very end (with a whole window between them
    // and no token), and check every line and column against a count of the file itself.
    const MIB: usize = 1024 * 1024;
    let dir = project();
    let filler_line = b"lorem ipsum dolor sit amet, consectetur adipiscing elit 0123456789\n";
    let mut data = Vec::with_capacity(26 * MIB);
    let mut planted = Vec::new();
    let boundaries = [8 * MIB + 64 * 1024, 8 * MIB];
    let mut seed = 300;
    let mut plant = |data: &mut Vec<u8>, planted: &mut Vec<(usize, usize)>| {
        let line = data.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = data.len() - data.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        data.extend_from_slice(token(seed).as_bytes());
        seed += 1;
        planted.push((line, column));
    };
    plant(&mut data, &mut planted);
    data.push(b'\n');
    while data.len() < 24 * MIB {
        let next_boundary = boundaries
            .iter()
            .find(|&&b| b > data.len() && b - data.len() < 100);
        if let Some(&b) = next_boundary {
            data.extend(std::iter::repeat_n(b' ', b - data.len() - 20));
            plant(&mut data, &mut planted);
            data.push(b'\n');
        } else {
            data.extend_from_slice(filler_line);
        }
    }
    data.extend_from_slice(b"the end: ");
    plant(&mut data, &mut planted);
    write(dir.path(), "big.log", &data);

    let run = scan_json(dir.path(), &[]);
    let got: Vec<(u64, u64)> = run
        .findings
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    let want: Vec<(u64, u64)> = planted.iter().map(|&(l, c)| (l as u64, c as u64)).collect();
    assert_eq!(want.len(), 4);
    assert_eq!(got, want);
}

#[test]
fn an_allow_comment_suppresses_its_line_only() {
    let dir = project();
    write(
        dir.path(),
        "conf.sh",
        format!(
            "A={} # tokhyg:allow test fixture\nB={}\n",
            token(19),
            token(20)
        ),
    );
    assert_eq!(
        places(&scan_json(dir.path(), &[])),
        ["conf.sh:2:3 test-token"]
    );
}

#[test]
fn the_inline_markers_of_other_scanners_are_honoured() {
    let dir = project();
    let lines = [
        format!("A={} # gitleaks:allow", token(94)),
        format!("B: {} trufflehog:ignore", token(95)),
        format!("C = \"{}\"  # pragma: allowlist secret", token(96)),
        format!("D={} # gitleaks:allowed", token(97)),
    ];
    write(dir.path(), "conf.yaml", lines.join("\n"));
    assert_eq!(
        places(&scan_json(dir.path(), &[])),
        ["conf.yaml:4:3 test-token"]
    );
}

#[test]
fn baseline_round_trip_reports_only_new_findings() {
    let dir = project();
    let old = token(21);
    write(dir.path(), "old.txt", &old);
    let baseline = dir.path().join("baseline.json");
    let written = tokhyg(dir.path())
        .args(["scan", "--write-baseline"])
        .arg(&baseline)
        .output()
        .unwrap();
    assert_eq!(written.status.code(), Some(0));
    assert!(
        written.stdout.is_empty(),
        "writing a baseline reports nothing"
    );
    assert!(String::from_utf8_lossy(&written.stderr).contains("1 finding"));
    let text = fs::read_to_string(&baseline).unwrap();
    assert!(!text.contains(&old), "a baseline holds no raw secret");

    let base_arg = ["--baseline", baseline.to_str().unwrap()];
    let clean = scan_json(dir.path(), &base_arg);
    assert_eq!(
        (clean.code, clean.findings.len()),
        (0, 0),
        "{}",
        clean.stderr
    );

    write(dir.path(), "new.txt", format!("\n{}", token(22)));
    // The old secret moved to another file: still known.
    fs::rename(dir.path().join("old.txt"), dir.path().join("moved.txt")).unwrap();
    let fresh = scan_json(dir.path(), &base_arg);
    assert_eq!(fresh.code, 1);
    assert_eq!(places(&fresh), ["new.txt:2:1 test-token"]);
}

/// Runs `tokhyg scan ARGS` in `dir`; its exit status and stderr.
fn scan_status(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = tokhyg(dir).arg("scan").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code().unwrap(), stderr)
}

#[test]
fn a_baseline_update_keeps_what_is_still_found_adds_new_and_counts_the_dropped() {
    let dir = project();
    write(dir.path(), "a.txt", token(90));
    write(dir.path(), "b.txt", token(91));
    let (code, _) = scan_status(dir.path(), &["--write-baseline", "base.json"]);
    assert_eq!(code, 0);
    fs::remove_file(dir.path().join("b.txt")).unwrap();
    write(dir.path(), "c.txt", token(92));

    let update = ["--baseline", "base.json", "--write-baseline", "base.json"];
    let (code, stderr) = scan_status(dir.path(), &update);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "updated the baseline base.json: 1 entries still found kept, 1 added, 1 no longer \
             found dropped"
        ),
        "{stderr}"
    );
    let text = fs::read_to_string(dir.path().join("base.json")).unwrap();
    assert!(text.contains("a.txt") && text.contains("c.txt") && !text.contains("b.txt"));
    assert_eq!(scan_json(dir.path(), &["--baseline", "base.json"]).code, 0);

    // --update-baseline is the same in one option; an error in the scan drops nothing.
    write(dir.path(), "d.txt", token(93));
    let (code, stderr) = scan_status(
        dir.path(),
        &["--update-baseline", "base.json", ".", "missing"],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "2 entries still found kept, 1 added, 0 no longer found dropped (the scan had errors"
        ),
        "{stderr}"
    );
    fs::remove_file(dir.path().join("d.txt")).unwrap();
    let (code, stderr) = scan_status(dir.path(), &["--update-baseline", "base.json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("2 entries still found kept, 0 added, 1 no longer found dropped"));

    // Updating into another file; updating a missing file creates it.
    let (_, stderr) = scan_status(
        dir.path(),
        &["--baseline", "base.json", "--write-baseline", "next.json"],
    );
    assert!(
        stderr.contains("updated the baseline next.json from base.json"),
        "{stderr}"
    );
    let (code, stderr) = scan_status(dir.path(), &["--update-baseline", "fresh.json"]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("wrote 2 finding(s) to the baseline fresh.json"),
        "{stderr}"
    );
    // A bad baseline fails before scanning, and is left as it was.
    write(dir.path(), "bad.json", "not json");
    let (code, stderr) = scan_status(dir.path(), &["--update-baseline", "bad.json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("bad.json is not a tokhyg baseline"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("bad.json")).unwrap(),
        "not json"
    );
}

#[test]
fn config_disables_rules_and_allowlists_paths() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "fixtures/keys.txt", token(23));
    write(dir.path(), "src/main.txt", token(24));
    write(dir.path(), "src/store.tstks", "x");
    let config = format!("{CONFIG}disable: [test-keystore]\nallow_paths: ['fixtures/**']\n");
    write(dir.path(), ".tokhyg.yaml", &config);
    let run = scan_json(dir.path(), &[]);
    assert_eq!(places(&run), ["src/main.txt:1:1 test-token"]);
    assert!(run.stderr.is_empty(), "{}", run.stderr);

    // --config names the file; the path allowlist is relative to the repository root even when
    // a subdirectory is scanned.
    fs::rename(
        dir.path().join(".tokhyg.yaml"),
        dir.path().join("other.yaml"),
    )
    .unwrap();
    git(dir.path(), &["init", "-q"]);
    let run = scan_json(
        &dir.path().join("src"),
        &["--config", "../other.yaml", ".", "../fixtures"],
    );
    assert_eq!(places(&run), ["main.txt:1:1 test-token"]);
    let named = scan_json(dir.path(), &["--config", "other.yaml", "fixtures/keys.txt"]);
    assert_eq!(named.code, 0);
    assert!(
        named.stderr.contains(
            "warning: fixtures/keys.txt was not scanned: `fixtures/**` (allow_paths of \
             other.yaml) matches it"
        ),
        "{}",
        named.stderr
    );
}

#[test]
fn exclude_globs_skip_paths_like_allow_paths_and_name_the_explicit_ones() {
    let dir = project();
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), "web/app.min.js", token(80));
    write(dir.path(), "vendor/lib/a.txt", token(81));
    write(dir.path(), "src/vendor.txt", token(82));
    write(dir.path(), "src/main.txt", token(83));
    let all = scan_json(dir.path(), &[]);
    assert_eq!(places(&all).len(), 4, "{}", all.stderr);
    let args = ["--exclude", "*.min.js", "--exclude", "vendor/**"];
    let run = scan_json(dir.path(), &args);
    assert_eq!(
        places(&run),
        [
            "src/main.txt:1:1 test-token",
            "src/vendor.txt:1:1 test-token"
        ]
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // Relative to the repository root, from a subdirectory too.
    let inside = scan_json(&dir.path().join("web"), &["--exclude", "web/*.js"]);
    assert_eq!(inside.code, 0, "{}", inside.stderr);

    let named = scan_json(
        dir.path(),
        &[&args[..], &["web/app.min.js", "src"]].concat(),
    );
    assert_eq!(places(&named).len(), 2);
    assert!(
        named
            .stderr
            .contains("warning: web/app.min.js was not scanned: `*.min.js` (--exclude) matches it"),
        "{}",
        named.stderr
    );
    let bad = scan_error(dir.path(), &["--exclude", "a["]);
    assert!(bad.contains("--exclude") && bad.contains("a["), "{bad}");
}

#[test]
fn max_file_size_skips_larger_files_and_says_so() {
    let dir = project();
    let big = format!("{}\n{}", "x".repeat(2000), token(84));
    write(dir.path(), "big.txt", &big);
    write(dir.path(), "small.txt", token(85));
    let run = scan_json(dir.path(), &["--max-file-size", "1K"]);
    assert_eq!(places(&run), ["small.txt:1:1 test-token"]);
    assert!(
        run.stderr
            .contains("1 file(s) larger than --max-file-size (1024 bytes) were not scanned"),
        "{}",
        run.stderr
    );
    let named = scan_json(dir.path(), &["--max-file-size", "1K", "big.txt"]);
    assert_eq!(named.code, 0);
    assert!(
        named.stderr.contains(&format!(
            "big.txt was not scanned: it is {} bytes, over --max-file-size",
            big.len()
        )),
        "{}",
        named.stderr
    );
    assert_eq!(
        places(&scan_json(dir.path(), &["--max-file-size", "1M"])).len(),
        2
    );
    let bad = scan_error(dir.path(), &["--max-file-size", "lots"]);
    assert!(bad.contains("such as 500K or 10M"), "{bad}");
}

#[test]
fn files_from_reads_a_list_of_paths_by_line_or_nul() {
    let dir = project();
    write(dir.path(), "a.txt", token(86));
    write(dir.path(), "dir/b c.txt", token(87));
    write(dir.path(), "not-listed.txt", token(88));
    write(dir.path(), "lines.lst", "a.txt\r\ndir/b c.txt\n\n");
    let by_line = scan_json(dir.path(), &["--files-from", "lines.lst"]);
    assert_eq!(
        places(&by_line),
        ["a.txt:1:1 test-token", "dir/b c.txt:1:1 test-token"]
    );
    let output = tokhyg(dir.path())
        .args([
            "scan",
            "--format",
            "json",
            "--files-from",
            "-",
            "not-listed.txt",
        ])
        .write_stdin("dir/b c.txt\0a.txt\0")
        .output()
        .unwrap();
    let findings: Value = serde_json::from_slice(&output.stdout).unwrap();
    let paths: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["a.txt", "dir/b c.txt", "not-listed.txt"]);
    // An empty list scans nothing (not the current directory).
    write(dir.path(), "empty.lst", "");
    assert_eq!(
        scan_json(dir.path(), &["--files-from", "empty.lst"]).code,
        0
    );
    let both = scan_error(dir.path(), &["--files-from", "-", "-"]);
    assert!(
        both.contains("standard input can be read only once"),
        "{both}"
    );
    let missing = scan_error(dir.path(), &["--files-from", "nope.lst"]);
    assert!(missing.contains("nope.lst (--files-from)"), "{missing}");
}

#[test]
fn a_bad_config_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".tokhyg.yaml", "rules: [ {id: x} ]\n");
    write(dir.path(), "a.txt", "hello");
    let run = tokhyg(dir.path()).arg("scan").output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains(".tokhyg.yaml"));
}

#[test]
fn config_and_baseline_errors_say_what_is_wrong_in_yaml_and_json_words() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", "hello");
    let cases = [
        (
            "- rules\n",
            "invalid type: a list, expected a mapping of `rules`, `disable`",
        ),
        (
            "rules: [5]\n",
            "rules[0]: invalid type: integer `5`, expected a rule: a mapping with `id`, `title`",
        ),
        (
            "rules: {a: 1}\n",
            "rules: invalid type: a mapping, expected a list",
        ),
        (
            "rules:\n  - {id: x, title: X, token: {alphabet: base62, length: -3}}\n",
            "rules[0].token.length: invalid type: integer `-3`, expected a whole number, 0 or more",
        ),
        (
            "rules:\n  - {id: x, title: X, keywords: [k], pattern: k, min_entropy: high}\n",
            "expected a number",
        ),
        (
            "rules:\n  - {id: x, title: X, keywords: [k], pattern: k, run: {alphabet: hex, min_length: 3, is_secret: maybe}}\n",
            "expected true or false",
        ),
        (
            "disable: x\n",
            "disable: invalid type: string \"x\", expected a list",
        ),
    ];
    for (config, expected) in cases {
        write(dir.path(), ".tokhyg.yaml", config);
        let stderr = scan_error(dir.path(), &[]);
        assert!(stderr.contains(".tokhyg.yaml"), "{stderr}");
        assert!(stderr.contains("known keys: rules"), "{stderr}");
        assert!(stderr.contains(expected), "{config}: {stderr}");
        for internal in ["struct", "usize", "f64", "sequence", "boolean"] {
            assert!(!stderr.contains(internal), "{config}: {stderr}");
        }
    }
    fs::remove_file(dir.path().join(".tokhyg.yaml")).unwrap();
    write(
        dir.path(),
        "base.json",
        r#"{"version": "1", "findings": []}"#,
    );
    let stderr = scan_error(dir.path(), &["--baseline", "base.json"]);
    assert!(
        stderr.contains("base.json is not a tokhyg baseline; regenerate it with"),
        "{stderr}"
    );
    assert!(
        stderr.contains("expected a whole number, 0 or more"),
        "{stderr}"
    );
    write(dir.path(), "base.json", r#"{"version": 1, "findings": {}}"#);
    let stderr = scan_error(dir.path(), &["--baseline", "base.json"]);
    assert!(
        stderr.contains("invalid type: a mapping, expected a list"),
        "{stderr}"
    );
}

#[test]
fn the_ignore_file_suppresses_by_fingerprint() {
    let dir = project();
    let ignored = token(25);
    write(dir.path(), "a.txt", format!("{ignored}\n{}\n", token(26)));
    let fp = tokhyg::suppress::fingerprint("test-token", ignored.as_bytes());
    write(
        dir.path(),
        ".tokhygignore",
        format!("# judged harmless\n{fp}  # fixture\n"),
    );
    assert_eq!(
        places(&scan_json(dir.path(), &[])),
        ["a.txt:2:1 test-token"]
    );
}

#[test]
fn the_report_can_go_to_a_file() {
    let dir = project();
    write(dir.path(), "a.txt", token(27));
    let out = dir.path().join("report.jsonl");
    let output = tokhyg(dir.path())
        .args(["scan", "--format", "jsonl", "--output"])
        .arg(&out)
        .arg("a.txt")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let line: Value = serde_json::from_str(fs::read_to_string(&out).unwrap().trim()).unwrap();
    assert_eq!(line["path"], "a.txt");
}

#[test]
fn built_in_rules_find_a_github_token_made_by_tokhyg_generate() {
    // No .tokhyg.yaml: the built-in rules alone, on a token from the generate half.
    let dir = tempfile::tempdir().unwrap();
    let generated = tokhyg(dir.path())
        .args([
            "generate",
            "--prefix",
            "ghp_",
            "--length",
            "30",
            "--checksum",
        ])
        .output()
        .unwrap();
    assert!(generated.status.success());
    let pat = String::from_utf8(generated.stdout)
        .unwrap()
        .trim()
        .to_string();
    write(
        dir.path(),
        ".npmrc",
        format!("registry=x\n//gh/:_authToken={pat}\n"),
    );
    let run = scan_json(dir.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(places(&run), [".npmrc:2:18 github-pat-classic"]);

    // One character changed: the checksum no longer holds, so it is not a finding.
    let mut broken = pat.into_bytes();
    broken[10] = if broken[10] == b'a' { b'b' } else { b'a' };
    write(dir.path(), ".npmrc", broken);
    assert_eq!(scan_json(dir.path(), &[]).code, 0);
}
