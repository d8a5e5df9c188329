//! The audit's report: text for people (colored on a terminal), JSON with a stable schema
//! (DESIGN.md, "Audit output"), and SARIF 2.1.0 for code scanning, where each failed or
//! warned item is a result under its check's rule.

use super::{Audit, Status};
use crate::report::color::{DIM, PASS, RULE, WARN, paint};
use crate::report::uri::encode_path;
use serde_json::{Value, json};
use std::fmt::Write as _;

/// The text report: each check with its status, its failing and warned items with their fixes,
/// then the one-line summary.
pub fn text(audit: &Audit, color: bool) -> String {
    let paint = |text: &str, code: &str| paint(text, code, color);
    let badge = |status: Status| {
        let word = format!("{:<4}", status.word().to_uppercase());
        match status {
            Status::Pass => paint(&word, PASS),
            Status::Warn => paint(&word, WARN),
            Status::Fail => paint(&word, RULE),
            Status::Skip => paint(&word, DIM),
        }
    };
    let mut out = String::new();
    for (number, check) in audit.checks.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}  {}. {}  {}",
            badge(check.status),
            number + 1,
            check.title,
            paint(&format!("({})", check.summary), DIM)
        );
        for item in &check.items {
            let _ = writeln!(out, "      {} {}", badge(item.status), item.message);
            if let Some(fix) = &item.fix {
                let _ = writeln!(out, "           fix: {fix}");
            }
        }
    }
    let _ = writeln!(out, "{}", summary(audit));
    out
}

/// `audit: 2 failed, 1 warned, 5 passed (1 skipped)`.
pub fn summary(audit: &Audit) -> String {
    let mut line = format!(
        "audit: {} failed, {} warned, {} passed",
        audit.count(Status::Fail),
        audit.count(Status::Warn),
        audit.count(Status::Pass)
    );
    let skipped = audit.count(Status::Skip);
    if skipped > 0 {
        let _ = write!(line, " ({skipped} skipped)");
    }
    line
}

/// The JSON report.
pub fn json(audit: &Audit) -> Value {
    json!({
        "root": audit.root,
        "failed": audit.failed(),
        "summary": {
            "fail": audit.count(Status::Fail),
            "warn": audit.count(Status::Warn),
            "pass": audit.count(Status::Pass),
            "skip": audit.count(Status::Skip),
        },
        "checks": audit.checks,
    })
}

/// The SARIF log: one rule per check, one result per failed or warned item.
pub fn sarif(audit: &Audit) -> Value {
    let rules: Vec<Value> = audit
        .checks
        .iter()
        .map(|check| {
            json!({
                "id": format!("audit/{}", check.id),
                "name": check.id,
                "shortDescription": {"text": check.title},
            })
        })
        .collect();
    let mut results = Vec::new();
    for (index, check) in audit.checks.iter().enumerate() {
        for item in check.items.iter().filter(|i| i.status >= Status::Warn) {
            let mut text = item.message.clone();
            if let Some(fix) = &item.fix {
                let _ = write!(text, ". Fix: {fix}");
            }
            let mut result = json!({
                "ruleId": format!("audit/{}", check.id),
                "ruleIndex": index,
                "level": if item.status == Status::Fail { "error" } else { "warning" },
                "message": {"text": text},
            });
            if let Some(path) = &item.path {
                let mut physical = json!({
                    "artifactLocation": {
                        "uri": encode_path(path),
                        "uriBaseId": crate::report::sarif::SRCROOT,
                    },
                });
                if let Some(line) = item.line {
                    physical["region"] = json!({"startLine": line});
                }
                result["locations"] = json!([{"physicalLocation": physical}]);
            }
            results.push(result);
        }
    }
    json!({
        "$schema": crate::report::sarif::SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "tokhyg",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/tokhyg/tokhyg",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
