//! `tokhyg generate`: cryptographically secure tokens on stdout, or into a `.env` file with
//! `--into FILE NAME...` (see [`super::generate_into`]).
//!
//! stdout holds only tokens (or the JSON array), so the command composes in scripts; the
//! strength line and the weak-token warning go to stderr.

use super::exit;
use super::generate_into::{self, IntoRequest};
use super::ui;
use crate::dotenv::writable;
use crate::token::alphabet::CharClass;
use crate::token::key_id::key_id;
use crate::token::preset::Preset;
use crate::token::spec::{
    Charset, DEFAULT_BITS, Format, Generator, MAX_LENGTH, MIN_SECURE_BITS, Request, Size,
    format_bits,
};
use anyhow::Context;
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

/// Arguments of `tokhyg generate`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct GenerateArgs {
    /// Variable names to set in the --into file (each gets its own token).
    #[arg(value_name = "NAME", requires = "into")]
    pub names: Vec<String>,

    /// Write the tokens into this .env file (git-ignored) instead of printing them.
    #[arg(
        long,
        value_name = "FILE",
        requires = "names",
        help_heading = "Into a .env file"
    )]
    pub into: Option<PathBuf>,
    /// With --into: replace a NAME that is already set.
    #[arg(long, requires = "into", help_heading = "Into a .env file")]
    pub force: bool,
    /// With --into: replace a NAME that is set, keeping the old value as NAME_PREVIOUS.
    #[arg(
        long,
        requires = "into",
        conflicts_with = "force",
        help_heading = "Into a .env file"
    )]
    pub rotate: bool,
    /// With --into: add FILE to .gitignore when git would not ignore it.
    #[arg(long, requires = "into", help_heading = "Into a .env file")]
    pub add_to_gitignore: bool,
    /// With --into or --copy: also print the new secrets on stdout.
    #[arg(long, help_heading = "Into a .env file")]
    pub show: bool,
    /// With --into: write no rotation stamp (`# tokhyg: NAME generated DATE, BITS bits, id ID`,
    /// a comment line above the variable that `tokhyg audit` reads to tell the key's age).
    #[arg(long, requires = "into", help_heading = "Into a .env file")]
    pub no_stamp: bool,

    /// A full-screen generator with live controls, starting from the other flags; prints the
    /// equivalent command line on quit.
    #[arg(short, long, conflicts_with_all = ["into", "count", "json", "pair", "copy"])]
    pub interactive: bool,
    /// A preset for a common job (api-key, webhook-secret, jwt-secret, session, password,
    /// invite-code, pin); flags given beside it replace the parts they name.
    #[arg(long, value_enum, value_name = "NAME", help_heading = "Characters")]
    pub preset: Option<Preset>,
    /// A named format: an alphabet, or the fixed layouts uuid (version 4) and ulid.
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        conflicts_with_all = ["alphabet", "lower", "upper", "digits", "symbols", "no_ambiguous", "each_class"],
        help_heading = "Characters"
    )]
    pub format: Option<FormatArg>,
    /// A custom alphabet: distinct, visible characters, at least 2 (quote it for the shell).
    #[arg(
        long,
        value_name = "CHARS",
        conflicts_with_all = ["lower", "upper", "digits", "symbols", "each_class"],
        help_heading = "Characters"
    )]
    pub alphabet: Option<String>,
    /// Lower-case letters a-z (combine the class flags; none means base62).
    #[arg(long, help_heading = "Characters")]
    pub lower: bool,
    /// Upper-case letters A-Z.
    #[arg(long, help_heading = "Characters")]
    pub upper: bool,
    /// Digits 0-9.
    #[arg(long, help_heading = "Characters")]
    pub digits: bool,
    /// Symbols !@#$%^&*()_+-=[]{}|;:,.<>?
    #[arg(long, help_heading = "Characters")]
    pub symbols: bool,
    /// Drop look-alikes 0 O o 1 l I | ` ' " from the classes or --alphabet.
    #[arg(long, help_heading = "Characters")]
    pub no_ambiguous: bool,
    /// At least one character of each chosen class (default: lower, upper, digits).
    #[arg(long, help_heading = "Characters")]
    pub each_class: bool,

    /// Body length in characters (4 to 1024).
    #[arg(
        long,
        value_name = "N",
        group = "size",
        help_heading = "Size (default 256 bits)"
    )]
    pub length: Option<usize>,
    /// The shortest body with at least B bits of entropy.
    #[arg(
        long,
        value_name = "B",
        group = "size",
        help_heading = "Size (default 256 bits)"
    )]
    pub bits: Option<u32>,
    /// N random bytes, encoded (only --format hex, HEX, base64, base64url, base32).
    #[arg(
        long,
        value_name = "N",
        group = "size",
        help_heading = "Size (default 256 bits)"
    )]
    pub bytes: Option<usize>,

    /// Text before the random body: ASCII letters, digits, `_`, `-` (e.g. sk_live_).
    #[arg(long, value_name = "P", help_heading = "Self-identifying keys")]
    pub prefix: Option<String>,
    /// Append the 6-character crc32-base62 checksum of the body (see below).
    #[arg(long, help_heading = "Self-identifying keys")]
    pub checksum: bool,

    /// How many tokens to print, one per line.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        value_parser = parse_count,
        conflicts_with = "into",
        help_heading = "Output"
    )]
    pub count: u64,
    /// Print a JSON array of {token, format, length, bits, id[, prefix, checksum]} objects.
    #[arg(long, conflicts_with = "into", help_heading = "Output")]
    pub json: bool,
    /// A two-part credential: a public key id (`PREFIX_id_...`, not a secret) and the secret
    /// (`PREFIX_sk_...`); with --into, NAME_ID and NAME_SECRET.
    #[arg(long, conflicts_with_all = ["count", "json", "copy"], help_heading = "Output")]
    pub pair: bool,
    /// Put the token on the clipboard instead of stdout: the system clipboard when there is
    /// one, else the terminal's (OSC 52, which works over SSH and in tmux).
    #[arg(long, conflicts_with_all = ["into", "count", "json"], help_heading = "Output")]
    pub copy: bool,
    /// With --copy or --interactive: clear the clipboard SECONDS after a copy, if it still
    /// holds the token (the command waits for it).
    #[arg(long, value_name = "SECONDS", help_heading = "Output")]
    pub clear_after: Option<u64>,
}

const AFTER_HELP: &str = "\
Tokens come from an OS-seeded cryptographically secure generator (ChaCha, reseeded from the
operating system); every character is drawn without modulo bias. stdout holds only the tokens;
the strength line and warnings go to stderr. Below 128 bits a warning is printed, and the token
is still generated.

--length and --bits draw each character from the alphabet. --bytes N encodes N random bytes:
hex, base64 with '=' padding, base64url without padding, base32 (RFC 4648) with '=' padding.

--each-class redraws whole tokens until one has every class, so tokens stay uniform over the
ones that qualify; the strength shown is the exact entropy of that smaller set.

--checksum appends the crc32-base62 of the body (GitHub's scheme; the prefix is not included):
6 base62 characters, so a scanner can tell a real key from a look-alike offline. It works with
any body alphabet, but keep the default base62 body for keys that scans must find: that is the
layout tokhyg's rules for checksummed keys expect (in .tokhyg.yaml: a token rule with the same
prefix, alphabet: base62, the body length and checksum: crc32-base62). With --checksum, the
prefix must be 1 to 5 parts of 1 to 32 letters or digits, each followed by `_` or `-`
(acme_live_, sk-prod-): the shape scan's built-in tokhyg-key rule reads; others are refused.

--into quotes each value so that python-dotenv, npm dotenv and dotenvy read back the token. A
token no quoting gives all three (' with \" \\ or $, or ${...}) is redrawn; the strength shown
is then that of the tokens that can be written, and --bits (or the default 256) counts only
those, so the body may be longer.

Examples:
  tokhyg generate                                   one 256-bit base62 token (43 chars)
  tokhyg generate --length 32 --lower --upper --digits --symbols
  tokhyg generate --format hex --bytes 32           a webhook or HMAC secret
  tokhyg generate --prefix sk_live_ --checksum      a self-identifying key
  tokhyg generate --count 5 --json
  tokhyg generate --into .env API_KEY WEBHOOK_SECRET";

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// A-Z a-z 0-9 (the default).
    Base62,
    /// Same as base62.
    Alphanumeric,
    /// 0-9 a-f.
    Hex,
    /// 0-9 A-F.
    #[value(name = "HEX")]
    HexUpper,
    /// A-Z a-z 0-9 + /.
    Base64,
    /// A-Z a-z 0-9 - _.
    Base64url,
    /// Alphanumerics without 0 O I l.
    Base58,
    /// A-Z 2-7 (RFC 4648).
    Base32,
    /// 0-9 A-Z without I L O U.
    Crockford32,
    /// A version 4 UUID (122 random bits).
    Uuid,
    /// A ULID: 48-bit millisecond time and 80 random bits.
    Ulid,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Self {
        match arg {
            FormatArg::Base62 | FormatArg::Alphanumeric => Format::Base62,
            FormatArg::Hex => Format::Hex,
            FormatArg::HexUpper => Format::HexUpper,
            FormatArg::Base64 => Format::Base64,
            FormatArg::Base64url => Format::Base64Url,
            FormatArg::Base58 => Format::Base58,
            FormatArg::Base32 => Format::Base32,
            FormatArg::Crockford32 => Format::Crockford32,
            FormatArg::Uuid => Format::Uuid,
            FormatArg::Ulid => Format::Ulid,
        }
    }
}

impl GenerateArgs {
    /// The engine request these arguments describe.
    pub fn request(&self) -> Request {
        let classes = CharClass::chosen(self.lower, self.upper, self.digits, self.symbols);
        let charset = if let Some(format) = self.format {
            Charset::Named(format.into())
        } else if let Some(alphabet) = &self.alphabet {
            Charset::Custom(alphabet.clone())
        } else if classes.is_empty() {
            Charset::Default
        } else {
            Charset::Classes(classes)
        };
        let size = match (self.length, self.bits, self.bytes) {
            (Some(length), _, _) => Some(Size::Length(length)),
            (_, Some(bits), _) => Some(Size::Bits(bits)),
            (_, _, Some(bytes)) => Some(Size::Bytes(bytes)),
            _ => None,
        };
        let request = Request {
            charset,
            no_ambiguous: self.no_ambiguous,
            each_class: self.each_class,
            size,
            prefix: self.prefix.clone(),
            checksum: self.checksum,
        };
        match self.preset {
            Some(preset) => preset.apply(&request),
            None => request,
        }
    }
}

/// The generator for `--into` and the true entropy of the tokens it writes: only those a `.env`
/// file can hold so that python-dotenv, npm dotenv and dotenvy read them back are kept (the
/// others are redrawn), which can cost bits; a warning says how many. A size in bits (`--bits`,
/// or the default) is met by the writable tokens: the body grows until it is. Refuses an
/// alphabet that leaves (almost) no writable token.
fn into_generator(mut request: Request) -> anyhow::Result<(Generator, f64)> {
    let wanted = match request.size {
        Some(Size::Bits(bits)) => Some(f64::from(bits)),
        None => Some(f64::from(DEFAULT_BITS)),
        Some(_) => None,
    };
    let mut generator = Generator::new(&request)?;
    let mut bits = into_bits(&generator)?;
    while let Some(wanted) = wanted
        && bits < wanted
        && generator.token_format().is_some()
        && generator.body_len() < MAX_LENGTH
    {
        request.size = Some(Size::Length(generator.body_len() + 1));
        generator = Generator::new(&request)?;
        bits = into_bits(&generator)?;
    }
    let loss = generator.bits() - bits;
    if loss >= 0.05 {
        ui::warn(format_args!(
            "{:.1}% of tokens of this format cannot be written to a .env file so that every \
             parser reads them back, and are redrawn: the tokens written have {} bits, {loss:.1} \
             less than the format's {}",
            (1000.0 * (1.0 - (-loss).exp2())).floor() / 10.0,
            format_bits(bits),
            format_bits(generator.bits())
        ));
    }
    Ok((generator, bits))
}

/// The true entropy of the writable tokens of `generator` (see [`into_generator`]).
fn into_bits(generator: &Generator) -> anyhow::Result<f64> {
    const UNWRITABLE: &str = "no quoting reads back the same in python-dotenv, npm dotenv and \
        dotenvy for a token that holds `'` together with `\"`, `\\` or `$`, or `${…}`, a `\\\\` \
        pair or a final `\\` without `'`, or a blank or control character; choose an alphabet \
        without these characters";
    let Some(bits) = writable::writable_bits(generator) else {
        anyhow::bail!("no token of this format can be written to a .env file: {UNWRITABLE}");
    };
    let loss = generator.bits() - bits;
    if loss > writable::MAX_LOSS_BITS {
        anyhow::bail!(
            "only one token of this format in 2^{loss:.0} can be written to a .env file, too few \
             to draw: {UNWRITABLE}"
        );
    }
    Ok(bits)
}

/// `--count`: a whole number of at least 1.
fn parse_count(text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(0) => Err("the count must be at least 1".into()),
        Ok(count) => Ok(count),
        Err(_) => Err(format!("{text:?} is not a whole number")),
    }
}

/// Runs `tokhyg generate`.
pub fn run(args: GenerateArgs) -> anyhow::Result<u8> {
    if args.show && args.into.is_none() && !args.copy {
        anyhow::bail!(
            "--show goes with --into or --copy (without them the token is printed anyway)"
        );
    }
    if let Some(preset) = args.preset {
        ui::info(format_args!(
            "preset {}: {}",
            preset.name(),
            preset.describe()
        ));
    }
    if args.clear_after.is_some() && !args.copy && !args.interactive {
        anyhow::bail!("--clear-after goes with --copy or --interactive");
    }
    if args.interactive {
        let settings = super::interactive::settings::Settings::from_request(&args.request());
        return super::interactive::run(settings, args.clear_after);
    }
    let mut request = args.request();
    let pair = args.pair.then(|| pair_prefixes(request.prefix.as_deref()));
    if let Some((_, secret_prefix)) = &pair {
        request.prefix = Some(secret_prefix.clone());
    }
    let (generator, bits) = match args.into {
        Some(_) => into_generator(request)?,
        None => {
            let generator = Generator::new(&request)?;
            let bits = generator.bits();
            (generator, bits)
        }
    };
    if bits < MIN_SECURE_BITS {
        ui::warn(format_args!(
            "{} bits is below the {MIN_SECURE_BITS} bits accepted as the minimum for a key; use \
             a longer token unless this is not a secret",
            format_bits(bits)
        ));
    }
    let mut rng = rand::rng();
    let strength = generator.strength_at(bits);
    if let Some(file) = &args.into {
        let pair_names = match (&pair, args.names.as_slice()) {
            (Some(_), [name]) => Some([format!("{name}_ID"), format!("{name}_SECRET")]),
            (Some(_), _) => anyhow::bail!(
                "--pair with --into takes one NAME: it writes NAME_ID and NAME_SECRET"
            ),
            (None, _) => None,
        };
        let names = pair_names
            .as_ref()
            .map_or(args.names.as_slice(), |n| n.as_slice());
        let public = pair_names.as_ref().map(|n| n[0].as_str());
        let request = IntoRequest {
            file,
            names,
            force: args.force,
            rotate: args.rotate,
            add_to_gitignore: args.add_to_gitignore,
            show: args.show,
            strength: &strength,
            bits,
            stamp: !args.no_stamp,
            public,
        };
        let id_prefix = pair.as_ref().map(|(id, _)| id.clone()).unwrap_or_default();
        return generate_into::run(request, &mut |name| {
            if Some(name) == public {
                public_id(&id_prefix, &mut rng)
            } else {
                generator.token(&mut rng)
            }
        });
    }
    if let Some((id_prefix, _)) = &pair {
        let (id, secret) = (public_id(id_prefix, &mut rng), generator.token(&mut rng));
        ui::info(format_args!(
            "a key pair: the first line is its public id (show it, log it), the second the \
             secret ({strength})"
        ));
        say_key_id(&secret, bits);
        return print_tokens(&format!("{id}\n{secret}\n"));
    }
    if args.copy {
        let token = generator.token(&mut rng);
        ui::info(format_args!("{strength}"));
        say_key_id(&token, bits);
        let via = super::clipboard::copy(&token)?;
        ui::info(format_args!("copied to {}", via.describe()));
        if args.show {
            print_tokens(&format!("{token}\n"))?;
        }
        if let Some(seconds) = args.clear_after {
            ui::info(format_args!(
                "clearing the clipboard in {seconds} s (Ctrl-C keeps it)"
            ));
            std::thread::sleep(std::time::Duration::from_secs(seconds));
            if super::clipboard::clear_if_holding(&token, via)? {
                ui::info("clipboard cleared");
            }
        }
        return Ok(exit::CLEAN);
    }
    let many = if args.count == 1 {
        String::new()
    } else {
        format!("{} tokens, ", args.count)
    };
    ui::info(format_args!("{many}{strength}"));
    if args.count == 1 && !args.json {
        let token = generator.token(&mut rng);
        say_key_id(&token, bits);
        return print_tokens(&format!("{token}\n"));
    }
    if !args.json {
        ui::info("each key's id (safe to log) is in --json output");
    }
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let written = if args.json {
        write_json(&generator, args.count, &mut rng, &mut out)
    } else {
        write_lines(&generator, args.count, &mut rng, &mut out)
    }
    .and_then(|()| out.flush());
    finish_output(written)
}

/// Says the key's id on stderr, or why it has none.
fn say_key_id(token: &str, bits: f64) {
    match key_id(token, bits) {
        Ok(id) => ui::info(format_args!(
            "key id: {id} (safe to log: the first 8 hex of its SHA-256)"
        )),
        Err(weak) => ui::info(weak),
    }
}

/// Writes `text` on stdout.
fn print_tokens(text: &str) -> anyhow::Result<u8> {
    let mut out = io::stdout().lock();
    finish_output(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// The exit code after writing tokens: a reader that stops early (`| head -1`) got what it
/// wanted.
fn finish_output(written: io::Result<()>) -> anyhow::Result<u8> {
    match written {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(exit::CLEAN),
        result => {
            result.context("cannot write the tokens to stdout")?;
            Ok(exit::CLEAN)
        }
    }
}

/// The prefixes of `--pair`'s two parts: `acme` (or `acme_`) gives `acme_id_` and `acme_sk_`,
/// `acme-` gives `acme-id-` and `acme-sk-`, none gives `id_` and `sk_`.
pub fn pair_prefixes(prefix: Option<&str>) -> (String, String) {
    let prefix = prefix.unwrap_or("");
    let sep = if prefix.ends_with('-') { '-' } else { '_' };
    let base = prefix.trim_end_matches(['_', '-']);
    if base.is_empty() {
        (format!("id{sep}"), format!("sk{sep}"))
    } else {
        (format!("{base}{sep}id{sep}"), format!("{base}{sep}sk{sep}"))
    }
}

/// Characters of random base62 in a pair's public id (95 bits: unique, not secret).
const PUBLIC_ID_LEN: usize = 16;

/// A pair's public id: `prefix` and 16 base62 characters, no checksum (so scans, which look
/// for checksummed tokhyg keys, never report it).
fn public_id<R: rand::CryptoRng + ?Sized>(prefix: &str, rng: &mut R) -> String {
    crate::token::format::TokenFormat {
        prefix: prefix.to_string(),
        alphabet: crate::token::alphabet::Alphabet::named("base62").expect("a named alphabet"),
        length: PUBLIC_ID_LEN,
        checksum: None,
    }
    .generate(rng)
}

/// Prints `count` tokens, one per line, reusing one buffer.
fn write_lines<R: rand::CryptoRng + ?Sized>(
    generator: &Generator,
    count: u64,
    rng: &mut R,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut token = String::with_capacity(generator.token_len() * 4 + 1);
    for _ in 0..count {
        token.clear();
        generator.append_token(rng, &mut token);
        token.push('\n');
        out.write_all(token.as_bytes())?;
    }
    Ok(())
}

/// One element of the `--json` array.
#[derive(Serialize)]
struct JsonToken<'a> {
    token: &'a str,
    format: &'a str,
    length: usize,
    bits: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checksum: Option<crate::token::checksum::Checksum>,
    /// The key id (first 8 hex of SHA-256), absent under 64 bits.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    /// Why there is no `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    no_id: Option<String>,
}

/// Prints a JSON array of `count` tokens, one object per line.
fn write_json<R: rand::CryptoRng + ?Sized>(
    generator: &Generator,
    count: u64,
    rng: &mut R,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut token = String::with_capacity(generator.token_len() * 4);
    let prefix = Some(generator.prefix()).filter(|p| !p.is_empty());
    out.write_all(b"[")?;
    for i in 0..count {
        token.clear();
        generator.append_token(rng, &mut token);
        out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
        let item = JsonToken {
            token: &token,
            format: generator.format_name(),
            length: token.chars().count(),
            bits: generator.bits(),
            prefix,
            checksum: generator.checksum(),
            id: key_id(&token, generator.bits()).ok(),
            no_id: key_id(&token, generator.bits())
                .err()
                .map(|e| e.to_string()),
        };
        serde_json::to_writer(&mut *out, &item).map_err(io::Error::other)?;
    }
    out.write_all(b"\n]\n")
}
