// Package config reads the service configuration from the environment.
package config

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// Config is everything ledgerd needs to start.
type Config struct {
	ListenAddr     string
	DatabaseURL    string
	HMACKey        []byte
	ShutdownGrace  time.Duration
	MaxOpenConns   int
	MetricsEnabled bool
}

// FromEnv reads the configuration; secrets have no defaults on purpose.
func FromEnv() (Config, error) {
	cfg := Config{
		ListenAddr:     getenv("LEDGER_LISTEN_ADDR", ":8080"),
		DatabaseURL:    os.Getenv("LEDGER_DATABASE_URL"),
		HMACKey:        []byte(os.Getenv("LEDGER_HMAC_KEY")),
		ShutdownGrace:  15 * time.Second,
		MetricsEnabled: getenv("LEDGER_METRICS", "true") == "true",
	}
	if cfg.DatabaseURL == "" {
		return cfg, fmt.Errorf("LEDGER_DATABASE_URL is not set (e.g. postgres://ledger:<password>@db:5432/ledger)")
	}
	if len(cfg.HMACKey) < 32 {
		return cfg, fmt.Errorf("LEDGER_HMAC_KEY must be at least 32 bytes; generate one with `tokhyg generate --format hex --bytes 32`")
	}
	n, err := strconv.Atoi(getenv("LEDGER_MAX_OPEN_CONNS", "20"))
	if err != nil {
		return cfg, fmt.Errorf("LEDGER_MAX_OPEN_CONNS: %w", err)
	}
	cfg.MaxOpenConns = n
	return cfg, nil
}

func getenv(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}
