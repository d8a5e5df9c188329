//! Parse errors in the user's terms. serde describes what it expected in Rust's terms
//! (`expected struct RawConfig`, `expected usize`, `invalid type: map`); the files it reads
//! (`.tokhyg.yaml`, rules files, baselines) are YAML and JSON, whose users think in mappings,
//! lists, numbers and booleans. Field paths (`rules[0].token.length`) and positions (`at line 4
//! column 39`) are kept: they say where to look.

use regex::{Captures, Regex};
use std::fmt::Display;
use std::sync::LazyLock;

/// What each struct that a user's file is read into stands for.
const STRUCTS: &[(&str, &str)] = &[
    (
        "RawConfig",
        "a mapping of `rules`, `disable`, `disable_categories` and `allow_paths`",
    ),
    ("RulesDocument", "a mapping with a `rules:` list"),
    (
        "RawRule",
        "a rule: a mapping with `id`, `title` and one of `token`, `pattern`, `value` or `path`",
    ),
    (
        "RawToken",
        "a token format: a mapping with `alphabet`, `length` and optionally `prefix`, `checksum`",
    ),
    (
        "RawRun",
        "a mapping with `alphabet`, `min_length` and optionally `preceded_by`, `is_secret`",
    ),
    (
        "File",
        "a baseline: an object with `version` and a `findings` list",
    ),
    (
        "Entry",
        "a baseline entry: an object with `fingerprint`, `rule`, `path` and `line`",
    ),
];

/// serde's words for a type, and the user's.
static TYPE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:expected struct (\w+)|(expected|invalid type:) (?:a )?(sequence|map)\b|expected (u8|u16|u32|u64|usize)\b|expected (i8|i16|i32|i64|isize)\b|expected (f32|f64)\b|expected a boolean\b)",
    )
    .expect("a valid regex")
});

/// `error`'s message with serde's type words replaced by the user's.
pub fn plain(error: impl Display) -> String {
    let message = error.to_string();
    TYPE_WORDS
        .replace_all(&message, |caps: &Captures| {
            if let Some(name) = caps.get(1) {
                let meaning = STRUCTS
                    .iter()
                    .find(|(struct_name, _)| *struct_name == name.as_str())
                    .map_or("a mapping", |(_, meaning)| meaning);
                format!("expected {meaning}")
            } else if let (Some(lead), Some(kind)) = (caps.get(2), caps.get(3)) {
                let noun = if kind.as_str() == "map" {
                    "a mapping"
                } else {
                    "a list"
                };
                format!("{} {noun}", lead.as_str())
            } else if caps.get(4).is_some() {
                "expected a whole number, 0 or more".to_string()
            } else if caps.get(5).is_some() {
                "expected a whole number".to_string()
            } else if caps.get(6).is_some() {
                "expected a number".to_string()
            } else {
                "expected true or false".to_string()
            }
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn rust_type_words_become_yaml_and_json_words() {
        let cases = [
            (
                "invalid type: sequence, expected struct RawConfig",
                "invalid type: a list, expected a mapping of `rules`, `disable`, \
                 `disable_categories` and `allow_paths`",
            ),
            (
                "rules[0]: invalid type: integer `5`, expected struct RawRule at line 1 column 9",
                "rules[0]: invalid type: integer `5`, expected a rule: a mapping with `id`, \
                 `title` and one of `token`, `pattern`, `value` or `path` at line 1 column 9",
            ),
            (
                "rules: invalid type: map, expected a sequence at line 1 column 8",
                "rules: invalid type: a mapping, expected a list at line 1 column 8",
            ),
            (
                "rules[0].token.length: invalid type: integer `-3`, expected usize at line 4",
                "rules[0].token.length: invalid type: integer `-3`, expected a whole number, 0 \
                 or more at line 4",
            ),
            (
                "invalid type: string \"1\", expected u32 at line 1 column 15",
                "invalid type: string \"1\", expected a whole number, 0 or more at line 1 column 15",
            ),
            (
                "rules[0].min_entropy: invalid type: string \"high\", expected f64",
                "rules[0].min_entropy: invalid type: string \"high\", expected a number",
            ),
            (
                "run.is_secret: invalid type: string \"maybe\", expected a boolean",
                "run.is_secret: invalid type: string \"maybe\", expected true or false",
            ),
            (
                "invalid type: integer `2`, expected struct SomethingNew",
                "invalid type: integer `2`, expected a mapping",
            ),
            (
                "rules[0]: missing field `title` at line 1 column 9",
                "rules[0]: missing field `title` at line 1 column 9",
            ),
        ];
        for (serde, user) in cases {
            assert_eq!(plain(serde), user);
        }
    }
}
