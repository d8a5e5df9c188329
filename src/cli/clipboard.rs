//! Copying a token: to the system clipboard when there is one (wl-copy, xclip, xsel, pbcopy),
//! else through the terminal with the OSC 52 escape, which terminals, tmux (`set-clipboard on`)
//! and SSH sessions carry to the clipboard of the machine in front of the user.
//! `TOKHYG_CLIPBOARD=osc52` (or `system`) forces one way.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use std::io::Write as _;
use std::process::{Command, Stdio};

/// How a token was copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A clipboard program: (copy command and arguments, paste command and arguments).
    System(&'static [&'static str], &'static [&'static str]),
    /// The OSC 52 escape, written to the terminal.
    Osc52,
}

impl Via {
    /// In words, for the confirmation.
    pub fn describe(self) -> String {
        match self {
            Via::System(copy, _) => format!("the system clipboard ({})", copy[0]),
            Via::Osc52 => "the terminal's clipboard (OSC 52)".to_string(),
        }
    }
}

/// Clipboard programs, in order of preference, with the environment variable that says their
/// display is there.
const PROGRAMS: &[(&str, &[&str], &[&str])] = &[
    (
        "WAYLAND_DISPLAY",
        &["wl-copy"],
        &["wl-paste", "--no-newline"],
    ),
    (
        "DISPLAY",
        &["xclip", "-selection", "clipboard"],
        &["xclip", "-selection", "clipboard", "-o"],
    ),
    (
        "DISPLAY",
        &["xsel", "--clipboard", "--input"],
        &["xsel", "--clipboard", "--output"],
    ),
    ("", &["pbcopy"], &["pbpaste"]),
];

/// The way to copy on this machine.
pub fn choose() -> Via {
    let forced = std::env::var("TOKHYG_CLIPBOARD").unwrap_or_default();
    if forced == "osc52" {
        return Via::Osc52;
    }
    for (display, copy, paste) in PROGRAMS {
        let has_display = display.is_empty() && cfg!(target_os = "macos")
            || !display.is_empty() && std::env::var_os(display).is_some();
        if (has_display || forced == "system") && on_path(copy[0]) {
            return Via::System(copy, paste);
        }
    }
    Via::Osc52
}

/// Copies `text`; how it was done.
pub fn copy(text: &str) -> anyhow::Result<Via> {
    let via = choose();
    match via {
        Via::System(copy, _) => run_with_input(copy, text)?,
        Via::Osc52 => write_osc52(text)?,
    }
    Ok(via)
}

/// Clears the clipboard if it still holds `text`: the system clipboard is read back; the
/// terminal's cannot be, so OSC 52 asks it to clear whatever it holds, and under tmux the paste
/// buffers holding `text` are deleted. Whether it was cleared.
pub fn clear_if_holding(text: &str, via: Via) -> anyhow::Result<bool> {
    match via {
        Via::System(copy, paste) => {
            let output = Command::new(paste[0]).args(&paste[1..]).output()?;
            if output.stdout == text.as_bytes() {
                run_with_input(copy, "")?;
                Ok(true)
            } else {
                Ok(false)
            }
        }
        Via::Osc52 => {
            // Terminals read an empty selection as "clear"; tmux ignores it and keeps each copy
            // as a paste buffer of its own, so under tmux the buffers holding the token are
            // deleted by name.
            write_osc52("")?;
            if std::env::var_os("TMUX").is_some() {
                return delete_tmux_buffers_holding(text);
            }
            Ok(true)
        }
    }
}

/// Deletes every tmux paste buffer whose content is `text`; whether there was one.
fn delete_tmux_buffers_holding(text: &str) -> anyhow::Result<bool> {
    let names = Command::new("tmux")
        .args(["list-buffers", "-F", "#{buffer_name}"])
        .output()?;
    let mut deleted = false;
    for name in String::from_utf8_lossy(&names.stdout).lines() {
        let content = Command::new("tmux")
            .args(["show-buffer", "-b", name])
            .output()?;
        if content.stdout == text.as_bytes() {
            Command::new("tmux")
                .args(["delete-buffer", "-b", name])
                .status()?;
            deleted = true;
        }
    }
    Ok(deleted)
}

/// The OSC 52 sequence that sets the clipboard to `text`.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", STANDARD.encode(text))
}

/// Writes the OSC 52 sequence to the controlling terminal (not stdout, which may be a pipe).
fn write_osc52(text: &str) -> anyhow::Result<()> {
    let mut tty = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/tty")
        .map_err(|e| {
            anyhow::anyhow!(
                "no clipboard program (wl-copy, xclip, xsel, pbcopy) and no terminal to send \
                 OSC 52 to: {e}"
            )
        })?;
    tty.write_all(osc52(text).as_bytes())?;
    tty.flush()?;
    Ok(())
}

fn run_with_input(command: &[&str], text: &str) -> anyhow::Result<()> {
    let mut child = Command::new(command[0])
        .args(&command[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(text.as_bytes())?;
    let status = child.wait()?;
    anyhow::ensure!(status.success(), "{} failed ({status})", command[0]);
    Ok(())
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(super::osc52("tok_123"), "\x1b]52;c;dG9rXzEyMw==\x07");
    }
}
