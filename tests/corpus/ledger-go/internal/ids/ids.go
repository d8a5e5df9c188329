// Package ids holds the fixed identifiers of the ledger: account namespaces and system accounts.
package ids

import "github.com/google/uuid"

// Namespaces for uuid.NewSHA1 ids derived from external references. Never change them: every
// derived id in the database depends on them.
var (
	NamespaceOrder    = uuid.MustParse("ef5ab194-8f1c-4edb-8234-eb7dc1457baa")
	NamespaceRefund   = uuid.MustParse("1b45894c-5d5d-428f-9307-7428e42606f8")
	NamespaceTransfer = uuid.MustParse("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
)

// System accounts every ledger has.
const (
	AccountRevenue    = "00000000-0000-4000-8000-000000000001"
	AccountReceivable = "00000000-0000-4000-8000-000000000002"
	AccountSuspense   = "00000000-0000-4000-8000-000000000003"
	AccountFees       = "c1f2a7e4-3b5d-4c8e-9f01-7a2b6d4e8c90"
)
