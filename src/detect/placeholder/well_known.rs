//! Credentials published in documentation and standards, found verbatim in SDKs, READMEs and
//! tests everywhere: they grant nothing, so they are not findings. Matched as substrings of the
//! secret (a token rule's body is checked without its prefix), case-sensitively: each is a
//! random-looking string nobody would generate again.

/// The distinctive part of each documented value.
const WELL_KNOWN: &[&str] = &[
    // Azurite / Azure Storage Emulator account key of `devstoreaccount1`.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq",
    // Stripe API reference test key `sk_test_4eC39HqLyjWDarjtT1zdp7dc`.
    "4eC39HqLyjWDarjtT1zdp7dc",
    // RFC 6749 (OAuth 2.0): access token, refresh token, authorization code, client Basic
    // credentials `s6BhdRkqt3:gX1fBat3bV`.
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    "SplxlOBeZQQYbYS6WxSbIA",
    "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
    // RFC 5849 (OAuth 1.0): client, temporary and token credentials, verifier, and the
    // consumer key and token of its signature example.
    "dpf43f3p2l4k3l03",
    "kd94hf93k423kf44",
    "hh5s93j4hdidpola",
    "hdhd0244k9j7ao03",
    "hfdp7dh39dks9884",
    "nnch734d00sl2jdk",
    "pfkkdhi9sl3r4s00",
    "9djdj82h48djs9d2",
    "kkk9d7dh3k39sjv7",
    "ad180jjd733klru7",
    // RFC 7617 (HTTP Basic): `Aladdin:open sesame`.
    "QWxhZGRpbjpvcGVuIHNlc2FtZQ",
    // AWS documentation access key ids: `AKIAIOSFODNN7EXAMPLE` and variants of it in SDK tests
    // (`AKIAIOSFODNN7EXAMPLF`).
    "IOSFODNN7EXAMPL",
];

/// True when `secret` contains a documented example credential.
pub(crate) fn is_well_known(secret: &[u8]) -> bool {
    WELL_KNOWN
        .iter()
        .any(|known| super::contains(secret, known.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::is_well_known;

    #[test]
    fn documented_values_are_well_known() {
        for s in [
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
            "4eC39HqLyjWDarjtT1zdp7dc",
            "2YotnFZFEjr1zCsicMWpAA",
            "hh5s93j4hdidpola&oauth_token_secret=hdhd0244k9j7ao03&",
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
            "IOSFODNN7EXAMPLF",
        ] {
            assert!(is_well_known(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn other_values_are_not() {
        for s in [
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tX",
            "4eC39HqLyjWDarjtT1zdp7dd",
            "kQ3vZ8pL1xR7mN2bT9wY4cH6jF0aS5dG",
        ] {
            assert!(!is_well_known(s.as_bytes()), "{s}");
        }
    }
}
