//! Fault injection for `generate --into`: writers killed at random points, by every signal that
//! can stop them, must leave the `.env` old or new byte for byte, and no file holding secrets
//! beside it (the catchable signals at once; SIGKILL once the next run has cleaned up).

#![cfg(unix)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs per signal: enough to land kills before, during and after the write.
const RUNS: usize = 40;

fn tokhyg() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tokhyg"));
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdout(Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// A repository ignoring `.env`, which holds a few variables, the one rewritten among them.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    git(dir.path(), &["init", "-q"]);
    fs::write(dir.path().join(".gitignore"), ".env\n").expect("write");
    fs::write(
        dir.path().join(".env"),
        "# settings\nDATABASE_URL=postgres://app@db/app\nAPI_KEY=\"first\"\nexport MODE=prod\n",
    )
    .expect("write");
    dir
}

/// The file's lines other than `API_KEY=`'s, and that line.
fn split(text: &str) -> (Vec<&str>, Option<&str>) {
    let (key, rest): (Vec<&str>, Vec<&str>) =
        text.lines().partition(|line| line.starts_with("API_KEY="));
    (rest, key.first().copied())
}

/// Names in `dir` besides the repository's own.
fn extra_names(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| ![".git", ".gitignore", ".env"].contains(&name.as_str()))
        .collect()
}

/// The write that is timed and interrupted: the stamp is left out, as it would change a line
/// other than API_KEY's at every write.
const WRITE: [&str; 6] = [
    "generate",
    "--no-stamp",
    "--into",
    ".env",
    "--force",
    "API_KEY",
];

/// How long an undisturbed write takes here.
fn write_time(dir: &Path) -> Duration {
    let start = Instant::now();
    let status = tokhyg()
        .current_dir(dir)
        .args(WRITE)
        .status()
        .expect("runs");
    assert!(status.success());
    start.elapsed()
}

fn kill_at_random_points(signal: libc::c_int, seed: u64) {
    let dir = repository();
    let budget = write_time(dir.path()) * 2;
    let mut rng = StdRng::seed_from_u64(seed);
    for run in 0..RUNS {
        let before = fs::read_to_string(dir.path().join(".env")).expect("read");
        let mut child = tokhyg()
            .current_dir(dir.path())
            .args(WRITE)
            .spawn()
            .expect("spawns");
        std::thread::sleep(budget.mul_f64(rng.random::<f64>()));
        // SAFETY: signalling our own child process, which has not been waited for yet.
        unsafe { libc::kill(child.id() as libc::pid_t, signal) };
        let _ = child.wait();

        let after = fs::read_to_string(dir.path().join(".env")).expect("the .env is still there");
        let (old_rest, old_key) = split(&before);
        let (new_rest, new_key) = split(&after);
        assert_eq!(
            old_rest, new_rest,
            "run {run}: lines other than API_KEY changed"
        );
        assert!(new_key.is_some(), "run {run}: API_KEY lost:\n{after}");
        if after != before {
            assert_ne!(old_key, new_key);
        }
        if signal == libc::SIGKILL {
            // A kill between naming and renaming the temporary file may leave it: the next
            // write in that directory removes it.
            assert!(write_time(dir.path()) > Duration::ZERO);
        }
        assert_eq!(
            extra_names(dir.path()),
            Vec::<String>::new(),
            "run {run}: a file was left beside the .env"
        );
    }
}

#[test]
fn sigterm_at_any_point_leaves_the_env_whole_and_nothing_beside_it() {
    kill_at_random_points(libc::SIGTERM, 1);
}

#[test]
fn sigint_at_any_point_leaves_the_env_whole_and_nothing_beside_it() {
    kill_at_random_points(libc::SIGINT, 2);
}

#[test]
fn sighup_at_any_point_leaves_the_env_whole_and_nothing_beside_it() {
    kill_at_random_points(libc::SIGHUP, 3);
}

#[test]
fn sigkill_at_any_point_leaves_the_env_whole_and_the_next_run_cleans_up() {
    kill_at_random_points(libc::SIGKILL, 4);
}

#[test]
fn a_temporary_file_left_by_an_older_tokhyg_is_removed_with_a_word() {
    let dir = repository();
    let stale = dir.path().join("..env.Ab12Cd.tokhyg-tmp");
    fs::write(&stale, "API_KEY=leaked\n").expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_tokhyg"))
        .current_dir(dir.path())
        .args(WRITE)
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert!(!stale.exists());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("removed 1 temporary file"), "{stderr}");
}

#[test]
fn a_write_that_runs_out_of_space_leaves_gitignore_and_env_untouched() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().expect("temp dir");
    git(dir.path(), &["init", "-q"]);
    fs::write(dir.path().join(".gitignore"), "/target\n").expect("write");
    // A .env bigger than the file-size limit below: writing its new version fails as a full
    // disk would, while the few bytes added to .gitignore would fit.
    let big: String = (0..200).map(|i| format!("VAR_{i}=value{i}\n")).collect();
    fs::write(dir.path().join(".env"), &big).expect("write");
    let mut command = Command::new(env!("CARGO_BIN_EXE_tokhyg"));
    command
        .current_dir(dir.path())
        .args([
            "generate",
            "--into",
            ".env",
            "--add-to-gitignore",
            "API_KEY",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 1024,
                rlim_max: 1024,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &limit);
            Ok(())
        });
    }
    let output = command.output().expect("runs");
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        "/target\n"
    );
    assert_eq!(fs::read_to_string(dir.path().join(".env")).unwrap(), big);
    assert_eq!(extra_names(dir.path()), Vec::<String>::new());
}

#[test]
fn a_held_lock_is_waited_for_with_a_word_naming_the_holder_then_given_up() {
    let dir = repository();
    let before = fs::read(dir.path().join(".env")).expect("read");
    // This test process holds the lock tokhyg takes: an flock on the .env's directory.
    let held = fs::File::open(dir.path()).expect("open dir");
    held.lock().expect("lock");
    let output = Command::new(env!("CARGO_BIN_EXE_tokhyg"))
        .current_dir(dir.path())
        .env("TOKHYG_LOCK_TIMEOUT", "2")
        .args(WRITE)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let me = format!("process {}", std::process::id());
    assert!(stderr.contains(&format!("waiting for {me}")), "{stderr}");
    assert!(stderr.contains("gave up after 2 s"), "{stderr}");
    assert_eq!(fs::read(dir.path().join(".env")).expect("read"), before);
    held.unlock().expect("unlock");
    assert!(
        write_time(dir.path()) > Duration::ZERO,
        "released, the write goes through"
    );
}
