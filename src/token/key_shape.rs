//! The prefixes of checksummed keys that `scan` recognises as tokhyg's own: the built-in
//! `tokhyg-key` rule (rules/tokhyg.yaml) reads a prefix as 1 to [`MAX_SEGMENTS`] segments of 1 to
//! [`MAX_SEGMENT_LEN`] letters or digits, each ended by `_` or `-`, so that it can tell where the
//! prefix ends and the checksummed body begins. `generate --checksum` refuses any other prefix,
//! so every key it makes is found by `scan`.

/// Most segments in a checksummed key's prefix (`a_b_c_d_e_`).
pub const MAX_SEGMENTS: usize = 5;
/// Longest segment of a checksummed key's prefix, in characters.
pub const MAX_SEGMENT_LEN: usize = 32;

/// Why `scan` could not find checksummed keys with this prefix, or `None` when it can.
/// The prefix has already been checked to hold only letters, digits, `_` and `-`.
pub fn checksummed_prefix_problem(prefix: &str) -> Option<String> {
    let Some(last) = prefix.bytes().last() else {
        return Some("it is empty".into());
    };
    if last != b'_' && last != b'-' {
        return Some(
            "it must end with `_` or `-`, which marks where the key's random part begins".into(),
        );
    }
    let segments: Vec<&str> = prefix[..prefix.len() - 1].split(['_', '-']).collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Some("it must not start with `_` or `-` nor hold two of them in a row".into());
    }
    if segments.len() > MAX_SEGMENTS {
        return Some(format!(
            "it has {} parts, at most {MAX_SEGMENTS} are recognised",
            segments.len()
        ));
    }
    if let Some(long) = segments.iter().find(|s| s.len() > MAX_SEGMENT_LEN) {
        return Some(format!(
            "its part of {} characters is longer than {MAX_SEGMENT_LEN}",
            long.len()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_recognised_shape_and_names_each_other_problem() {
        for good in [
            "acme_",
            "sk-prod-",
            "a_b_c_d_e_",
            "billing_v2_prod-",
            &"x".repeat(32),
        ] {
            let good = if good.ends_with(['_', '-']) {
                good.to_string()
            } else {
                format!("{good}_")
            };
            assert_eq!(checksummed_prefix_problem(&good), None, "{good}");
        }
        let cases = [
            ("acme", "must end with"),
            ("ACME", "must end with"),
            ("_acme_", "must not start"),
            ("acme__", "two of them in a row"),
            ("a_b_c_d_e_f_", "6 parts"),
            (&format!("{}_", "y".repeat(33)), "33 characters"),
        ];
        for (bad, why) in cases {
            let problem = checksummed_prefix_problem(bad).expect(bad);
            assert!(problem.contains(why), "{bad}: {problem}");
        }
    }
}
