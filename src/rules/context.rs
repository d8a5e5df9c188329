//! Context rules: a secret with no distinctive shape of its own (32 hex characters, a UUID, 40
//! base62 characters) is reported only where its provider is named, by a rule that gives the
//! provider's names as `keywords` and the secret's shape as `value:` instead of a `pattern:`.
//! The schema turns the two into one regex, the same for every such rule, so that all of them
//! read assignments alike:
//!
//! - on one line, the provider's name inside the name the value is assigned to, in any syntax:
//!   `HUBSPOT_API_KEY=...`, `hubspot.apiKey: '...'`, `"x-hubspot-key": "..."`,
//!   `config['hubspot_token'] = ...`, `setenv("HUBSPOT_KEY", "...")`, `$hubspotKey => '...'`,
//!   `hubspot: { key: "..." }`;
//! - with `near_lines: N`, also the provider's name on one of the N lines above an assignment
//!   whose own name says secret (`key`, `token`, `secret`, `password`, ...), with no blank line
//!   between them: the same YAML map, JSON object or `.env` group.
//!
//! The value must fill its place exactly: a longer run of letters and digits is not it.

/// How many lines above an assignment its provider's name may stand, at most.
pub const MAX_NEAR_LINES: usize = 5;

/// Characters of the rest of a name around a provider keyword (`_API_KEY`, `.apiKey`).
const NAME_TAIL: &str = r"[\w.\-]{0,40}";

/// What may stand between a name and its value on one line: closing quotes or brackets, an
/// assignment operator (`=`, `:`, `:=`, `=>`, or the `,` of a call's arguments), and the opening
/// of a nested map whose own key holds the value (`hubspot: { key: "..." }`).
const SEPARATOR: &str = r#"["'\]\)]{0,2}[ \t]*(?:=>|:=|[:=,])[ \t]*(?:\{[ \t]*["']?[\w.\-]{1,40}["']?[ \t]*[:=][ \t]*)?"#;

/// A line that holds something (no blank line inside a block), at most 200 characters.
const BLOCK_LINE: &str = r"[ \t]*\S[^\n]{0,199}\n";

/// The name of an assignment that says it holds a secret, for values below a provider's name.
const SECRET_NAME: &str = r#"[ \t]*(?:-[ \t]+)?["']?[\w.\-]{0,40}?(?:key|token|secret|password|passwd|pass|pwd|auth|credential|signature|sig)[\w.\-]{0,40}["']?[ \t]*(?:=>|:=|[:=])[ \t]*"#;

/// What may follow the value: anything but a character that would make it a longer run.
const VALUE_END: &str = r"(?:[^0-9A-Za-z_\-+/]|$)";

/// The regex of a context rule: one of `keywords` (lower-case literals, matched in any case),
/// then the value of shape `value` (a regex, matched case-sensitively) assigned on the same line
/// or, with `near_lines` above 0, on one of the `near_lines` lines below; group 1 is the value.
pub fn context_pattern(keywords: &[String], value: &str, near_lines: usize) -> String {
    let names: Vec<String> = keywords.iter().map(|k| regex_syntax::escape(k)).collect();
    let same_line = format!("{NAME_TAIL}{SEPARATOR}");
    let assignment = if near_lines == 0 {
        same_line
    } else {
        let above = format!(
            r"[^\n]{{0,200}}\n(?:{BLOCK_LINE}){{0,{}}}{SECRET_NAME}",
            near_lines - 1
        );
        format!("(?:{same_line}|{above})")
    };
    format!(
        r#"(?i)(?:{})(?:{assignment})["'`]?(?-i:({value})){VALUE_END}"#,
        names.join("|")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    const SECRET: &str = "3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b";

    fn secret_of(pattern: &str, text: &str) -> Option<String> {
        let regex = regex::Regex::new(pattern).expect("a valid regex");
        regex.captures(text).map(|c| c[1].to_string())
    }

    fn hubspot(near_lines: usize) -> String {
        context_pattern(&["hubspot".to_string()], UUID, near_lines)
    }

    #[test]
    fn finds_the_value_assigned_to_a_name_holding_the_provider_in_any_syntax() {
        let pattern = hubspot(0);
        for line in [
            "HUBSPOT_API_KEY=3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b",
            "export HUBSPOT_TOKEN=\"3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b\"",
            "  hubspot.apiKey: '3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b'",
            "{\"x-hubspot-key\": \"3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b\"}",
            "config['hubspot_token'] = '3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b'",
            "os.setenv(\"HUBSPOT_KEY\", \"3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b\")",
            "'hubspotKey' => '3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b',",
            "hubspot: { key: \"3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b\" }",
            "const hubspotKey := \"3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b\"",
        ] {
            assert_eq!(secret_of(&pattern, line).as_deref(), Some(SECRET), "{line}");
        }
    }

    #[test]
    fn the_value_must_fill_its_place_and_keep_its_case() {
        let pattern = hubspot(0);
        for line in [
            "HUBSPOT_API_KEY=3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b7",
            "HUBSPOT_API_KEY=x3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b",
            "HUBSPOT_API_KEY=3F2B8C1E-9D4A-4E7B-A6C5-0B1D2E3F4A5B",
            "hubspot docs: 3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b is a portal id",
            "HUBSPOT_API_KEY=",
        ] {
            assert_eq!(secret_of(&pattern, line), None, "{line}");
        }
    }

    #[test]
    fn near_lines_reach_an_assignment_below_in_the_same_block_only() {
        let below = "hubspot:\n  portal: 12345\n  api_key: 3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b\n";
        assert_eq!(secret_of(&hubspot(2), below).as_deref(), Some(SECRET));
        assert_eq!(secret_of(&hubspot(1), below), None, "two lines down");
        assert_eq!(secret_of(&hubspot(0), below), None, "same line only");
        let blank = "hubspot:\n\n  api_key: 3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b\n";
        assert_eq!(
            secret_of(&hubspot(3), blank),
            None,
            "a blank line ends the block"
        );
        let not_secret = "hubspot:\n  portal_id: 3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b\n";
        assert_eq!(
            secret_of(&hubspot(3), not_secret),
            None,
            "the name must say secret"
        );
        let json = "\"hubspot\": {\n  \"accessToken\": \"3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b\"\n";
        assert_eq!(secret_of(&hubspot(1), json).as_deref(), Some(SECRET));
        let list = "# HubSpot\n- token: 3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b\n";
        assert_eq!(secret_of(&hubspot(1), list).as_deref(), Some(SECRET));
    }

    #[test]
    fn keywords_are_literals() {
        let pattern = context_pattern(&["openai.azure.com".to_string()], "[0-9a-f]{32}", 1);
        let near =
            "endpoint: https://acme.openai.azure.com/\napi_key: 0123456789abcdef0123456789abcdef\n";
        assert!(secret_of(&pattern, near).is_some());
        let unescaped =
            "endpoint: https://acme.openaiXazure.com/\napi_key: 0123456789abcdef0123456789abcdef\n";
        assert!(secret_of(&pattern, unescaped).is_none());
    }
}
