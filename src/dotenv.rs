//! Lossless .env documents (being built).
