//! `tokhyg generate --into FILE NAME...` run as the real binary in temporary directories and
//! real temporary git repositories: the git guard, `--add-to-gitignore`, `--force`, `--rotate`,
//! duplicate names, byte-exact preservation of everything that is not the value being set,
//! file modes, symbolic links and concurrent writers.

use assert_cmd::Command;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use tempfile::TempDir;

/// A temporary directory, optionally a git repository.
struct Dir {
    tmp: TempDir,
}

impl Dir {
    fn plain() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn repo() -> Dir {
        let dir = Dir::plain();
        dir.git(&["init", "-q", "-b", "main"]);
        dir.git(&["config", "user.name", "Test"]);
        dir.git(&["config", "user.email", "test@example.com"]);
        dir
    }

    fn path(&self) -> &Path {
        self.tmp.path()
    }

    fn join(&self, relative: &str) -> PathBuf {
        self.path().join(relative)
    }

    fn write(&self, relative: &str, bytes: &[u8]) {
        let path = self.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create dirs");
        }
        fs::write(path, bytes).expect("write");
    }

    fn read(&self, relative: &str) -> Vec<u8> {
        fs::read(self.join(relative)).expect("read")
    }

    fn git(&self, args: &[&str]) -> Output {
        let output = std::process::Command::new("git")
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("run git");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn ignored(&self, relative: &str) -> bool {
        std::process::Command::new("git")
            .args(["check-ignore", "-q", relative])
            .current_dir(self.path())
            .status()
            .expect("git check-ignore")
            .success()
    }

    /// Runs `tokhyg generate --no-stamp --into <args>` in this directory: the byte-exact tests
    /// of the writer leave the rotation stamp out (its own tests are below).
    fn generate(&self, args: &[&str]) -> Run {
        self.generate_with(&["--no-stamp"], args)
    }

    /// Runs `tokhyg generate <options> --into <args>` in this directory.
    fn generate_with(&self, options: &[&str], args: &[&str]) -> Run {
        let output = Command::cargo_bin("tokhyg")
            .expect("binary")
            .arg("generate")
            .args(options)
            .arg("--into")
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("run tokhyg");
        Run {
            code: output.status.code().expect("exit code"),
            stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
        }
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ok(self) -> Run {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        self
    }

    fn refused(self) -> Run {
        assert_eq!(
            self.code, 2,
            "stdout: {} stderr: {}",
            self.stdout, self.stderr
        );
        assert!(self.stdout.is_empty(), "a refusal printed {}", self.stdout);
        self
    }

    /// The `NAME=token` lines of `--show`, in order.
    fn shown(&self) -> Vec<(String, String)> {
        self.stdout
            .lines()
            .map(|line| {
                let (name, token) = line.split_once('=').expect("NAME=token");
                (name.to_owned(), token.to_owned())
            })
            .collect()
    }

    /// The one token `--show` printed.
    fn token(&self) -> String {
        let shown = self.shown();
        assert_eq!(shown.len(), 1, "{shown:?}");
        shown[0].1.clone()
    }
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o7777
}

fn is_base62(token: &str) -> bool {
    token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric())
}

// ---------------------------------------------------------------- outside a repository

#[test]
fn outside_a_repository_it_writes_with_mode_0600_and_warns() {
    let dir = Dir::plain();
    let run = dir.generate(&[".env", "API_KEY"]).ok();
    assert!(
        run.stdout.is_empty(),
        "the secret must not be printed: {}",
        run.stdout
    );
    assert!(
        run.stderr.contains("wrote API_KEY to .env (256") && run.stderr.contains("43 chars)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("not inside a git repository"),
        "{}",
        run.stderr
    );
    let text = String::from_utf8(dir.read(".env")).unwrap();
    let token = text
        .strip_prefix("API_KEY=")
        .and_then(|rest| rest.strip_suffix('\n'))
        .expect("one line");
    assert!(is_base62(token), "{text:?}");
    assert!(!run.stderr.contains(token), "the secret leaked into stderr");
    assert_eq!(mode(&dir.join(".env")), 0o600);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp or lock file left"
    );
}

#[test]
fn show_prints_each_secret_that_was_written() {
    let dir = Dir::plain();
    let run = dir.generate(&[".env", "A", "B", "--show"]).ok();
    let shown = run.shown();
    assert_eq!(shown.len(), 2);
    assert_ne!(shown[0].1, shown[1].1);
    let expected = format!("A={}\nB={}\n", shown[0].1, shown[1].1);
    assert_eq!(dir.read(".env"), expected.as_bytes());
}

#[test]
fn invalid_names_are_clear_errors_and_create_nothing() {
    let dir = Dir::plain();
    for bad in ["API-KEY", "9LIVES", "A.B", "ÄPI"] {
        let run = dir.generate(&[".env", bad]).refused();
        assert!(
            run.stderr.contains("not a valid variable name"),
            "{bad}: {}",
            run.stderr
        );
    }
    let run = dir.generate(&[".env", "A", "A"]).refused();
    assert!(run.stderr.contains("A is given twice"), "{}", run.stderr);
    let run = dir.generate(&["missing/dir/.env", "9A"]).refused();
    assert!(
        run.stderr.contains("not a valid variable name"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing may be created"
    );
}

// ---------------------------------------------------------------- the git guard

#[test]
fn a_file_git_does_not_ignore_is_refused_with_the_fix() {
    let dir = Dir::repo();
    let run = dir.generate(&[".env", "API_KEY"]).refused();
    assert!(
        run.stderr.contains("is not ignored by git"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("printf '\\n%s\\n' '/.env' >> .gitignore"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--add-to-gitignore"), "{}", run.stderr);
    assert!(!dir.join(".env").exists());
    assert!(!dir.join(".gitignore").exists());
}

#[test]
fn an_ignored_file_is_written_without_a_warning() {
    let dir = Dir::repo();
    dir.write(".gitignore", b".env\n");
    let run = dir.generate(&[".env", "API_KEY"]).ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(dir.read(".env").starts_with(b"API_KEY="));
    assert_eq!(dir.read(".gitignore"), b".env\n");
}

#[test]
fn nested_directories_are_checked_against_the_repository_root() {
    let dir = Dir::repo();
    dir.write(".gitignore", b"/secrets/\n");
    fs::create_dir_all(dir.join("secrets/prod")).unwrap();
    fs::create_dir_all(dir.join("app/config")).unwrap();
    // Ignored through its parent directory, run from a subdirectory.
    let run = Command::cargo_bin("tokhyg")
        .unwrap()
        .args(["generate", "--into", "../secrets/prod/.env", "DB_PASSWORD"])
        .current_dir(dir.join("app"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let written = String::from_utf8(dir.read("secrets/prod/.env")).unwrap();
    assert!(written.contains("\nDB_PASSWORD="), "{written}");
    // Not ignored: the fix names the path from the root.
    let run = dir.generate(&["app/config/.env", "A"]).refused();
    assert!(
        run.stderr
            .contains("printf '\\n%s\\n' '/app/config/.env' >> .gitignore"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_tracked_file_is_refused_even_if_ignored_and_with_add_to_gitignore() {
    let dir = Dir::repo();
    let original = b"# config\nDEBUG=1\n";
    dir.write(".env", original);
    dir.git(&["add", ".env"]);
    dir.git(&["commit", "-q", "-m", "add env"]);
    dir.write(".gitignore", b".env\n");
    for args in [
        &[".env", "API_KEY"][..],
        &[".env", "API_KEY", "--add-to-gitignore"],
    ] {
        let run = dir.generate(args).refused();
        assert!(run.stderr.contains("is tracked by git"), "{}", run.stderr);
        assert!(
            run.stderr.contains("git rm --cached .env"),
            "{}",
            run.stderr
        );
        assert_eq!(dir.read(".env"), original);
        assert_eq!(dir.read(".gitignore"), b".env\n");
    }
    // Untracked (removal staged), and ignored: now it is fine.
    dir.git(&["rm", "-q", "--cached", ".env"]);
    dir.generate(&[".env", "API_KEY"]).ok();
    assert!(dir.read(".env").starts_with(original));
}

#[test]
fn add_to_gitignore_creates_the_root_gitignore() {
    let dir = Dir::repo();
    fs::create_dir_all(dir.join("app")).unwrap();
    let run = dir
        .generate(&["app/.env", "API_KEY", "--add-to-gitignore"])
        .ok();
    assert!(run.stderr.contains("added /app/.env to"), "{}", run.stderr);
    assert_eq!(dir.read(".gitignore"), b"/app/.env\n");
    assert_eq!(mode(&dir.join(".gitignore")), 0o644);
    assert!(dir.ignored("app/.env"));
    assert!(
        !dir.ignored("other/app/.env"),
        "the pattern must be anchored"
    );
    assert!(dir.read("app/.env").starts_with(b"API_KEY="));
    // A second run finds it ignored and leaves .gitignore alone.
    dir.generate(&["app/.env", "OTHER", "--add-to-gitignore"])
        .ok();
    assert_eq!(dir.read(".gitignore"), b"/app/.env\n");
}

#[test]
fn add_to_gitignore_keeps_the_existing_gitignore_byte_for_byte() {
    // No final newline: the separator goes before the new line, the last line stays a line of
    // its own, and what we add ends with a line break, so a later `echo ... >> .gitignore`
    // starts a line of its own too.
    let dir = Dir::repo();
    dir.write(".gitignore", b"# deps\r\nnode_modules/\r\n*.log");
    dir.generate(&[".env", "API_KEY", "--add-to-gitignore"])
        .ok();
    assert_eq!(
        dir.read(".gitignore"),
        b"# deps\r\nnode_modules/\r\n*.log\r\n/.env\r\n"
    );
    assert!(dir.ignored(".env"));
    assert!(dir.ignored("x.log"), "the old last line must still work");
    let mut appended = dir.read(".gitignore");
    appended.extend_from_slice(b"/build\n");
    dir.write(".gitignore", &appended);
    assert!(
        dir.ignored(".env"),
        "an appended line does not glue onto ours"
    );

    let dir = Dir::repo();
    dir.write(".gitignore", b"target/\n");
    dir.generate(&[".env.local", "API_KEY", "--add-to-gitignore"])
        .ok();
    assert_eq!(dir.read(".gitignore"), b"target/\n/.env.local\n");
}

#[test]
fn add_to_gitignore_does_not_write_anything_when_the_edit_is_refused() {
    let dir = Dir::repo();
    dir.write(".env", b"API_KEY=old\n");
    let run = dir
        .generate(&[".env", "API_KEY", "--add-to-gitignore"])
        .refused();
    assert!(
        run.stderr.contains("already set on line 1"),
        "{}",
        run.stderr
    );
    assert!(!dir.join(".gitignore").exists());
    assert_eq!(dir.read(".env"), b"API_KEY=old\n");
}

// ---------------------------------------------------------------- existing names

#[test]
fn an_existing_name_is_refused_without_force_or_rotate() {
    let dir = Dir::plain();
    let original = b"A=1\nAPI_KEY=old # keep me\n";
    dir.write(".env", original);
    let run = dir.generate(&[".env", "NEW", "API_KEY"]).refused();
    assert!(
        run.stderr.contains("API_KEY is already set on line 2"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--force") && run.stderr.contains("--rotate"),
        "{}",
        run.stderr
    );
    assert_eq!(dir.read(".env"), original, "NEW must not be written either");
}

#[test]
fn force_replaces_the_value_in_place() {
    let dir = Dir::plain();
    dir.write(
        ".env",
        b"# app\r\nexport API_KEY='old' # rotated yearly\r\nZ=1\r\n",
    );
    let run = dir.generate(&[".env", "API_KEY", "--force", "--show"]).ok();
    let token = run.token();
    assert!(
        run.stderr.contains("replacing the value on line 2"),
        "{}",
        run.stderr
    );
    let expected = format!("# app\r\nexport API_KEY={token} # rotated yearly\r\nZ=1\r\n");
    assert_eq!(dir.read(".env"), expected.as_bytes());
}

#[test]
fn rotate_keeps_the_old_value_as_previous() {
    let dir = Dir::plain();
    dir.write(".env", b"export API_KEY=\"old value\" # c\nZ=1");
    let run = dir
        .generate(&[".env", "API_KEY", "--rotate", "--show"])
        .ok();
    let first = run.token();
    assert!(
        run.stderr.contains("the old value is now API_KEY_PREVIOUS"),
        "{}",
        run.stderr
    );
    let expected =
        format!("export API_KEY={first} # c\nexport API_KEY_PREVIOUS=\"old value\"\nZ=1");
    assert_eq!(dir.read(".env"), expected.as_bytes());
    // Rotating again would lose the older key: refused, the file untouched.
    let run = dir.generate(&[".env", "API_KEY", "--rotate"]).refused();
    assert!(
        run.stderr
            .contains("API_KEY_PREVIOUS on line 2 still holds an older value"),
        "{}",
        run.stderr
    );
    assert_eq!(dir.read(".env"), expected.as_bytes());
    // Once that key is revoked and its line emptied, the rotation fills it where it is.
    let emptied = format!("export API_KEY={first} # c\nexport API_KEY_PREVIOUS=\nZ=1");
    dir.write(".env", emptied.as_bytes());
    let second = dir
        .generate(&[".env", "API_KEY", "--rotate", "--show"])
        .ok()
        .token();
    let expected = format!("export API_KEY={second} # c\nexport API_KEY_PREVIOUS={first}\nZ=1");
    assert_eq!(dir.read(".env"), expected.as_bytes());
    // --force replaces without keeping, and says an older value is still there.
    let run = dir.generate(&[".env", "API_KEY", "--force"]).ok();
    assert!(
        run.stderr
            .contains("API_KEY_PREVIOUS on line 2 of .env still holds an older value"),
        "{}",
        run.stderr
    );
}

#[test]
fn rotate_of_the_last_line_without_a_final_newline() {
    let dir = Dir::plain();
    dir.write(".env", b"A=1\nAPI_KEY=old");
    let token = dir
        .generate(&[".env", "API_KEY", "--rotate", "--show"])
        .ok()
        .token();
    let expected = format!("A=1\nAPI_KEY={token}\nAPI_KEY_PREVIOUS=old");
    assert_eq!(dir.read(".env"), expected.as_bytes());
}

#[test]
fn force_and_rotate_together_are_rejected_by_the_command_line() {
    let dir = Dir::plain();
    dir.write(".env", b"API_KEY=old\n");
    let run = dir.generate(&[".env", "API_KEY", "--force", "--rotate"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(dir.read(".env"), b"API_KEY=old\n");
}

#[test]
fn a_name_defined_twice_is_refused_naming_both_lines() {
    let dir = Dir::plain();
    let original = b"API_KEY=a\n# x\nB=2\nexport API_KEY=b\n";
    dir.write(".env", original);
    for extra in [&[][..], &["--force"], &["--rotate"]] {
        let mut args = vec![".env", "API_KEY"];
        args.extend_from_slice(extra);
        let run = dir.generate(&args).refused();
        assert!(
            run.stderr.contains("defined twice, on lines 1 and 4"),
            "{}",
            run.stderr
        );
        assert_eq!(dir.read(".env"), original);
    }
}

// ---------------------------------------------------------------- lossless

#[test]
fn every_byte_that_is_not_the_new_value_is_kept() {
    let dir = Dir::plain();
    // BOM, CRLF, comments, blank lines, export, every quoting, a trailing comment, a multi-line
    // PEM whose inner lines look like assignments, a line no parser agrees on, a byte that is
    // not UTF-8, and no final newline.
    let original: &[u8] = b"\xEF\xBB\xBF# Service config\r\n\
        \r\n\
        export DATABASE_URL=postgres://u:p@db:5432/app # primary\r\n\
        SINGLE='it is $HOME'\r\n\
        DOUBLE=\"line\\nbreak\"\r\n\
        PEM=\"-----BEGIN KEY-----\r\n\
        API_KEY=inside-the-pem\r\n\
        -----END KEY-----\"\r\n\
        this line is not an assignment\r\n\
        LATIN1=caf\xE9\r\n\
        \t  INDENTED = value   # spaced\r\n\
        LAST=1";
    dir.write(".env", original);
    let run = dir.generate(&[".env", "API_KEY", "--show"]).ok();
    let token = run.token();
    assert!(
        run.stderr.contains(".env line 9 is not a KEY=value line"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("this line"),
        "line content must not be printed"
    );
    let mut expected = original.to_vec();
    expected.extend_from_slice(format!("\r\nAPI_KEY={token}").as_bytes());
    assert_eq!(dir.read(".env"), expected);
}

#[test]
fn replacing_a_multi_line_value_keeps_the_lines_around_it() {
    let dir = Dir::plain();
    dir.write(
        ".env",
        b"A=1\nCERT=\"-----BEGIN-----\nB=2\n-----END-----\" # pem\nC=3\n",
    );
    let token = dir
        .generate(&[".env", "CERT", "--force", "--show"])
        .ok()
        .token();
    let expected = format!("A=1\nCERT={token} # pem\nC=3\n");
    assert_eq!(dir.read(".env"), expected.as_bytes());
}

#[test]
fn symbols_are_quoted_and_other_lines_keep_their_quoting() {
    let dir = Dir::plain();
    dir.write(".env", b"A=\"x\"\nB='y'\nC=z\n");
    let run = dir
        .generate(&[".env", "S", "--symbols", "--length", "40", "--show"])
        .ok();
    let token = run.token();
    let expected = format!("A=\"x\"\nB='y'\nC=z\nS='{token}'\n");
    assert_eq!(dir.read(".env"), expected.as_bytes());
}

#[test]
fn a_line_that_mentions_the_name_but_cannot_be_read_is_refused() {
    let dir = Dir::plain();
    let original = b"API_KEY: yaml-style\n";
    dir.write(".env", original);
    let run = dir.generate(&[".env", "API_KEY", "--force"]).refused();
    assert!(
        run.stderr.contains("line 1 seems to set API_KEY"),
        "{}",
        run.stderr
    );
    assert_eq!(dir.read(".env"), original);
}

#[test]
fn a_quote_left_open_earlier_is_never_closed_by_a_new_value() {
    let dir = Dir::plain();
    let original = b"BROKEN=\"never closed\nX=1\n";
    dir.write(".env", original);
    // A write below an open quote is refused, whatever the token, naming the line.
    for args in [
        &[".env", "S"][..],
        &[".env", "S", "--alphabet", "'a", "--length", "64"],
    ] {
        let run = dir.generate(args).refused();
        assert!(
            run.stderr
                .contains(".env line 1 opens a quote that never closes"),
            "{}",
            run.stderr
        );
        assert_eq!(dir.read(".env"), original);
    }
    // --force writes anyway, but never a quote that would close BROKEN's.
    let run = dir
        .generate(&[".env", "S", "--alphabet", "'a", "--length", "64", "--force"])
        .refused();
    assert!(run.stderr.contains("quote left open"), "{}", run.stderr);
    assert_eq!(dir.read(".env"), original);
    dir.generate(&[".env", "S", "--force"]).ok();
    assert!(dir.read(".env").starts_with(original));
}

// ---------------------------------------------------------------- files and links

#[test]
fn an_existing_file_keeps_its_mode() {
    let dir = Dir::plain();
    dir.write(".env", b"A=1\n");
    fs::set_permissions(dir.join(".env"), fs::Permissions::from_mode(0o640)).unwrap();
    dir.generate(&[".env", "B"]).ok();
    assert_eq!(mode(&dir.join(".env")), 0o640);
}

#[test]
fn a_symbolic_link_is_written_through_and_stays_a_link() {
    let dir = Dir::repo();
    dir.write(".gitignore", b"/shared/\n.env\n");
    dir.write("shared/app.env", b"A=1\n");
    std::os::unix::fs::symlink("shared/app.env", dir.join(".env")).unwrap();
    let token = dir.generate(&[".env", "B", "--show"]).ok().token();
    assert!(
        fs::symlink_metadata(dir.join(".env"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        dir.read("shared/app.env"),
        format!("A=1\nB={token}\n").as_bytes()
    );
}

#[test]
fn the_guard_checks_where_a_link_points() {
    let dir = Dir::repo();
    // The link is ignored, but its target is not: the secret would be committed there.
    dir.write(".gitignore", b".env\n");
    dir.write("config/app.env", b"A=1\n");
    std::os::unix::fs::symlink("config/app.env", dir.join(".env")).unwrap();
    let run = dir.generate(&[".env", "B"]).refused();
    assert!(
        run.stderr
            .contains("printf '\\n%s\\n' '/config/app.env' >> .gitignore"),
        "{}",
        run.stderr
    );
    assert_eq!(dir.read("config/app.env"), b"A=1\n");
}

#[test]
fn a_dangling_link_is_refused() {
    let dir = Dir::plain();
    std::os::unix::fs::symlink("nowhere.env", dir.join(".env")).unwrap();
    let run = dir.generate(&[".env", "A"]).refused();
    assert!(
        run.stderr
            .contains("symbolic link to a file that does not exist"),
        "{}",
        run.stderr
    );
    assert!(!dir.join("nowhere.env").exists());
}

// ---------------------------------------------------------------- concurrency

#[test]
fn concurrent_writers_all_land() {
    let dir = Dir::repo();
    dir.write(".gitignore", b".env\n");
    dir.write(".env", b"# shared\n");
    let binary = assert_cmd::cargo::cargo_bin("tokhyg");
    for round in 0..3 {
        let children: Vec<_> = (0..8)
            .map(|i| {
                std::process::Command::new(&binary)
                    .args(["generate", "--into", ".env", &format!("KEY_{round}_{i}")])
                    .current_dir(dir.path())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("spawn tokhyg")
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    let parsed: Vec<(String, String)> = dotenvy::from_path_iter(dir.join(".env"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(parsed.len(), 24, "{parsed:?}");
    for round in 0..3 {
        for i in 0..8 {
            let name = format!("KEY_{round}_{i}");
            let value = &parsed.iter().find(|(k, _)| *k == name).expect(&name).1;
            assert!(is_base62(value), "{name}={value}");
        }
    }
    assert!(dir.read(".env").starts_with(b"# shared\n"));
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".git" && n != ".env" && n != ".gitignore")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_suggested_ignore_command_works_after_a_gitignore_without_a_final_newline() {
    let dir = Dir::repo();
    dir.write(".gitignore", b"/build");
    let run = dir.generate(&[".env", "API_KEY"]).refused();
    let command = run
        .stderr
        .split('`')
        .find(|part| part.starts_with("printf"))
        .expect("a printf command in the message")
        .to_owned();
    let status = std::process::Command::new("sh")
        .args(["-c", &command])
        .current_dir(dir.path())
        .status()
        .expect("sh");
    assert!(status.success());
    assert!(
        dir.ignored(".env"),
        "{:?}",
        String::from_utf8_lossy(&dir.read(".gitignore"))
    );
    assert!(dir.ignored("build/x"), "the old last line still works");
}

#[test]
fn missing_directories_are_created_private_and_directories_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::repo();
    dir.write(".gitignore", b".env\n");
    let run = dir.generate(&["config/local/.env", "API_KEY"]).ok();
    assert!(run.stderr.contains("created directory"), "{}", run.stderr);
    assert!(dir.read("config/local/.env").starts_with(b"API_KEY="));
    for created in ["config", "config/local"] {
        let mode = fs::metadata(dir.join(created))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o700, "{created}");
    }
    // A refused write creates nothing.
    let run = dir.generate(&["other/dir/app.env", "API_KEY"]).refused();
    assert!(run.stderr.contains("not ignored"), "{}", run.stderr);
    assert!(!dir.join("other").exists());

    fs::create_dir(dir.join("src")).unwrap();
    let run = dir.generate(&["src", "API_KEY"]).refused();
    assert!(run.stderr.contains("src is a directory"), "{}", run.stderr);
    assert!(run.stderr.contains("src/.env"), "{}", run.stderr);
    assert!(!run.stderr.contains("gitignore"), "{}", run.stderr);
    let run = dir.generate(&[".env/", "API_KEY"]).refused();
    assert!(run.stderr.contains("did you mean .env?"), "{}", run.stderr);
    assert!(!dir.join(".env").exists());
}

#[test]
fn a_read_only_env_is_refused_unless_forced_and_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::plain();
    dir.write(".env", b"A=1\n");
    fs::set_permissions(dir.join(".env"), fs::Permissions::from_mode(0o444)).unwrap();
    let run = dir.generate(&[".env", "API_KEY"]).refused();
    assert!(run.stderr.contains(".env is read-only"), "{}", run.stderr);
    assert_eq!(dir.read(".env"), b"A=1\n");
    dir.generate(&[".env", "API_KEY", "--force"]).ok();
    assert!(dir.read(".env").starts_with(b"A=1\nAPI_KEY="));
    let mode = fs::metadata(dir.join(".env")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o444);
}

#[test]
fn a_hard_linked_env_is_rewritten_in_place_so_every_name_sees_it() {
    use std::os::unix::fs::MetadataExt;
    let dir = Dir::plain();
    dir.write(".env", b"A=1\n");
    fs::hard_link(dir.join(".env"), dir.join("shared.env")).unwrap();
    let inode = fs::metadata(dir.join(".env")).unwrap().ino();
    let run = dir.generate(&[".env", "API_KEY"]).ok();
    assert!(run.stderr.contains("other hard links"), "{}", run.stderr);
    assert!(dir.read(".env").starts_with(b"A=1\nAPI_KEY="));
    assert_eq!(dir.read(".env"), dir.read("shared.env"));
    assert_eq!(fs::metadata(dir.join(".env")).unwrap().ino(), inode);
    assert_eq!(fs::metadata(dir.join(".env")).unwrap().nlink(), 2);
}

/// The stamp line above `name` in `text`, if any.
fn stamp_above<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.starts_with(&format!("{name}=")))?;
    lines[..at]
        .last()
        .copied()
        .filter(|line| line.starts_with("# tokhyg: "))
}

#[test]
fn a_written_key_gets_a_rotation_stamp_with_its_date_strength_and_id() {
    let dir = Dir::repo();
    dir.write(".gitignore", b".env\n");
    dir.write(".env", b"# settings\nPORT=8080\n");
    let run = dir.generate_with(&[], &[".env", "API_KEY", "--show"]).ok();
    let token = run.token();
    let id = tokhyg::token::key_id::key_id_unchecked(&token);
    let today = tokhyg::dotenv::stamp::Date::today();
    let text = String::from_utf8(dir.read(".env")).unwrap();
    assert_eq!(
        stamp_above(&text, "API_KEY"),
        Some(format!("# tokhyg: API_KEY generated {today}, 256 bits, id {id}").as_str()),
        "{text}"
    );
    assert!(
        text.starts_with("# settings\nPORT=8080\n# tokhyg: API_KEY"),
        "{text}"
    );
    assert!(
        run.stderr.contains(&format!("key id of API_KEY: {id}")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(&token), "the secret leaked to stderr");
}

#[test]
fn a_rewrite_updates_the_stamp_in_place_and_no_stamp_writes_none() {
    let dir = Dir::repo();
    dir.write(".gitignore", b".env\n");
    dir.write(
        ".env",
        b"# tokhyg: API_KEY generated 2020-01-02, 128 bits, id 00000000\nAPI_KEY=old\nB=2\n",
    );
    let token = dir
        .generate_with(&[], &[".env", "API_KEY", "--rotate", "--show"])
        .ok()
        .token();
    let text = String::from_utf8(dir.read(".env")).unwrap();
    assert_eq!(text.matches("# tokhyg: API_KEY").count(), 1, "{text}");
    let stamp = stamp_above(&text, "API_KEY").expect("stamp kept above the variable");
    assert!(!stamp.contains("2020-01-02"), "{stamp}");
    let id = tokhyg::token::key_id::key_id_unchecked(&token);
    assert!(stamp.ends_with(&format!("id {id}")), "{stamp}");
    assert!(
        text.contains("API_KEY_PREVIOUS=old\n") && text.ends_with("B=2\n"),
        "{text}"
    );

    dir.generate(&[".env", "OTHER"]).ok();
    let text = String::from_utf8(dir.read(".env")).unwrap();
    assert_eq!(stamp_above(&text, "OTHER"), None, "{text}");
}

#[test]
fn a_weak_key_gets_a_stamp_without_an_id_and_the_tool_says_why() {
    let dir = Dir::repo();
    dir.write(".gitignore", b".env\n");
    let run = dir
        .generate_with(&[], &[".env", "PIN", "--digits", "--length", "6"])
        .ok();
    let text = String::from_utf8(dir.read(".env")).unwrap();
    let stamp = stamp_above(&text, "PIN").expect("stamped");
    assert!(stamp.ends_with(", 19 bits"), "{stamp}");
    assert!(run.stderr.contains("PIN: no key id"), "{}", run.stderr);
}
