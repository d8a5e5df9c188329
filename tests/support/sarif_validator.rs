//! Validates SARIF files against the official SARIF 2.1.0 JSON schema
//! (`tests/data/sarif-schema-2.1.0.json`) with Python `jsonschema` (URI formats checked) from
//! `.test-deps/venv`.

#![allow(dead_code)]

use super::test_deps::{manifest_dir, venv_bin};
use std::path::PathBuf;
use std::process::Command;

/// Validates every file given after the schema; prints one line per error; exit 1 on any.
const VALIDATOR: &str = r#"
import json, sys
from jsonschema import Draft4Validator, FormatChecker
import rfc3986_validator  # noqa: F401  (without it, URI formats would go unchecked)
with open(sys.argv[1], encoding="utf-8") as f:
    schema = json.load(f)
Draft4Validator.check_schema(schema)
validator = Draft4Validator(schema, format_checker=FormatChecker())
errors = 0
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    for error in validator.iter_errors(document):
        where = "/".join(str(p) for p in error.absolute_path)
        print(f"{path}: {where}: {error.message}")
        errors += 1
print(f"{len(sys.argv) - 2} files, {errors} errors")
sys.exit(1 if errors else 0)
"#;

/// Runs the validator on `files`; returns (success, output).
pub fn validate(files: &[PathBuf]) -> (bool, String) {
    let schema = manifest_dir().join("tests/data/sarif-schema-2.1.0.json");
    let output = Command::new(venv_bin("python"))
        .arg("-c")
        .arg(VALIDATOR)
        .arg(&schema)
        .args(files)
        .output()
        .expect("run python");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !text.contains("ModuleNotFoundError"),
        "{text}\nrun scripts/install-test-deps.sh to install jsonschema and rfc3986-validator"
    );
    (output.status.success(), text)
}
