<?php

declare(strict_types=1);

namespace Harbor\CarrierPortal;

use GuzzleHttp\Client;

final class PickupClient
{
    public function __construct(private readonly Client $http, private readonly string $apiKey)
    {
    }

    /** Books a pickup; the idempotency key is the sha1 of the request so retries are safe. */
    public function book(string $warehouse, \DateTimeImmutable $day): string
    {
        $body = ['warehouse' => $warehouse, 'date' => $day->format('Y-m-d')];
        $response = $this->http->post('pickups', [
            'headers' => [
                'DHL-API-Key' => $this->apiKey,
                'Idempotency-Key' => sha1(json_encode($body, JSON_THROW_ON_ERROR)),
            ],
            'json' => $body,
        ]);
        return json_decode((string) $response->getBody(), true, 512, JSON_THROW_ON_ERROR)['pickupId'];
    }
}
