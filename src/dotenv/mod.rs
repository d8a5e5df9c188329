//! Lossless `.env` files: parse a file into a [`document::Document`] that keeps every byte,
//! set or rotate one variable in it ([`edit`]), spell a token so that python-dotenv, npm dotenv
//! and dotenvy all read it back unchanged ([`quote`]), replace the file atomically under a lock
//! ([`atomic`]) through a temporary file that cannot outlive the process ([`pending`]), and make sure git will not commit it ([`guard`]).
//!
//! `tokhyg generate --into` (in `cli::generate_into`) puts these together.

pub mod atomic;
pub mod document;
pub mod edit;
pub mod guard;
pub mod lines;
pub mod pending;
pub mod quote;
pub mod stamp;
pub mod writable;
