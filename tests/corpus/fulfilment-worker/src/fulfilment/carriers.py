import hashlib
from dataclasses import dataclass

import httpx
import structlog
from tenacity import retry, stop_after_attempt, wait_exponential

from .config import Settings

log = structlog.get_logger()

DHL_BASE_URL = "https://api-eu.dhl.com/parcel/de/shipping/v2"
UPS_TOKEN_URL = "https://onlinetools.ups.com/security/v1/oauth/token"


@dataclass(frozen=True)
class Parcel:
    order_id: str
    weight_grams: int
    country: str
    postcode: str


def idempotency_key(parcel: Parcel) -> str:
    # Carriers dedupe on this header: the same parcel booked twice must give the same key.
    raw = f"{parcel.order_id}:{parcel.weight_grams}:{parcel.country}:{parcel.postcode}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


class Dhl:
    def __init__(self, settings: Settings, client: httpx.Client | None = None):
        self._client = client or httpx.Client(base_url=DHL_BASE_URL, timeout=15)
        self._headers = {
            "dhl-api-key": settings.dhl_api_key.get_secret_value(),
            "Accept": "application/json",
        }

    @retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=0.5, max=8))
    def book(self, parcel: Parcel) -> str:
        response = self._client.post(
            "/orders",
            headers={**self._headers, "Idempotency-Key": idempotency_key(parcel)},
            json={"profile": "STANDARD_GRUPPENPROFIL", "shipments": [{"weight": parcel.weight_grams}]},
        )
        response.raise_for_status()
        tracking = response.json()["items"][0]["shipmentNo"]
        log.info("booked", carrier="dhl", order_id=parcel.order_id, tracking=tracking)
        return tracking


class Ups:
    def __init__(self, settings: Settings, client: httpx.Client | None = None):
        self._client = client or httpx.Client(timeout=15)
        self._auth = (settings.ups_client_id, settings.ups_client_secret.get_secret_value())

    def token(self) -> str:
        response = self._client.post(UPS_TOKEN_URL, auth=self._auth, data={"grant_type": "client_credentials"})
        response.raise_for_status()
        return response.json()["access_token"]
