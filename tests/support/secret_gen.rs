//! Fresh secrets for the precision corpus, made at test time so that nothing can be tuned to a
//! fixed string: random values from tokhyg's own token engine, HS256 JWTs with a real signature,
//! and private keys from `openssl` / `ssh-keygen` (the same tools a developer uses).

// Each test crate uses a different part of this module.
#![allow(dead_code)]

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;
use tokhyg::token::alphabet::Alphabet;
use tokhyg::token::format::TokenFormat;

/// A random value of `length` characters from the named alphabet (`base62`, `hex`,
/// `base64url`, ...), drawn by tokhyg's engine like `tokhyg generate --alphabet NAME`.
pub fn random(alphabet: &str, length: usize) -> String {
    let alphabet = Alphabet::named(alphabet)
        .unwrap_or_else(|e| panic!("test bug: alphabet `{alphabet}`: {e}"));
    TokenFormat {
        prefix: String::new(),
        alphabet,
        length,
        checksum: None,
    }
    .generate(&mut rand::rng())
}

/// A password as a password manager makes one: letters, digits and a few symbols that survive
/// YAML, shell single quotes and `.env` files unquoted.
pub fn password(length: usize) -> String {
    let alphabet =
        Alphabet::custom("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!%^*-_+=.~")
            .unwrap_or_else(|e| panic!("test bug: password alphabet: {e}"));
    loop {
        let candidate = TokenFormat {
            prefix: String::new(),
            alphabet: alphabet.clone(),
            length,
            checksum: None,
        }
        .generate(&mut rand::rng());
        // A password that is all letters is legal but reads like a word list; real generators
        // (and our corpus) mix classes.
        if candidate.chars().any(|c| c.is_ascii_digit())
            && candidate.chars().any(|c| !c.is_ascii_alphanumeric())
        {
            return candidate;
        }
    }
}

/// The characters Django's `get_random_secret_key()` draws from, 50 of them.
pub fn django_secret_key() -> String {
    let alphabet = Alphabet::custom("abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)")
        .unwrap_or_else(|e| panic!("test bug: django alphabet: {e}"));
    TokenFormat {
        prefix: String::new(),
        alphabet,
        length: 50,
        checksum: None,
    }
    .generate(&mut rand::rng())
}

/// Standard base64 of `bytes`.
pub fn base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// `n` random bytes in standard base64 (an Azure storage account key is 64 bytes).
pub fn random_base64_bytes(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill(&mut bytes[..]);
    STANDARD.encode(bytes)
}

/// A 20-character AWS access key id (`AKIA` + 16 of the base32 upper alphabet).
pub fn aws_access_key_id() -> String {
    format!("AKIA{}", random("base32", 16))
}

/// HMAC-SHA-256 (RFC 2104) with the sha2 crate, for JWT signatures.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block_key = [0u8; BLOCK];
    if key.len() > BLOCK {
        block_key[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block_key.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block_key.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// A JWT signed with HS256 under a fresh random key: a working bearer credential.
pub fn signed_jwt(subject: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let issued = 1_717_000_000 + rand::rng().random_range(0..5_000_000u64);
    let payload = URL_SAFE_NO_PAD.encode(format!(
        r#"{{"sub":"{subject}","aud":"harbor-shop","roles":["admin"],"iat":{issued},"exp":{}}}"#,
        issued + 31_536_000
    ));
    let key = random("base62", 43);
    let signing_input = format!("{header}.{payload}");
    let signature = URL_SAFE_NO_PAD.encode(hmac_sha256(key.as_bytes(), signing_input.as_bytes()));
    format!("{signing_input}.{signature}")
}

/// Runs a key generator and returns its standard output, failing the test with the tool's
/// message when it is missing or fails (both tools ship with every Debian/Ubuntu image).
fn run_tool(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{program}` ({e}); install it (apt-get install openssl openssh-client)"
            )
        });
    assert!(
        output.status.success(),
        "`{program} {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap_or_else(|e| panic!("`{program}` printed non-UTF-8: {e}"))
}

/// The PEM private key kinds a repository leaks.
#[derive(Debug, Clone, Copy)]
pub enum PemKind {
    /// `BEGIN PRIVATE KEY` (PKCS#8, RSA inside).
    Pkcs8Rsa,
    /// `BEGIN RSA PRIVATE KEY` (PKCS#1).
    Pkcs1Rsa,
    /// `BEGIN EC PRIVATE KEY` (SEC1, P-256).
    Sec1Ec,
    /// `BEGIN PRIVATE KEY` (PKCS#8, Ed25519).
    Pkcs8Ed25519,
}

/// A fresh private key in PEM, from `openssl`.
pub fn pem_private_key(kind: PemKind) -> String {
    let pem = match kind {
        PemKind::Pkcs8Rsa => run_tool(
            "openssl",
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
            ],
        ),
        PemKind::Pkcs1Rsa => run_tool("openssl", &["genrsa", "-traditional", "2048"]),
        PemKind::Sec1Ec => run_tool(
            "openssl",
            &["ecparam", "-name", "prime256v1", "-genkey", "-noout"],
        ),
        PemKind::Pkcs8Ed25519 => run_tool("openssl", &["genpkey", "-algorithm", "ed25519"]),
    };
    assert!(
        pem.contains("PRIVATE KEY-----"),
        "openssl printed no private key: {pem}"
    );
    pem
}

/// A fresh OpenSSH key pair (private key text, public key line) from `ssh-keygen`, made in
/// `scratch` (a temporary directory the caller owns).
pub fn openssh_key_pair(scratch: &Path, comment: &str) -> (String, String) {
    let file = scratch.join(format!("key-{}", random("hex", 12)));
    let file_arg = file.to_string_lossy().into_owned();
    run_tool(
        "ssh-keygen",
        &[
            "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", &file_arg,
        ],
    );
    let read = |p: &Path| {
        std::fs::read_to_string(p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
    };
    let private = read(&file);
    let public = read(&file.with_extension("pub"));
    (private, public.trim_end().to_string())
}

/// The public key of a PEM private key, as `BEGIN PUBLIC KEY` (a near miss: public keys are
/// not secrets).
pub fn pem_public_key(private_pem: &str, scratch: &Path) -> String {
    let file = scratch.join(format!("priv-{}.pem", random("hex", 12)));
    std::fs::write(&file, private_pem).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    run_tool(
        "openssl",
        &["pkey", "-in", &file.to_string_lossy(), "-pubout"],
    )
}

/// Flips one body character of a checksummed token so that its checksum no longer verifies
/// (the character stays in the alphabet, the length and prefix stay the same).
pub fn break_checksum(format: &TokenFormat, token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    let prefix_len = format.prefix.chars().count();
    let alphabet = format.alphabet.chars();
    let mut rng = rand::rng();
    loop {
        let position = prefix_len + rng.random_range(0..format.length);
        let replacement = alphabet[rng.random_range(0..alphabet.len())];
        if replacement == chars[position] {
            continue;
        }
        let mut broken = chars.clone();
        broken[position] = replacement;
        let broken: String = broken.into_iter().collect();
        if !format.verify(&broken) {
            return broken;
        }
    }
}
