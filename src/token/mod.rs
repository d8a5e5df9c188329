//! The token format engine: alphabets, unbiased sampling, formats and checksums. A format can
//! both generate a token and recognise one, which is what ties `generate` and `scan` together.

pub mod alphabet;
pub mod checksum;
pub mod entropy;
pub mod format;
