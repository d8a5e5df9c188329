//! The GitHub workflows and the composite action, checked here since they cannot run here:
//! each passes `check-jsonschema` with its built-in GitHub schema and `zizmor --offline` with
//! no medium or high finding (pinned actions, least permissions, no template injection); both
//! tools are installed into `.test-deps/venv` by `scripts/install-test-deps.sh` and work
//! without network. The release archives are named as `cargo binstall` and the action expect.

#[path = "support/test_deps.rs"]
mod test_deps;

use std::path::PathBuf;
use std::process::Command;
use test_deps::{manifest_dir, venv_bin};

fn workflows() -> Vec<PathBuf> {
    let dir = manifest_dir().join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect(".github/workflows")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yml"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "the release and CI workflows: {files:?}");
    files
}

fn run(program: PathBuf, args: &[&str], files: &[PathBuf]) {
    let output = Command::new(&program)
        .current_dir(manifest_dir())
        .args(args)
        .args(files)
        .output()
        .expect("the checker runs");
    assert!(
        output.status.success(),
        "{} {args:?} failed:\n{}{}",
        program.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn workflows_and_the_action_pass_their_json_schemas() {
    let checker = venv_bin("check-jsonschema");
    run(
        checker.clone(),
        &["--builtin-schema", "vendor.github-workflows"],
        &workflows(),
    );
    run(
        checker,
        &["--builtin-schema", "vendor.github-actions"],
        &[manifest_dir().join("action.yml")],
    );
}

#[test]
fn zizmor_finds_nothing_of_medium_or_high_severity() {
    let mut files = workflows();
    files.push(manifest_dir().join("action.yml"));
    run(
        venv_bin("zizmor"),
        &["--offline", "--min-severity", "medium", "--no-progress"],
        &files,
    );
}

#[test]
fn release_archives_are_named_as_binstall_and_the_action_expect() {
    let release =
        std::fs::read_to_string(manifest_dir().join(".github/workflows/release.yml")).unwrap();
    assert!(release.contains(r#"name="tokhyg-${VERSION}-${TARGET}""#));
    assert!(release.contains(r#""$name.tar.gz""#) && release.contains(r#""$name.zip""#));
    let manifest = std::fs::read_to_string(manifest_dir().join("Cargo.toml")).unwrap();
    assert!(manifest.contains(
        r#"pkg-url = "{ repo }/releases/download/v{ version }/tokhyg-v{ version }-{ target }{ archive-suffix }""#
    ));
    let action = std::fs::read_to_string(manifest_dir().join("action.yml")).unwrap();
    assert!(action.contains(r#"name="tokhyg-$VERSION-$target""#));
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(
            release.contains(target) && action.contains(target),
            "{target}"
        );
    }
}
