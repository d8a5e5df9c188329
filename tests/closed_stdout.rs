//! A reader that closes the pipe early (`tokhyg rules list | head`) is a normal end of the
//! output for every subcommand: no error message, and the exit status the command would have
//! had. The pipe is closed before the command starts, so its first write already fails.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `tokhyg ARGS` in `dir` with standard output a pipe whose reading end is closed.
fn run_into_closed_pipe(dir: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    Command::new(assert_cmd::cargo::cargo_bin("tokhyg"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .output()
        .expect("tokhyg runs")
}

fn assert_quiet_end(dir: &Path, args: &[&str], code: i32) {
    let output = run_into_closed_pipe(dir, args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
    assert!(
        !stderr.contains("error") && !stderr.contains("pipe") && !stderr.contains("panicked"),
        "{args:?}: {stderr}"
    );
}

#[test]
fn every_subcommand_ends_quietly_when_its_reader_closes_the_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let rule = "rules:\n  - id: acme\n    title: Acme\n    keywords: [acme_]\n    \
                pattern: 'acme_[a-z0-9]{12}'\n    examples: ['acme_k3q9zr7w2m4x']\n    \
                negative_examples: ['acme_short']\n";
    std::fs::write(root.join(".tokhyg.yaml"), rule).unwrap();
    std::fs::write(root.join("rules.yaml"), rule).unwrap();
    std::fs::write(root.join("leak.txt"), "key = acme_k3q9zr7w2m4x\n").unwrap();
    assert_quiet_end(root, &["rules", "list"], 0);
    assert_quiet_end(root, &["rules", "list", "--json"], 0);
    assert_quiet_end(root, &["rules", "test", "rules.yaml"], 0);
    assert_quiet_end(root, &["generate", "--count", "100000"], 0);
    assert_quiet_end(root, &["generate", "--json", "--count", "10"], 0);
    assert_quiet_end(
        root,
        &["generate", "--into", "out.env", "--show", "API_KEY"],
        0,
    );
    assert!(root.join("out.env").is_file());
    // The exit status is still the scan's: a secret was found.
    assert_quiet_end(root, &["scan", "leak.txt"], 1);
    assert_quiet_end(root, &["scan", "--format", "sarif", "leak.txt"], 1);
    assert_quiet_end(root, &["--help"], 0);
}
