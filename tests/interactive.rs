//! `tokhyg generate --interactive` driven in a real terminal: tmux runs the binary, `send-keys`
//! types, `capture-pane` reads the screen, and `show-buffer` (with `set-clipboard on`) shows
//! what the OSC 52 copy put on the clipboard. Each test has its own tmux server.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// One tmux server with one pane running bash in `dir`.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(name: &str, width: u16, height: u16, dir: &Path) -> Tmux {
        let tmux = Tmux {
            socket: format!("tokhyg-test-{name}-{}", std::process::id()),
        };
        tmux.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            "-c",
            dir.to_str().unwrap(),
            "env PS1='PROMPT$ ' TERM=xterm-256color bash --norc --noprofile",
        ]);
        tmux.run(&["set", "-g", "set-clipboard", "on"]);
        tmux.wait_for("the shell prompt", |s| s.contains("PROMPT$"));
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs (scripts/install-test-deps.sh installs it)");
        assert!(
            output.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    fn type_line(&self, line: &str) {
        self.run(&["send-keys", "-l", line]);
        self.keys(&["Enter"]);
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p"])
    }

    /// The whole history of the pane, scrollback included.
    fn history(&self) -> String {
        self.run(&["capture-pane", "-p", "-S", "-"])
    }

    /// Waits until the screen satisfies `ready`; the screen then.
    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts `tokhyg ARGS` in the pane and waits for its screen.
    fn start(&self, args: &str) -> String {
        self.type_line(&format!("{} {args}", env!("CARGO_BIN_EXE_tokhyg")));
        // The whole first frame: the box, the token in it, and the keys line at the bottom.
        self.wait_for("the generator", |s| {
            s.contains("tokhyg generate ─") && s.contains("q quit") && !token(s).is_empty()
        })
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The token on screen: the line inside the box under its title.
fn token(screen: &str) -> String {
    let line = screen.lines().nth(1).expect("a token line");
    line.trim_start_matches('│')
        .trim_end()
        .trim_end_matches('│')
        .trim_end()
        .to_string()
}

/// Waits until the token on screen differs from `old` and has `len` characters.
fn next_token(tmux: &Tmux, old: &str, len: usize) -> String {
    let screen = tmux.wait_for(&format!("a new token of {len} chars"), |s| {
        let t = token(s);
        t != old && t.chars().count() == len
    });
    token(&screen)
}

/// The first process whose parent is `parent` (from /proc).
fn child_of(parent: i32) -> Option<i32> {
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: i32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            let ppid: i32 = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            (ppid == parent).then_some(pid)
        })
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn the_default_screen_shows_a_256_bit_token_the_meter_and_the_keys() {
    let dir = temp_dir();
    let tmux = Tmux::new("default", 120, 30, dir.path());
    let screen = tmux.start("generate -i");
    let token = token(&screen);
    assert_eq!(token.len(), 43, "{screen}");
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()), "{token}");
    assert!(screen.contains("256.0 bits strong"), "{screen}");
    assert!(screen.contains("[x] lower (l)  [x] upper (u)  [x] digits (d)  [ ] symbols (s)"));
    assert!(
        screen.contains("c copy") && screen.contains("q quit"),
        "{screen}"
    );
}

#[test]
fn every_control_changes_the_token_as_it_says() {
    let dir = temp_dir();
    let tmux = Tmux::new("controls", 160, 30, dir.path());
    let first = token(&tmux.start("generate -i"));
    tmux.keys(&["Right"]);
    let t = next_token(&tmux, &first, 44);
    tmux.keys(&["Home"]);
    let t = next_token(&tmux, &t, 4);
    tmux.keys(&["End"]);
    let t = next_token(&tmux, &t, 128);
    tmux.keys(&["PageDown"]);
    let t = next_token(&tmux, &t, 118);
    tmux.keys(&["3", "0", "Enter"]);
    let t = next_token(&tmux, &t, 30);
    tmux.keys(&["l", "u"]);
    let screen = tmux.wait_for("digits only", |s| {
        let t = token(s);
        t.len() == 30 && t.bytes().all(|b| b.is_ascii_digit())
    });
    assert!(screen.contains("99.7 bits weak"), "{screen}");
    assert!(screen.contains("below the 128 bits"), "{screen}");
    tmux.keys(&["s"]);
    tmux.wait_for("digits and symbols", |s| {
        let t = token(s);
        t.len() == 30
            && t.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_punctuation())
    });
    tmux.keys(&["f", "f"]);
    let screen = tmux.wait_for("hex", |s| s.contains("format: hex"));
    assert!(
        token(&screen).bytes().all(|b| b.is_ascii_hexdigit()),
        "{screen}"
    );
    tmux.keys(&["b"]);
    let screen = tmux.wait_for("the 128-bit preset", |s| s.contains("128.0 bits"));
    assert_eq!(token(&screen).len(), 32);
    tmux.keys(&["p"]);
    tmux.run(&["send-keys", "-l", "acme_"]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the prefix", |s| token(s).starts_with("acme_"));
    assert_eq!(token(&screen).len(), 37);
    drop(t);
}

#[test]
fn space_regenerates_and_auto_off_keeps_the_token() {
    let dir = temp_dir();
    let tmux = Tmux::new("auto", 120, 30, dir.path());
    let first = token(&tmux.start("generate -i"));
    tmux.keys(&["Space"]);
    let second = next_token(&tmux, &first, 43);
    tmux.keys(&["a"]);
    tmux.wait_for("auto off", |s| s.contains("[ ] auto-regenerate"));
    tmux.keys(&["Right"]);
    let screen = tmux.wait_for("the longer slider", |s| s.contains("] 44"));
    assert_eq!(token(&screen), second, "auto is off: the token stays");
    tmux.keys(&["r"]);
    next_token(&tmux, &second, 44);
}

#[test]
fn a_narrow_terminal_stacks_the_controls() {
    let dir = temp_dir();
    let tmux = Tmux::new("narrow", 40, 30, dir.path());
    let screen = tmux.start("generate -i --length 16 --symbols");
    let lines: Vec<&str> = screen.lines().collect();
    for toggle in ["[ ] lower (l)", "[x] symbols (s)", "[ ] each class (e)"] {
        assert!(
            lines.iter().any(|l| l.trim_end() == toggle),
            "{toggle} is not on a line of its own:\n{screen}"
        );
    }
    assert!(lines.iter().all(|l| l.chars().count() <= 40));
    let token = token(&screen);
    assert_eq!(token.len(), 16);
    assert!(token.bytes().all(|b| b.is_ascii_punctuation()), "{token}");
}

#[test]
fn quitting_restores_the_shell_leaves_no_token_and_prints_the_command_line() {
    let dir = temp_dir();
    let tmux = Tmux::new("quit", 120, 30, dir.path());
    let shown = token(&tmux.start("generate -i --length 20 --upper --digits"));
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("the prompt back", |s| s.matches("PROMPT$").count() >= 2);
    assert!(
        screen.contains("tokhyg generate --upper --digits --length 20"),
        "{screen}"
    );
    assert!(
        !tmux.history().contains(&shown),
        "the token was left on the main screen"
    );
    // Ctrl-C quits the same way.
    tmux.start("generate -i");
    tmux.keys(&["C-c"]);
    tmux.wait_for("the prompt back", |s| s.matches("PROMPT$").count() >= 3);
}

#[test]
fn sigterm_restores_the_terminal() {
    let dir = temp_dir();
    let tmux = Tmux::new("sigterm", 120, 30, dir.path());
    tmux.start("generate -i");
    let shell: i32 = tmux
        .run(&["display", "-p", "#{pane_pid}"])
        .trim()
        .parse()
        .unwrap();
    let generator = child_of(shell).expect("tokhyg runs under the pane's shell");
    // SAFETY: signalling a process this test started.
    assert_eq!(unsafe { libc::kill(generator, libc::SIGTERM) }, 0);
    let screen = tmux.wait_for("the prompt back", |s| s.matches("PROMPT$").count() >= 2);
    assert!(!screen.contains("tokhyg generate ─"), "{screen}");

    // A terminal that goes away (a closed SSH session or pane) ends it too: no process is left
    // spinning on a dead terminal.
    tmux.start("generate -i");
    let generator = child_of(shell).expect("tokhyg runs under the pane's shell");
    drop(tmux);
    let start = Instant::now();
    while Path::new(&format!("/proc/{generator}")).exists() {
        let state = std::fs::read_to_string(format!("/proc/{generator}/stat")).unwrap_or_default();
        if state.contains(") Z ") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "tokhyg {generator} still runs after its terminal closed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn copy_puts_the_token_on_the_clipboard_through_osc52_byte_for_byte() {
    let dir = temp_dir();
    let tmux = Tmux::new("copy", 120, 30, dir.path());
    let shown = token(&tmux.start("generate -i --symbols --length 40"));
    tmux.keys(&["c"]);
    tmux.wait_for("the copied notice", |s| {
        s.contains("copied to the terminal's clipboard")
    });
    assert_eq!(tmux.run(&["show-buffer"]), shown);
    tmux.keys(&["q"]);
    tmux.wait_for("the prompt back", |s| s.matches("PROMPT$").count() >= 2);
    // The flag path too: --copy --show.
    tmux.type_line(&format!(
        "{} generate --copy --show --length 24 > copied.txt",
        env!("CARGO_BIN_EXE_tokhyg")
    ));
    tmux.wait_for("the prompt back", |s| s.matches("PROMPT$").count() >= 3);
    let printed = std::fs::read_to_string(dir.path().join("copied.txt")).unwrap();
    assert_eq!(tmux.run(&["show-buffer"]), printed.trim_end());
}

#[test]
fn clear_after_removes_the_token_from_the_clipboard() {
    let dir = temp_dir();
    let tmux = Tmux::new("clear", 120, 30, dir.path());
    let shown = token(&tmux.start("generate -i --clear-after 1"));
    tmux.keys(&["c"]);
    tmux.wait_for("the copied notice", |s| s.contains("copied to"));
    assert!(tmux.run(&["list-buffers"]).contains(&shown));
    tmux.wait_for("the cleared notice", |s| s.contains("clipboard cleared"));
    assert!(!tmux.run(&["list-buffers"]).contains(&shown));
    // On quit before the time is up, it waits, says so, then clears.
    tmux.keys(&["q"]);
    tmux.wait_for("the prompt back", |s| s.matches("PROMPT$").count() >= 2);
    let shown = token(&tmux.start("generate -i --clear-after 2"));
    tmux.keys(&["c"]);
    tmux.wait_for("the copied notice", |s| s.contains("copied to"));
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("the prompt back", |s| s.matches("PROMPT$").count() >= 3);
    assert!(screen.contains("clipboard cleared"), "{screen}");
    assert!(!tmux.run(&["list-buffers"]).contains(&shown));
}

#[test]
fn w_writes_the_shown_token_through_the_env_writer() {
    let dir = temp_dir();
    let git = |args: &[&str]| {
        assert!(
            Command::new("git")
                .args(args)
                .current_dir(dir.path())
                .status()
                .unwrap()
                .success()
        );
    };
    git(&["init", "-q"]);
    std::fs::write(dir.path().join(".gitignore"), ".env\n").unwrap();
    std::fs::write(dir.path().join(".env"), "# keep me\nPORT=1\n").unwrap();
    let tmux = Tmux::new("write", 120, 30, dir.path());
    let shown = token(&tmux.start("generate -i"));
    tmux.keys(&["w"]);
    tmux.run(&["send-keys", "-l", "API_KEY"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("the file question", |s| {
        s.contains("into which file? .env_")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("the policy question", |s| {
        s.contains("(r)otate, (f)orce, (n)o")
    });
    tmux.keys(&["n"]);
    let screen = tmux.wait_for("the writer's report", |s| {
        s.contains("press Enter to return")
    });
    assert!(screen.contains("wrote API_KEY to .env"), "{screen}");
    assert!(!screen.contains(&shown), "the secret was printed");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the generator again", |s| {
        s.contains("wrote API_KEY into .env")
    });
    let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    assert!(
        env.starts_with("# keep me\nPORT=1\n# tokhyg: API_KEY generated "),
        "{env}"
    );
    assert!(env.ends_with(&format!("\nAPI_KEY={shown}\n")), "{env}");
    // A second write of the same name is refused unless rotated, as with --into.
    tmux.keys(&["w"]);
    tmux.run(&["send-keys", "-l", "API_KEY"]);
    tmux.keys(&["Enter", "Enter", "n"]);
    // The first write's report is still on the main screen: wait for the refusal itself.
    tmux.wait_for("the refusal", |s| s.contains("API_KEY is already set"));
}

#[test]
fn without_a_terminal_it_refuses_with_exit_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_tokhyg"))
        .args(["generate", "--interactive"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--interactive needs a terminal"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}
