//! Globs of paths never scanned: `allow_paths` in `.tokhyg.yaml` and `--exclude` on the command
//! line. They match the path relative to the repository root (`/`-separated) the way
//! `.gitignore` lines do: a glob without `/` matches a name at any depth (`*.snap`,
//! `node_modules`), one with `/` matches from the root (`tests/fixtures/**`), and `dir/**` also
//! matches `dir` itself, so a walk can skip the whole directory.

use anyhow::{Context, bail};
use globset::{Glob, GlobSet, GlobSetBuilder};

/// A set of path globs, each remembered with where it came from, for messages.
#[derive(Debug, Clone, Default)]
pub struct PathGlobs {
    /// The globs as written, with where each came from (`--exclude`, a config file's
    /// `allow_paths`).
    globs: Vec<(String, String)>,
    set: GlobSet,
    /// For each glob of `set`, the index in `globs` of the glob it was made from.
    owners: Vec<usize>,
}

impl PathGlobs {
    /// Adds `globs`, which came from `source`, and rebuilds the set. An empty or invalid glob
    /// is an error naming it.
    pub fn add(&mut self, globs: &[String], source: &str) -> anyhow::Result<()> {
        let mut all = self.globs.clone();
        all.extend(globs.iter().map(|g| (g.clone(), source.to_string())));
        let mut builder = GlobSetBuilder::new();
        let mut owners = Vec::new();
        for (index, (glob, _)) in all.iter().enumerate() {
            for pattern in patterns(glob)? {
                let compiled = Glob::new(&pattern).with_context(|| format!("glob `{glob}`"))?;
                builder.add(compiled);
                owners.push(index);
            }
        }
        self.set = builder.build()?;
        self.owners = owners;
        self.globs = all;
        Ok(())
    }

    /// The globs as written.
    pub fn globs(&self) -> impl Iterator<Item = &str> {
        self.globs.iter().map(|(glob, _)| glob.as_str())
    }

    /// Whether there is no glob.
    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    /// Whether a glob matches `rel_path` (relative to the repository root, `/`-separated; a
    /// leading `./` is ignored).
    pub fn is_match(&self, rel_path: &str) -> bool {
        !self.is_empty() && self.set.is_match(strip_dot(rel_path))
    }

    /// The first glob matching `rel_path`, and where it came from.
    pub fn matching(&self, rel_path: &str) -> Option<(&str, &str)> {
        if self.is_empty() {
            return None;
        }
        let first = *self.set.matches(strip_dot(rel_path)).first()?;
        let (glob, source) = &self.globs[self.owners[first]];
        Some((glob, source))
    }
}

fn strip_dot(rel_path: &str) -> &str {
    rel_path.strip_prefix("./").unwrap_or(rel_path)
}

/// The globset patterns of one glob (see the module documentation).
fn patterns(glob: &str) -> anyhow::Result<Vec<String>> {
    let trimmed = glob.trim_start_matches('/');
    if trimmed.is_empty() {
        bail!("an empty glob would match every path");
    }
    let anywhere = if glob.contains('/') {
        trimmed.to_string()
    } else {
        format!("**/{trimmed}")
    };
    let mut patterns = vec![anywhere.clone()];
    if let Some(dir) = anywhere.strip_suffix("/**") {
        patterns.push(dir.to_string());
    }
    Ok(patterns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(list: &[&str], source: &str) -> PathGlobs {
        let mut globs = PathGlobs::default();
        let list: Vec<String> = list.iter().map(|g| g.to_string()).collect();
        globs.add(&list, source).unwrap();
        globs
    }

    #[test]
    fn globs_match_like_gitignore_lines() {
        let set = globs(
            &["tests/fixtures/**", "*.snap", "Cargo.lock", "/top.txt"],
            "c",
        );
        for path in [
            "tests/fixtures/a/b.txt",
            "tests/fixtures",
            "./tests/fixtures/x",
            "deep/dir/out.snap",
            "Cargo.lock",
            "crates/x/Cargo.lock",
            "top.txt",
        ] {
            assert!(set.is_match(path), "{path}");
        }
        for path in [
            "src/main.rs",
            "tests/fixtures_other/x",
            "Cargo.lock.bak",
            "sub/top.txt",
        ] {
            assert!(!set.is_match(path), "{path}");
        }
    }

    #[test]
    fn matching_names_the_glob_and_its_source() {
        let mut set = globs(&["fixtures/**"], "allow_paths of .tokhyg.yaml");
        set.add(&["*.min.js".to_string()], "--exclude").unwrap();
        assert_eq!(
            set.matching("fixtures/a.txt"),
            Some(("fixtures/**", "allow_paths of .tokhyg.yaml"))
        );
        assert_eq!(
            set.matching("web/app.min.js"),
            Some(("*.min.js", "--exclude"))
        );
        assert_eq!(set.matching("web/app.js"), None);
        assert_eq!(set.globs().collect::<Vec<_>>(), ["fixtures/**", "*.min.js"]);
    }

    #[test]
    fn empty_and_invalid_globs_are_errors_naming_them() {
        let mut set = PathGlobs::default();
        let error = set.add(&["/".to_string()], "x").unwrap_err().to_string();
        assert!(error.contains("empty glob"), "{error}");
        let error = format!("{:#}", set.add(&["a[".to_string()], "x").unwrap_err());
        assert!(error.contains("a["), "{error}");
        assert!(set.is_empty());
        assert!(!set.is_match("anything"));
    }
}
