//! `tokhyg generate --interactive`: a full-screen generator in the terminal (ratatui on
//! crossterm). [`settings`] maps the controls to the engine's request, [`state`] says what each
//! key and click does, [`view`] draws; this module owns the terminal: alternate screen (so no
//! token stays in the scrollback), raw mode, mouse reporting, and restoring all of it on quit,
//! Ctrl-C, a panic, SIGTERM or SIGHUP.

pub mod settings;
pub mod state;
pub mod view;

use super::generate_into::{self, IntoRequest};
use super::{clipboard, exit};
use anyhow::{Context as _, bail};
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use settings::Settings;
use state::{Action, State};
use std::io::{self, IsTerminal as _, Write as _};
use std::path::Path;
use std::time::{Duration, Instant};

type Term = Terminal<CrosstermBackend<io::Stdout>>;

/// Runs the interactive generator from `settings`; prints the equivalent command line on quit.
pub fn run(settings: Settings, clear_after: Option<u64>) -> anyhow::Result<u8> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        bail!(
            "--interactive needs a terminal on standard input and output; use the flags (tokhyg \
             generate --help) in scripts and pipes"
        );
    }
    watch_for_signals_and_hangup()?;
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        default_hook(info);
    }));
    let mut terminal = enter()?;
    let mut state = State::new(settings);
    let mut clearing = Clearing {
        after: clear_after.map(Duration::from_secs),
        pending: None,
    };
    let result = event_loop(&mut terminal, &mut state, &mut clearing);
    restore();
    result?;
    println!("{}", state.settings.command_line());
    clearing.finish();
    Ok(exit::CLEAN)
}

/// `--clear-after`: the copy to clear, and when.
struct Clearing {
    /// How long a copy stays on the clipboard (`None`: for good).
    after: Option<Duration>,
    /// The last copy: when to clear it, what it was, and how it was copied.
    pending: Option<(Instant, String, clipboard::Via)>,
}

impl Clearing {
    /// Records a copy.
    fn copied(&mut self, token: &str, via: clipboard::Via) {
        if let Some(after) = self.after {
            self.pending = Some((Instant::now() + after, token.to_string(), via));
        }
    }

    /// Clears the clipboard if the time has come; whether it did.
    fn due(&mut self) -> bool {
        match &self.pending {
            Some((at, token, via)) if Instant::now() >= *at => {
                let cleared = clipboard::clear_if_holding(token, *via).unwrap_or(false);
                self.pending = None;
                cleared
            }
            _ => false,
        }
    }

    /// On quit: waits for a pending clear, saying so, then clears.
    fn finish(&mut self) {
        if let Some((at, _, _)) = &self.pending {
            let left = at.saturating_duration_since(Instant::now());
            eprintln!(
                "tokhyg: clearing the clipboard in {} s (Ctrl-C keeps it)",
                left.as_secs()
            );
            std::thread::sleep(left);
            if self.due() {
                eprintln!("tokhyg: clipboard cleared");
            }
        }
    }
}

fn event_loop(
    terminal: &mut Term,
    state: &mut State,
    clearing: &mut Clearing,
) -> anyhow::Result<()> {
    loop {
        if clearing.due() {
            state.notice = Some("clipboard cleared".to_string());
        }
        terminal.draw(|frame| view::draw(frame, state))?;
        if !event::poll(Duration::from_millis(100))? {
            continue;
        }
        let action = match event::read()? {
            Event::Key(key) if key.kind == event::KeyEventKind::Press => state.key(key),
            Event::Mouse(mouse) => state.mouse(mouse),
            _ => Action::Redraw,
        };
        match action {
            Action::Redraw => {}
            Action::Quit => return Ok(()),
            Action::Copy => {
                state.notice = Some(match clipboard::copy(&state.token) {
                    Ok(via) => {
                        clearing.copied(&state.token, via);
                        format!("copied to {}", via.describe())
                    }
                    Err(error) => format!("not copied: {error}"),
                });
            }
            Action::Write { name, file, policy } => {
                restore();
                let outcome = write_into(state, &name, &file, policy);
                if let Err(error) = &outcome {
                    eprintln!("tokhyg: error: {error:#}");
                }
                eprint!("press Enter to return to the generator ");
                let _ = io::stderr().flush();
                let mut line = String::new();
                let _ = io::stdin().read_line(&mut line);
                *terminal = enter()?;
                terminal.clear()?;
                state.notice = Some(match outcome {
                    Ok(()) => format!("wrote {name} into {file}"),
                    Err(_) => format!("{name} not written (see the message above)"),
                });
            }
        }
    }
}

/// Ends the process, terminal restored, on SIGTERM or SIGHUP, or when the terminal hangs up
/// (a closed SSH session or tmux pane: crossterm's reader would spin on end-of-file). Watched
/// from a thread of its own, since the event loop may be inside crossterm's wait.
fn watch_for_signals_and_hangup() -> anyhow::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP])
        .context("cannot install the signal handlers")?;
    std::thread::spawn(move || {
        loop {
            if let Some(signal) = signals.pending().next() {
                restore();
                std::process::exit(128 + signal);
            }
            if stdin_hung_up() {
                restore();
                std::process::exit(128 + SIGHUP);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    Ok(())
}

/// Whether the terminal on standard input has hung up.
fn stdin_hung_up() -> bool {
    let mut fd = libc::pollfd {
        fd: 0,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no timeout.
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    ready > 0 && fd.revents & (libc::POLLHUP | libc::POLLNVAL) != 0
}

/// Writes the shown token through the same guard and writer as `--into`.
fn write_into(state: &State, name: &str, file: &str, policy: char) -> anyhow::Result<()> {
    // The token shown is the one written: one no quoting gives every parser back (`'` with `"`,
    // `\` or `$`, say) is refused here rather than swapped for another behind the user's back.
    if let Err(why) = crate::dotenv::quote::render(&state.token) {
        bail!("this token cannot be written to a .env file as it is ({why}); press r for another");
    }
    let generator = crate::token::spec::Generator::new(&state.settings.request())?;
    let strength = generator.strength();
    let names = [name.to_string()];
    let request = IntoRequest {
        file: Path::new(file),
        names: &names,
        force: policy == 'f',
        rotate: policy == 'r',
        add_to_gitignore: false,
        show: false,
        strength: &strength,
        bits: generator.bits(),
        stamp: true,
        public: None,
    };
    // A line of the file that leaves a quote open can still make the writer draw again: then
    // the value written is not the one shown, and the report says so.
    let mut draws = 0;
    let mut rng = rand::rng();
    generate_into::run(request, &mut |_| {
        draws += 1;
        if draws == 1 {
            state.token.clone()
        } else {
            generator.token(&mut rng)
        }
    })?;
    if draws > 1 {
        eprintln!(
            "tokhyg: the token shown could not be written below a line of {file} that leaves a \
             quote open; another was drawn and written (it is not the one on screen)"
        );
    }
    Ok(())
}

/// Raw mode, the alternate screen and mouse reporting.
fn enter() -> anyhow::Result<Term> {
    enable_raw_mode().context("cannot put the terminal in raw mode")?;
    let mut stdout = io::stdout();
    execute!(stdout, EnterAlternateScreen, EnableMouseCapture)?;
    Ok(Terminal::new(CrosstermBackend::new(stdout))?)
}

/// Back to the terminal as it was (safe to call twice).
fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}
