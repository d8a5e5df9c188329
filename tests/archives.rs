//! Archives looked into, through the real binary: members scanned as files (path rules too) and
//! reported as `archive!member`, in zip (a jar), tar.gz, tar.bz2, tar.xz and .gz; nesting three
//! deep and no deeper; a compression bomb and a corrupt archive are warnings that stop nothing
//! else; `--no-archives`; a committed archive in history and a staged one. The archives are
//! made by Python's standard library (zipfile, tarfile), which every test machine has.

#[path = "support/git_repo.rs"]
mod git_repo;

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// A Stripe live secret key of the right shape (no real account).
const STRIPE: &str = "sk_live_51Hq7XyZ2Lm4Np8Tq1Rv6Sw9Ux3Yz5Ab7Cd0Ef2Gh4Ij6Kl8Mn0Op2Qr4St6Uv8Wx0";

/// Runs a Python program with `DIR` set to `dir` (archives are built there).
fn python(dir: &Path, program: &str) {
    let status = std::process::Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import io, os, tarfile, zipfile, gzip\nos.chdir({:?})\nSTRIPE = {STRIPE:?}\n{program}",
            dir.to_str().unwrap()
        ))
        .status()
        .expect("python3 runs");
    assert!(status.success(), "python failed:\n{program}");
}

/// `tokhyg scan ARGS --format json`: exit code, findings as (path, line, rule), and stderr.
fn scan(dir: &Path, args: &[&str]) -> (i32, Vec<(String, u64, String)>, String) {
    let output = Command::cargo_bin("tokhyg")
        .unwrap()
        .current_dir(dir)
        .args(["scan", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let findings: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&output.stderr));
    });
    let findings = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (
        output.status.code().unwrap(),
        findings,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn found(path: &str, line: u64, rule: &str) -> (String, u64, String) {
    (path.to_owned(), line, rule.to_owned())
}

/// Python lines that add member `name` holding `text` to the zip `z` / tar `t`.
const HELPERS: &str = r#"
def zadd(z, name, text):
    z.writestr(name, text)
def tadd(t, name, text):
    data = text.encode() if isinstance(text, str) else text
    info = tarfile.TarInfo(name)
    info.size = len(data)
    t.addfile(info, io.BytesIO(data))
"#;

#[test]
fn members_of_zip_tar_and_compressed_streams_are_scanned_as_files() {
    let dir = tempfile::tempdir().unwrap();
    python(
        dir.path(),
        &format!(
            "{HELPERS}
yml = 'spring:\\n  stripe-key: ' + STRIPE + '\\n'
with zipfile.ZipFile('app.jar', 'w', zipfile.ZIP_DEFLATED) as z:
    zadd(z, 'META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\\n')
    zadd(z, 'BOOT-INF/classes/application.yml', yml)
    zadd(z, 'BOOT-INF/classes/certs/server.p12', 'not really a keystore')
env = 'STRIPE_SECRET=' + STRIPE + '\\n'
for mode, name in [('w:gz', 'bundle.tar.gz'), ('w:bz2', 'bundle.tar.bz2'), ('w:xz', 'bundle.tar.xz')]:
    with tarfile.open(name, mode) as t:
        tadd(t, './app/README.md', 'hello\\n')
        tadd(t, './app/.env', env)
with gzip.open('dump.sql.gz', 'wt') as g:
    g.write('-- dump\\nINSERT INTO keys VALUES (1);\\n-- ' + STRIPE + '\\n')
"
        ),
    );
    let (code, findings, stderr) = scan(dir.path(), &["."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        findings,
        [
            found(
                "app.jar!BOOT-INF/classes/application.yml",
                2,
                "stripe-live-secret-key"
            ),
            found(
                "app.jar!BOOT-INF/classes/certs/server.p12",
                1,
                "file-pkcs12-keystore"
            ),
            found("bundle.tar.bz2!app/.env", 1, "stripe-live-secret-key"),
            found("bundle.tar.gz!app/.env", 1, "stripe-live-secret-key"),
            found("bundle.tar.xz!app/.env", 1, "stripe-live-secret-key"),
            found("dump.sql.gz", 3, "stripe-live-secret-key"),
        ],
        "{stderr}"
    );

    let (code, findings, _) = scan(dir.path(), &["--no-archives", "."]);
    assert_eq!((code, findings), (0, Vec::new()));
}

#[test]
fn archives_are_opened_three_deep_and_no_deeper() {
    let dir = tempfile::tempdir().unwrap();
    python(
        dir.path(),
        &format!(
            "{HELPERS}
def zip_of(name, data):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        z.writestr(name, data)
    return buf.getvalue()
env = ('KEY=' + STRIPE + '\\n').encode()
level3 = zip_of('deep/.env', env)
level2 = io.BytesIO()
with tarfile.open(fileobj=level2, mode='w') as t:
    tadd(t, 'inner.zip', level3)
open('three.zip', 'wb').write(zip_of('middle.tar', level2.getvalue()))
open('four.zip', 'wb').write(zip_of('wrap.zip', open('three.zip', 'rb').read()))
"
        ),
    );
    let (code, findings, stderr) = scan(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        findings,
        [found(
            "three.zip!middle.tar!inner.zip!deep/.env",
            1,
            "stripe-live-secret-key"
        )],
        "{stderr}"
    );
    assert!(
        stderr.contains("archive four.zip!wrap.zip!middle.tar!inner.zip: a zip archive nested more than 3 deep is not looked into"),
        "{stderr}"
    );
}

#[test]
fn a_compression_bomb_and_a_corrupt_archive_are_warnings_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    python(
        dir.path(),
        &format!(
            "{HELPERS}
with zipfile.ZipFile('bomb.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('zeros.txt', b'a' * (64 << 20))
with zipfile.ZipFile('ok.zip', 'w') as z:
    zadd(z, 'a.env', 'K=' + STRIPE + '\\n')
data = open('ok.zip', 'rb').read()
open('broken.zip', 'wb').write(data[: len(data) // 2])
open('plain.env', 'w').write('STRIPE_SECRET=' + STRIPE + '\\n')
"
        ),
    );
    let (code, findings, stderr) = scan(dir.path(), &["."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        findings,
        [
            found("ok.zip!a.env", 1, "stripe-live-secret-key"),
            found("plain.env", 1, "stripe-live-secret-key"),
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains("archive bomb.zip!zeros.txt: decompresses to over 200x its size"),
        "{stderr}"
    );
    assert!(
        stderr.contains("archive broken.zip: not a readable zip archive"),
        "{stderr}"
    );
}

#[test]
fn committed_and_staged_archives_are_looked_into() {
    let repo = git_repo::GitRepo::new(git_repo::TEST_RULES);
    let rules = repo.rules.to_str().unwrap().to_owned();
    python(
        &repo.dir,
        &format!(
            "{HELPERS}
with zipfile.ZipFile('release.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    zadd(z, 'conf/app.ini', 'token = {}\\n')
",
            git_repo::SECRET_A
        ),
    );
    repo.git(&["add", "release.zip"]);
    let (code, findings, stderr) = scan(&repo.dir, &["--config", &rules, "--staged"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        findings,
        [found("release.zip!conf/app.ini", 1, "tkh-test-token")]
    );
    repo.commit("release");
    let (code, findings, stderr) = scan(&repo.dir, &["--config", &rules, "--history"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        findings,
        [found("release.zip!conf/app.ini", 1, "tkh-test-token")]
    );
}
