package apptest

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/family"
)

// Contact saves a relative of owner: "Rosa", Spanish, with no family link; fields set any
// other field or override these.
func Contact(t testing.TB, app core.App, owner *core.Record, fields Fields) *core.Record {
	t.Helper()
	r := newRecord(t, app, "contacts")
	r.Set("registrant", owner.Id)
	r.Set("name", "Rosa")
	r.Set("language", "es")
	return save(t, app, r, fields)
}

// LinkedContact is Contact with a family link, and returns the link's token.
func LinkedContact(t testing.TB, app core.App, owner *core.Record, fields Fields) (*core.Record, string) {
	t.Helper()
	token, hash := family.NewToken()
	with := Fields{"family_token_hash": hash}
	for k, v := range fields {
		with[k] = v
	}
	return Contact(t, app, owner, with), token
}
