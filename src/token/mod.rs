//! The token format engine: alphabets, unbiased sampling, formats and checksums. A format can
//! both generate a token and recognise one, which is what ties `generate` and `scan` together.

pub mod alphabet;
pub mod checksum;
pub mod draw;
pub mod each_class;
pub mod encode;
pub mod entropy;
pub mod format;
pub mod id;
pub mod key_id;
pub mod key_shape;
pub mod preset;
pub mod sample;
pub mod spec;
pub mod uniformity;

#[cfg(test)]
mod distribution_tests;
