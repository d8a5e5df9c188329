//! The interactive generator's state and what each key and click does to it. No terminal here:
//! the runner ([`super::run`]) feeds events in and carries the returned [`Action`] out, the view
//! ([`super::view`]) draws the state and records where each control is ([`HitMap`]).

use super::settings::{FORMATS, SLIDER_MAX, SLIDER_MIN, Settings};
use crate::token::spec::{Generator, MAX_LENGTH, MIN_SECURE_BITS, format_bits};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

/// What the runner must do after an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Nothing but redraw.
    Redraw,
    /// Restore the terminal and print the equivalent command line.
    Quit,
    /// Copy the token.
    Copy,
    /// Write the token into `file` as `name` (policy: `r` rotate, `f` force, else refuse).
    Write {
        /// The variable.
        name: String,
        /// The .env file.
        file: String,
        /// `r`, `f` or `n`.
        policy: char,
    },
}

/// A toggle control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toggle {
    /// Lower-case letters.
    Lower,
    /// Upper-case letters.
    Upper,
    /// Digits.
    Digits,
    /// Symbols.
    Symbols,
    /// No look-alikes.
    NoAmbiguous,
    /// Each class at least once.
    EachClass,
    /// The checksum.
    Checksum,
    /// Regenerate on every change.
    Auto,
    /// The format switch (a click moves to the next format).
    Format,
}

/// Where the view drew the clickable controls, for the mouse.
#[derive(Debug, Clone, Default)]
pub struct HitMap {
    /// The length slider's bar (inside its brackets).
    pub slider: Rect,
    /// Each toggle's area.
    pub toggles: Vec<(Rect, Toggle)>,
}

/// A line of text being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Editing {
    /// Not typing.
    None,
    /// A length, digit by digit.
    Length(String),
    /// The prefix.
    Prefix(String),
    /// The variable name for `w`.
    Name(String),
    /// The file for `w`, once the name is known.
    File(String, String),
    /// What to do if the name is already set.
    Policy(String, String),
}

/// Everything on screen.
pub struct State {
    /// The controls.
    pub settings: Settings,
    /// Regenerate on every change.
    pub auto: bool,
    /// The token shown.
    pub token: String,
    /// Its strength in bits (0 when the settings make no generator).
    pub bits: f64,
    /// Why the settings make no token, if they do not.
    pub error: Option<String>,
    /// A short notice (copied, written).
    pub notice: Option<String>,
    /// What is being typed.
    pub editing: Editing,
    /// Where the controls are.
    pub hits: HitMap,
    generator: Option<Generator>,
    dragging: bool,
}

impl State {
    /// The state for `settings`, with a first token.
    pub fn new(settings: Settings) -> State {
        let mut state = State {
            settings,
            auto: true,
            token: String::new(),
            bits: 0.0,
            error: None,
            notice: None,
            editing: Editing::None,
            hits: HitMap::default(),
            generator: None,
            dragging: false,
        };
        state.rebuild();
        state.regenerate();
        state
    }

    /// The strength in words: weak under the 128-bit minimum, ok up to 192, strong above.
    pub fn strength_word(&self) -> &'static str {
        if self.bits < MIN_SECURE_BITS {
            "weak"
        } else if self.bits < 192.0 {
            "ok"
        } else {
            "strong"
        }
    }

    /// The CLI's warning for a token under the minimum, if it is.
    pub fn warning(&self) -> Option<String> {
        (self.generator.is_some() && self.bits < MIN_SECURE_BITS).then(|| {
            format!(
                "{} bits is below the {MIN_SECURE_BITS} bits accepted as the minimum for a key",
                format_bits(self.bits)
            )
        })
    }

    /// Draws a new token from the current generator.
    pub fn regenerate(&mut self) {
        if let Some(generator) = &self.generator {
            self.token = generator.token(&mut rand::rng());
        }
    }

    /// The generator for the current settings, or the reason there is none.
    fn rebuild(&mut self) {
        match Generator::new(&self.settings.request()) {
            Ok(generator) => {
                self.bits = generator.bits();
                self.generator = Some(generator);
                self.error = None;
            }
            Err(error) => {
                self.generator = None;
                self.bits = 0.0;
                self.token.clear();
                self.error = Some(error.to_string());
            }
        }
    }

    /// After a change of the settings: a new generator, and a token if auto is on.
    fn changed(&mut self) {
        self.notice = None;
        self.rebuild();
        if self.auto {
            self.regenerate();
        }
    }

    fn set_length(&mut self, length: usize) {
        let length = length.clamp(SLIDER_MIN, MAX_LENGTH);
        if length != self.settings.length {
            self.settings.length = length;
            self.changed();
        }
    }

    fn flip(&mut self, toggle: Toggle) {
        let s = &mut self.settings;
        match toggle {
            Toggle::Lower => s.lower = !s.lower,
            Toggle::Upper => s.upper = !s.upper,
            Toggle::Digits => s.digits = !s.digits,
            Toggle::Symbols => s.symbols = !s.symbols,
            Toggle::NoAmbiguous => s.no_ambiguous = !s.no_ambiguous,
            Toggle::EachClass => s.each_class = !s.each_class,
            Toggle::Checksum => s.checksum = !s.checksum,
            Toggle::Auto => {
                self.auto = !self.auto;
                return;
            }
            Toggle::Format => return self.next_format(1),
        }
        self.changed();
    }

    fn next_format(&mut self, step: isize) {
        let at = FORMATS
            .iter()
            .position(|f| *f == self.settings.format)
            .unwrap_or(0) as isize;
        let next = (at + step).rem_euclid(FORMATS.len() as isize) as usize;
        self.settings.format = FORMATS[next];
        self.changed();
    }

    /// The 128- and 256-bit presets, in turn: 128 bits, or 256 when the token has 128 now;
    /// the length becomes the shortest that reaches them.
    fn next_bits_preset(&mut self) {
        let target = if (self.bits - 128.0).abs() < 1.0 {
            256
        } else {
            128
        };
        if let Some(length) = self.settings.length_for_bits(target) {
            self.set_length(length);
            self.notice = Some(format!("{target}-bit preset"));
        }
    }

    /// Handles a key.
    pub fn key(&mut self, key: KeyEvent) -> Action {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('c') {
            return Action::Quit;
        }
        if self.editing != Editing::None {
            return self.edit_key(key.code);
        }
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return Action::Quit,
            KeyCode::Left | KeyCode::Char('-') => {
                self.set_length(self.settings.length.saturating_sub(1))
            }
            KeyCode::Right | KeyCode::Char('+') => self.set_length(self.settings.length + 1),
            KeyCode::PageDown => self.set_length(self.settings.length.saturating_sub(10)),
            KeyCode::PageUp => self.set_length(self.settings.length + 10),
            KeyCode::Home => self.set_length(SLIDER_MIN),
            KeyCode::End => self.set_length(SLIDER_MAX),
            KeyCode::Char(digit @ '0'..='9') => {
                self.editing = Editing::Length(digit.to_string());
            }
            KeyCode::Char('l') => self.flip(Toggle::Lower),
            KeyCode::Char('u') => self.flip(Toggle::Upper),
            KeyCode::Char('d') => self.flip(Toggle::Digits),
            KeyCode::Char('s') => self.flip(Toggle::Symbols),
            KeyCode::Char('n') => self.flip(Toggle::NoAmbiguous),
            KeyCode::Char('e') => self.flip(Toggle::EachClass),
            KeyCode::Char('k') => self.flip(Toggle::Checksum),
            KeyCode::Char('a') => self.flip(Toggle::Auto),
            KeyCode::Char('f') => self.next_format(1),
            KeyCode::Char('F') => self.next_format(-1),
            KeyCode::Char('b') => self.next_bits_preset(),
            KeyCode::Char('p') => self.editing = Editing::Prefix(self.settings.prefix.clone()),
            KeyCode::Char(' ' | 'r') => {
                self.notice = None;
                self.regenerate();
            }
            KeyCode::Char('c') | KeyCode::Enter if self.generator.is_some() => return Action::Copy,
            KeyCode::Char('w') if self.generator.is_some() => {
                self.editing = Editing::Name(String::new());
            }
            _ => {}
        }
        Action::Redraw
    }

    /// A key while typing a length, a prefix or the answers of `w`.
    fn edit_key(&mut self, code: KeyCode) -> Action {
        if code == KeyCode::Esc {
            self.editing = Editing::None;
            return Action::Redraw;
        }
        let editing = std::mem::replace(&mut self.editing, Editing::None);
        self.editing = match (editing, code) {
            (Editing::Length(text), KeyCode::Enter) => {
                if let Ok(length) = text.parse::<usize>() {
                    self.set_length(length);
                }
                Editing::None
            }
            (Editing::Prefix(text), KeyCode::Enter) => {
                self.settings.prefix = text;
                self.changed();
                Editing::None
            }
            (Editing::Name(name), KeyCode::Enter) if !name.is_empty() => {
                Editing::File(name, ".env".to_string())
            }
            (Editing::File(name, file), KeyCode::Enter) if !file.is_empty() => {
                Editing::Policy(name, file)
            }
            (Editing::Policy(name, file), KeyCode::Char('r' | 'f' | 'n') | KeyCode::Enter) => {
                let policy = match code {
                    KeyCode::Char(c) => c,
                    _ => 'n',
                };
                return Action::Write { name, file, policy };
            }
            (Editing::Length(mut text), KeyCode::Char(c @ '0'..='9')) if text.len() < 4 => {
                text.push(c);
                Editing::Length(text)
            }
            (Editing::Prefix(mut text), KeyCode::Char(c))
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' =>
            {
                text.push(c);
                Editing::Prefix(text)
            }
            (Editing::Name(mut text), KeyCode::Char(c))
                if c.is_ascii_alphanumeric() || c == '_' =>
            {
                text.push(c);
                Editing::Name(text)
            }
            (Editing::File(name, mut text), KeyCode::Char(c)) if !c.is_control() => {
                text.push(c);
                Editing::File(name, text)
            }
            (editing, KeyCode::Backspace) => match editing {
                Editing::Length(mut t) => {
                    t.pop();
                    Editing::Length(t)
                }
                Editing::Prefix(mut t) => {
                    t.pop();
                    Editing::Prefix(t)
                }
                Editing::Name(mut t) => {
                    t.pop();
                    Editing::Name(t)
                }
                Editing::File(n, mut t) => {
                    t.pop();
                    Editing::File(n, t)
                }
                other => other,
            },
            (editing, _) => editing,
        };
        Action::Redraw
    }

    /// Handles a mouse event: a click toggles, a click or drag on the slider sets the length.
    pub fn mouse(&mut self, event: MouseEvent) -> Action {
        let inside = |r: Rect| {
            event.column >= r.x
                && event.column < r.x + r.width
                && event.row >= r.y
                && event.row < r.y + r.height
        };
        match event.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if inside(self.hits.slider) {
                    self.dragging = true;
                    self.slide_to(event.column);
                } else if let Some(&(_, toggle)) =
                    self.hits.toggles.iter().find(|(r, _)| inside(*r))
                {
                    self.flip(toggle);
                }
            }
            MouseEventKind::Drag(MouseButton::Left) if self.dragging => self.slide_to(event.column),
            MouseEventKind::Up(_) => self.dragging = false,
            _ => {}
        }
        Action::Redraw
    }

    fn slide_to(&mut self, column: u16) {
        let bar = self.hits.slider;
        if bar.width < 2 {
            return;
        }
        let at =
            f64::from(column.saturating_sub(bar.x).min(bar.width - 1)) / f64::from(bar.width - 1);
        let length = SLIDER_MIN as f64 + at * (SLIDER_MAX - SLIDER_MIN) as f64;
        self.set_length(length.round() as usize);
    }

    /// Whether `column` of the slider bar stands for a length at or below the current one.
    pub fn slider_filled(&self, offset: u16, width: u16) -> bool {
        let length = self.settings.length.min(SLIDER_MAX);
        let at = SLIDER_MIN as f64
            + f64::from(offset) / f64::from(width.max(2) - 1) * (SLIDER_MAX - SLIDER_MIN) as f64;
        at <= length as f64 + 0.5
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(state: &mut State, code: KeyCode) -> Action {
        state.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn keys_change_length_and_alphabet_and_regenerate() {
        let mut state = State::new(Settings::default());
        assert_eq!(state.token.len(), 43);
        let before = state.token.clone();
        press(&mut state, KeyCode::Right);
        assert_eq!(state.token.len(), 44);
        assert_ne!(state.token, before);
        press(&mut state, KeyCode::Home);
        assert_eq!(state.token.len(), 4);
        press(&mut state, KeyCode::End);
        assert_eq!(state.token.len(), 128);
        for c in "200".chars() {
            press(&mut state, KeyCode::Char(c));
        }
        press(&mut state, KeyCode::Enter);
        assert_eq!(state.token.len(), 200, "typed lengths go past the slider");
        press(&mut state, KeyCode::Char('l'));
        press(&mut state, KeyCode::Char('u'));
        assert!(
            state.token.bytes().all(|b| b.is_ascii_digit()),
            "{}",
            state.token
        );
        assert_eq!(state.strength_word(), "strong");
        press(&mut state, KeyCode::Char('d'));
        assert!(state.error.is_some() && state.token.is_empty());
        assert_eq!(
            press(&mut state, KeyCode::Char('c')),
            Action::Redraw,
            "nothing to copy"
        );
    }

    #[test]
    fn auto_off_keeps_the_token_until_space() {
        let mut state = State::new(Settings::default());
        press(&mut state, KeyCode::Char('a'));
        let kept = state.token.clone();
        press(&mut state, KeyCode::Right);
        assert_eq!(state.token, kept);
        press(&mut state, KeyCode::Char(' '));
        assert_eq!(state.token.len(), 44);
    }

    #[test]
    fn formats_presets_prefix_and_the_write_questions() {
        let mut state = State::new(Settings::default());
        press(&mut state, KeyCode::Char('f'));
        press(&mut state, KeyCode::Char('f'));
        assert_eq!(state.settings.format, FORMATS[2]);
        assert!(state.token.bytes().all(|b| b.is_ascii_hexdigit()));
        press(&mut state, KeyCode::Char('b'));
        assert_eq!(state.bits, 128.0);
        press(&mut state, KeyCode::Char('b'));
        assert_eq!(state.bits, 256.0);
        press(&mut state, KeyCode::Char('p'));
        for c in "acme_".chars() {
            press(&mut state, KeyCode::Char(c));
        }
        press(&mut state, KeyCode::Enter);
        assert!(state.token.starts_with("acme_"));
        press(&mut state, KeyCode::Char('w'));
        for c in "API_KEY".chars() {
            press(&mut state, KeyCode::Char(c));
        }
        press(&mut state, KeyCode::Enter);
        press(&mut state, KeyCode::Enter);
        let action = press(&mut state, KeyCode::Char('r'));
        assert_eq!(
            action,
            Action::Write {
                name: "API_KEY".into(),
                file: ".env".into(),
                policy: 'r'
            }
        );
        assert_eq!(press(&mut state, KeyCode::Char('q')), Action::Quit);
    }

    #[test]
    fn the_interactive_tokens_are_uniform_like_the_flag_path() {
        use crate::token::uniformity::PositionCounts;
        // Digits and symbols, 6 characters: each position must be uniform over the 42 symbols
        // (the same chi-square check the engine's own tests use, family alpha 1e-6).
        let settings = Settings {
            length: 6,
            lower: false,
            upper: false,
            symbols: true,
            ..Settings::default()
        };
        let mut state = State::new(settings.clone());
        let alphabet: Vec<char> = {
            let generator = Generator::new(&settings.request()).unwrap();
            let mut chars: Vec<char> = generator.token_format().unwrap().alphabet.chars().to_vec();
            chars.sort_unstable();
            chars
        };
        let mut counts = PositionCounts::new(6, alphabet.len());
        for _ in 0..60_000 {
            state.key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE));
            let token: Vec<usize> = state
                .token
                .chars()
                .map(|c| {
                    alphabet
                        .binary_search(&c)
                        .expect("a character of the alphabet")
                })
                .collect();
            counts.add(&token);
        }
        let expected = vec![1.0 / alphabet.len() as f64; alphabet.len()];
        let result = counts.check(&expected, 1e-6, true);
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn clicks_toggle_and_the_slider_follows_the_mouse() {
        let mut state = State::new(Settings::default());
        state.hits = HitMap {
            slider: Rect::new(10, 5, 125, 1),
            toggles: vec![(Rect::new(0, 7, 9, 1), Toggle::Symbols)],
        };
        let click = |column, row, kind| MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        };
        state.mouse(click(3, 7, MouseEventKind::Down(MouseButton::Left)));
        assert!(state.settings.symbols);
        state.mouse(click(10, 5, MouseEventKind::Down(MouseButton::Left)));
        assert_eq!(state.settings.length, SLIDER_MIN);
        state.mouse(click(134, 5, MouseEventKind::Drag(MouseButton::Left)));
        assert_eq!(state.settings.length, SLIDER_MAX);
        state.mouse(click(134, 5, MouseEventKind::Up(MouseButton::Left)));
        state.mouse(click(10, 5, MouseEventKind::Drag(MouseButton::Left)));
        assert_eq!(
            state.settings.length, SLIDER_MAX,
            "no drag after the button is up"
        );
    }
}
