//! Rules: the schema of `rules/*.yaml` and `.tokhyg.yaml` (serde), and their validation.
//!
//! Being built: see rules/README.md for the schema.

/// A validated set of rules.
#[derive(Debug, Default)]
pub struct RuleSet {}
