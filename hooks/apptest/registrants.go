package apptest

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/pins"
)

// Registrant saves a registrant of phone: "Ana Prueba", Spanish, consenting, with the test
// password (SetPassword); fields set any other field or override these.
func Registrant(t testing.TB, app core.App, phone string, fields Fields) *core.Record {
	t.Helper()
	r := newRecord(t, app, "registrants")
	r.Set("phone", phone)
	r.Set("name", "Ana Prueba")
	r.Set("language", "es")
	r.Set("consent", true)
	SetPassword(r)
	return save(t, app, r, fields)
}

// The PINs SetPINs gives a registrant.
const (
	CancelPIN = "2468"
	DuressPIN = "1357"
)

// SetPINs gives the registrant r the cancel PIN CancelPIN and the duress PIN DuressPIN.
func SetPINs(t testing.TB, app core.App, r *core.Record) {
	t.Helper()
	h := hashes()
	if err := pins.Store(app, r.Id, h.cancel, h.duress); err != nil {
		t.Fatal(err)
	}
}
