<?php

declare(strict_types=1);

return [
    'dhl' => [
        'base_uri' => 'https://api-eu.dhl.com/',
        'api_key' => $_ENV['DHL_API_KEY'] ?? '',
    ],
    'ups' => [
        'client_id' => getenv('UPS_CLIENT_ID') ?: '',
        'client_secret' => getenv('UPS_CLIENT_SECRET') ?: '',
    ],
    'database' => [
        'dsn' => sprintf('pgsql:host=%s;dbname=portal', $_ENV['PORTAL_DB_HOST'] ?? '127.0.0.1'),
        'password' => $_ENV['PORTAL_DB_PASSWORD'] ?? null,
    ],
];
