//! Token generation speed: the engine alone (tokens into a reused buffer), and the real binary
//! printing a million tokens to /dev/null, which is what `tokhyg generate --count 1000000`
//! costs a user.
//!
//! Run: `cargo bench --bench generate` (optionally `-- N` for the number of tokens).

#[path = "support/timing.rs"]
mod timing;

use std::hint::black_box;
use std::process::{Command, Stdio};
use timing::{best_of, count_arg, ms};
use tokhyg::token::alphabet::CharClass;
use tokhyg::token::spec::{Charset, Format, Generator, Request, Size};

fn main() -> anyhow::Result<()> {
    let count = count_arg(1_000_000)?;

    println!("engine, {count} tokens into a reused buffer, best of 3:");
    for (label, request) in cases() {
        let generator = Generator::new(&request)?;
        let mut rng = rand::rng();
        let mut token = String::with_capacity(256);
        let elapsed = best_of(3, || {
            for _ in 0..count {
                token.clear();
                generator.append_token(&mut rng, &mut token);
                black_box(&token);
            }
        });
        println!(
            "  {label:<44} {:>7.1} ms  {:>6.1} M tokens/s  {:>6.0} MB/s",
            ms(elapsed),
            count as f64 / elapsed.as_secs_f64() / 1e6,
            (count * generator.token_len()) as f64 / elapsed.as_secs_f64() / 1e6,
        );
    }

    let binary = env!("CARGO_BIN_EXE_tokhyg");
    println!("binary, `tokhyg generate --count {count} ... > /dev/null`, best of 3:");
    for args in [
        &[][..],
        &["--prefix", "sk_live_", "--checksum"],
        &["--json"],
        &["--format", "hex", "--bytes", "32"],
    ] {
        let mut failed = None;
        let elapsed = best_of(3, || {
            let status = Command::new(binary)
                .args(["generate", "--quiet", "--count", &count.to_string()])
                .args(args)
                .stdout(Stdio::null())
                .status();
            match status {
                Ok(status) if status.success() => {}
                other => failed = Some(format!("{other:?}")),
            }
        });
        if let Some(failure) = failed {
            anyhow::bail!("{binary} generate {args:?} failed: {failure}");
        }
        println!("  {:<44} {:>7.1} ms", args.join(" "), ms(elapsed));
    }
    Ok(())
}

fn cases() -> Vec<(&'static str, Request)> {
    let with = |charset, size| Request {
        charset,
        size,
        ..Request::default()
    };
    vec![
        ("default (256-bit base62, 43 chars)", Request::default()),
        (
            "--prefix sk_live_ --checksum",
            Request {
                prefix: Some("sk_live_".into()),
                checksum: true,
                ..Request::default()
            },
        ),
        (
            "--format hex --bytes 32",
            with(Charset::Named(Format::Hex), Some(Size::Bytes(32))),
        ),
        (
            "--format base64url --bits 256",
            with(Charset::Named(Format::Base64Url), Some(Size::Bits(256))),
        ),
        (
            "--format base58 (256 bits)",
            with(Charset::Named(Format::Base58), None),
        ),
        (
            "4 classes --length 32",
            with(
                Charset::Classes(CharClass::ALL.to_vec()),
                Some(Size::Length(32)),
            ),
        ),
        (
            "4 classes --each-class --length 8",
            Request {
                each_class: true,
                ..with(
                    Charset::Classes(CharClass::ALL.to_vec()),
                    Some(Size::Length(8)),
                )
            },
        ),
        ("--format uuid", with(Charset::Named(Format::Uuid), None)),
        ("--format ulid", with(Charset::Named(Format::Ulid), None)),
        (
            "--alphabet (10 Greek letters) --bits 256",
            with(Charset::Custom("αβγδεζηθικ".into()), Some(Size::Bits(256))),
        ),
    ]
}
