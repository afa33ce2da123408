// Package deletions tells whether a registrant asked to delete their account while a case
// was open: the account then waits, whole, in the pending_deletions table (not a
// collection) until the last case closes, and everything anyone can reach without staff
// rights must answer as if it were gone.
package deletions

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Pending tells whether the registrant's deletion waits for their last case to close.
func Pending(app core.App, registrantID string) (bool, error) {
	var id string
	err := app.DB().Select("registrant").From("pending_deletions").
		Where(dbx.HashExp{"registrant": registrantID}).Row(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
