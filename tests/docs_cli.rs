//! `tokhyg completions` and `tokhyg man`, generated from the clap definition: the bash script
//! is loaded into a real bash whose completion function is driven as readline drives it, the
//! other shells' scripts name every subcommand, and the manual pages render without a warning.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `tokhyg ARGS`, which must succeed; its stdout.
fn tokhyg(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tokhyg"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The candidates bash's completion for `tokhyg` offers for the words of `line`, the last of
/// which is being completed: the script is sourced into a clean bash and its completion
/// function called with COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set as readline sets
/// them.
fn bash_complete(script: &Path, line: &str) -> Vec<String> {
    let program = r#"source "$1" || exit 3
complete -p tokhyg >/dev/null || exit 4
COMP_LINE="$2"
COMP_POINT=${#COMP_LINE}
read -r -a COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
function=$(complete -p tokhyg | sed -n 's/.*-F \([^ ]*\).*/\1/p')
"$function" tokhyg "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}""#;
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", program, "bash"])
        .arg(script)
        .arg(line)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{line:?}: exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut words: Vec<String> = String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect();
    words.sort();
    words
}

#[test]
fn bash_completion_loads_in_bash_and_completes_subcommands_options_and_values() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("tokhyg.bash");
    std::fs::write(&script, tokhyg(&["completions", "bash"])).expect("write");
    assert_eq!(bash_complete(&script, "tokhyg sc"), ["scan"]);
    assert_eq!(bash_complete(&script, "tokhyg scan --for"), ["--format"]);
    assert_eq!(
        bash_complete(&script, "tokhyg scan --format "),
        ["json", "jsonl", "sarif", "text"]
    );
    let shells: Vec<String> = bash_complete(&script, "tokhyg completions ")
        .into_iter()
        .filter(|word| !word.starts_with('-'))
        .collect();
    assert_eq!(shells, ["bash", "elvish", "fish", "powershell", "zsh"]);
    assert_eq!(
        bash_complete(&script, "tokhyg --color "),
        ["always", "auto", "never"]
    );
    let top = bash_complete(&script, "tokhyg ");
    for subcommand in ["completions", "generate", "hook", "man", "rules", "scan"] {
        assert!(top.iter().any(|w| w == subcommand), "{subcommand}: {top:?}");
    }
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand_and_option() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = tokhyg(&["completions", shell]);
        for word in [
            "scan",
            "generate",
            "rules",
            "hook",
            "man",
            "history",
            "show-secrets",
        ] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    let refused = Command::new(env!("CARGO_BIN_EXE_tokhyg"))
        .args(["completions", "tcsh"])
        .output()
        .expect("runs");
    assert_eq!(refused.status.code(), Some(2));
}

/// Renders a manual page with groff and returns its warnings (none expected).
fn groff_warnings(page: &Path) -> String {
    let out = Command::new("groff")
        .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
        .arg(page)
        .output()
        .expect("groff runs");
    assert!(out.status.success(), "{}", page.display());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn man_pages_describe_every_command_and_render_cleanly() {
    let page = tokhyg(&["man"]);
    assert!(page.contains(".TH tokhyg 1"), "{page}");
    for word in [
        "scan",
        "generate",
        "completions",
        "\\-\\-quiet",
        "\\-\\-color",
    ] {
        assert!(page.contains(word), "{word} in {page}");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let single = dir.path().join("tokhyg.1");
    std::fs::write(&single, &page).expect("write");
    if Command::new("groff").arg("--version").output().is_err() {
        eprintln!("groff is not installed: the pages are not rendered");
        return;
    }
    assert_eq!(groff_warnings(&single), "");
    let pages = dir.path().join("pages");
    tokhyg(&["man", "--dir", pages.to_str().expect("UTF-8")]);
    let mut names: Vec<PathBuf> = std::fs::read_dir(&pages)
        .expect("the directory")
        .map(|entry| entry.expect("entry").path())
        .collect();
    names.sort();
    let files: Vec<String> = names
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in [
        "tokhyg.1",
        "tokhyg-scan.1",
        "tokhyg-generate.1",
        "tokhyg-hook-install.1",
    ] {
        assert!(files.iter().any(|f| f == expected), "{expected}: {files:?}");
    }
    let scan = std::fs::read_to_string(pages.join("tokhyg-scan.1")).expect("read");
    assert!(scan.contains("\\-\\-history") && scan.contains("\\-\\-redact"));
    for page in &names {
        assert_eq!(groff_warnings(page), "", "{}", page.display());
    }
}
