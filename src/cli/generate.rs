//! `tokhyg generate` (being built).

use clap::Args;

/// Arguments of `tokhyg generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {}

/// Runs `tokhyg generate`.
pub fn run(_args: GenerateArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`tokhyg generate` is not built yet")
}
