//! Where the test-only tools live: `scripts/install-test-deps.sh` installs a Python venv
//! (python-dotenv, pre-commit, jsonschema) and npm packages (dotenv) under `.test-deps/` of the
//! crate. Each locator fails the test, saying what to run, when its tool is missing.

// Each test crate uses a different part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The crate's root directory.
pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `.test-deps/venv/bin/NAME` (`python`, `pre-commit`); fails when it is not installed.
pub fn venv_bin(name: &str) -> PathBuf {
    let path = manifest_dir().join(".test-deps/venv/bin").join(name);
    assert!(
        path.is_file(),
        "{} is missing: run scripts/install-test-deps.sh first",
        path.display()
    );
    path
}

/// The npm package `.test-deps/node/node_modules/NAME`; fails when it is not installed.
pub fn npm_module(name: &str) -> PathBuf {
    let module = manifest_dir()
        .join(".test-deps/node/node_modules")
        .join(name);
    assert!(
        module.join("package.json").is_file(),
        "npm package {name} is missing: run scripts/install-test-deps.sh first (looked in {})",
        module.display()
    );
    module
}
