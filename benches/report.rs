//! Report and suppression speed: how long each writer takes for many findings (a history scan
//! of a large monorepo can report tens of thousands), how fast fingerprints are computed, and
//! what `has_allow_comment` costs on a long minified line.
//!
//! Run: `cargo bench --bench report` (optionally `-- N` for the number of findings).

#[path = "support/timing.rs"]
mod timing;

use std::hint::black_box;
use timing::{best_of, count_arg, ms};
use tokhyg::finding::{CommitInfo, Finding};
use tokhyg::report::{self, Format, ReportOptions};
use tokhyg::suppress::{fingerprint, has_allow_comment};

fn main() -> anyhow::Result<()> {
    let count = count_arg(100_000)?;
    let findings = findings(count);

    println!("writers, {count} findings (half with a commit; SARIF keeps its cap), best of 3:");
    for format in [Format::Text, Format::Json, Format::Jsonl, Format::Sarif] {
        let mut bytes = 0;
        let written = match format {
            Format::Sarif => count.min(report::SARIF_MAX_RESULTS),
            _ => count,
        };
        let elapsed = best_of(3, || {
            let mut out = Vec::with_capacity(64 << 20);
            report::write(&mut out, &findings, format, &ReportOptions::default())
                .expect("write to memory");
            bytes = out.len();
            black_box(out);
        });
        println!(
            "  {:<6} {:>8.1} ms  {:>7.1} MB  {:>9.0} results/s",
            format!("{format:?}").to_lowercase(),
            ms(elapsed),
            bytes as f64 / 1e6,
            written as f64 / elapsed.as_secs_f64()
        );
    }

    let secrets: Vec<String> = (0..count).map(secret).collect();
    let elapsed = best_of(3, || {
        for secret in &secrets {
            black_box(fingerprint("github-pat-classic", secret.as_bytes()));
        }
    });
    println!(
        "fingerprint: {:.0} ns each ({count} secrets of 40 bytes)",
        elapsed.as_nanos() as f64 / count as f64
    );

    let long_line = "var a=\"x\";".repeat(100_000) + "// tokhyg:allow";
    let elapsed = best_of(5, || {
        assert!(has_allow_comment(black_box(long_line.as_bytes())));
    });
    println!(
        "has_allow_comment: {:.2} ms on a {:.1} MB line with the marker at its end",
        ms(elapsed),
        long_line.len() as f64 / 1e6
    );
    Ok(())
}

fn secret(i: usize) -> String {
    format!("ghp_{:030}{:06}", i * 7919, i)
}

fn findings(count: usize) -> Vec<Finding> {
    (0..count)
        .map(|i| {
            let secret = secret(i);
            Finding {
                rule_id: format!("rule-{}", i % 150),
                title: format!("Token kind {}", i % 150),
                remediation: Some("Revoke it in the provider's console, then rotate.".to_owned()),
                provider: None,
                category: "custom".to_owned(),
                severity: tokhyg::rules::Severity::High,
                path: format!("src/module_{}/file {}.rs", i % 97, i % 1000),
                line: 1 + i % 4000,
                column: 1 + i % 80,
                column_utf16: 1 + i % 80,
                commit: (i % 2 == 0).then(|| CommitInfo {
                    id: format!("{:040x}", i * 104_729),
                    author: "Dev Eloper".to_owned(),
                    email: "dev@example.com".to_owned(),
                    date: "2024-05-01T12:00:00Z".to_owned(),
                }),
                occurrences: (i % 2 == 0).then_some(1 + i % 3),
                fingerprint: fingerprint("rule", secret.as_bytes()),
                secret,
                public_prefix: 4,
                related: Vec::new(),
                decoded: Vec::new(),
            }
        })
        .collect()
}
