//! The generic layer's forms (issue 12, "Every way of writing a secret") through the real binary
//! and the built-in rules: files, staged changes and history go through the same matcher, so a
//! few forms are checked in each, with the path-limited rules (`.env` files whatever the name,
//! API reference examples and type stubs skipped) that only a scan with paths can show.

#[path = "support/git_repo.rs"]
mod git_repo;

use assert_cmd::Command;
use git_repo::GitRepo;
use serde_json::Value;

/// A random-looking value no provider rule claims (made by hand, base62).
const VALUE: &str = "Kq8vZ3pL1xR7mN2bT9wY4cH6jF0aS5dG";
/// A password of a person's kind, with punctuation.
const PASSWORD: &str = "Vr7#kLq2!mZx9Wp4";

/// (path, line, rule) of every finding of `tokhyg scan --format json ARGS` run in the work tree
/// with the built-in rules only.
fn findings(repo: &GitRepo, args: &[&str]) -> Vec<(String, u64, String)> {
    let out = Command::cargo_bin("tokhyg")
        .expect("binary")
        .current_dir(&repo.dir)
        .args(["scan", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let code = out.status.code();
    assert!(
        matches!(code, Some(0) | Some(1)),
        "exit {code:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let mut places: Vec<(String, u64, String)> = report
        .as_array()
        .expect("an array")
        .iter()
        .map(|f| {
            (
                f["path"]
                    .as_str()
                    .unwrap_or_default()
                    .trim_start_matches("./")
                    .to_owned(),
                f["line"].as_u64().unwrap_or_default(),
                f["rule"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    places.sort();
    places
}

fn at(path: &str, line: u64, rule: &str) -> (String, u64, String) {
    (path.to_owned(), line, rule.to_owned())
}

/// A repository holding each form in a file of its kind, and a near miss beside it.
fn repo_with_forms() -> GitRepo {
    let repo = GitRepo::new("rules: []\n");
    // A .env value is a finding whatever its name; the template beside it is not, nor an id.
    repo.write(
        "web/.env.local",
        &format!("APP_NAME=harbor-shop\nCRM_LINK={VALUE}\nGOOGLE_CLIENT_ID=918273645012-k3v9q2lm8np3rs7tv1wx5yz0ab4cd6ef.apps.googleusercontent.com\n"),
    );
    repo.write("web/.env.example", &format!("CRM_LINK={VALUE}\n"));
    // Kubernetes env list: name and value on two lines; a secretKeyRef is no value.
    repo.write(
        "deploy/app.yaml",
        &format!(
            "env:\n  - name: STRIPE_API_KEY\n    value: \"{VALUE}\"\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {{name: db, key: password}}\n"
        ),
    );
    // Command lines in a script.
    repo.write(
        "scripts/release.sh",
        &format!(
            "docker login -u deploy -p {VALUE} registry.acme.io\necho \"$PASS\" | docker login -u deploy --password-stdin registry.acme.io\nmysql -u root -p{PASSWORD} -h db app\n"
        ),
    );
    // A bare _KEY ending, typed; a public key is no secret.
    repo.write(
        "src/config.ts",
        &format!("export const STRIPE_KEY: string = \"{VALUE}\";\nexport const publicKey = \"{VALUE}\";\n"),
    );
    // An API reference's sample response and a type stub: documentation, not configuration.
    repo.write(
        "docs/iam/examples-1.json",
        &format!("{{\"output\": {{\"Password\": \"{PASSWORD}\", \"SecretKey\": \"{VALUE}\"}}}}\n"),
    );
    repo.write("stubs/client.pyi", &format!("api_key: str = \"{VALUE}\"\n"));
    // Decoded text is no `.env` file: `CRM_LINK=<value>` in base64 in a note is not one.
    repo.write(
        "notes/payload.txt",
        "Q1JNX0xJTks9S3E4dlozcEwxeFI3bU4yYlQ5d1k0Y0g2akYwYVM1ZEcK\n",
    );
    repo
}

fn expected() -> Vec<(String, u64, String)> {
    let mut expected = vec![
        at("deploy/app.yaml", 3, "generic-env-list-secret"),
        at("scripts/release.sh", 1, "generic-command-line-password"),
        at("scripts/release.sh", 3, "generic-command-line-password"),
        at("src/config.ts", 1, "generic-secret-quoted"),
        at("web/.env.local", 2, "generic-dotenv-value"),
    ];
    expected.sort();
    expected
}

#[test]
fn files_find_every_form_and_none_of_the_near_misses() {
    let repo = repo_with_forms();
    assert_eq!(findings(&repo, &["--no-ignore", "."]), expected());
}

#[test]
fn staged_changes_and_history_find_them_too() {
    let repo = repo_with_forms();
    repo.git(&["add", "-A"]);
    assert_eq!(findings(&repo, &["--staged"]), expected());
    repo.git(&["commit", "-q", "-m", "forms"]);
    assert_eq!(findings(&repo, &["--history"]), expected());
}

#[test]
fn standard_input_has_no_path_so_no_env_file_rule() {
    let out = Command::cargo_bin("tokhyg")
        .expect("binary")
        .args(["scan", "--format", "json", "-"])
        .write_stdin(format!("CRM_LINK={VALUE}\n"))
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
