package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSealMatchesRFC4231Case2(t *testing.T) {
	got := Seal([]byte("Jefe"), []byte("what do ya want for nothing?"))
	require.Equal(t, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", got)
}

func TestSha256Vectors(t *testing.T) {
	cases := map[string]string{
		"":    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"abc": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	}
	for in, want := range cases {
		sum := sha256.Sum256([]byte(in))
		require.Equal(t, want, hex.EncodeToString(sum[:]), "sha256(%q)", in)
	}
}

func TestHashChains(t *testing.T) {
	first := Entry{Seq: 1, Account: "00000000-0000-4000-8000-000000000001", Cents: 12990, Currency: "EUR", PrevHash: GenesisHash}
	second := Entry{Seq: 2, Account: "00000000-0000-4000-8000-000000000002", Cents: -12990, Currency: "EUR", PrevHash: first.Hash()}
	require.Len(t, first.Hash(), 64)
	require.NotEqual(t, first.Hash(), second.Hash())
}
