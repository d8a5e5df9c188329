//! Inline suppression: a marker on the line of a finding. tokhyg's own is `tokhyg:allow` in a
//! comment; the markers of other scanners are honoured too, as those tools read them, so that a
//! repository migrating to tokhyg is not flooded with findings its team already judged:
//!
//! | marker | from | where on the line |
//! | --- | --- | --- |
//! | `tokhyg:allow` | tokhyg | after a comment introducer |
//! | `gitleaks:allow` | gitleaks | anywhere |
//! | `trufflehog:ignore` | TruffleHog | anywhere |
//! | `pragma: allowlist secret` | detect-secrets | after a comment introducer |
//!
//! A marker is an exact, lowercase word: not followed by a letter, digit, `_` or `-`. The
//! detect-secrets pragma is read in the spellings detect-secrets accepts: `pragma:` with or
//! without one space, `allowlist` (or the older `whitelist`), a space or `-`, `secret`. Its
//! `pragma: allowlist nextline secret` (the line below) is not honoured.
//!
//! The comment introducers of common languages:
//!
//! | introducer | languages |
//! | --- | --- |
//! | `#` | shell, Python, Ruby, YAML, TOML, `.env`, Dockerfile, Terraform, Perl, R |
//! | `//` | C family, Java, JavaScript/TypeScript, Go, Rust, Kotlin, Swift, C#, PHP |
//! | `*` | `/* … */` and `(* … *)` blocks and their continuation lines (` * …`) |
//! | `--`, `{-` | SQL, Lua, Haskell, Ada, and `<!-- … -->` in HTML, XML, Markdown |
//! | `;` | INI, Lisp, Clojure, assembly |
//! | `%` | TeX, Erlang, MATLAB |
//! | `'` | Visual Basic, VBA |
//! | `rem`, `::` | Windows batch files |
//!
//! The check does not parse the language: `x = "a#b" tokhyg:allow` is allowed too. That is
//! deliberate: the marker is opt-in text that nobody writes by accident, and a parser per
//! language would cost far more than the rare wrong allow it prevents. JSON has no comments; use
//! `.tokhygignore` there.

/// The marker that suppresses findings on its line.
pub const ALLOW_MARKER: &[u8] = b"tokhyg:allow";

/// Comment introducers; the marker must come after one of them on the line.
const INTRODUCERS: &[&[u8]] = &[b"#", b"//", b"*", b"--", b"{-", b";", b"%", b"'", b"::"];

/// The markers of other scanners that those scanners accept anywhere on the line.
const MARKERS_ANYWHERE: &[&[u8]] = &[b"gitleaks:allow", b"trufflehog:ignore"];

/// Whether `line` (one line, without or with its line terminator) carries a suppression marker
/// (see the module documentation). Any encoding is fine: only ASCII bytes are compared.
pub fn has_allow_comment(line: &[u8]) -> bool {
    has_marker(line, ALLOW_MARKER, true)
        || MARKERS_ANYWHERE
            .iter()
            .any(|marker| has_marker(line, marker, false))
        || has_detect_secrets_pragma(line)
}

/// Whether `marker` occurs on `line` as a word of its own, after a comment introducer if
/// `in_comment`.
fn has_marker(line: &[u8], marker: &[u8], in_comment: bool) -> bool {
    let mut start = 0;
    while let Some(offset) = find(&line[start..], marker) {
        let at = start + offset;
        let end = at + marker.len();
        if word_ends(line, end) && (!in_comment || comment_precedes(&line[..at])) {
            return true;
        }
        start = end;
    }
    false
}

/// detect-secrets' `pragma: allowlist secret`, in a comment, in any of its spellings.
fn has_detect_secrets_pragma(line: &[u8]) -> bool {
    let mut start = 0;
    while let Some(offset) = find(&line[start..], b"pragma:") {
        let at = start + offset;
        start = at + b"pragma:".len();
        let rest = &line[start..];
        let rest = rest.strip_prefix(b" ").unwrap_or(rest);
        let Some(rest) = rest
            .strip_prefix(b"allowlist")
            .or_else(|| rest.strip_prefix(b"whitelist"))
        else {
            continue;
        };
        let Some(rest) = rest.strip_prefix(b" ").or_else(|| rest.strip_prefix(b"-")) else {
            continue;
        };
        if rest.starts_with(b"secret")
            && word_ends(rest, b"secret".len())
            && comment_precedes(&line[..at])
        {
            return true;
        }
    }
    false
}

/// Whether a word ending at `end` of `line` ends there (no letter, digit, `_` or `-` follows).
fn word_ends(line: &[u8], end: usize) -> bool {
    line.get(end)
        .is_none_or(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
}

/// Whether `before` contains a comment introducer.
fn comment_precedes(before: &[u8]) -> bool {
    INTRODUCERS
        .iter()
        .any(|intro| find(before, intro).is_some())
        || has_rem_word(before)
}

/// Batch files' `REM` (any case), as a word of its own.
fn has_rem_word(before: &[u8]) -> bool {
    before
        .split(|b| b.is_ascii_whitespace() || *b == b'@')
        .any(|word| word.eq_ignore_ascii_case(b"rem"))
}

/// Offset of the first occurrence of `needle` in `haystack` (SIMD search: the line of a finding
/// in a minified bundle can be megabytes long).
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::has_allow_comment;

    fn assert_allowed(lines: &[&[u8]]) {
        for line in lines {
            assert!(has_allow_comment(line), "{}", String::from_utf8_lossy(line));
        }
    }

    fn assert_reported(lines: &[&[u8]]) {
        for line in lines {
            let shown = String::from_utf8_lossy(line);
            assert!(!has_allow_comment(line), "{shown}");
        }
    }

    #[test]
    fn allows_after_the_comment_markers_of_common_languages() {
        let lines: &[&[u8]] = &[
            b"API_KEY=ghp_abc # tokhyg:allow",
            b"let key = \"ghp_abc\"; // tokhyg:allow: test fixture",
            b"key = 'ghp_abc' #tokhyg:allow",
            b"const k = 'ghp_abc'; /* tokhyg:allow */",
            b" * example: ghp_abc tokhyg:allow",
            b"SELECT 'ghp_abc'; -- tokhyg:allow",
            b"<token>ghp_abc</token> <!-- tokhyg:allow -->",
            b"token = ghp_abc ; tokhyg:allow",
            b"\\def\\key{ghp_abc} % tokhyg:allow",
            b"Dim k = \"ghp_abc\" ' tokhyg:allow",
            b"set K=ghp_abc & rem tokhyg:allow",
            b"{- ghp_abc tokhyg:allow -}",
            b"key: ghp_abc # tokhyg:allow\r\n",
            b"key: \xff\xfe ghp_abc # tokhyg:allow",
        ];
        assert_allowed(lines);
    }

    #[test]
    fn requires_the_exact_word_after_a_comment_marker() {
        let lines: &[&[u8]] = &[
            b"API_KEY=ghp_abc",
            b"API_KEY=ghp_abc tokhyg:allow",
            b"tokhyg:allow # ghp_abc",
            b"API_KEY=ghp_abc # tokhyg:allowed",
            b"API_KEY=ghp_abc # tokhyg:allow_all",
            b"API_KEY=ghp_abc # tokhyg:allow-next-line",
            b"API_KEY=ghp_abc # TOKHYG:ALLOW",
            b"API_KEY=ghp_abc # tokhyg: allow",
            b"API_KEY=ghp_abc # tokhyg",
            b"",
        ];
        assert_reported(lines);
    }

    #[test]
    fn honours_the_markers_of_other_scanners_where_those_tools_read_them() {
        let allowed: &[&[u8]] = &[
            b"API_KEY=ghp_abc # gitleaks:allow",
            b"token ghp_abc gitleaks:allow",
            b"\"key\": \"ghp_abc\", \"note\": \"trufflehog:ignore\"",
            b"key = 'ghp_abc'  # trufflehog:ignore",
            b"password = 'hunter2'  # pragma: allowlist secret",
            b"password = 'hunter2'  // pragma:allowlist secret",
            b"password = 'hunter2'  # pragma: allowlist-secret",
            b"password = 'hunter2'  # pragma: whitelist secret",
            b"<pw>hunter2</pw> <!-- pragma: allowlist secret -->",
            b"pw = 'pragma: x' # pragma: allowlist secret",
        ];
        assert_allowed(allowed);
        let reported: &[&[u8]] = &[
            b"API_KEY=ghp_abc # gitleaks:allowed",
            b"API_KEY=ghp_abc # GITLEAKS:ALLOW",
            b"key = ghp_abc # trufflehog:ignore_me",
            b"password = hunter2 pragma: allowlist secret",
            b"password = 'hunter2' # pragma: allowlist nextline secret",
            b"password = 'hunter2' # pragma: allowlist secrets",
            b"password = 'hunter2' # pragma:  allowlist secret",
            b"password = 'hunter2' # Pragma: Allowlist Secret",
        ];
        assert_reported(reported);
    }

    #[test]
    fn a_later_valid_marker_counts_after_an_invalid_one() {
        assert!(has_allow_comment(b"tokhyg:allow = x # tokhyg:allow"));
    }
}
