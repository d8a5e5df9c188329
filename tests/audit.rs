//! `tokhyg audit` on real temporary repositories: a well-kept repository passes every check,
//! and each kind of gap fails (or warns in) its own check, with the fix, never printing a secret.

#[path = "support/git_repo.rs"]
mod git_repo;
#[path = "support/sarif_validator.rs"]
mod sarif_validator;
#[path = "support/secret_gen.rs"]
mod secret_gen;
#[path = "support/test_deps.rs"]
mod test_deps;

use assert_cmd::Command;
use git_repo::{git_in, init_repo, write_file};
use serde_json::Value;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use tempfile::TempDir;

/// Every line a well-kept `.gitignore` has for secrets.
const GITIGNORE: &str =
    ".env\n.env.*\n!.env.example\n*.pem\n*.key\nid_rsa*\nid_ed25519*\n*.p12\n*.pfx\nlogs/\n";

/// A repository that does everything right: ignores, a template of placeholders, the hook and
/// the CI job, and a `.env` written by `tokhyg generate --into` (stamped, 0600).
fn well_kept() -> TempDir {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    init_repo(dir);
    write_file(dir, ".gitignore", GITIGNORE.as_bytes());
    write_file(dir, ".env.example", b"API_KEY=changeme\nDB_PASSWORD=\n");
    write_file(
        dir,
        ".pre-commit-config.yaml",
        b"repos:\n  - repo: https://github.com/tokhyg/tokhyg\n    rev: v0.2.0\n    hooks:\n      - id: tokhyg\n",
    );
    write_file(
        dir,
        ".github/workflows/secrets.yml",
        b"on: push\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with: {fetch-depth: 0}\n      - run: tokhyg scan --history\n",
    );
    write_file(
        dir,
        "src/app.py",
        b"import os\n\nAPI_KEY = os.environ[\"API_KEY\"]\n",
    );
    git_in(dir, &["add", "-A"]);
    git_in(dir, &["commit", "-q", "-m", "start"]);
    tokhyg(
        dir,
        &["generate", "--into", ".env", "API_KEY", "DB_PASSWORD"],
    );
    tmp
}

/// Runs tokhyg in `dir`; its output.
fn tokhyg(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("tokhyg")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `tokhyg audit --format json ARGS` in `dir`: (exit code, report, stdout text).
fn audit(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["audit", "--format", "json"];
    all.extend_from_slice(args);
    let output = tokhyg(dir, &all);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), report, stdout)
}

/// The check `id` of a JSON report.
fn check<'r>(report: &'r Value, id: &str) -> &'r Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {report}"))
}

fn status<'r>(report: &'r Value, id: &str) -> &'r str {
    check(report, id)["status"].as_str().unwrap()
}

/// The messages and fixes of check `id`, one string.
fn said(report: &Value, id: &str) -> String {
    check(report, id)["items"].to_string()
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_well_kept_repository_passes_every_check() {
    let repo = well_kept();
    let (code, report, _) = audit(repo.path(), &[]);
    let ids: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "env-files",
            "weak-values",
            "reuse",
            "templates",
            "rotation",
            "exposure",
            "protection",
            "history"
        ]
    );
    for id in ids {
        assert_eq!(status(&report, id), "pass", "{id}: {}", said(&report, id));
    }
    assert_eq!(code, 0);
    let text = tokhyg(repo.path(), &["audit"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.ends_with("audit: 0 failed, 0 warned, 8 passed\n"),
        "{text}"
    );
}

#[test]
fn a_tracked_world_readable_env_and_a_thin_gitignore_fail_where_secrets_live() {
    let repo = well_kept();
    let dir = repo.path();
    git_in(dir, &["add", "-f", ".env"]);
    set_mode(&dir.join(".env"), 0o644);
    write_file(dir, ".gitignore", b"logs/\n!.env\n");
    let (code, report, _) = audit(dir, &["--no-history"]);
    assert_eq!(code, 1);
    assert_eq!(status(&report, "env-files"), "fail");
    let items = said(&report, "env-files");
    assert!(items.contains(".env is tracked by git"), "{items}");
    assert!(items.contains("git rm --cached .env"), "{items}");
    assert!(items.contains("chmod 600 .env"), "{items}");
    assert!(items.contains("*.pem"), "{items}");
    // The staged .env is not committed, yet: the other checks still see a repository whose
    // history is clean.
    assert_eq!(status(&report, "history"), "skip");
}

#[test]
fn an_env_git_does_not_ignore_fails_with_the_gitignore_line() {
    let repo = well_kept();
    let dir = repo.path();
    write_file(dir, "deploy/prod.env", b"X=1\n");
    let (_, report, _) = audit(dir, &["--no-history"]);
    let items = said(&report, "env-files");
    assert!(
        items.contains("deploy/prod.env is not ignored by git"),
        "{items}"
    );
    assert!(items.contains("/deploy/prod.env >> .gitignore"), "{items}");
}

#[test]
fn weak_default_and_example_values_fail_without_being_printed() {
    let repo = well_kept();
    let dir = repo.path();
    let short = secret_gen::random("base62", 12);
    let mut env = fs::read_to_string(dir.join(".env")).unwrap();
    env.push_str(&format!(
        "ADMIN_PASSWORD=changeme\nSESSION_SECRET={short}\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    ));
    fs::write(dir.join(".env"), env).unwrap();
    let (code, report, stdout) = audit(dir, &["--no-history"]);
    assert_eq!(code, 1);
    assert_eq!(status(&report, "weak-values"), "fail");
    let items = said(&report, "weak-values");
    assert!(items.contains("ADMIN_PASSWORD"), "{items}");
    assert!(items.contains("default or placeholder"), "{items}");
    assert!(items.contains("SESSION_SECRET"), "{items}");
    assert!(items.contains("under the 128"), "{items}");
    assert!(items.contains("documented example key"), "{items}");
    assert!(
        items.contains("tokhyg generate --into .env --force SESSION_SECRET"),
        "{items}"
    );
    assert!(!stdout.contains(&short), "a secret value was printed");
    // The strong keys `generate` wrote are not among them.
    assert!(!items.contains("API_KEY"), "{items}");
}

#[test]
fn one_value_in_two_environments_fails_reuse_naming_it_by_id() {
    let repo = well_kept();
    let dir = repo.path();
    let shared = secret_gen::random("base62", 43);
    let other = secret_gen::random("base62", 43);
    write_file(
        dir,
        ".env.staging",
        format!("STRIPE_KEY={shared}\n").as_bytes(),
    );
    write_file(
        dir,
        ".env.production",
        format!("STRIPE_KEY={shared}\nSENTRY_TOKEN={other}\n").as_bytes(),
    );
    for file in [".env.staging", ".env.production"] {
        set_mode(&dir.join(file), 0o600);
    }
    let (code, report, stdout) = audit(dir, &["--no-history"]);
    assert_eq!(code, 1);
    assert_eq!(status(&report, "reuse"), "fail");
    let items = said(&report, "reuse");
    let id = tokhyg::token::key_id::key_id_unchecked(&shared);
    assert!(items.contains(&format!("id {id}")), "{items}");
    assert!(
        items.contains(".env.staging:1") && items.contains(".env.production:1"),
        "{items}"
    );
    assert!(!items.contains("SENTRY_TOKEN"), "{items}");
    assert!(!stdout.contains(&shared));
}

#[test]
fn a_real_looking_key_in_a_template_fails() {
    let repo = well_kept();
    let dir = repo.path();
    let key = secret_gen::random("base62", 40);
    write_file(
        dir,
        ".env.example",
        format!("API_KEY=changeme\nDB_PASSWORD=\nJWT_SECRET={key}\n").as_bytes(),
    );
    let (code, report, stdout) = audit(dir, &["--no-history"]);
    assert_eq!(code, 1);
    assert_eq!(status(&report, "templates"), "fail");
    let items = said(&report, "templates");
    assert!(items.contains(".env.example:3"), "{items}");
    assert!(!items.contains(".env.example:1"), "{items}");
    assert!(!stdout.contains(&key));
}

#[test]
fn old_and_unstamped_keys_warn_rotation_within_the_window_passes() {
    let repo = well_kept();
    let dir = repo.path();
    let env = fs::read_to_string(dir.join(".env")).unwrap();
    let dated: String = env
        .lines()
        .map(|line| match line.starts_with("# tokhyg: API_KEY ") {
            true => "# tokhyg: API_KEY generated 2020-01-01, 256 bits\n".to_string(),
            false => format!("{line}\n"),
        })
        .collect();
    let unstamped = secret_gen::random("base62", 43);
    fs::write(
        dir.join(".env"),
        format!("{dated}LEGACY_TOKEN={unstamped}\n"),
    )
    .unwrap();
    let (code, report, _) = audit(dir, &["--no-history"]);
    assert_eq!(status(&report, "rotation"), "warn");
    assert_eq!(code, 0, "a warning is not a failure: {report}");
    let items = said(&report, "rotation");
    assert!(
        items.contains("API_KEY in .env was generated 2020-01-01"),
        "{items}"
    );
    assert!(items.contains("over the 90-day rotation window"), "{items}");
    assert!(
        items.contains("tokhyg generate --into .env --rotate API_KEY"),
        "{items}"
    );
    assert!(
        items.contains("LEGACY_TOKEN in .env is of unknown age"),
        "{items}"
    );
    assert!(!items.contains("DB_PASSWORD"), "{items}");
    let (_, wide, _) = audit(dir, &["--no-history", "--max-age", "100y"]);
    let items = said(&wide, "rotation");
    assert!(!items.contains("API_KEY"), "{items}");
}

#[test]
fn secrets_in_logs_web_output_query_strings_and_comments_fail_exposure() {
    let repo = well_kept();
    let dir = repo.path();
    let jwt = secret_gen::signed_jwt("svc-billing");
    write_file(
        dir,
        "logs/app.log",
        format!("10:01 GET /v1/me Authorization: Bearer {jwt}\n").as_bytes(),
    );
    let aws = secret_gen::aws_access_key_id();
    write_file(
        dir,
        "public/config.js",
        format!("window.cfg = {{ awsKeyId: \"{aws}\" }};\n").as_bytes(),
    );
    let token = secret_gen::random("base62", 32);
    write_file(
        dir,
        "src/client.py",
        format!("URL = \"https://api.acme.io/v1/items?api_key={token}\"\n").as_bytes(),
    );
    let old = secret_gen::random("base62", 36);
    write_file(
        dir,
        "src/old.js",
        format!("// old token: ghp_{old}\nmodule.exports = {{}};\n").as_bytes(),
    );
    let (code, report, stdout) = audit(dir, &["--no-history"]);
    assert_eq!(code, 1);
    assert_eq!(status(&report, "exposure"), "fail");
    let items = said(&report, "exposure");
    assert!(items.contains("in a log file at logs/app.log:1"), "{items}");
    assert!(
        items.contains("ships to browsers at public/config.js:1"),
        "{items}"
    );
    assert!(items.contains("query string at src/client.py:1"), "{items}");
    for secret in [&jwt, &aws, &token, &old] {
        assert!(!stdout.contains(secret.as_str()), "printed {secret}");
    }
}

#[test]
fn a_repository_without_hook_or_ci_warns_with_the_commands() {
    let repo = well_kept();
    let dir = repo.path();
    fs::remove_file(dir.join(".pre-commit-config.yaml")).unwrap();
    fs::remove_dir_all(dir.join(".github")).unwrap();
    let (code, report, _) = audit(dir, &["--no-history"]);
    assert_eq!(code, 0);
    assert_eq!(status(&report, "protection"), "warn");
    assert!(said(&report, "protection").contains("tokhyg hook install"));
    tokhyg(dir, &["hook", "install"]);
    let (_, report, _) = audit(dir, &["--no-history"]);
    let items = said(&report, "protection");
    assert!(!items.contains("pre-commit hook"), "{items}");
    assert!(items.contains("no CI job"), "{items}");
}

#[test]
fn a_secret_removed_from_the_tree_still_fails_history() {
    let repo = well_kept();
    let dir = repo.path();
    let key = secret_gen::aws_access_key_id();
    let secret = secret_gen::random("base64", 40);
    write_file(
        dir,
        "config/aws.py",
        format!("AWS_ACCESS_KEY_ID = \"{key}\"\nAWS_SECRET_ACCESS_KEY = \"{secret}\"\n").as_bytes(),
    );
    git_in(dir, &["add", "-A"]);
    git_in(dir, &["commit", "-q", "-m", "config"]);
    fs::remove_file(dir.join("config/aws.py")).unwrap();
    git_in(dir, &["commit", "-q", "-am", "remove the keys"]);
    let (code, report, stdout) = audit(dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(status(&report, "history"), "fail");
    let summary = check(&report, "history")["summary"].as_str().unwrap();
    assert!(summary.ends_with(", 0 still in the work tree"), "{summary}");
    assert!(said(&report, "history").contains("config/aws.py"));
    assert!(!stdout.contains(&secret) && !stdout.contains(&key));
    // The other checks are unaffected.
    assert_eq!(status(&report, "exposure"), "pass");
}

#[test]
fn sarif_validates_and_carries_each_failed_item_with_its_location() {
    let repo = well_kept();
    let dir = repo.path();
    git_in(dir, &["add", "-f", ".env"]);
    let output = tokhyg(dir, &["audit", "--no-history", "--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1));
    let path = dir.join("audit.sarif");
    fs::write(&path, &output.stdout).unwrap();
    let (valid, said) = sarif_validator::validate(std::slice::from_ref(&path));
    assert!(valid, "{said}");
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let tracked = results
        .iter()
        .find(|r| r["ruleId"] == "audit/env-files" && r["level"] == "error")
        .expect("the tracked .env is a result");
    assert_eq!(
        tracked["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        ".env"
    );
}

#[test]
fn outside_a_repository_audit_is_a_clear_error() {
    let tmp = TempDir::new().unwrap();
    let output = tokhyg(tmp.path(), &["audit"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not in a git repository"), "{stderr}");
    assert!(output.stdout.is_empty());
}
