//! What tokhyg says on standard error, through the real binary: one line after a clean scan,
//! `-q` and `-v` on every subcommand, and hostile file names (bidirectional overrides, control
//! characters) escaped wherever a path is shown.

#[path = "support/hook_repo.rs"]
mod hook_repo;

use hook_repo::git_repo::{SECRET_A, TEST_RULES, git_in, init_repo, write_file};
use hook_repo::{path_with_tokhyg, tokhyg_bin};
use std::path::Path;
use std::process::Command;
use tempfile::TempDir;

/// A finished run of the binary.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `tokhyg ARGS` in `dir`, with PATH leading to the binary (the hook checks it) and no color.
fn tokhyg(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(tokhyg_bin())
        .current_dir(dir)
        .args(args)
        .env("PATH", path_with_tokhyg())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().expect("an exit code"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

/// A committed repository with the test rule as `.tokhyg.yaml` and two clean files.
fn clean_repo() -> TempDir {
    let tmp = TempDir::new().expect("temp dir");
    let dir = tmp.path();
    init_repo(dir);
    write_file(dir, ".tokhyg.yaml", TEST_RULES.as_bytes());
    write_file(dir, "a.txt", b"hello\n");
    write_file(dir, "src/b.txt", &b"0123456789\n".repeat(100));
    git_in(dir, &["add", "-A"]);
    git_in(dir, &["commit", "-qm", "clean"]);
    tmp
}

/// Whether `line` is `tokhyg: no secrets found in N NOUNs (SIZE) in T s`.
fn is_clean_summary(line: &str, count: &str) -> bool {
    let Some(rest) = line.strip_prefix(&format!("tokhyg: no secrets found in {count} (")) else {
        return false;
    };
    let Some((size, time)) = rest.split_once(") in ") else {
        return false;
    };
    let size_ok = size
        .split_once(' ')
        .is_some_and(|(n, unit)| n.parse::<f64>().is_ok() && unit.ends_with('B'));
    let time_ok = time
        .strip_suffix(" s")
        .is_some_and(|t| t.parse::<f64>().is_ok());
    size_ok && time_ok
}

#[test]
fn a_clean_scan_says_so_in_one_line_unless_quiet() {
    let repo = clean_repo();
    let dir = repo.path();
    for (args, count) in [
        (&["scan"][..], "3 files"),
        (&["scan", "a.txt"][..], "1 file"),
        (&["scan", "--format", "json"][..], "3 files"),
        (&["scan", "--history"][..], "3 blobs"),
    ] {
        let run = tokhyg(dir, args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {}", run.stderr);
        assert!(
            is_clean_summary(lines[0], count),
            "{args:?}: {}",
            run.stderr
        );
        let quiet = tokhyg(dir, &[&["-q"], args].concat());
        assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""), "{args:?}");
        let quiet_after = tokhyg(dir, &[args, &["--quiet"]].concat());
        assert_eq!(quiet_after.stderr, "", "{args:?}");
    }
    // The size is what was read: 6 + 1100 bytes and the config.
    let run = tokhyg(dir, &["scan", "src"]);
    assert!(run.stderr.contains("1 file (1.07 KiB)"), "{}", run.stderr);
}

#[test]
fn a_scan_with_findings_gives_its_figures_only_with_verbose() {
    let repo = clean_repo();
    let dir = repo.path();
    write_file(dir, "leak.txt", format!("key = {SECRET_A}\n").as_bytes());
    let run = tokhyg(dir, &["scan"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let verbose = tokhyg(dir, &["scan", "-v"]);
    assert_eq!(verbose.code, 1);
    let lines: Vec<&str> = verbose.stderr.lines().collect();
    assert!(
        lines[0].starts_with("tokhyg: ")
            && lines[0].contains(" rules, with the configuration ")
            && lines[0].ends_with(".tokhyg.yaml"),
        "{}",
        verbose.stderr
    );
    assert!(
        lines[1].starts_with("tokhyg: scanned 4 files ("),
        "{}",
        verbose.stderr
    );
    assert!(!verbose.stderr.contains("no secrets found"));
    let both = tokhyg(dir, &["scan", "-q", "-v"]);
    assert_eq!(both.code, 2);
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
}

#[test]
fn quiet_silences_confirmations_of_every_subcommand_but_not_warnings() {
    let repo = clean_repo();
    let dir = repo.path();
    write_file(dir, ".gitignore", b".env\n");
    let loud = tokhyg(dir, &["generate", "--into", ".env", "API_KEY"]);
    assert_eq!(loud.code, 0, "{}", loud.stderr);
    assert!(
        loud.stderr.contains("wrote API_KEY to .env"),
        "{}",
        loud.stderr
    );
    let quiet = tokhyg(dir, &["-q", "generate", "--into", ".env", "OTHER_KEY"]);
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
    assert!(
        std::fs::read_to_string(dir.join(".env"))
            .unwrap()
            .contains("OTHER_KEY=")
    );

    let generated = tokhyg(dir, &["generate", "-q"]);
    assert_eq!((generated.code, generated.stderr.as_str()), (0, ""));
    assert_eq!(generated.stdout.trim().len(), 43);
    let weak = tokhyg(dir, &["generate", "-q", "--length", "8"]);
    assert!(
        weak.stderr.contains("warning"),
        "-q keeps warnings: {}",
        weak.stderr
    );

    for args in [&["hook", "install"][..], &["hook", "uninstall"][..]] {
        let loud = tokhyg(dir, args);
        assert_eq!(loud.code, 0, "{args:?}: {}", loud.stderr);
        assert!(loud.stderr.contains("pre-commit hook"), "{}", loud.stderr);
        let quiet = tokhyg(dir, &[args, &["-q"]].concat());
        assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""), "{args:?}");
    }
    let rules = tokhyg(dir, &["rules", "list", "-q"]);
    assert_eq!((rules.code, rules.stderr.as_str()), (0, ""));
    let baseline = tokhyg(dir, &["scan", "-q", "--write-baseline", "b.json"]);
    assert_eq!((baseline.code, baseline.stderr.as_str()), (0, ""));
}

#[test]
fn bidi_and_control_characters_in_file_names_are_escaped() {
    let repo = clean_repo();
    let dir = repo.path();
    // Shown raw, the override would display this name as `invoicetxt.exe`-like reversed text.
    let name = "invoice\u{202e}txt.env";
    write_file(dir, name, format!("key = {SECRET_A}\n").as_bytes());
    let binary = "bin\u{2066}\u{1b}[31m.dat";
    write_file(dir, binary, b"\x00\x01binary");
    let run = tokhyg(dir, &["scan", name, binary]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("invoice\\u{202e}txt.env:1:7  tkh-test-token"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("bin\\u{2066}\\u{1b}[31m.dat"),
        "the warning names the path escaped: {}",
        run.stderr
    );
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains('\u{202e}') && !text.contains('\u{2066}'));
        assert!(!text.contains('\u{1b}'));
    }
}

#[test]
fn quiet_hides_the_history_progress_bar_on_a_terminal() {
    let repo = clean_repo();
    // `script` runs the command on a pseudo-terminal, where the bar is drawn.
    let on_terminal = |args: &str| {
        let command = format!("'{}' {args}", tokhyg_bin().display());
        let out = Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .current_dir(repo.path())
            .output();
        out.map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let Ok(loud) = on_terminal("scan --history") else {
        eprintln!("`script` (util-linux) is not installed: no terminal to test the bar on");
        return;
    };
    assert!(loud.contains("history ["), "{loud:?}");
    let quiet = on_terminal("-q scan --history").expect("script runs");
    assert!(!quiet.contains("history ["), "{quiet:?}");
    assert!(!quiet.contains("no secrets found"), "{quiet:?}");
}
