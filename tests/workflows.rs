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

#[path = "support/git_repo.rs"]
mod git_repo;

/// Runs the action's scan step as the runner does (`bash -eo pipefail`, its `env:` given,
/// the binary under test as the installed one) in `repo`; returns the exit code and what it
/// wrote to `GITHUB_OUTPUT`.
fn action_scan(repo: &git_repo::GitRepo, env: &[(&str, &str)]) -> (i32, String) {
    let action: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(manifest_dir().join("action.yml")).unwrap(),
    )
    .unwrap();
    let script = action["runs"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|step| step["id"].as_str() == Some("scan"))
        .and_then(|step| step["run"].as_str())
        .expect("the action's scan step")
        .to_owned();
    let runner_temp = repo.tmp.path().join("runner-temp");
    std::fs::create_dir_all(runner_temp.join("tokhyg-bin")).unwrap();
    let installed = runner_temp.join("tokhyg-bin/tokhyg");
    if !installed.exists() {
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_tokhyg"), &installed).unwrap();
    }
    let output_file = runner_temp.join("output");
    let _ = std::fs::remove_file(&output_file);
    let defaults = [
        ("EVENT", "push"),
        ("BASE", ""),
        ("HEAD", ""),
        ("RANGE", ""),
        ("CONFIG", ""),
        ("BASELINE", ""),
        ("ARGS", ""),
        ("SARIF", "tokhyg.sarif"),
        ("FAIL", "true"),
    ];
    let mut command = Command::new("bash");
    command
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
        .current_dir(&repo.dir)
        .env("RUNNER_TEMP", &runner_temp)
        .env("GITHUB_OUTPUT", &output_file)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE");
    for (name, value) in defaults {
        command.env(name, value);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let status = command.status().expect("bash runs");
    let written = std::fs::read_to_string(&output_file).unwrap_or_default();
    (status.code().unwrap(), written)
}

#[test]
fn the_action_scan_step_reports_fails_on_findings_and_writes_sarif() {
    let repo = git_repo::GitRepo::new(git_repo::TEST_RULES);
    let rules = repo.rules.to_str().unwrap().to_owned();
    repo.write("clean.txt", "nothing here\n");
    let base = repo.commit("clean");
    let config = [("CONFIG", rules.as_str())];
    assert_eq!(action_scan(&repo, &config), (0, "findings=false\n".into()));
    assert!(repo.dir.join("tokhyg.sarif").is_file());

    repo.write("deploy.env", &format!("TOKEN={}\n", git_repo::SECRET_A));
    let head = repo.commit("leak");
    assert_eq!(action_scan(&repo, &config), (1, "findings=true\n".into()));
    let sarif = std::fs::read_to_string(repo.dir.join("tokhyg.sarif")).unwrap();
    assert!(sarif.contains("tkh-test-token"), "{sarif}");
    let keep_going = [("CONFIG", rules.as_str()), ("FAIL", "false")];
    assert_eq!(
        action_scan(&repo, &keep_going),
        (0, "findings=true\n".into())
    );

    // A pull request's commits: the leak is in base..head, not in base alone.
    let pull = |from: &str, to: &str| {
        action_scan(
            &repo,
            &[
                ("CONFIG", rules.as_str()),
                ("EVENT", "pull_request"),
                ("BASE", from),
                ("HEAD", to),
            ],
        )
    };
    assert_eq!(pull(&base, &head).0, 1);
    assert_eq!(pull(&base, &base).0, 0);
}
