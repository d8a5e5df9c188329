//! What the interactive generator's controls say, as one value: turned into the engine's
//! [`Request`] (the same the flags build, so both paths draw from one engine) and into the
//! equivalent command line printed on quit.

use crate::token::alphabet::CharClass;
use crate::token::spec::{Charset, Format, Generator, MAX_LENGTH, Request, Size};

/// Shortest length the slider offers.
pub const SLIDER_MIN: usize = 4;
/// Longest length the slider offers (longer ones can be typed, up to the engine's limit).
pub const SLIDER_MAX: usize = 128;

/// The formats the format switch cycles through; `None` is "classes" (the toggles decide).
pub const FORMATS: [Option<Format>; 9] = [
    None,
    Some(Format::Base62),
    Some(Format::Hex),
    Some(Format::Base64Url),
    Some(Format::Base58),
    Some(Format::Base32),
    Some(Format::Crockford32),
    Some(Format::Uuid),
    Some(Format::Ulid),
];

/// The controls' values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Body length in characters (ignored by uuid and ulid).
    pub length: usize,
    /// Lower-case letters.
    pub lower: bool,
    /// Upper-case letters.
    pub upper: bool,
    /// Digits.
    pub digits: bool,
    /// Symbols.
    pub symbols: bool,
    /// Drop look-alike characters.
    pub no_ambiguous: bool,
    /// At least one character of each class.
    pub each_class: bool,
    /// A named format instead of the class toggles.
    pub format: Option<Format>,
    /// Text before the body.
    pub prefix: String,
    /// Append the crc32-base62 checksum.
    pub checksum: bool,
}

impl Default for Settings {
    /// The command's own default: 43 base62 characters (256 bits).
    fn default() -> Self {
        Settings {
            length: 43,
            lower: true,
            upper: true,
            digits: true,
            symbols: false,
            no_ambiguous: false,
            each_class: false,
            format: None,
            prefix: String::new(),
            checksum: false,
        }
    }
}

impl Settings {
    /// The settings a flag request stands for: its characters, its length (a size in bits or
    /// bytes becomes the length the engine gives it), prefix and checksum.
    pub fn from_request(request: &Request) -> Settings {
        let mut settings = Settings::default();
        match &request.charset {
            Charset::Default => {}
            Charset::Named(format) => settings.format = Some(*format),
            Charset::Classes(classes) => {
                settings.lower = classes.contains(&CharClass::Lower);
                settings.upper = classes.contains(&CharClass::Upper);
                settings.digits = classes.contains(&CharClass::Digits);
                settings.symbols = classes.contains(&CharClass::Symbols);
            }
            // A custom alphabet has no control: start from the default characters.
            Charset::Custom(_) => {}
        }
        if settings.format.is_some_and(|f| !FORMATS.contains(&Some(f))) {
            settings.format = Some(Format::Base62);
        }
        settings.no_ambiguous = request.no_ambiguous;
        settings.each_class = request.each_class;
        settings.prefix = request.prefix.clone().unwrap_or_default();
        settings.checksum = request.checksum;
        let sized = Request {
            prefix: None,
            checksum: false,
            ..request.clone()
        };
        if let Ok(generator) = Generator::new(&sized) {
            settings.length = generator.body_len().clamp(SLIDER_MIN, MAX_LENGTH);
        }
        settings
    }

    /// The class toggles that are on.
    pub fn classes(&self) -> Vec<CharClass> {
        CharClass::chosen(self.lower, self.upper, self.digits, self.symbols)
    }

    /// Whether the format has a length (uuid and ulid do not).
    pub fn has_length(&self) -> bool {
        !matches!(self.format, Some(Format::Uuid | Format::Ulid))
    }

    /// The engine request.
    pub fn request(&self) -> Request {
        let charset = match self.format {
            Some(format) => Charset::Named(format),
            None => Charset::Classes(self.classes()),
        };
        let named = self.format.is_some();
        Request {
            charset,
            no_ambiguous: self.no_ambiguous && !named,
            each_class: self.each_class && !named,
            size: self.has_length().then_some(Size::Length(self.length)),
            prefix: (!self.prefix.is_empty()).then(|| self.prefix.clone()),
            checksum: self.checksum,
        }
    }

    /// The shortest body of the current characters with at least `bits` bits (the 128- and
    /// 256-bit presets), if the engine can make one.
    pub fn length_for_bits(&self, bits: u32) -> Option<usize> {
        let request = Request {
            size: Some(Size::Bits(bits)),
            prefix: None,
            checksum: false,
            ..self.request()
        };
        Generator::new(&request).ok().map(|g| g.body_len())
    }

    /// The `tokhyg generate` command line that makes the same tokens.
    pub fn command_line(&self) -> String {
        let mut args = vec!["tokhyg".to_string(), "generate".to_string()];
        match self.format {
            Some(format) => args.extend(["--format".into(), format.name().to_string()]),
            None => {
                for (on, flag) in [
                    (self.lower, "--lower"),
                    (self.upper, "--upper"),
                    (self.digits, "--digits"),
                    (self.symbols, "--symbols"),
                    (self.no_ambiguous, "--no-ambiguous"),
                    (self.each_class, "--each-class"),
                ] {
                    if on {
                        args.push(flag.into());
                    }
                }
            }
        }
        if self.has_length() {
            args.extend(["--length".into(), self.length.to_string()]);
        }
        if !self.prefix.is_empty() {
            args.extend(["--prefix".into(), shell_word(&self.prefix)]);
        }
        if self.checksum {
            args.push("--checksum".into());
        }
        args.join(" ")
    }
}

/// `word` quoted for a POSIX shell when it needs it.
fn shell_word(word: &str) -> String {
    if word
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    /// The request that the printed command line's flags build.
    fn request_of(command_line: &str) -> Request {
        let words: Vec<String> = command_line
            .split(' ')
            .map(|w| w.trim_matches('\'').to_string())
            .collect();
        let Command::Generate(args) = Cli::parse_from(words).command else {
            panic!("not a generate command: {command_line}");
        };
        args.request()
    }

    #[test]
    fn the_command_line_printed_on_quit_builds_the_same_request() {
        let mut cases = vec![Settings::default()];
        let mut s = Settings {
            length: 16,
            symbols: true,
            no_ambiguous: true,
            each_class: true,
            prefix: "acme_live_".into(),
            ..Settings::default()
        };
        cases.push(s.clone());
        s.lower = false;
        s.upper = false;
        cases.push(s.clone());
        for format in FORMATS.into_iter().flatten() {
            cases.push(Settings {
                format: Some(format),
                length: 40,
                ..Settings::default()
            });
        }
        cases.push(Settings {
            checksum: true,
            prefix: "sk_test_".into(),
            ..Settings::default()
        });
        for settings in cases {
            let line = settings.command_line();
            assert_eq!(request_of(&line), settings.request(), "{line}");
        }
    }

    #[test]
    fn flags_give_the_starting_settings() {
        let settings = Settings::from_request(&request_of("tokhyg generate --length 16 --symbols"));
        assert_eq!(settings.length, 16);
        assert!(settings.symbols && !settings.lower && !settings.digits);
        let settings =
            Settings::from_request(&request_of("tokhyg generate --format hex --bits 128"));
        assert_eq!((settings.format, settings.length), (Some(Format::Hex), 32));
        let settings = Settings::from_request(&Request::default());
        assert_eq!(settings, Settings::default());
    }

    #[test]
    fn the_bit_presets_give_the_shortest_length_that_reaches_them() {
        let settings = Settings::default();
        assert_eq!(settings.length_for_bits(128), Some(22));
        assert_eq!(settings.length_for_bits(256), Some(43));
        let hex = Settings {
            format: Some(Format::Hex),
            ..Settings::default()
        };
        assert_eq!(hex.length_for_bits(256), Some(64));
    }
}
