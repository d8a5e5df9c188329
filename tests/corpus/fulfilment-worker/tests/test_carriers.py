import httpx
import respx

from fulfilment.carriers import Dhl, Parcel, idempotency_key
from fulfilment.config import Settings


def settings() -> Settings:
    return Settings(
        queue_url="https://sqs.eu-central-1.amazonaws.com/418272790211/order-paid",
        dhl_api_key="test-dhl-key",
        dhl_api_secret="test-dhl-secret",
        ups_client_id="test-client",
        ups_client_secret="test-secret",
    )


PARCEL = Parcel(order_id="99000831-abd5-4f9c-b9ad-765a325e6e06", weight_grams=1200, country="DE", postcode="20457")


def test_idempotency_key_is_stable():
    assert idempotency_key(PARCEL) == idempotency_key(PARCEL)
    assert len(idempotency_key(PARCEL)) == 32


@respx.mock
def test_dhl_booking_returns_tracking_number():
    route = respx.post("https://api-eu.dhl.com/parcel/de/shipping/v2/orders").mock(
        return_value=httpx.Response(200, json={"items": [{"shipmentNo": "340434310428091700"}]})
    )
    assert Dhl(settings()).book(PARCEL) == "340434310428091700"
    assert route.calls[0].request.headers["dhl-api-key"] == "test-dhl-key"
