//! Check 7, protection in place: a pre-commit hook that runs tokhyg (the plain git hook of
//! `tokhyg hook install`, or a `.pre-commit-config.yaml` listing tokhyg), and a CI job that
//! scans history (GitHub Actions or GitLab CI running `tokhyg scan --history`, or the tokhyg
//! action).

use crate::audit::{Check, Context, Item, Status};
use std::path::PathBuf;

/// Runs the check.
pub fn check(context: &Context<'_>) -> Check {
    let mut items = Vec::new();
    let hook = hook_runs_tokhyg(context);
    if !hook {
        items.push(
            Item::new(
                Status::Warn,
                "no pre-commit hook runs tokhyg: nothing stops the next secret at commit time",
            )
            .fix("tokhyg hook install  (or add tokhyg to .pre-commit-config.yaml: see README, Pre-commit hook)"),
        );
    }
    let ci = ci_files(context)
        .into_iter()
        .find(|(_, text)| scans_history(text));
    if ci.is_none() {
        items.push(
            Item::new(
                Status::Warn,
                "no CI job scans history with tokhyg: a secret pushed without the hook goes unseen",
            )
            .fix("add the job of README, CI (`tokhyg scan --history`) to .github/workflows/ or .gitlab-ci.yml"),
        );
    }
    let summary = format!(
        "pre-commit hook: {}; CI history scan: {}",
        if hook { "yes" } else { "no" },
        ci.map_or_else(|| "no".to_string(), |(path, _)| path)
    );
    Check::new("protection", "Protection in place", summary, items)
}

/// Whether a git pre-commit hook or the pre-commit framework runs tokhyg.
fn hook_runs_tokhyg(context: &Context<'_>) -> bool {
    let hooks_dir = context
        .repo
        .config()
        .ok()
        .and_then(|config| config.get_path("core.hooksPath").ok())
        .map(|dir| context.root.join(dir))
        .unwrap_or_else(|| context.repo.path().join("hooks"));
    let mentions =
        |path: PathBuf| std::fs::read_to_string(path).is_ok_and(|text| text.contains("tokhyg"));
    mentions(hooks_dir.join("pre-commit")) || mentions(context.root.join(".pre-commit-config.yaml"))
}

/// The CI files of the repository, with their text: `.github/workflows/*.yml|yaml` and
/// `.gitlab-ci.yml`.
fn ci_files(context: &Context<'_>) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let workflows = context.root.join(".github/workflows");
    if let Ok(entries) = std::fs::read_dir(&workflows) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if (name.ends_with(".yml") || name.ends_with(".yaml"))
                && let Ok(text) = std::fs::read_to_string(entry.path())
            {
                files.push((format!(".github/workflows/{name}"), text));
            }
        }
    }
    if let Ok(text) = std::fs::read_to_string(context.root.join(".gitlab-ci.yml")) {
        files.push((".gitlab-ci.yml".to_string(), text));
    }
    files.sort();
    files
}

/// Whether a CI file runs a history scan with tokhyg.
fn scans_history(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        (line.contains("tokhyg scan") && line.contains("--history"))
            || (line.starts_with("uses:") || line.starts_with("- uses:")) && line.contains("tokhyg")
    })
}

#[cfg(test)]
mod tests {
    use super::scans_history;

    #[test]
    fn a_history_scan_in_ci_is_recognised() {
        assert!(scans_history(
            "    - run: tokhyg scan --history --format sarif\n"
        ));
        assert!(scans_history("      - uses: tokhyg/tokhyg@v1\n"));
        assert!(!scans_history("    - run: tokhyg scan .\n"));
        assert!(!scans_history("    - run: cargo test\n"));
    }
}
