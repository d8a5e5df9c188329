//! The built-in placeholder filter, applied to every rule's secret (a token rule's random body):
//! template references, environment lookups, runs of one character or of an ascending sequence,
//! placeholder words and keyboard walks, and credentials published in documentation. A real
//! secret is random, so none of these hits one by chance: words are either long (a random
//! 40-character token contains `example` with probability ~1e-9) or must make up the whole
//! secret, so `sk_test_51Hq...` (which contains `test`) is still a secret. The secret is also
//! looked at percent-decoded (`p%40ss%3Aword`) and, when it is base64 of printable text, decoded
//! (`enhjdg==` is `zxcv`).

mod decode;
mod well_known;

pub(crate) use decode::percent_decoded;

/// True when `secret` is a placeholder, not a leaked value.
pub(crate) fn is_placeholder(secret: &[u8]) -> bool {
    if is_placeholder_text(secret) {
        return true;
    }
    let decoded = percent_decoded(secret);
    if *decoded != *secret && is_placeholder_text(&decoded) {
        return true;
    }
    decode::base64_text(&decoded).is_some_and(|text| is_placeholder_text(&text))
}

/// True when the line holding `hay[span]` marks itself as documentation: a neighbouring value
/// spelled with `EXAMPLE` in capitals, as providers write their documentation credentials
/// (`X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F...&X-Amz-Signature=<hex>`, an access key id
/// `...EXAMPLE` beside a secret). Looks no further than 1,000 bytes either side of the secret.
pub(crate) fn line_marks_example(hay: &[u8], span: std::ops::Range<usize>) -> bool {
    const REACH: usize = 1000;
    let from = span.start.saturating_sub(REACH);
    let start = memchr::memrchr(b'\n', &hay[from..span.start]).map_or(from, |i| from + i + 1);
    let to = (span.end + REACH).min(hay.len());
    let end = memchr::memchr(b'\n', &hay[span.end..to]).map_or(to, |i| span.end + i);
    memchr::memmem::find(&hay[start..end], b"EXAMPLE").is_some()
}

/// The checks on one form of the secret (as written, or decoded).
fn is_placeholder_text(s: &[u8]) -> bool {
    is_template_reference(s)
        || is_env_lookup(s)
        || is_repetition(s)
        || has_x_run(s)
        || has_placeholder_words(s)
        || well_known::is_well_known(s)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn is_identifier(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `${VAR}`, `{{ var }}`, `<TOKEN>`, `%(name)s`, `$VAR`, `$(cmd)`, `#{var}`, `{var}`, `%VAR%`,
/// and format strings: `{name}` anywhere (`{registry_id}-auth-token`), `%s`, `%d`.
fn is_template_reference(s: &[u8]) -> bool {
    const OPENERS: [&[u8]; 5] = [b"${", b"{{", b"}}", b"%(", b"#{"];
    if OPENERS.iter().any(|opener| contains(s, opener))
        || s.starts_with(b"$(")
        || has_named_field(s)
        || has_printf_conversion(s)
    {
        return true;
    }
    if let Some(name) = s.strip_prefix(b"$")
        && is_identifier(name)
    {
        return true;
    }
    if is_made_of_variables(s) {
        return true;
    }
    let wrapped = |open: u8, close: u8| s.len() >= 3 && s[0] == open && s[s.len() - 1] == close;
    if wrapped(b'{', b'}') || wrapped(b'%', b'%') || wrapped(b'<', b'>') {
        return true;
    }
    // `<TOKEN>` or `<your-api-key>` inside a longer value, as in `Bearer <TOKEN>`.
    s.iter().enumerate().any(|(i, &b)| {
        b == b'<'
            && s[i + 1..]
                .iter()
                .position(|&c| c == b'>')
                .is_some_and(|end| {
                    end >= 2
                        && s[i + 1..i + 1 + end]
                            .iter()
                            .all(|&c| c.is_ascii_alphanumeric() || b"_- ".contains(&c))
                })
    })
}

/// Environment variable references (`$NAME`, upper case) joined by separators, as CI files write
/// keys: `$CI_COMMIT_REF_SLUG:$RUST_VERSION`. What the references leave holds at most two
/// letters or digits, so a password with a `$` in it (`Xk$ABC9qLm2`) is not one.
fn is_made_of_variables(s: &[u8]) -> bool {
    let mut references = 0;
    let mut left = 0;
    let mut i = 0;
    while i < s.len() {
        let name = if s[i] == b'$' {
            s[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || **b == b'_')
                .count()
        } else {
            0
        };
        if name >= 2 {
            references += 1;
            i += 1 + name;
        } else {
            left += usize::from(s[i].is_ascii_alphanumeric());
            i += 1;
        }
    }
    references > 0 && left <= 2
}

/// A format field `{name}` of at least three letters (`{registry_id}`, `{log_streams_page[-1]}`):
/// `{n73m}` inside a random password is not one.
fn has_named_field(s: &[u8]) -> bool {
    s.iter().enumerate().any(|(i, &b)| {
        if b != b'{' {
            return false;
        }
        let rest = &s[i + 1..];
        let letters = rest
            .iter()
            .take_while(|&&c| c.is_ascii_alphabetic() || c == b'_')
            .count();
        letters >= 3
            && rest[letters..]
                .iter()
                .find(|&&c| !(c.is_ascii_alphanumeric() || b"_.[]'\"-".contains(&c)))
                .is_some_and(|&c| c == b'}')
    })
}

/// A printf conversion `%s` or `%d` that ends a word (`%s:extraCertChain=%s`); `%sW` inside a
/// password is not one.
fn has_printf_conversion(s: &[u8]) -> bool {
    s.windows(2).enumerate().any(|(i, pair)| {
        pair[0] == b'%'
            && matches!(pair[1], b's' | b'd')
            && s.get(i + 2)
                .is_none_or(|&c| !(c.is_ascii_alphanumeric() || c == b'_'))
    })
}

/// `os.environ[...]`, `os.getenv(`, `process.env.X`, `ENV[...]`, `System.getenv`, ...
fn is_env_lookup(s: &[u8]) -> bool {
    const LOOKUPS: [&[u8]; 11] = [
        b"os.environ",
        b"getenv(",
        b"process.env",
        b"import.meta.env",
        b"ENV[",
        b"ENV.fetch",
        b"System.getenv",
        b"GetEnvironmentVariable",
        b"Deno.env",
        b"env(",
        b"secrets.",
    ];
    LOOKUPS.iter().any(|lookup| contains(s, lookup))
}

/// Separators that do not count in a run: `XXXX-XXXX` is a run of `X`.
fn is_separator(b: u8) -> bool {
    matches!(b, b'-' | b'_' | b'.' | b' ' | b':' | b'/')
}

/// One repeated character (`xxxx`, `0000`, `****`, `XXXX-XXXX`), a long run of one character
/// (`sk_live_xxxxxxxxxxxxxxxx`), or an ascending sequence (`12345678`, `abcdefgh`).
fn is_repetition(s: &[u8]) -> bool {
    let significant: Vec<u8> = s.iter().copied().filter(|&b| !is_separator(b)).collect();
    if significant.len() >= 3
        && significant
            .iter()
            .all(|&b| b.eq_ignore_ascii_case(&significant[0]))
    {
        return true;
    }
    let longest = |step: i16| {
        let mut best = 0usize;
        let mut run = 0usize;
        for (i, &b) in significant.iter().enumerate() {
            run = if i > 0
                && i16::from(b) - i16::from(significant[i - 1]) == step
                && b.is_ascii_alphanumeric()
            {
                run + 1
            } else {
                1
            };
            best = best.max(run);
        }
        best
    };
    let len = significant.len();
    let same = longest(0);
    let ascending = longest(1);
    (same >= 5 && same * 3 >= len)
        || (ascending >= 8 && ascending * 3 >= len)
        || (ascending >= 5 && ascending * 2 >= len)
}

/// A run of six `X` or six `x` anywhere (`Atza%7CIQEB...XXXXXXXX...`): redacted in place.
fn has_x_run(s: &[u8]) -> bool {
    [b'X', b'x']
        .iter()
        .any(|&x| s.split(|&b| b != x).any(|run| run.len() >= 6))
}

/// Placeholder words long enough that no random token contains them by chance; looked for in the
/// secret lower-cased with everything but letters and digits removed (`your-api-key` →
/// `yourapikey`).
const LONG_WORDS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "placeholder",
    "redacted",
    "changeme",
    "changethis",
    "changeit",
    "replaceme",
    "replacethis",
    "replacewith",
    "yourapi",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourpass",
    "yourown",
    "yourorg",
    "youraccount",
    "yourproject",
    "insertyour",
    "insertkey",
    "inserttoken",
    "insertsecret",
    "enteryour",
    "putyour",
    "addyour",
    "notreal",
    "notareal",
    "notasecret",
    "notsecret",
    "fakekey",
    "faketoken",
    "fakesecret",
    "fakepass",
    "secrethere",
    "tokenhere",
    "keyhere",
    "passwordhere",
    "goeshere",
    "mysecret",
    "mypassword",
    "mytoken",
    "myapikey",
    "supersecret",
    "loremipsum",
    "correcthorse",
    "batterystaple",
    // Keyboard walks.
    "qwert",
    "asdfg",
    "zxcvb",
    "asdasd",
    "qweqwe",
];

/// Words that make a secret a placeholder only when every part of it is such a word or filler:
/// `test-api-key`, `password123`, `my_token` but not `sk_test_51Hq...`.
const SHORT_WORDS: &[&str] = &[
    "test",
    "testing",
    "tests",
    "fake",
    "todo",
    "fixme",
    "tbd",
    "foo",
    "bar",
    "baz",
    "qux",
    "foobar",
    "secret",
    "secrets",
    "password",
    "passwd",
    "pass",
    "pwd",
    "token",
    "tokens",
    "apikey",
    "key",
    "keys",
    "access",
    "auth",
    "insert",
    "replace",
    "none",
    "null",
    "nil",
    "undefined",
    "empty",
    "blank",
    "default",
    "demo",
    "temp",
    "tmp",
    "mock",
    "stub",
    "invalid",
    "unknown",
    "value",
    "string",
    "here",
    "your",
    "admin",
    "user",
    "username",
    "true",
    "false",
    "private",
    "public",
    "client",
    "app",
    "development",
    "dev",
    "local",
    "changeme",
    "hunter",
    "word",
    // Keyboard walks too short to count inside a longer value (a random token holds `asdf` by
    // chance once in a few thousand), but a placeholder when the value is made of them.
    "qwer",
    "asdf",
    "zxcv",
    "hjkl",
    "uiop",
    "vbnm",
    "qwerty",
];

fn has_placeholder_words(s: &[u8]) -> bool {
    let normalized: String = s
        .iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(|b| char::from(b.to_ascii_lowercase()))
        .collect();
    if LONG_WORDS.iter().any(|word| normalized.contains(word)) {
        return true;
    }
    // AWS documentation writes `xmpl` as a part of its example ids
    // (`7870825a-xmpl-4def-92e7-c359aa8be3bc`); four letters are too short to look for inside
    // a long random token, so only a whole part counts.
    if s.split(|b| !b.is_ascii_alphanumeric())
        .any(|part| part.eq_ignore_ascii_case(b"xmpl"))
    {
        return true;
    }
    let mut words = 0;
    for segment in s
        .split(|b| !b.is_ascii_alphanumeric())
        .filter(|seg| !seg.is_empty())
    {
        let lower = segment.to_ascii_lowercase();
        let stem_len = lower
            .iter()
            .rposition(|b| !b.is_ascii_digit())
            .map_or(0, |i| i + 1);
        let stem = &lower[..stem_len];
        if stem.is_empty() || stem.len() <= 3 && !SHORT_WORDS.iter().any(|w| w.as_bytes() == stem) {
            continue; // digits or a short filler such as `sk`, `my`, `api`
        }
        if SHORT_WORDS.iter().any(|w| w.as_bytes() == stem) {
            words += 1;
        } else {
            return false;
        }
    }
    words > 0
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn template_references_are_placeholders() {
        for s in [
            "${AWS_SECRET}",
            "{{ api_key }}",
            "{{api_key}}",
            "<TOKEN>",
            "<your-api-key>",
            "Bearer <token>",
            "%(password)s",
            "$API_KEY",
            "$(cat /run/secret)",
            "#{ENV_TOKEN}",
            "{api_key}",
            "%APPDATA_KEY%",
            "$CI_COMMIT_REF_SLUG:$RUST_VERSION",
            "$HOST-$PORT",
        ] {
            assert!(is_placeholder(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn env_lookups_are_placeholders() {
        for s in [
            "os.environ['API_KEY']",
            "os.getenv(\"API_KEY\")",
            "process.env.STRIPE_KEY",
            "ENV['TOKEN']",
            "ENV.fetch('TOKEN')",
            "System.getenv(\"TOKEN\")",
            "import.meta.env.VITE_KEY",
        ] {
            assert!(is_placeholder(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn repetitions_and_sequences_are_placeholders() {
        for s in [
            "xxxx",
            "XXXXXXXXXXXXXXXXXXXX",
            "0000000000",
            "****",
            "XXXX-XXXX-XXXX",
            "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "1234567890",
            "abcdefghijklmnop",
            "0123456789abcdef",
        ] {
            assert!(is_placeholder(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn placeholder_words_are_placeholders() {
        for s in [
            "your-api-key",
            "your_token_here",
            "YOUR_API_KEY_HERE",
            "changeme",
            "example",
            "sample-token",
            "dummy",
            "placeholder",
            "REDACTED",
            "insert-your-key",
            "replace_me",
            "TODO",
            "fake",
            "test123",
            "test-api-key",
            "password123",
            "my_secret",
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "not-a-real-secret",
            "cloudformation/7870825a-xmpl-4def-92e7-c359aa8be3bc",
        ] {
            assert!(is_placeholder(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn format_strings_are_placeholders() {
        for s in [
            "{registry_id}-auth-token",
            "share-{portfolio_id}-{org_type}-{org_value}",
            "{log_group_name}@{log_streams_page[-1]['",
            "%s:extraCertChain=%s",
            "user-%d",
        ] {
            assert!(is_placeholder(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn documented_values_and_keyboard_walks_are_placeholders() {
        for s in [
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
            "IOSFODNN7EXAMPLF",
            "tGzv3JOkF0XG5Qx2TlKWIA",
            "2kjshdfp92i34asdasd",
            "qwerty123",
            "asdf-1234",
            "zxcv",
        ] {
            assert!(is_placeholder(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn encoded_placeholders_are_placeholders() {
        for s in [
            "p%40ss%3Aword",
            "correct%20horse%20battery%20staple",
            "Atza%7CIQEBLjAsAhRFiXuWpUXuRvQ9PZL3GMFcYevydwIUFAHZwXZXXXXXXXXJnrulxKD",
            "enhjdg==|MTIzNA==",
            "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA",
            "dXNlcjpwYXNzd29yZA==",
        ] {
            assert!(is_placeholder(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn a_line_naming_an_example_marks_its_values() {
        let line = b"url?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524&X-Amz-Signature=aeeed9bbccd4\nnext";
        let at = line.windows(12).position(|w| w == b"aeeed9bbccd4").unwrap();
        assert!(super::line_marks_example(line, at..at + 12));
        let other = b"AKIAIOSFODNN7EXAMPLE\nsecret=aeeed9bbccd4\n";
        let at = other
            .windows(12)
            .position(|w| w == b"aeeed9bbccd4")
            .unwrap();
        assert!(
            !super::line_marks_example(other, at..at + 12),
            "another line"
        );
        let lower = b"see the example: secret=aeeed9bbccd4";
        let at = lower.len() - 12;
        assert!(
            !super::line_marks_example(lower, at..at + 12),
            "prose is not a marker"
        );
    }

    #[test]
    fn random_secrets_are_not_placeholders() {
        for s in [
            "sk_test_51HqLyjWDarjtT1zdp7dcXLp4eKqPdTQnqvRh5hZ7cB2nTdw",
            "kQ3vZ8pL1xR7mN2bT9wY4cH6jF0aS5dG",
            "ghp_R8k2PqZ5tLx0Vb7YcN3mWs9Jd4Ha1Ef6Gu2K",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8kR2LmPq",
            "8f14e45fceea167a5a36dedd4bea2543",
            "Zm9vYmFyYmF6cXV4a0w5bVEycjdU",
            "x/gfuL?4Zuj{n73m}eeJt1",
            "p%sW0rd-7Kq2Lm8Np3",
            "C7%2BZeEOWbrxPA3R0Cw",
            "Mai9ohgh6ahxee0jutheew0pungoozil",
            "vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg==",
            "p4ssw0rd-Tr0ub4dor-3xtra-k3y",
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
            "xoxb-284719305816-5103948271635-qW3eRt7YuI9oPa2SdF4gHj6K",
            "aaaab7Kq9Zt2Lm4Np6Rs8Tv0Wx",
            "test_9fKq2Lm8Np3Rs7Tv1Wx5Yz",
            "$ecr3t-P4ss/w0rd",
            "Xk$ABC9qLm2-vT7",
            "x-plPHE3VQuUiQNnDb1comhIrXMPL3b6fOHKjC4XRcTjJxh0rrSilxBs5uH",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
    }
}
