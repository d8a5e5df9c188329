//! What `cargo package` puts in the crate (`cargo install tokhyg` builds from it): everything the
//! build and the binary need (sources, every rules file, build.rs, the hook script) and the
//! documents and licences, and nothing of the test corpus, benchmarks, fuzz targets, CI scripts
//! or build output. The licence files match Cargo.toml's licence, and the repository URL of
//! Cargo.toml is the one README's install section gives.

use std::collections::BTreeSet;
use std::path::Path;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files `cargo package --list` would publish.
fn packaged() -> BTreeSet<String> {
    let output = std::process::Command::new(env!("CARGO"))
        .current_dir(manifest_dir())
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo package --list failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_crate_holds_what_builds_and_runs_and_nothing_of_the_test_material() {
    let files = packaged();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "src/main.rs",
        "src/lib.rs",
        "src/detect/common_triples.bin",
        "hooks/pre-commit",
        ".pre-commit-hooks.yaml",
        "README.md",
        "DESIGN.md",
        "CHANGELOG.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "rules/README.md",
    ] {
        assert!(files.contains(needed), "{needed} is missing from the crate");
    }
    // Every rules file: build.rs embeds them all.
    for entry in std::fs::read_dir(manifest_dir().join("rules")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            files.contains(&format!("rules/{name}")),
            "rules/{name} is missing from the crate"
        );
    }
    for file in &files {
        for excluded in [
            "tests/",
            "benches/",
            "fuzz/",
            "target/",
            ".ci/",
            "scripts/",
            ".test-deps/",
        ] {
            assert!(
                !file.starts_with(excluded),
                "{file} should not be published"
            );
        }
    }
}

#[test]
fn licence_files_match_the_manifest_and_the_repository_url_matches_the_readme() {
    let manifest = std::fs::read_to_string(manifest_dir().join("Cargo.toml")).unwrap();
    assert!(manifest.contains("license = \"MIT OR Apache-2.0\""));
    let mit = std::fs::read_to_string(manifest_dir().join("LICENSE-MIT")).unwrap();
    assert!(mit.contains("Permission is hereby granted, free of charge"));
    let apache = std::fs::read_to_string(manifest_dir().join("LICENSE-APACHE")).unwrap();
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0, January 2004"));

    let repository = manifest
        .lines()
        .find_map(|line| line.strip_prefix("repository = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("Cargo.toml names its repository");
    let readme = std::fs::read_to_string(manifest_dir().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("TOKHYG_REPO={repository}")),
        "README's TOKHYG_REPO should be Cargo.toml's repository, {repository}"
    );
}
