package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"alertbutton/hooks/audit"
)

func init() {
	m.Register(startKeyedAudit, keepKeyedAudit)
}

// startKeyedAudit appends the row from which the audit chain is keyed. The rows before it
// keep their plain SHA-256 hashes, pinned by this row's prev_hash (see audit.ActionKeyed).
// It opens the log itself, keyed from the data's sealing key: a migration runs without the
// appliance.
func startKeyedAudit(app core.App) error {
	return audit.Open(app).StartKeyedChain(app)
}

// keepKeyedAudit leaves the row: the log is append-only, and removing it would break the
// chain of every row written after it.
func keepKeyedAudit(core.App) error { return nil }
