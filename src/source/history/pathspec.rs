//! Which paths a history scan covers: all of them, or, like `git log -- PATH...`, the files at
//! or below some paths of the repository (`tokhyg scan --history -- src/app.py config/`).

/// The paths a history scan covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathSpec {
    /// Repository-relative, `/`-separated paths without a trailing `/`; empty means all.
    prefixes: Vec<String>,
}

/// How a directory relates to a [`PathSpec`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything below it is covered.
    Inside,
    /// It leads to a covered path: its entries must be looked at one by one.
    Toward,
    /// Nothing below it is covered.
    Outside,
}

impl PathSpec {
    /// Every path.
    pub fn all() -> PathSpec {
        PathSpec::default()
    }

    /// The files at or below `paths` (repository-relative, `/`-separated; `""` or `.` is the
    /// whole repository).
    pub fn new(paths: impl IntoIterator<Item = String>) -> PathSpec {
        let mut prefixes = Vec::new();
        for path in paths {
            let path = path.trim_matches('/');
            if path.is_empty() || path == "." {
                return PathSpec::all();
            }
            prefixes.push(path.to_owned());
        }
        PathSpec { prefixes }
    }

    /// The scope of the root directory.
    pub fn root(&self) -> Scope {
        if self.prefixes.is_empty() {
            Scope::Inside
        } else {
            Scope::Toward
        }
    }

    /// The scope of directory `dir` (a path of a `Toward` directory's entry).
    pub fn dir(&self, dir: &str) -> Scope {
        if self.prefixes.iter().any(|p| is_at_or_below(dir, p)) {
            Scope::Inside
        } else if self.prefixes.iter().any(|p| is_at_or_below(p, dir)) {
            Scope::Toward
        } else {
            Scope::Outside
        }
    }

    /// Whether file `path` (an entry of a `Toward` directory) is covered.
    pub fn covers_file(&self, path: &str) -> bool {
        self.prefixes.iter().any(|p| is_at_or_below(path, p))
    }
}

/// `path` is `ancestor` or lies below it.
fn is_at_or_below(path: &str, ancestor: &str) -> bool {
    path.strip_prefix(ancestor)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_are_inside_toward_or_outside_and_files_covered_by_component() {
        let spec = PathSpec::new(["src/app.py".to_owned(), "config/".to_owned()]);
        assert_eq!(spec.root(), Scope::Toward);
        assert_eq!(spec.dir("src"), Scope::Toward);
        assert_eq!(spec.dir("config"), Scope::Inside);
        assert_eq!(spec.dir("config/deep"), Scope::Inside);
        assert_eq!(spec.dir("configs"), Scope::Outside);
        assert_eq!(spec.dir("docs"), Scope::Outside);
        assert!(spec.covers_file("src/app.py"));
        assert!(!spec.covers_file("src/app.pyc"));
        assert!(!spec.covers_file("src/other.py"));
        assert!(spec.covers_file("config/.env"));
        assert_eq!(
            PathSpec::new(["src".to_owned(), ".".to_owned()]),
            PathSpec::all()
        );
        assert_eq!(PathSpec::all().root(), Scope::Inside);
    }
}
