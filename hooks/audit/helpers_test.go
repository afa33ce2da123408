package audit_test

import (
	"net/http/httptest"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/apptest"
)

// world is one appliance with a registrant and an adviser, served on 127.0.0.1.
type world struct {
	t          testing.TB
	app        *tests.TestApp
	srv        *httptest.Server
	registrant *core.Record
	adviser    *core.Record
	token      string // the adviser's Authorization
}

func newWorld(t testing.TB) *world {
	t.Helper()
	app, _ := apptest.New(t, "los-angeles")
	w := &world{t: t, app: app}
	w.registrant = apptest.Registrant(t, app, "+13105550150", apptest.Fields{"name": "Ana Secreta"})
	w.adviser = apptest.Staff(t, app, "adviser@consulado.example", "adviser", false)
	w.token = apptest.Token(t, w.adviser)
	w.srv = apptest.Serve(t, app)
	return w
}

// call makes one request as the adviser and returns the status and the body.
func (w *world) call(method, path, body string) (int, string) {
	w.t.Helper()
	return apptest.CallURL(w.t, method, w.srv.URL+path, w.token, body)
}

// breakAudit makes every write to audit_log fail, as a full or broken table would.
func (w *world) breakAudit() {
	w.t.Helper()
	_, err := w.app.DB().NewQuery("CREATE TRIGGER audit_broken BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is broken'); END").Execute()
	if err != nil {
		w.t.Fatal(err)
	}
}

// audited reports whether audit_log has a row of action on the record by the adviser.
func (w *world) audited(action string, r *core.Record) bool {
	w.t.Helper()
	return w.auditedTimes(action, r) > 0
}

// auditedTimes counts audit_log's rows of action on the record by the adviser.
func (w *world) auditedTimes(action string, r *core.Record) int {
	w.t.Helper()
	rows, err := w.app.FindRecordsByFilter("audit_log", "actor = {:actor} && action = {:action} && collection = {:c} && record_id = {:id}", "", 0, 0,
		map[string]any{"actor": "staff:" + w.adviser.Id, "action": action, "c": r.Collection().Name, "id": r.Id})
	if err != nil {
		w.t.Fatal(err)
	}
	return len(rows)
}
