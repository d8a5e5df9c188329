//! Inline suppression: `tokhyg:allow` in a comment on the line of a finding.
//!
//! The rule, chosen to be simple to explain: the line holds the word `tokhyg:allow` (exact,
//! lowercase, not followed by a letter, digit, `_` or `-`), and somewhere before it on the same
//! line there is a comment introducer of a common language:
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

/// Whether `line` (one line, without or with its line terminator) carries `tokhyg:allow` in a
/// comment. Any encoding is fine: only ASCII bytes are compared.
pub fn has_allow_comment(line: &[u8]) -> bool {
    let mut start = 0;
    while let Some(offset) = find(&line[start..], ALLOW_MARKER) {
        let at = start + offset;
        let end = at + ALLOW_MARKER.len();
        let word_ends = line
            .get(end)
            .is_none_or(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
        if word_ends && comment_precedes(&line[..at]) {
            return true;
        }
        start = end;
    }
    false
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
        for line in lines {
            assert!(has_allow_comment(line), "{}", String::from_utf8_lossy(line));
        }
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
        for line in lines {
            assert!(
                !has_allow_comment(line),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn a_later_valid_marker_counts_after_an_invalid_one() {
        assert!(has_allow_comment(b"tokhyg:allow = x # tokhyg:allow"));
    }
}
