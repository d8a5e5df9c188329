//! Embeds every `rules/*.yaml` file in the binary: writes `$OUT_DIR/builtin_rules.rs`, a sorted
//! list of `(file name, include_str!(absolute path))`, so that a rules file dropped into `rules/`
//! is picked up without editing Rust code. Each file is also converted to JSON here
//! (`$OUT_DIR/rules-json/NAME.json`, embedded beside it): parsing 700 rules of YAML took most
//! of a small scan's start-up, JSON parses several times faster into the same schema.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let rules_dir = manifest_dir.join("rules");
    // A directory makes cargo rerun the script when any file in it is added, removed or changed.
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    println!("cargo:rerun-if-changed=build.rs");

    let mut files: Vec<PathBuf> = match fs::read_dir(&rules_dir) {
        Ok(entries) => entries
            .map(|entry| entry.expect("listing rules/").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
            .collect(),
        Err(error) => panic!("cannot list {}: {error}", rules_dir.display()),
    };
    files.sort();

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let json_dir = out_dir.join("rules-json");
    fs::create_dir_all(&json_dir).expect("creating $OUT_DIR/rules-json");

    let mut out = String::from(
        "/// Every built-in rules file: (file name, YAML contents, the same as JSON), sorted by \
         name.\npub(crate) static BUILTIN_RULE_FILES: &[(&str, &str, &str)] = &[\n",
    );
    for path in &files {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .expect("rules file names are UTF-8");
        let json = json_dir.join(name).with_extension("json");
        fs::write(&json, yaml_to_json(path)).expect("writing a rules file as JSON");
        out.push_str(&format!(
            "    ({:?}, include_str!({:?}), include_str!({:?})),\n",
            format!("rules/{name}"),
            path.to_str().expect("the crate path is UTF-8"),
            json.to_str().expect("OUT_DIR is UTF-8"),
        ));
    }
    out.push_str("];\n");
    fs::write(out_dir.join("builtin_rules.rs"), out).expect("writing builtin_rules.rs");
}

/// The YAML file at `path` as JSON; a file that is not YAML stops the build, naming it.
fn yaml_to_json(path: &Path) -> String {
    let text = fs::read_to_string(path).expect("reading a rules file");
    match serde_yaml_ng::from_str::<serde_json::Value>(&text) {
        Ok(value) => serde_json::to_string(&value).expect("a JSON value serializes"),
        Err(error) => panic!("{} is not valid YAML: {error}", path.display()),
    }
}
