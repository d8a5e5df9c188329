//! The README is true: every fenced code block in it runs as written, in a temporary git
//! repository that looks like a user's project (a `.gitignore` listing `.env`, a leaked GitHub
//! token in `src/`, the files the examples name, a remote `origin`), with the `tokhyg` the
//! tests built first on PATH.
//!
//! - `sh` blocks: each command line runs in bash, in order, and must exit 0 (or 1, a scan's
//!   "secrets found") without an error message.
//! - `yaml` blocks name their file on their first line (`# .tokhyg.yaml`); each is written
//!   there and used: the configuration by `rules test`, `rules list` and `scan`; the
//!   pre-commit configuration by `pre-commit validate-config` (its hook ids must be ours); the
//!   GitHub Actions and GitLab CI jobs have their shell steps run as the CI service would (this
//!   repository's action as its scan step's script, with the step's inputs), for a
//!   push and for a pull or merge request, and must leave a SARIF report.
//! - A block whose first line, or a line whose end, says [`MARKER`] and why, is not run. Few
//!   may: [`MAX_MARKED`].
//!
//! And the version is the same everywhere it is written (`Cargo.toml`, CHANGELOG.md, the
//! README's and `.pre-commit-hooks.yaml`'s `rev`).

#[path = "support/hook_repo.rs"]
mod hook_repo;
#[path = "support/test_deps.rs"]
mod test_deps;

use hook_repo::git_repo::{git_in, init_repo, write_file};
use serde_yaml_ng::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;
use tokhyg::token::checksum::crc32_base62;

/// What marks a block or a line that is not run; a reason follows it.
const MARKER: &str = "not run by tests/readme.rs:";

/// The most blocks and lines that may carry [`MARKER`]: the first commands, the install
/// commands and the GitLab snippet's install, which need the network.
const MAX_MARKED: usize = 3;

/// A fenced code block of the README.
#[derive(Debug)]
struct Block {
    /// The info string (`sh`, `yaml`).
    lang: String,
    /// 1-based line of the opening fence, for messages.
    line: usize,
    /// The lines between the fences.
    lines: Vec<String>,
}

impl Block {
    /// Whether the whole block is marked as not run.
    fn marked(&self) -> bool {
        self.lines
            .first()
            .is_some_and(|l| l.trim_start().starts_with('#') && l.contains(MARKER))
    }
}

fn readme() -> String {
    std::fs::read_to_string(test_deps::manifest_dir().join("README.md")).expect("README.md")
}

/// The fenced code blocks of `text`, in order.
fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in text.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => {
                open = Some(Block {
                    lang: lang.trim().to_owned(),
                    line: index + 1,
                    lines: Vec::new(),
                })
            }
            (Some(_), Some(_)) => blocks.extend(open.take()),
            (Some(block), None) => block.lines.push(line.to_owned()),
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "the README ends inside a code block");
    blocks
}

/// A valid GitHub classic token (the built-in `github-pat-classic` rule finds it).
fn github_token() -> String {
    let body = "Rk7Qw9Zr2Lm4Xp8Tn1Vb6Yc3Hd5Gf0";
    format!("ghp_{body}{}", crc32_base62(body.as_bytes()))
}

/// The user's project: a committed repository with a remote `origin` (a bare repository
/// beside it), and a home directory with a git identity.
struct Project {
    tmp: TempDir,
    first_commit: String,
}

impl Project {
    fn new() -> Project {
        let tmp = TempDir::new().expect("temp dir");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&home).expect("home");
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n[init]\n\tdefaultBranch = main\n",
        )
        .expect("gitconfig");
        let dir = tmp.path().join("project");
        std::fs::create_dir_all(&dir).expect("project");
        init_repo(&dir);
        write_file(&dir, ".gitignore", b".env\n/target/\n");
        write_file(&dir, "README.md", b"# app\n");
        let first_commit = commit(&dir, "start");
        write_file(
            &dir,
            "src/app.py",
            format!("import os\nGITHUB_TOKEN = \"{}\"\n", github_token()).as_bytes(),
        );
        write_file(&dir, "config.yaml", b"database:\n  host: localhost\n");
        write_file(&dir, "dump.log", b"GET /health 200\n");
        write_file(&dir, "vendor/lib.js", b"export const x = 1;\n");
        write_file(
            &dir,
            "my-rules.yaml",
            b"rules:
  - id: acme-key
    title: Acme API key
    token: {prefix: acme_, alphabet: base62, length: 24}
    examples: ['ACME_KEY=acme_Zr2Lm4Xp8Tn1Vb6Yc3Hd5Gf0']
    negative_examples: ['ACME_KEY=acme_short']
",
        );
        commit(&dir, "app");
        let origin = tmp.path().join("origin.git");
        git_in(
            tmp.path(),
            &["clone", "-q", "--bare", "project", "origin.git"],
        );
        git_in(
            &dir,
            &["remote", "add", "origin", origin.to_str().expect("UTF-8")],
        );
        git_in(&dir, &["fetch", "-q", "origin"]);
        Project { tmp, first_commit }
    }

    fn dir(&self) -> PathBuf {
        self.tmp.path().join("project")
    }

    /// `bash -c SCRIPT` in the project (`-e` when `stop_on_error`, as CI services run steps),
    /// with `env` set; its exit code and output.
    fn bash(&self, script: &str, stop_on_error: bool, env: &[(&str, &str)]) -> (i32, String) {
        let mut command = Command::new("bash");
        command
            .arg("--norc")
            .arg("--noprofile")
            .args(stop_on_error.then_some("-e"))
            .args(["-c", script])
            .current_dir(self.dir())
            .env("PATH", hook_repo::path_with_tokhyg())
            .env("HOME", self.tmp.path().join("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE")
            .env_remove("TOKHYG")
            .envs(env.iter().copied());
        let out = command.output().expect("bash runs");
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().unwrap_or(-1), output)
    }

    /// Runs `script` and checks that it ran: exit 0, or 1 (secrets found), and no error.
    fn runs(&self, what: &str, script: &str, stop_on_error: bool, env: &[(&str, &str)]) {
        let (code, output) = self.bash(script, stop_on_error, env);
        assert!(
            (code == 0 || code == 1) && !output.contains("error:"),
            "{what} does not run as written (exit {code}):\n{script}\n--- output:\n{output}"
        );
    }
}

/// `git add -A && git commit` in `dir`; the new commit's id.
fn commit(dir: &Path, message: &str) -> String {
    git_in(dir, &["add", "-A"]);
    git_in(dir, &["commit", "-q", "-m", message]);
    git_in(dir, &["rev-parse", "HEAD"])
}

/// The command before a marker comment on `line`, as a YAML list item or `run:` step holds it.
fn marked_command(line: &str) -> Option<String> {
    let (before, _) = line.split_once(MARKER)?;
    let command = before.trim_end().strip_suffix('#')?.trim();
    let command = command
        .trim_start_matches("- ")
        .trim_start_matches("run:")
        .trim();
    Some(command.to_owned())
}

/// Every marker in the README, with the reason it gives.
fn markers(blocks: &[Block]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for block in blocks {
        for (offset, line) in block.lines.iter().enumerate() {
            if let Some((_, reason)) = line.split_once(MARKER) {
                found.push((block.line + 1 + offset, reason.trim().to_owned()));
            }
        }
    }
    found
}

/// Runs a `sh` block line by line.
fn run_sh(project: &Project, block: &Block) {
    for (offset, line) in block.lines.iter().enumerate() {
        let command = line.trim();
        if command.is_empty() || command.starts_with('#') {
            continue;
        }
        let what = format!("README line {}", block.line + 1 + offset);
        project.runs(&what, command, false, &[]);
    }
}

/// The shell steps of a GitHub Actions workflow (`run:` of every job's steps), this
/// repository's action (`uses: tokhyg/tokhyg@...`) included as its scan step's script.
fn github_steps(workflow: &Value) -> Vec<String> {
    let jobs = workflow["jobs"].as_mapping().expect("jobs");
    jobs.values()
        .flat_map(|job| job["steps"].as_sequence().expect("steps").iter())
        .filter_map(|step| match (step["run"].as_str(), step["uses"].as_str()) {
            (Some(run), _) => Some(run.to_owned()),
            (None, Some(uses)) if uses.starts_with("tokhyg/tokhyg@") => {
                Some(action_scan_script(&step["with"]))
            }
            _ => None,
        })
        .collect()
}

/// The scan step of `action.yml` as a script, its environment set from the step's `with:`
/// inputs (or the action's defaults) the way the runner would: the pull request's base and
/// head are `main` and `HEAD`, and the installed binary is the tokhyg on PATH (the install
/// step downloads a release, which a test cannot).
fn action_scan_script(with: &Value) -> String {
    let action: Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(test_deps::manifest_dir().join("action.yml")).expect("action.yml"),
    )
    .expect("action.yml is YAML");
    let scan = action["runs"]["steps"]
        .as_sequence()
        .expect("the action's steps")
        .iter()
        .find(|step| step["id"].as_str() == Some("scan"))
        .expect("the action's scan step");
    let input = |name: &str| {
        with[name]
            .as_str()
            .map(str::to_owned)
            .or_else(|| {
                action["inputs"][name]["default"]
                    .as_str()
                    .map(str::to_owned)
            })
            .unwrap_or_default()
    };
    let mut script = String::from(
        "export RUNNER_TEMP=\"$(mktemp -d)\"\nmkdir \"$RUNNER_TEMP/tokhyg-bin\"\n\
         ln -s \"$(command -v tokhyg)\" \"$RUNNER_TEMP/tokhyg-bin/tokhyg\"\n\
         export GITHUB_OUTPUT=\"$RUNNER_TEMP/output\"\n",
    );
    for (name, value) in scan["env"].as_mapping().expect("the scan step's env") {
        let name = name.as_str().expect("a variable name");
        let value = value.as_str().expect("a value");
        let value = match value {
            "${{ github.event.pull_request.base.sha }}" => "$(git rev-parse main)".to_owned(),
            "${{ github.event.pull_request.head.sha }}" => "$(git rev-parse HEAD)".to_owned(),
            "${{ github.event_name }}" => value.to_owned(),
            other => match other
                .strip_prefix("${{ inputs.")
                .and_then(|rest| rest.strip_suffix(" }}"))
            {
                Some(input_name) => input(input_name).replace('"', "\\\""),
                None => panic!("action.yml: an expression the test does not know: {other}"),
            },
        };
        script.push_str(&format!("export {name}=\"{value}\"\n"));
    }
    script.push_str(scan["run"].as_str().expect("the scan step's script"));
    script
}

/// The scripts of the GitLab CI jobs (each job's `script:` list as one script).
fn gitlab_scripts(pipeline: &Value) -> Vec<Vec<String>> {
    pipeline
        .as_mapping()
        .expect("a mapping of jobs")
        .values()
        .filter_map(|job| job["script"].as_sequence())
        .map(|items| {
            items
                .iter()
                .map(|item| item.as_str().expect("a command").to_owned())
                .collect()
        })
        .collect()
}

/// Checks the SARIF report a CI job left, and removes it.
fn take_sarif(project: &Project, what: &str) {
    let path = project.dir().join("tokhyg.sarif");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{what} left no tokhyg.sarif: {error}"));
    let sarif: serde_json::Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0", "{what}");
    std::fs::remove_file(path).expect("remove");
}

/// Writes a `yaml` block to the file its first line names, and uses it.
fn run_yaml(project: &Project, block: &Block, skipped: &[String]) {
    let name = block
        .lines
        .first()
        .and_then(|line| line.strip_prefix("# "))
        .unwrap_or_else(|| {
            panic!(
                "README line {}: a YAML block names its file first",
                block.line
            )
        })
        .trim()
        .to_owned();
    let text = block.lines.join("\n") + "\n";
    write_file(&project.dir(), &name, text.as_bytes());
    let value: Value = serde_yaml_ng::from_str(&text)
        .unwrap_or_else(|error| panic!("{name} in the README is not YAML: {error}"));
    let not_skipped = |script: &String| !skipped.iter().any(|s| s == script.trim());
    match name.as_str() {
        ".tokhyg.yaml" => {
            for command in [
                "tokhyg rules test .tokhyg.yaml",
                "tokhyg rules list",
                "tokhyg scan",
            ] {
                project.runs(&format!("{name} ({command})"), command, false, &[]);
            }
        }
        ".pre-commit-config.yaml" => {
            let ours: Value = serde_yaml_ng::from_str(
                &std::fs::read_to_string(test_deps::manifest_dir().join(".pre-commit-hooks.yaml"))
                    .expect(".pre-commit-hooks.yaml"),
            )
            .expect("YAML");
            let ids: Vec<&str> = ours
                .as_sequence()
                .expect("a list of hooks")
                .iter()
                .filter_map(|hook| hook["id"].as_str())
                .collect();
            for hook in value["repos"][0]["hooks"].as_sequence().expect("hooks") {
                let id = hook["id"].as_str().expect("an id");
                assert!(ids.contains(&id), "{name}: no hook {id} in {ids:?}");
            }
            let pre_commit = test_deps::venv_bin("pre-commit");
            let command = format!("'{}' validate-config {name}", pre_commit.display());
            project.runs(&name, &command, false, &[]);
        }
        ".gitlab-ci.yml" => {
            let scripts = gitlab_scripts(&value);
            assert!(!scripts.is_empty(), "{name}: no job has a script");
            for items in scripts {
                let script: Vec<String> = items.into_iter().filter(not_skipped).collect();
                let script = script.join("\n");
                let base = project.first_commit.clone();
                for env in [
                    vec![("CI_MERGE_REQUEST_DIFF_BASE_SHA", base.as_str())],
                    vec![],
                ] {
                    let what = format!("{name} with {env:?}");
                    project.runs(&what, &script, true, &env);
                    take_sarif(project, &what);
                }
            }
        }
        workflow if workflow.starts_with(".github/workflows/") => {
            let steps: Vec<String> = github_steps(&value)
                .into_iter()
                .filter(not_skipped)
                .collect();
            assert!(!steps.is_empty(), "{name}: no shell step");
            for (event, base_ref) in [("push", ""), ("pull_request", "main")] {
                for step in &steps {
                    let step = step
                        .replace("${{ github.event_name }}", event)
                        .replace("${{ github.base_ref }}", base_ref);
                    assert!(
                        !step.contains("${{"),
                        "{name}: an expression the test does not know: {step}"
                    );
                    project.runs(&format!("{name} on {event}"), &step, true, &[]);
                }
                take_sarif(project, &format!("{name} on {event}"));
            }
        }
        other => panic!(
            "README line {}: the test does not know how to use {other}",
            block.line
        ),
    }
}

#[test]
fn every_readme_code_block_runs_as_written() {
    let blocks = blocks(&readme());
    let markers = markers(&blocks);
    assert!(
        markers.len() <= MAX_MARKED,
        "more than {MAX_MARKED} blocks or lines are not run: {markers:?}"
    );
    for (line, reason) in &markers {
        assert!(
            reason.len() > 3,
            "README line {line}: the marker gives no reason"
        );
    }
    let skipped: Vec<String> = blocks
        .iter()
        .flat_map(|block| block.lines.iter())
        .filter_map(|line| marked_command(line))
        .collect();
    let project = Project::new();
    let mut ran = 0;
    for block in &blocks {
        if block.marked() {
            continue;
        }
        match block.lang.as_str() {
            "sh" => run_sh(&project, block),
            "yaml" => run_yaml(&project, block, &skipped),
            other => panic!(
                "README line {}: a code block in {other:?}: say sh or yaml",
                block.line
            ),
        }
        ran += 1;
    }
    assert!(ran >= 8, "only {ran} blocks ran: {blocks:?}");
}

#[test]
fn the_block_parser_and_markers_read_what_is_written() {
    let text = "a\n```sh\n# not run by tests/readme.rs: slow\nx\n```\n```yaml\n# f.yaml\n  - run: cargo x   # not run by tests/readme.rs: network\n```\n";
    let blocks = blocks(text);
    assert_eq!(blocks.len(), 2);
    assert_eq!((blocks[0].lang.as_str(), blocks[0].line), ("sh", 2));
    assert!(blocks[0].marked() && !blocks[1].marked());
    assert_eq!(
        markers(&blocks),
        [(3, "slow".to_owned()), (8, "network".to_owned())]
    );
    assert_eq!(
        marked_command(&blocks[1].lines[1]).as_deref(),
        Some("cargo x")
    );
}

/// The version headings of CHANGELOG.md (`## [0.1.0]`), newest first, without Unreleased.
fn changelog_versions() -> Vec<String> {
    let text = std::fs::read_to_string(test_deps::manifest_dir().join("CHANGELOG.md"))
        .expect("CHANGELOG.md");
    text.lines()
        .filter_map(|line| line.strip_prefix("## ["))
        .filter_map(|rest| rest.split_once(']').map(|(version, _)| version.to_owned()))
        .filter(|version| version != "Unreleased")
        .collect()
}

/// Every `rev: X` in `text`.
fn revs(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.trim_start_matches([' ', '#']).strip_prefix("rev: "))
        .map(|rev| rev.trim().to_owned())
        .collect()
}

#[test]
fn cargo_changelog_and_documented_rev_name_the_same_version() {
    let version = env!("CARGO_PKG_VERSION");
    let tag = format!("v{version}");
    let released = changelog_versions();
    assert_eq!(
        released.first().map(String::as_str),
        Some(version),
        "CHANGELOG.md's newest version is not Cargo.toml's {version}: {released:?}"
    );
    let readme = readme();
    let readme_revs = revs(&readme);
    assert!(!readme_revs.is_empty(), "the README names no rev");
    assert!(
        readme_revs.iter().all(|rev| *rev == tag),
        "{readme_revs:?} vs {tag}"
    );
    assert!(readme.contains(&format!("`{tag}` is the version this README describes")));
    let hooks = std::fs::read_to_string(test_deps::manifest_dir().join(".pre-commit-hooks.yaml"))
        .expect(".pre-commit-hooks.yaml");
    let hook_revs = revs(&hooks);
    assert!(
        hook_revs.iter().all(|rev| *rev == tag),
        "{hook_revs:?} vs {tag}"
    );
}
