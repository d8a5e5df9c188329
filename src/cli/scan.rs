//! `tokhyg scan` (being built).

use clap::Args;

/// Arguments of `tokhyg scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {}

/// Runs `tokhyg scan`.
pub fn run(_args: ScanArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`tokhyg scan` is not built yet")
}
