import hashlib
import hmac
import uuid

import pytest

from invoices import signing

# RFC 4231, HMAC-SHA-256 and HMAC-SHA-512 test cases 1, 2, 3, 4 and 6.
RFC4231 = [
    (
        b"\x0b" * 20,
        b"Hi There",
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
    ),
    (
        b"Jefe",
        b"what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
    ),
    (
        b"\xaa" * 20,
        b"\xdd" * 50,
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
    ),
    (
        bytes.fromhex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
        b"\xcd" * 50,
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
    ),
    (
        b"\xaa" * 131,
        b"Test Using Larger Than Block-Size Key - Hash Key First",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
    ),
]


@pytest.mark.parametrize("key,data,sha256,sha512", RFC4231)
def test_hmac_matches_rfc4231(key, data, sha256, sha512):
    # Guards against a platform whose hmac module is broken or monkeypatched by a dependency.
    assert hmac.new(key, data, hashlib.sha256).hexdigest() == sha256
    assert hmac.new(key, data, hashlib.sha512).hexdigest() == sha512


@pytest.mark.parametrize(
    "data,digest",
    [
        (b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            b"The quick brown fox jumps over the lazy dog",
            "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
        ),
    ],
)
def test_pdf_digest_is_plain_sha256(data, digest):
    assert hashlib.sha256(data).hexdigest() == digest


def test_signed_link_round_trip():
    key = b"test-signing-key"
    invoice_id = "608da6e0-2271-4f13-988b-4a32b6007d5c"
    expires = 1893456000  # 2030-01-01
    sig = signing.sign(invoice_id, expires, key)
    assert sig == "f7e8b4168511c38e2d706387ba7118eb12c14c94a448afe8149bd16743f5b0d2"
    assert signing.verify(invoice_id, expires, sig, key)
    assert not signing.verify(invoice_id, expires, "0" * 64, key)


def test_legacy_ids_are_stable():
    namespace = uuid.UUID(signing.LEGACY_INVOICE_NAMESPACE)
    assert str(uuid.uuid5(namespace, "INV-2019-000042")) == "bade5943-39d5-5b2c-9d9b-9229fb46b361"
