//! The built-in placeholder filter, applied to every rule's secret (a token rule's random body):
//! template references, environment lookups, runs of one character or of an ascending sequence,
//! and placeholder words. A real secret is random, so none of these hits one by chance: words are
//! either long (a random 40-character token contains `example` with probability ~1e-9) or must
//! make up the whole secret, so `sk_test_51Hq...` (which contains `test`) is still a secret.

/// True when `secret` is a placeholder, not a leaked value.
pub(crate) fn is_placeholder(secret: &[u8]) -> bool {
    is_template_reference(secret)
        || is_env_lookup(secret)
        || is_repetition(secret)
        || has_placeholder_words(secret)
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

/// `${VAR}`, `{{ var }}`, `<TOKEN>`, `%(name)s`, `$VAR`, `$(cmd)`, `#{var}`, `{var}`, `%VAR%`.
fn is_template_reference(s: &[u8]) -> bool {
    const OPENERS: [&[u8]; 5] = [b"${", b"{{", b"}}", b"%(", b"#{"];
    if OPENERS.iter().any(|opener| contains(s, opener)) || s.starts_with(b"$(") {
        return true;
    }
    if let Some(name) = s.strip_prefix(b"$")
        && is_identifier(name)
    {
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
        ] {
            assert!(is_placeholder(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn random_secrets_are_not_placeholders() {
        for s in [
            "sk_test_51HqLyjWDarjtT1zdp7dcXLp4eKqPdTQnqvRh5hZ7cB2nTdw",
            "kQ3vZ8pL1xR7mN2bT9wY4cH6jF0aS5dG",
            "ghp_R8k2PqZ5tLx0Vb7YcN3mWs9Jd4Ha1Ef6Gu2K",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8kR2LmPq",
            "8f14e45fceea167a5a36dedd4bea2543",
            "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA",
            "p4ssw0rd-Tr0ub4dor-3xtra-k3y",
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
            "xoxb-284719305816-5103948271635-qW3eRt7YuI9oPa2SdF4gHj6K",
            "aaaab7Kq9Zt2Lm4Np6Rs8Tv0Wx",
            "test_9fKq2Lm8Np3Rs7Tv1Wx5Yz",
            "$ecr3t-P4ss/w0rd",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
    }
}
