//! Property test of the `.env` editor: random files (plain, quoted, exported, commented,
//! multi-line, CRLF, indented lines) and random tokens of awkward characters, set by adding,
//! replacing or rotating a name. Checked for each case: no byte outside the edited assignment
//! changes, and python-dotenv, npm dotenv and dotenvy each read every other key as before and
//! the edited name(s) as written. The cases are drawn with proptest and parsed in one batch per
//! parser (one python and one node process for all cases), which keeps the test to a few seconds.

#[path = "support/test_deps.rs"]
mod test_deps;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use test_deps::{npm_module, venv_bin};
use tokhyg::dotenv::document::Document;
use tokhyg::dotenv::edit::{self, Change, Policy};
use tokhyg::dotenv::quote;

/// Cases per run: enough to cover every line kind with every edit many times over.
const CASES: usize = 600;

type Values = BTreeMap<String, String>;

/// A key from a small pool, so that edits often hit an existing name.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just("API_KEY".to_owned()),
        1 => Just("DB_URL".to_owned()),
        4 => "[A-Z][A-Z0-9_]{0,6}",
    ]
}

/// One line (or multi-line assignment) that all three parsers read alike, without its ending.
fn line() -> impl Strategy<Value = String> {
    let bare = "[A-Za-z0-9_./:@%+=,-]{0,12}";
    prop_oneof![
        (key(), bare).prop_map(|(k, v)| format!("{k}={v}")),
        (key(), bare).prop_map(|(k, v)| format!("export {k}={v}")),
        (key(), bare, "[a-z ]{0,8}").prop_map(|(k, v, c)| format!("{k}={v} # {c}")),
        (key(), "[A-Za-z0-9 #\"$`!-]{0,12}").prop_map(|(k, v)| format!("{k}='{v}'")),
        (key(), "[A-Za-z0-9 #'`!-]{0,12}").prop_map(|(k, v)| format!("{k}=\"{v}\"")),
        (key(), "[a-z]{1,6}", "[a-z]{1,6}").prop_map(|(k, a, b)| format!("{k}=\"{a}\n{b}\"")),
        (" {1,3}", key(), bare).prop_map(|(pad, k, v)| format!("{pad}{k}={v}")),
        // A value starting with `#`: python-dotenv reads it, npm dotenv and dotenvy read "".
        (key(), "#[A-Za-z0-9!]{1,8}").prop_map(|(k, v)| format!("{k}={v}")),
        "# [A-Za-z =']{0,16}",
        Just(String::new()),
    ]
}

/// A token drawn over letters and every awkward `.env` character.
fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9'\"#$`\\\\{}:!=-]{1,24}".prop_filter("writable", |t| quote::render(t).is_ok())
}

/// A whole case: the file's lines, CRLF or LF, a final line break or not, and the edit.
#[derive(Debug, Clone)]
struct Case {
    lines: Vec<String>,
    crlf: bool,
    final_break: bool,
    name: String,
    token: String,
    policy: Policy,
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec(line(), 0..10),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just("API_KEY".to_owned()), Just("DB_URL".to_owned())],
        token(),
        prop_oneof![
            Just(Policy::Refuse),
            Just(Policy::Replace),
            Just(Policy::Rotate)
        ],
    )
        .prop_map(|(lines, crlf, final_break, name, token, policy)| Case {
            lines,
            crlf,
            final_break,
            name,
            token,
            policy,
        })
}

impl Case {
    fn bytes(&self) -> Vec<u8> {
        let ending = if self.crlf { "\r\n" } else { "\n" };
        let mut text = self.lines.join("\n").replace('\n', ending);
        if self.final_break && !text.is_empty() {
            text.push_str(ending);
        }
        text.into_bytes()
    }
}

/// What one parser read of each file, in order.
type Readings = Vec<Values>;

/// A parser's name and how to read a batch of files with it.
type Reader = (&'static str, fn(&[PathBuf]) -> Readings);

fn to_values(json: &serde_json::Value) -> Values {
    json.as_object()
        .expect("an object per file")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("a string value").to_owned()))
        .collect()
}

/// Runs `program` (which prints a JSON array, one object per file) over all `paths`.
fn read_batch(mut command: std::process::Command, paths: &[PathBuf], what: &str) -> Readings {
    let output = command.args(paths).output().expect(what);
    assert!(
        output.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect(what);
    json.as_array().expect(what).iter().map(to_values).collect()
}

fn read_python(paths: &[PathBuf]) -> Readings {
    let mut command = std::process::Command::new(venv_bin("python"));
    command.args([
        "-c",
        "import json, sys\nfrom dotenv import dotenv_values\n\
         print(json.dumps([dotenv_values(p) for p in sys.argv[1:]]))",
    ]);
    read_batch(command, paths, "python-dotenv")
}

fn read_node(paths: &[PathBuf]) -> Readings {
    let mut command = std::process::Command::new("node");
    command.args([
        "-e",
        "const dotenv = require(process.argv[1]); const fs = require('fs');\
         process.stdout.write(JSON.stringify(process.argv.slice(2).map(p => dotenv.parse(fs.readFileSync(p)))));",
    ]);
    command.arg(npm_module("dotenv"));
    read_batch(command, paths, "npm dotenv")
}

fn read_dotenvy(paths: &[PathBuf]) -> Readings {
    paths
        .iter()
        .map(|path| {
            dotenvy::from_path_iter(path)
                .expect("dotenvy opens the file")
                .map(|item| {
                    item.unwrap_or_else(|e| {
                        let text = std::fs::read_to_string(path).unwrap_or_default();
                        panic!("dotenvy: {}: {e}\n--- the file:\n{text:?}", path.display())
                    })
                })
                .collect()
        })
        .collect()
}

/// The bytes outside the edit are the old ones: an added line goes at the end (after a line
/// break the file may have lacked), a replaced value changes only its own span.
fn check_bytes(case: &Case, before: &Document, after: &[u8], change: &Change, rendered: &[u8]) {
    let old = before.bytes();
    match change {
        Change::Added => assert!(after.starts_with(old), "{case:?}: earlier bytes changed"),
        Change::Replaced { .. } => {
            let entry = before
                .entries()
                .iter()
                .find(|e| e.key == case.name)
                .expect("the replaced entry");
            let end = entry.disputed.as_ref().map_or(entry.value.end, |d| d.end);
            let expected = [&old[..entry.value.start], rendered, &old[end..]].concat();
            assert_eq!(
                after,
                expected.as_slice(),
                "{case:?}: bytes outside the value changed"
            );
        }
        Change::Rotated { .. } => {
            let entry = before
                .entries()
                .iter()
                .find(|e| e.key == case.name)
                .expect("the rotated entry");
            assert_eq!(
                &after[..entry.value.start],
                &old[..entry.value.start],
                "{case:?}"
            );
        }
    }
}

#[test]
fn edits_of_random_files_change_only_their_assignment_for_every_parser() {
    let dir = tempfile::tempdir().unwrap();
    // A fixed seed, so that CI runs the same 600 cases every time; TOKHYG_PROPS_RANDOM=1
    // explores new ones. One random run in about ten found a file that dotenvy refused to
    // read after a replace (`DB_URL= '=8!' `, not yet reproduced): the panic now prints the
    // whole file for the next one to catch it.
    let mut runner = if std::env::var_os("TOKHYG_PROPS_RANDOM").is_some() {
        TestRunner::new(Config::default())
    } else {
        TestRunner::new_with_rng(
            Config::default(),
            proptest::test_runner::TestRng::deterministic_rng(
                proptest::test_runner::RngAlgorithm::ChaCha,
            ),
        )
    };
    let strategy = case();
    // (case, what the edit changed, the names it set to which values, before path, after path)
    let mut done = Vec::new();
    while done.len() < CASES {
        let case = strategy.new_tree(&mut runner).unwrap().current();
        let before = Document::parse(case.bytes());
        let rendered = quote::render(&case.token).unwrap().into_bytes();
        let Ok((edited, change)) = edit::set(&before, &case.name, &rendered, case.policy) else {
            continue; // a refusal (name set twice, already set, ...) writes nothing
        };
        check_bytes(&case, &before, edited.bytes(), &change, &rendered);
        let n = done.len();
        let before_path = dir.path().join(format!("{n}.before.env"));
        let after_path = dir.path().join(format!("{n}.after.env"));
        std::fs::write(&before_path, before.bytes()).unwrap();
        std::fs::write(&after_path, edited.bytes()).unwrap();
        done.push((case, change, before_path, after_path));
    }
    let paths: Vec<PathBuf> = done
        .iter()
        .flat_map(|(_, _, b, a)| [b.clone(), a.clone()])
        .collect();
    let readers: [Reader; 3] = [
        ("python-dotenv", read_python),
        ("npm dotenv", read_node),
        ("dotenvy", read_dotenvy),
    ];
    for (parser, read) in readers {
        let readings = read(&paths);
        for (i, (case, change, before_path, _)) in done.iter().enumerate() {
            let (before, after) = (&readings[2 * i], &readings[2 * i + 1]);
            check_reading(parser, case, change, before, after, before_path);
        }
    }
    let kinds = |f: fn(&Change) -> bool| done.iter().filter(|(_, c, ..)| f(c)).count();
    eprintln!(
        "{CASES} edits: {} added, {} replaced, {} rotated",
        kinds(|c| matches!(c, Change::Added)),
        kinds(|c| matches!(c, Change::Replaced { .. })),
        kinds(|c| matches!(c, Change::Rotated { .. }))
    );
    assert!(
        kinds(|c| matches!(c, Change::Added)) > 10,
        "too few additions"
    );
    assert!(
        kinds(|c| matches!(c, Change::Replaced { .. })) > 10,
        "too few replacements"
    );
    assert!(
        kinds(|c| matches!(c, Change::Rotated { .. })) > 10,
        "too few rotations"
    );
}

/// One parser's reading: the edited name (and on rotation its `_PREVIOUS`, which then holds
/// what this parser read before) changed as asked, every other key reads as before.
fn check_reading(
    parser: &str,
    case: &Case,
    change: &Change,
    before: &Values,
    after: &Values,
    path: &Path,
) {
    let mut expected = before.clone();
    expected.insert(case.name.clone(), case.token.clone());
    if let Change::Rotated { previous, .. } = change {
        let old = before.get(&case.name).cloned().unwrap_or_default();
        if let Some(read) = after.get(previous) {
            // Where parsers disagreed on the old value, tokhyg keeps python-dotenv's reading
            // (and warns); the other parsers must then read that.
            expected.insert(previous.clone(), read.clone());
            if parser == "python-dotenv" {
                assert_eq!(read, &old, "{parser}: {case:?} ({})", path.display());
            }
        }
    }
    assert_eq!(after, &expected, "{parser}: {case:?} ({})", path.display());
}
