//! `tokhyg rules` (being built).

use clap::Args;

/// Arguments of `tokhyg rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {}

/// Runs `tokhyg rules`.
pub fn run(_args: RulesArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`tokhyg rules` is not built yet")
}
