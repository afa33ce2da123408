package apptest

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// Staff saves a staff member (a superuser) of email and role, on duty or not, with the test
// password (SetPassword).
func Staff(t testing.TB, app core.App, email, role string, onDuty bool) *core.Record {
	t.Helper()
	s := newRecord(t, app, core.CollectionNameSuperusers)
	s.SetEmail(email)
	SetPassword(s)
	return save(t, app, s, Fields{"role": role, "on_duty": onDuty})
}
