//! Is a JWT-shaped string a token someone issued? A token a server issues names its issuer,
//! subject, audience or lifetime (the registered claims of RFC 7519); README examples sign
//! payloads such as `{"some":"payload"}` or `{"key":"value"}` that grant nothing.

use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// The registered claim names of RFC 7519, section 4.1.
const REGISTERED_CLAIMS: [&str; 7] = ["iss", "sub", "aud", "exp", "iat", "nbf", "jti"];

/// base64url as JWTs use it, lenient about padding and unused trailing bits.
const LENIENT_URL_SAFE: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// True when `token` (`header.payload.signature`) has a payload that is a JSON object holding
/// at least one registered claim. An undecodable payload is not a JWT at all.
pub(crate) fn has_registered_claim(token: &[u8]) -> bool {
    let Some(payload) = token.split(|&b| b == b'.').nth(1) else {
        return false;
    };
    let Ok(json) = LENIENT_URL_SAFE.decode(payload) else {
        return false;
    };
    match serde_json::from_slice::<serde_json::Value>(&json) {
        Ok(serde_json::Value::Object(claims)) => REGISTERED_CLAIMS
            .iter()
            .any(|claim| claims.contains_key(*claim)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::has_registered_claim;

    #[test]
    fn issued_tokens_have_registered_claims() {
        for token in [
            // {"sub":"admin-1","aud":"harbor-shop","roles":["admin"],"iat":1718400000}
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbi0xIiwiYXVkIjoiaGFyYm9yLXNob3AiLCJyb2xlcyI6WyJhZG1pbiJdLCJpYXQiOjE3MTg0MDAwMDB9.lq-wC_ltKJGn9q9b-bgcHUD3-1rMGyD6o-5OQrQJKWI",
            // {"iss":"joe",\r\n "exp":1300819380,...} (RFC 7519's example, CRLF inside)
            "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        ] {
            assert!(has_registered_claim(token.as_bytes()), "{token}");
        }
    }

    #[test]
    fn example_payloads_are_not_issued_tokens() {
        for token in [
            // {"some":"payload"}
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzb21lIjoicGF5bG9hZCJ9.4twFt5NiznN84AWoo1d7KO1T_yoc0Z6XOpOVswacPZg",
            // {"key":"value"}
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJrZXkiOiJ2YWx1ZSJ9.FG-8UppwHaFp1LgRYQQeS6EDQF7_6-bMFegNucHjmWg",
            // payload not base64url of JSON
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJh!!.signature",
            "eyJhbGciOiJIUzI1NiJ9",
        ] {
            assert!(!has_registered_claim(token.as_bytes()), "{token}");
        }
    }
}
