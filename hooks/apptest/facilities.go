package apptest

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// Facility saves an active detention center of IT's list named name; fields set any other
// field or override these.
func Facility(t testing.TB, app core.App, name string, fields Fields) *core.Record {
	t.Helper()
	r := newRecord(t, app, "facilities")
	r.Set("name", name)
	r.Set("kind", "detention_center")
	r.Set("active", true)
	return save(t, app, r, fields)
}
