// Package ledger implements the append-only journal. Each entry carries the hash of the
// previous one, so a rewritten history is detected on the next audit.
package ledger

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// GenesisHash is the "previous hash" of the first entry: sha256("harbor-ledger-genesis").
const GenesisHash = "f2c325261650519bac5f43b8864e19d75151fd413b0bb4c92d596240c5c7f230"

// Entry is one journal line.
type Entry struct {
	Seq      uint64
	Account  string
	Cents    int64
	Currency string
	PrevHash string
}

// Hash is the chained hash of an entry.
func (e Entry) Hash() string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d|%s|%d|%s|%s", e.Seq, e.Account, e.Cents, e.Currency, e.PrevHash)))
	return hex.EncodeToString(sum[:])
}

// Seal authenticates an exported batch with the service key so a consumer can trust it.
func Seal(key []byte, batch []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write(batch)
	return hex.EncodeToString(mac.Sum(nil))
}
