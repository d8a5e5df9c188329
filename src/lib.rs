//! tokhyg: secret hygiene in one binary.
//!
//! `generate` makes cryptographically secure tokens and writes them into git-ignored `.env`
//! files; `scan` finds tokens that escaped into files, staged changes or git history. Both halves
//! share the token format engine in [`token`]. See `DESIGN.md` for the architecture.

pub mod audit;
pub mod cli;
pub mod date;
pub mod detect;
pub mod dotenv;
pub mod finding;
pub mod fuzzing;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod suppress;
pub mod token;
