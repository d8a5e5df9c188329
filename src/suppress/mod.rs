//! Suppression: ways a user tells tokhyg that a finding is known and should not be reported.
//!
//! - [`has_allow_comment`]: `tokhyg:allow` in a comment on the finding's line (and the inline
//!   markers of gitleaks, TruffleHog and detect-secrets).
//! - [`IgnoreList`]: `.tokhygignore`, fingerprints judged harmless for good.
//! - [`Baseline`]: the findings that existed when the team adopted tokhyg.
//!
//! All three key on the [`fingerprint`] (rule id + secret), never on file and line, so a
//! suppression survives edits and moves.

mod allow;
mod baseline;
mod fingerprint;
mod ignore_file;

pub use allow::{ALLOW_MARKER, has_allow_comment};
pub use baseline::{Baseline, BaselineUpdate};
pub use fingerprint::{FINGERPRINT_LEN, Salt, fingerprint, fingerprint_with, is_fingerprint};
pub use ignore_file::{IgnoreFileError, IgnoreList, SALT_PREFIX};
