//! What tokhyg writes into a `.env` file reads back exactly, in python-dotenv (PyPI), dotenv
//! (npm) and dotenvy (crates.io): tokens with every symbol, nasty custom alphabets, crafted
//! edge-case tokens, and the untouched keys of a realistic existing file.
//!
//! python-dotenv and npm dotenv come from `scripts/install-test-deps.sh` (in `.test-deps/`).

#[path = "support/test_deps.rs"]
mod test_deps;

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use test_deps::{npm_module, venv_bin};
use tokhyg::cli::generate_into::{IntoRequest, run};

/// The symbol class of `--symbols`.
const SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|;:,.<>?";

type Values = BTreeMap<String, String>;

fn run_json(mut command: std::process::Command, what: &str) -> serde_json::Value {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{what} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn to_values(json: serde_json::Value, what: &str) -> Values {
    let object = json
        .as_object()
        .unwrap_or_else(|| panic!("{what}: not an object"));
    object
        .iter()
        .map(|(key, value)| {
            let text = value
                .as_str()
                .unwrap_or_else(|| panic!("{what}: {key} has no value ({value})"));
            (key.clone(), text.to_owned())
        })
        .collect()
}

/// python-dotenv's `dotenv_values`, with its default variable interpolation on.
fn read_python(path: &Path) -> Values {
    let mut command = std::process::Command::new(venv_bin("python"));
    command.args([
        "-c",
        "import json, sys\nfrom dotenv import dotenv_values\nprint(json.dumps(dotenv_values(sys.argv[1])))",
    ]);
    command.arg(path);
    to_values(run_json(command, "python-dotenv"), "python-dotenv")
}

/// npm dotenv's `parse`.
fn read_node(path: &Path) -> Values {
    let mut command = std::process::Command::new("node");
    command.args([
        "-e",
        "const dotenv = require(process.argv[1]);\
         const fs = require('fs');\
         process.stdout.write(JSON.stringify(dotenv.parse(fs.readFileSync(process.argv[2]))));",
    ]);
    command.arg(npm_module("dotenv")).arg(path);
    to_values(run_json(command, "npm dotenv"), "npm dotenv")
}

/// dotenvy's iterator (no variables set from the environment: all `${…}` in our files would
/// be a bug anyway).
fn read_dotenvy(path: &Path) -> Values {
    dotenvy::from_path_iter(path)
        .expect("dotenvy opens the file")
        .map(|item| item.unwrap_or_else(|e| panic!("dotenvy cannot parse {}: {e}", path.display())))
        .collect()
}

/// Reads `path` with all three parsers and checks that they agree exactly.
fn read_all(path: &Path) -> Values {
    let python = read_python(path);
    let node = read_node(path);
    let dotenvy = read_dotenvy(path);
    assert_eq!(
        python,
        node,
        "python-dotenv and npm dotenv disagree on {}",
        path.display()
    );
    assert_eq!(
        python,
        dotenvy,
        "python-dotenv and dotenvy disagree on {}",
        path.display()
    );
    python
}

/// `tokhyg generate --into FILE NAME... ARGS --show` in `dir`; the tokens it printed, by name.
fn generate(dir: &Path, file: &str, names: &[String], args: &[&str]) -> Values {
    let output = Command::cargo_bin("tokhyg")
        .expect("binary")
        .args(["generate", "--into", file, "--show"])
        .args(names)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run tokhyg");
    assert!(
        output.status.success(),
        "tokhyg failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let shown: Values = stdout
        .lines()
        .map(|line| {
            let (name, token) = line.split_once('=').expect("NAME=token");
            (name.to_owned(), token.to_owned())
        })
        .collect();
    assert_eq!(shown.len(), names.len(), "{stdout}");
    shown
}

fn names(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}_{i}")).collect()
}

#[test]
fn tokens_with_every_symbol_read_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let keys = names("SYM", 40);
    let mut shown = generate(dir.path(), ".env", &keys, &["--symbols", "--length", "64"]);
    shown.extend(generate(
        dir.path(),
        ".env",
        &names("MIX", 40),
        &[
            "--lower",
            "--upper",
            "--digits",
            "--symbols",
            "--length",
            "48",
        ],
    ));
    let all: String = shown.values().cloned().collect();
    for symbol in SYMBOLS.chars() {
        assert!(
            all.contains(symbol),
            "no token contained {symbol:?}; the test proves nothing"
        );
    }
    assert_eq!(read_all(&dir.path().join(".env")), shown);
}

#[test]
fn nasty_custom_alphabets_read_back_exactly() {
    for alphabet in [
        "ab\"#$`\\",   // double quote, comment, dollar, backtick, backslash: single quotes
        "ab'#`!",      // a single quote: double quotes
        "ab{}$:-",     // `${…}` and `${A:-b}` patterns, which python-dotenv expands: redrawn
        "é€ñß漢字🔑a", // non-ASCII
        "=:,@%.+/_-",  // bare-safe punctuation, written unquoted
        "`'a",         // backtick and single quote
        "#ab",         // a comment character at any position, including the first
    ] {
        let dir = tempfile::tempdir().unwrap();
        let shown = generate(
            dir.path(),
            ".env",
            &names("K", 12),
            &["--alphabet", alphabet, "--length", "32"],
        );
        assert_eq!(
            read_all(&dir.path().join(".env")),
            shown,
            "alphabet {alphabet:?}"
        );
    }
}

#[test]
fn an_alphabet_with_no_common_spelling_is_refused_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".env"), b"A=1\n").unwrap();
    let output = Command::cargo_bin("tokhyg")
        .unwrap()
        .args([
            "generate",
            "--into",
            ".env",
            "K",
            "--alphabet",
            "'\"ab",
            "--length",
            "64",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no quoting reads back the same"),
        "{stderr}"
    );
    assert_eq!(fs::read(dir.path().join(".env")).unwrap(), b"A=1\n");
}

/// Sets each crafted token through the library entry point (the binary cannot be made to draw
/// one exact token) and reads the file back.
#[test]
fn crafted_edge_case_tokens_read_back_exactly() {
    let tokens = [
        "a\\b",       // a lone backslash
        "\\a\\b\\c",  // backslashes, none doubled, none last
        "x$y",        // `$NAME`, which dotenvy expands outside single quotes
        "${unclosed", // not python-dotenv's pattern: no closing brace
        "}${",
        "${A:x}", // not python-dotenv's pattern: `:` without `-`
        "$$HOME",
        "#leading-hash",
        "trailing-hash#",
        "a#b",
        "`backticks`",
        "\"double\"",
        "'single'",
        "it's",
        "'",
        "ends=",
        "==",
        "export",
        "a\\nb", // a literal backslash-n, which double quotes would turn into a newline
        "\\r",
        "{}[]()<>",
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    fs::write(&path, b"# crafted\n").unwrap();
    let keys: Vec<String> = (0..tokens.len()).map(|i| format!("T{i}")).collect();
    let mut queue = tokens.iter().map(|t| t.to_string());
    let code = run(
        IntoRequest {
            file: &path,
            names: &keys,
            force: false,
            rotate: false,
            add_to_gitignore: false,
            show: false,
            strength: "crafted",
            bits: 256.0,
            stamp: true,
            public: None,
        },
        &mut |_| queue.next().expect("one token per name"),
    )
    .expect("every crafted token is writable");
    assert_eq!(code, 0);
    let expected: Values = keys
        .iter()
        .cloned()
        .zip(tokens.iter().map(|t| t.to_string()))
        .collect();
    assert_eq!(read_all(&path), expected);
}

/// The untouched keys of a realistic file read the same before and after, in all three parsers,
/// while tokhyg adds, replaces and rotates around them.
#[test]
fn existing_keys_of_a_realistic_file_survive_add_force_and_rotate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    fs::write(
        &path,
        "# Application settings\n\
         APP_NAME=my-app\n\
         export NODE_ENV=production\n\
         PORT=8080 # the public port\n\
         \n\
         DATABASE_URL=\"postgres://app:s3cret@db.internal:5432/app?sslmode=require\"\n\
         GREETING='hello, world'\n\
         EMPTY=\n\
         SESSION_SECRET=old-session-secret\n\
         API_TOKEN='old api token'\n\
         PRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\n\
         MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n\
         NOT_A_KEY=inside the key block\n\
         -----END PRIVATE KEY-----\"\n\
         \n\
         # Feature flags\n\
         FEATURE_FLAGS=search,beta-ui\n\
         LAST_LINE=no-final-newline",
    )
    .unwrap();
    let before = read_all(&path);
    assert_eq!(before.len(), 11, "{before:?}");
    assert!(before["PRIVATE_KEY"].contains("NOT_A_KEY=inside the key block"));

    let mut shown = generate(dir.path(), ".env", &["NEW_SYMBOLS".into()], &["--symbols"]);
    shown.extend(generate(dir.path(), ".env", &["NEW_PLAIN".into()], &[]));
    shown.extend(generate(
        dir.path(),
        ".env",
        &["SESSION_SECRET".into()],
        &["--force", "--symbols"],
    ));
    shown.extend(generate(
        dir.path(),
        ".env",
        &["API_TOKEN".into()],
        &["--rotate", "--symbols"],
    ));

    // Each written key has its rotation stamp, a comment line that all three parsers skip.
    let text = fs::read_to_string(&path).unwrap();
    for name in ["NEW_SYMBOLS", "NEW_PLAIN", "SESSION_SECRET", "API_TOKEN"] {
        let stamp = format!("# tokhyg: {name} generated ");
        assert_eq!(text.matches(&stamp).count(), 1, "{name}: {text}");
    }
    let after = read_all(&path);
    let mut expected = before.clone();
    expected.extend(shown);
    expected.insert("API_TOKEN_PREVIOUS".into(), before["API_TOKEN"].clone());
    assert_eq!(after, expected);
}

/// The same with CRLF line endings (python-dotenv and npm dotenv normalise them; dotenvy strips
/// them per line), and a BOM-less file whose last line is a comment.
#[test]
fn crlf_files_read_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    fs::write(&path, "A=1\r\nexport B='two'\r\nC=\"three\" # c\r\n# end").unwrap();
    let shown = generate(dir.path(), ".env", &names("K", 5), &["--symbols"]);
    let mut expected: Values = [("A", "1"), ("B", "two"), ("C", "three")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    expected.extend(shown);
    assert_eq!(read_all(&path), expected);
    let bytes = fs::read(&path).unwrap();
    assert!(
        !bytes.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'),
        "every line ending stays CRLF"
    );
}

#[test]
fn rotating_a_value_that_starts_with_a_hash_keeps_it_for_every_parser() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = dir.path().join(".env");
    std::fs::write(&env, "DB_PASSWORD=#S3cr3t!pw\nOTHER=1\n").expect("write");
    // Before: the parsers disagree (python-dotenv reads the value, the others a comment).
    assert_eq!(read_python(&env)["DB_PASSWORD"], "#S3cr3t!pw");
    assert_eq!(read_node(&env)["DB_PASSWORD"], "");
    let shown = generate(
        dir.path(),
        ".env",
        &["DB_PASSWORD".to_owned()],
        &["--rotate"],
    );
    let after = read_all(&env);
    assert_eq!(after["DB_PASSWORD"], shown["DB_PASSWORD"]);
    assert_eq!(after["DB_PASSWORD_PREVIOUS"], "#S3cr3t!pw");
    assert_eq!(after["OTHER"], "1");
    let text = std::fs::read_to_string(&env).expect("read");
    assert_eq!(
        text.matches("S3cr3t").count(),
        1,
        "the old value is not left as a comment"
    );
}

#[test]
fn every_ascii_character_in_an_alphabet_with_both_quotes_reads_back_exactly() {
    // Each printable ASCII character beside both quote characters: every run succeeds (only the
    // writable tokens are drawn) and all three parsers read back each token. (A space is refused
    // by --alphabet itself: parsers trim or split at blanks.)
    let dir = tempfile::tempdir().unwrap();
    let mut shown = Values::new();
    for byte in b'!'..=b'~' {
        let c = char::from(byte);
        let mut alphabet = String::from("ab'\"");
        if !alphabet.contains(c) {
            alphabet.push(c);
        }
        let prefix = format!("C{byte}");
        shown.extend(generate(
            dir.path(),
            ".env",
            &names(&prefix, 3),
            &["--alphabet", &alphabet, "--length", "16"],
        ));
    }
    let all: String = shown.values().cloned().collect();
    for byte in b'!'..=b'~' {
        assert!(
            all.contains(char::from(byte)),
            "no token held {:?}",
            char::from(byte)
        );
    }
    assert_eq!(read_all(&dir.path().join(".env")), shown);
}

#[test]
fn the_strength_shown_is_that_of_the_tokens_a_env_file_can_hold() {
    // Over `ab'"cdefgh`, a token is writable without `'` (9^n) or with `'` but no `"`
    // (9^n - 8^n): 2 * 9^n - 8^n of the 10^n tokens. Before, two runs in three failed and the
    // success line claimed the whole format's 259.1 bits.
    let n = 78i32;
    let expected = (2.0 * 9f64.powi(n) - 8f64.powi(n)).log2();
    let shown = format!("{:.1}", (expected * 10.0).floor() / 10.0);
    let dir = tempfile::tempdir().unwrap();
    for run in 0..12 {
        let output = Command::cargo_bin("tokhyg")
            .unwrap()
            .args(["generate", "--into", ".env", &format!("K{run}")])
            .args(["--alphabet", "ab'\"cdefgh", "--length", "78"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "run {run}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "wrote K{run} to .env ({shown} bits, custom, 78 chars)"
            )),
            "{stderr}"
        );
    }
    assert_eq!(read_all(&dir.path().join(".env")).len(), 12);

    // Asked in bits (or by default, 256), the writable tokens have at least that many: the
    // body grows to 81 characters, the shortest with 2 * 9^n - 8^n >= 2^256.
    let output = Command::cargo_bin("tokhyg")
        .unwrap()
        .args([
            "generate",
            "--into",
            ".env",
            "DEFAULT_SIZE",
            "--alphabet",
            "ab'\"cdefgh",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("(257.7 bits, custom, 81 chars)"),
        "{stderr}"
    );
}

#[test]
fn with_force_below_an_unclosed_quote_the_new_value_is_quoted_so_it_cannot_close_it() {
    // Single quotes would close the `'` line 1 leaves open (python-dotenv would then read
    // DATABASE_URL and the new key as part of A): the tokens go in double quotes instead.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    fs::write(&path, "A='open\nDATABASE_URL=postgres://db/app\n").unwrap();
    let shown = generate(
        dir.path(),
        ".env",
        &names("K", 6),
        &["--force", "--alphabet", "ab#c!", "--length", "64"],
    );
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches('\'').count(), 1, "{text}");
    for reader in [read_python, read_node] {
        let mut read = reader(&path);
        read.remove("A");
        let mut expected = shown.clone();
        expected.insert("DATABASE_URL".into(), "postgres://db/app".into());
        assert_eq!(read, expected);
    }
}
