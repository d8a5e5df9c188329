//! Context rules: a secret with no distinctive shape of its own (32 hex characters, a UUID, 40
//! base62 characters) is reported only where its provider is named, by a rule that gives the
//! provider's names as `keywords` and the secret's shape as `value:` instead of a `pattern:`.
//! The schema turns the two into one regex, the same for every such rule, so that all of them
//! read assignments alike:
//!
//! - on one line, the provider's name inside the name the value is assigned to, a name that
//!   also says secret (`key`, `token`, `secret`, `password`, `auth`, `credential`, `sig`, before
//!   or after the provider's name), in any syntax: `HUBSPOT_API_KEY=...`, `API_KEY_HUBSPOT=...`,
//!   `hubspot.apiKey: '...'`, `"x-hubspot-key": "..."`, `config['hubspot_token'] = ...`,
//!   `setenv("HUBSPOT_KEY", "...")`, `$hubspotKey => '...'`, `hubspot: { key: "..." }` (but not
//!   `hubspot_portal_id = ...`: an id is no secret);
//! - with `near_lines: N`, also the provider's name on one of the N lines above an assignment
//!   whose own name says secret (`key`, `token`, `secret`, `password`, ...), with no blank line
//!   between them: the same YAML map, JSON object or `.env` group.
//!
//! The value must fill its place exactly: a longer run of letters and digits is not it.

/// How many lines above an assignment its provider's name may stand, at most.
pub const MAX_NEAR_LINES: usize = 5;

/// A word that says a name holds a secret.
const SECRET_WORD: &str = "(?:key|token|secret|passw|pwd|auth|credential|sig)";

/// An assignment operator (`=`, `:`, `:=`, `=>`, or the `,` of a call's arguments) after the
/// closing quotes or brackets of a name.
const OPERATOR: &str = r#"["'\]\)]{0,2}[ \t]*(?:=>|:=|[:=,])[ \t]*"#;

/// A line that holds something (no blank line inside a block).
const BLOCK_LINE: &str = r"[ \t]*\S[^\n]*\n";

/// The name of an assignment that says it holds a secret, for values below a provider's name.
const SECRET_NAME: &str = r#"[ \t]*(?:-[ \t]+)?["']?[\w.\-]*?(?:key|token|secret|password|passwd|pass|pwd|auth|credential|signature|sig)[\w.\-]*["']?[ \t]*(?:=>|:=|[:=])[ \t]*"#;

/// What may follow the value: anything but a character that would make it a longer run.
const VALUE_END: &str = r"(?:[^0-9A-Za-z_\-+/]|$)";

/// The regex of a context rule: one of `keywords` (lower-case literals, matched in any case),
/// then the value of shape `value` (a regex, matched case-sensitively) assigned on the same line
/// or, with `near_lines` above 0, on one of the `near_lines` lines below; group 1 is the value.
pub fn context_pattern(keywords: &[String], value: &str, near_lines: usize) -> String {
    let names: Vec<String> = keywords.iter().map(|k| regex_syntax::escape(k)).collect();
    let provider = format!("(?:{})", names.join("|"));
    // Unbounded (`*`), not `{0,40}`: a bounded repetition is 40 NFA states, which the lazy DFA
    // of every context rule kept building anew (a line bounds the match anyway).
    let tail = r"[\w.\-]*";
    // The secret word after the provider's name, before it, or in a nested map's key.
    let named = format!(
        r#"(?:{provider}{tail}?{SECRET_WORD}{tail}{OPERATOR}|{SECRET_WORD}{tail}?{provider}{tail}{OPERATOR}|{provider}{tail}{OPERATOR}\{{[ \t]*["']?{tail}?{SECRET_WORD}{tail}{OPERATOR})"#
    );
    let assignment = if near_lines == 0 {
        named
    } else {
        let above = format!(
            r"{provider}[^\n]*\n(?:{BLOCK_LINE}){{0,{}}}{SECRET_NAME}",
            near_lines - 1
        );
        format!("(?:{named}|{above})")
    };
    format!(r#"(?i){assignment}["'`]?(?-i:({value})){VALUE_END}"#)
}

/// The value of a context rule on its own, as [`context_pattern`] matches it (case-sensitively,
/// not followed by more of a longer run): every match of the rule's regex contains a match of
/// this one, so a window holding none can be skipped without running the larger regex.
pub fn value_pattern(value: &str) -> String {
    format!("(?:{value}){VALUE_END}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    const SECRET: &str = "3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b";

    /// The value the pattern captures in `text`, the regex built as the matcher builds it
    /// (bytes, ASCII classes).
    fn secret_of(pattern: &str, text: &str) -> Option<String> {
        let regex = regex::bytes::RegexBuilder::new(pattern)
            .unicode(false)
            .build()
            .expect("a valid regex");
        let captures = regex.captures(text.as_bytes())?;
        Some(String::from_utf8_lossy(&captures[1]).into_owned())
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
            "API_KEY_HUBSPOT=3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b",
            "hubspot.auth.token = '3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b'",
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
            "hubspot_portal_id = \"3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b\"",
            "HUBSPOT=3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b",
            "hubspot: { portal: \"3f2b8c1e-9d4a-4e7b-a6c5-0b1d2e3f4a5b\" }",
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
