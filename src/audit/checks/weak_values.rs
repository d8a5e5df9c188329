//! Check 2, weak values: a secret-named variable in a `.env`-like file holding a default, a
//! placeholder, a documented example key, or fewer than 128 bits.

use super::shell_quote;
use crate::audit::inventory::Secret;
use crate::audit::{Check, Context, Item, Status, strength};
use crate::token::key_id::key_id_unchecked;

/// Runs the check.
pub fn check(context: &Context<'_>) -> Check {
    let mut items = Vec::new();
    let mut judged = 0;
    for file in context.env_files.iter().filter(|f| !f.template) {
        for secret in file.secrets() {
            judged += 1;
            let value = secret_part(&secret.value);
            if let Some(why) = strength::weakness(value) {
                items.push(weak_item(&secret, &why));
            }
        }
    }
    Check::new(
        "weak-values",
        "Weak values",
        format!("{judged} secret(s) judged"),
        items,
    )
}

/// The item for a weak secret.
pub fn weak_item(secret: &Secret<'_>, why: &str) -> Item {
    let name = &secret.entry.key;
    Item::new(
        Status::Fail,
        format!(
            "{name} (id {}) in {} is weak: {why}",
            key_id_unchecked(&secret.value),
            secret.file.rel
        ),
    )
    .at(&secret.file.rel, Some(secret.entry.line))
    .fix(format!(
        "tokhyg generate --into {} --force {name}",
        shell_quote(&secret.file.rel)
    ))
}

/// The part of a value that is the secret: the password of a URL with credentials
/// (`postgres://app:PASSWORD@db/app`), else the whole value.
pub fn secret_part(value: &str) -> &str {
    let Some((_, rest)) = value.split_once("://") else {
        return value;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let Some((userinfo, _)) = authority.rsplit_once('@') else {
        return value;
    };
    userinfo
        .split_once(':')
        .map_or(value, |(_, password)| password)
}

#[cfg(test)]
mod tests {
    use super::secret_part;

    #[test]
    fn the_password_of_a_url_is_judged_alone() {
        assert_eq!(secret_part("postgres://app:hunter2@db:5432/app"), "hunter2");
        assert_eq!(secret_part("redis://:p4ss@cache/0"), "p4ss");
        assert_eq!(
            secret_part("https://example.org/x"),
            "https://example.org/x"
        );
        assert_eq!(secret_part("plain"), "plain");
    }
}
