//! Presets: the request each common job needs (`generate --preset api-key`), so that nobody has
//! to remember that a webhook secret is 32 bytes of hex. Flags given beside a preset replace
//! the parts they name (see [`Preset::apply`]).

use super::alphabet::CharClass;
use super::spec::{Charset, Format, Request, Size};

/// A named preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// An API key: 256 bits of base62 (43 characters).
    ApiKey,
    /// A webhook or HMAC signing secret: 32 random bytes as hex (64 characters).
    WebhookSecret,
    /// A JWT (HS256) signing secret: 256 bits of base64url.
    JwtSecret,
    /// A session or cookie secret: 256 bits of base64url.
    Session,
    /// A password a person may have to type: 20 characters, all four classes, one of each.
    Password,
    /// An invite code read aloud or typed: 12 upper-case letters and digits, no look-alikes.
    InviteCode,
    /// A PIN: 6 digits (not a secret on its own: pair it with rate limiting).
    Pin,
}

impl Preset {
    /// Every preset, in the order of the README's table.
    pub const ALL: [Preset; 7] = [
        Preset::ApiKey,
        Preset::WebhookSecret,
        Preset::JwtSecret,
        Preset::Session,
        Preset::Password,
        Preset::InviteCode,
        Preset::Pin,
    ];

    /// The preset's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Preset::ApiKey => "api-key",
            Preset::WebhookSecret => "webhook-secret",
            Preset::JwtSecret => "jwt-secret",
            Preset::Session => "session",
            Preset::Password => "password",
            Preset::InviteCode => "invite-code",
            Preset::Pin => "pin",
        }
    }

    /// What it chooses, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Preset::ApiKey => "base62, 256 bits",
            Preset::WebhookSecret => "32 random bytes as hex",
            Preset::JwtSecret | Preset::Session => "base64url, 256 bits",
            Preset::Password => {
                "20 characters of lower, upper, digits and symbols, each class at least once"
            }
            Preset::InviteCode => "12 upper-case letters and digits without look-alikes",
            Preset::Pin => "6 digits",
        }
    }

    /// The request the preset stands for.
    pub fn request(self) -> Request {
        let (charset, size, no_ambiguous, each_class) = match self {
            Preset::ApiKey => (
                Charset::Named(Format::Base62),
                Size::Bits(256),
                false,
                false,
            ),
            Preset::WebhookSecret => (Charset::Named(Format::Hex), Size::Bytes(32), false, false),
            Preset::JwtSecret | Preset::Session => (
                Charset::Named(Format::Base64Url),
                Size::Bits(256),
                false,
                false,
            ),
            Preset::Password => (
                Charset::Classes(vec![
                    CharClass::Lower,
                    CharClass::Upper,
                    CharClass::Digits,
                    CharClass::Symbols,
                ]),
                Size::Length(20),
                false,
                true,
            ),
            Preset::InviteCode => (
                Charset::Classes(vec![CharClass::Upper, CharClass::Digits]),
                Size::Length(12),
                true,
                false,
            ),
            Preset::Pin => (
                Charset::Classes(vec![CharClass::Digits]),
                Size::Length(6),
                false,
                false,
            ),
        };
        Request {
            charset,
            no_ambiguous,
            each_class,
            size: Some(size),
            prefix: None,
            checksum: false,
        }
    }

    /// The preset's request with the parts `given` names replaced: its characters when `given`
    /// chooses any, its size when `given` has one; flags that add (`no_ambiguous`,
    /// `each_class`, `checksum`, a prefix) add to the preset's.
    pub fn apply(self, given: &Request) -> Request {
        let mut request = self.request();
        if given.charset != Charset::Default {
            request.charset = given.charset.clone();
            request.each_class = false;
            request.no_ambiguous = false;
            // A byte count means nothing for other characters.
            if matches!(request.size, Some(Size::Bytes(_))) {
                request.size = Some(Size::Bits(256));
            }
        }
        if given.size.is_some() {
            request.size = given.size;
        }
        request.no_ambiguous |= given.no_ambiguous;
        request.each_class |= given.each_class;
        request.checksum |= given.checksum;
        if given.prefix.is_some() {
            request.prefix.clone_from(&given.prefix);
        }
        request
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::spec::Generator;

    #[test]
    fn each_preset_makes_what_it_says() {
        let expect = [
            (Preset::ApiKey, 43, "base62"),
            (Preset::WebhookSecret, 64, "hex"),
            (Preset::JwtSecret, 43, "base64url"),
            (Preset::Session, 43, "base64url"),
            (Preset::Password, 20, ""),
            (Preset::InviteCode, 12, ""),
            (Preset::Pin, 6, ""),
        ];
        let mut rng = rand::rng();
        for (preset, len, format) in expect {
            let generator = Generator::new(&preset.request()).unwrap();
            let token = generator.token(&mut rng);
            assert_eq!(token.chars().count(), len, "{}: {token}", preset.name());
            if !format.is_empty() {
                assert_eq!(generator.format_name(), format, "{}", preset.name());
            }
        }
        let invite = Generator::new(&Preset::InviteCode.request())
            .unwrap()
            .token(&mut rng);
        assert!(
            invite
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert!(!invite.contains(['0', 'O', '1', 'I']), "{invite}");
        let pin = Generator::new(&Preset::Pin.request())
            .unwrap()
            .token(&mut rng);
        assert!(pin.chars().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn explicit_flags_replace_the_parts_they_name() {
        let given = Request {
            charset: Charset::Default,
            no_ambiguous: false,
            each_class: false,
            size: Some(Size::Length(32)),
            prefix: Some("acme_".into()),
            checksum: false,
        };
        let request = Preset::Password.apply(&given);
        assert_eq!(request.size, Some(Size::Length(32)));
        assert!(request.each_class, "the preset's own parts stay");
        assert_eq!(request.prefix.as_deref(), Some("acme_"));
        let hex = Request {
            charset: Charset::Named(Format::Base62),
            size: None,
            prefix: None,
            ..given
        };
        let request = Preset::WebhookSecret.apply(&hex);
        assert_eq!(request.charset, Charset::Named(Format::Base62));
        assert_eq!(request.size, Some(Size::Bits(256)));
    }
}
