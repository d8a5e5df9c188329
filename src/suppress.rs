//! Suppression: allow comments, ignore file, baseline (being built).
