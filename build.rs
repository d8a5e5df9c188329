//! Embeds every `rules/*.yaml` file in the binary: writes `$OUT_DIR/builtin_rules.rs`, a sorted
//! list of `(file name, include_str!(absolute path))`, so that a rules file dropped into `rules/`
//! is picked up without editing Rust code.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let rules_dir = manifest_dir.join("rules");
    // A directory makes cargo rerun the script when any file in it is added, removed or changed.
    println!("cargo:rerun-if-changed={}", rules_dir.display());

    let mut files: Vec<PathBuf> = match fs::read_dir(&rules_dir) {
        Ok(entries) => entries
            .map(|entry| entry.expect("listing rules/").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
            .collect(),
        Err(error) => panic!("cannot list {}: {error}", rules_dir.display()),
    };
    files.sort();

    let mut out =
        String::from("/// Every built-in rules file: (file name, contents), sorted by name.\n");
    out.push_str("pub(crate) static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .expect("rules file names are UTF-8");
        let absolute = path.to_str().expect("the crate path is UTF-8");
        out.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            format!("rules/{name}"),
            absolute
        ));
    }
    out.push_str("];\n");

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    fs::write(out_dir.join("builtin_rules.rs"), out).expect("writing builtin_rules.rs");
}
