"""Signed invoice download links: HMAC-SHA256 over the invoice id and the expiry."""
import hashlib
import hmac
import time

from django.conf import settings

# Namespace for uuid5 ids of imported legacy invoices; fixed forever, changing it re-keys them.
LEGACY_INVOICE_NAMESPACE = "1451b937-4686-435b-a2f5-08f8e0bf1ab9"


def sign(invoice_id: str, expires_at: int, key: bytes | None = None) -> str:
    key = key if key is not None else settings.INVOICE_SIGNING_KEY
    message = f"{invoice_id}:{expires_at}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def verify(invoice_id: str, expires_at: int, signature: str, key: bytes | None = None) -> bool:
    if expires_at < time.time():
        return False
    return hmac.compare_digest(sign(invoice_id, expires_at, key), signature)
