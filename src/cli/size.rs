//! Sizes on the command line (`--max-file-size 10M`): a number of bytes, optionally followed by
//! `K`, `M` or `G` (1024-based; `KB`, `KiB` and lower case are read the same).

/// Parses a size; the error says what is wrong and how to write one.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let digits_end = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(digits_end);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => Some(0),
        "k" | "kb" | "kib" => Some(10),
        "m" | "mb" | "mib" => Some(20),
        "g" | "gb" | "gib" => Some(30),
        _ => None,
    };
    let number = digits.parse::<u64>().ok();
    match (number, shift) {
        (Some(number), Some(shift)) => number.checked_mul(1 << shift).ok_or_else(|| {
            format!(
                "`{text}` is too large a size; the largest is {} bytes",
                u64::MAX
            )
        }),
        _ => Err(format!(
            "`{text}` is not a size: write a number of bytes, optionally followed by K, M or G \
             (1024-based), such as 500K or 10M"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn reads_bytes_and_binary_units() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("1500"), Ok(1500));
        assert_eq!(parse_size("500K"), Ok(500 * 1024));
        assert_eq!(parse_size("500kb"), Ok(500 * 1024));
        assert_eq!(parse_size("10M"), Ok(10 << 20));
        assert_eq!(parse_size("10 MiB"), Ok(10 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
    }

    #[test]
    fn refuses_what_is_not_a_size_saying_how_to_write_one() {
        for text in ["", "M", "ten", "1.5M", "-1", "10T", "10 M B"] {
            let error = parse_size(text).unwrap_err();
            assert!(error.contains("such as 500K or 10M"), "{text}: {error}");
        }
        assert!(
            parse_size("99999999999999G")
                .unwrap_err()
                .contains("too large")
        );
    }
}
