//! Check 3, reuse: one secret value under two names, or in two environments' files. One key per
//! system and environment limits what a leak of one of them opens.

use super::shell_quote;
use super::weak_values::secret_part;
use crate::audit::{Check, Context, Item, Status, strength};
use crate::token::key_id::key_id_unchecked;
use std::collections::BTreeMap;

/// Values shorter than this are left to the weak-values check.
const MIN_LEN: usize = 8;

/// Where a value is set: file, variable, line.
type Place = (String, String, usize);

/// Runs the check.
pub fn check(context: &Context<'_>) -> Check {
    let mut by_value: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    for file in context.env_files.iter().filter(|f| !f.template) {
        for secret in file.secrets() {
            let value = secret_part(&secret.value);
            if value.len() < MIN_LEN || strength::is_placeholder(value) {
                continue;
            }
            by_value.entry(value.to_string()).or_default().push((
                file.rel.clone(),
                secret.entry.key.clone(),
                secret.entry.line,
            ));
        }
    }
    let items = by_value
        .iter()
        .filter_map(|(value, places)| reuse_item(value, places))
        .collect();
    Check::new(
        "reuse",
        "One key per system and environment",
        format!("{} distinct secret value(s)", by_value.len()),
        items,
    )
}

/// The failure for a value set in several places, if it is.
fn reuse_item(value: &str, places: &[Place]) -> Option<Item> {
    // NAME_PREVIOUS holding NAME's value is a rotation not done yet, not a reuse.
    let distinct: Vec<&Place> = places
        .iter()
        .filter(|(file, name, _)| {
            !places
                .iter()
                .any(|(f, n, _)| f == file && format!("{n}_PREVIOUS") == *name)
        })
        .collect();
    if distinct.len() < 2 {
        return None;
    }
    let named: Vec<String> = distinct
        .iter()
        .map(|(file, name, line)| format!("{name} in {file}:{line}"))
        .collect();
    let (file, name, line) = distinct[1];
    Some(
        Item::new(
            Status::Fail,
            format!(
                "one secret (id {}) is used {} times: {}",
                key_id_unchecked(value),
                distinct.len(),
                named.join(", ")
            ),
        )
        .at(file, Some(*line))
        .fix(format!(
            "tokhyg generate --into {} --force {name}  (a key of its own for each place)",
            shell_quote(file)
        )),
    )
}
