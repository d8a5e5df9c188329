//! The Python wheel (`pyproject.toml`, maturin with `bindings = "bin"`): built from this crate
//! by maturin (installed into `.test-deps/venv` by `scripts/install-test-deps.sh`), installed
//! into a fresh venv without any index, and run from that venv's `bin/`; then the fast
//! pre-commit hook: a `language: python` hook installing that wheel, run by the real pre-commit
//! framework, blocks a commit that stages a token. The first-run time of that hook is printed
//! (`cargo test --test wheel -- --nocapture`); the `language: rust` hook's is in
//! tests/precommit_framework.rs.
//!
//! The wheel is built in the dev profile with the tests' own target directory, so it reuses
//! the binary `cargo test` has just compiled; the release workflow builds it with `--release`.

#[path = "support/hook_repo.rs"]
mod hook_repo;
#[path = "support/test_deps.rs"]
mod test_deps;

use hook_repo::{HookRepo, SECRET, printed};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;
use test_deps::{manifest_dir, venv_bin};

/// The wheel, built once for all the tests of this file.
fn wheel() -> &'static Path {
    static WHEEL: OnceLock<PathBuf> = OnceLock::new();
    WHEEL.get_or_init(|| {
        let out = manifest_dir().join("target/wheel-test");
        let _ = std::fs::remove_dir_all(&out);
        let started = Instant::now();
        let built = Command::new(venv_bin("maturin"))
            .current_dir(manifest_dir())
            .args(["build", "--quiet", "--out"])
            .arg(&out)
            .output()
            .expect("maturin runs");
        assert!(
            built.status.success(),
            "maturin build failed: {}",
            printed(&built)
        );
        eprintln!("wheel built in {:.1} s", started.elapsed().as_secs_f64());
        let wheel = std::fs::read_dir(&out)
            .expect("the wheel directory")
            .map(|entry| entry.expect("entry").path())
            .find(|path| path.extension().is_some_and(|ext| ext == "whl"))
            .expect("maturin wrote a .whl");
        let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
        let version = env!("CARGO_PKG_VERSION");
        assert!(
            name.starts_with(&format!("tokhyg-{version}-py3-none-")),
            "wheel name {name}"
        );
        wheel
    })
}

#[test]
fn the_wheel_installs_into_a_fresh_venv_and_its_tokhyg_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let venv = tmp.path().join("venv");
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .expect("python3 runs");
    assert!(made.success());
    let installed = Command::new(venv.join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--no-index",
            "--disable-pip-version-check",
        ])
        .arg(wheel())
        .output()
        .expect("pip runs");
    assert!(installed.status.success(), "{}", printed(&installed));

    let tokhyg = venv.join("bin/tokhyg");
    let version = Command::new(&tokhyg).arg("--version").output().unwrap();
    assert!(version.status.success());
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("tokhyg {}", env!("CARGO_PKG_VERSION"))
    );

    let project = tmp.path().join("project");
    std::fs::create_dir(&project).unwrap();
    let key = "sk_live_51Hq7XyZ2Lm4Np8Tq1Rv6Sw9Ux3Yz5Ab7Cd0Ef2Gh4Ij6Kl8Mn0Op2Qr4St6Uv8Wx0";
    std::fs::write(
        project.join("deploy.sh"),
        format!("export STRIPE_SECRET={key}\n"),
    )
    .unwrap();
    let scan = Command::new(&tokhyg)
        .current_dir(&project)
        .args(["scan", "--format", "json", "."])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&scan.stdout);
    assert_eq!(scan.status.code(), Some(1), "{}", printed(&scan));
    assert!(text.contains("stripe-live-secret-key"), "{text}");
}

#[test]
fn a_python_hook_installing_the_wheel_blocks_a_staged_token() {
    let repo = HookRepo::new();
    let wheel = wheel().to_str().expect("utf-8 path").to_owned();
    repo.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: local\n    hooks:\n      - id: tokhyg\n        name: tokhyg\n        \
             entry: tokhyg scan --staged\n        language: python\n        pass_filenames: false\n        \
             additional_dependencies: ['{wheel}']\n"
        ),
    );
    repo.git(&["add", ".pre-commit-config.yaml"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "hook config"]);
    repo.write("k.txt", &format!("{SECRET}\n"));
    repo.git(&["add", "k.txt"]);
    let started = Instant::now();
    let out = Command::new(venv_bin("pre-commit"))
        .current_dir(&repo.dir)
        .env("PRE_COMMIT_HOME", repo.tmp.path().join("pre-commit-home"))
        // Offline: pre-commit builds a placeholder package for a local repository, with the
        // setuptools wheel scripts/install-test-deps.sh keeps in .test-deps/wheels.
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", manifest_dir().join(".test-deps/wheels"))
        // Only the wheel's tokhyg can have run: none other is on PATH.
        .env("PATH", path_without_tokhyg())
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .args(["run"])
        .output()
        .expect("pre-commit runs");
    eprintln!(
        "first run of the language: python hook (environment made, wheel installed, scan): {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let text = printed(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("k.txt:1:1  tkh-test-token"), "{text}");
}

/// PATH without any directory holding a `tokhyg`.
fn path_without_tokhyg() -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept = std::env::split_paths(&path).filter(|dir| !dir.join("tokhyg").exists());
    std::env::join_paths(kept).expect("PATH entries without separators")
}
