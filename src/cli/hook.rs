//! `tokhyg hook` (being built).

use clap::Args;

/// Arguments of `tokhyg hook`.
#[derive(Debug, Args)]
pub struct HookArgs {}

/// Runs `tokhyg hook`.
pub fn run(_args: HookArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`tokhyg hook` is not built yet")
}
