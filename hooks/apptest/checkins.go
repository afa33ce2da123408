package apptest

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Checkin saves an armed check-in of owner due at due, at place, as the records API would,
// and returns it as stored.
func Checkin(t testing.TB, app core.App, owner *core.Record, due time.Time, place string) *core.Record {
	t.Helper()
	r := newRecord(t, app, "checkins")
	save(t, app, r, Fields{"registrant": owner.Id, "due_at": due, "place": place})
	return Find(t, app, "checkins", r.Id)
}
