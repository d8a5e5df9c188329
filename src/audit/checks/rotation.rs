//! Check 5, rotation: the stamp `generate --into` writes above each key says when it was made;
//! a key older than the rotation window (`--max-age`, 90 days by default) is due, and a secret
//! with no stamp is of unknown age.

use super::shell_quote;
use crate::audit::{Check, Context, Item, Status};
use crate::dotenv::stamp::stamp_of;

/// Runs the check.
pub fn check(context: &Context<'_>) -> Check {
    let max_age = i64::from(context.options.max_age_days);
    let today = context.today.days();
    let mut items = Vec::new();
    let (mut stamped, mut secrets) = (0, 0);
    for file in context.env_files.iter().filter(|f| !f.template) {
        for secret in file.secrets() {
            secrets += 1;
            let name = &secret.entry.key;
            let fix = format!(
                "tokhyg generate --into {} --rotate {name}",
                shell_quote(&file.rel)
            );
            let line = secret.entry.line;
            match stamp_of(&file.doc, secret.entry) {
                Some(stamp) => {
                    stamped += 1;
                    let age = today - stamp.date.days();
                    if age > max_age {
                        items.push(
                            Item::new(
                                Status::Warn,
                                format!(
                                    "{name} in {} was generated {} ({age} days ago), over the {max_age}-day rotation window",
                                    file.rel, stamp.date
                                ),
                            )
                            .at(&file.rel, Some(line))
                            .fix(fix),
                        );
                    }
                }
                None => items.push(
                    Item::new(
                        Status::Warn,
                        format!(
                            "{name} in {} is of unknown age (no rotation stamp)",
                            file.rel
                        ),
                    )
                    .at(&file.rel, Some(line))
                    .fix(fix),
                ),
            }
        }
    }
    Check::new(
        "rotation",
        "Keys rotated within the window",
        format!("{stamped} of {secrets} secret(s) stamped, window {max_age} days"),
        items,
    )
}
