//! Check 4, templates: `.env.example` and its kin are committed on purpose, so they must hold
//! placeholders only. A value the scan reports there, or a strong value under a secret name,
//! is a real key published with the code.

use crate::audit::{Check, Context, Item, Status, strength};
use crate::source::{Content, Origin};
use crate::token::key_id::key_id_unchecked;

/// Runs the check.
pub fn check(context: &Context<'_>) -> Check {
    let mut items = Vec::new();
    let templates: Vec<_> = context.env_files.iter().filter(|f| f.template).collect();
    for file in &templates {
        let origin = Origin {
            path: file.rel.clone(),
            rule_path: Some(file.rel.clone()),
            commit: None,
        };
        let mut flagged_lines = Vec::new();
        if let Ok(scan) = context
            .scanner
            .content_findings(&origin, Content::Bytes(file.doc.bytes()))
        {
            for finding in scan.findings {
                flagged_lines.push(finding.line);
                items.push(template_item(
                    &file.rel,
                    finding.line,
                    &format!(
                        "{} (id {})",
                        finding.title,
                        key_id_unchecked(&finding.secret)
                    ),
                ));
            }
        }
        for secret in file.secrets() {
            let line = secret.entry.line;
            let value = super::weak_values::secret_part(&secret.value);
            if flagged_lines.contains(&line) || strength::weakness(value).is_some() {
                continue;
            }
            items.push(template_item(
                &file.rel,
                line,
                &format!(
                    "{} holds a strong value (id {}), not a placeholder",
                    secret.entry.key,
                    key_id_unchecked(value)
                ),
            ));
        }
    }
    Check::new(
        "templates",
        "Templates hold placeholders only",
        format!("{} template file(s)", templates.len()),
        items,
    )
}

fn template_item(path: &str, line: usize, what: &str) -> Item {
    Item::new(
        Status::Fail,
        format!("{path}:{line}: {what}: a real-looking secret in a committed template"),
    )
    .at(path, Some(line))
    .fix(format!(
        "replace the value on line {line} of {path} with a placeholder (`changeme`), and rotate the key if it is real"
    ))
}
