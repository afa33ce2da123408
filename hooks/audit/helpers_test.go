package audit_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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
	w.registrant = w.newRegistrant("+13105550150", "Ana Secreta")
	sc, _ := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	w.adviser = core.NewRecord(sc)
	w.adviser.SetEmail("adviser@consulado.example")
	apptest.SetPassword(w.adviser)
	w.adviser.Set("role", "adviser")
	if err := app.Save(w.adviser); err != nil {
		t.Fatal(err)
	}
	w.token = apptest.Token(t, w.adviser)
	w.srv = apptest.Serve(t, app)
	return w
}

func (w *world) newRegistrant(phone, name string) *core.Record {
	w.t.Helper()
	rc, _ := w.app.FindCollectionByNameOrId("registrants")
	r := core.NewRecord(rc)
	r.Set("phone", phone)
	r.Set("name", name)
	r.Set("language", "es")
	r.Set("consent", true)
	apptest.SetPassword(r)
	if err := w.app.Save(r); err != nil {
		w.t.Fatal(err)
	}
	return r
}

// call makes one request as the adviser and returns the status and the body.
func (w *world) call(method, path, body string) (int, string) {
	w.t.Helper()
	req, _ := http.NewRequest(method, w.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", w.token)
	res, err := w.srv.Client().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
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

func (w *world) newContact(owner *core.Record) *core.Record {
	w.t.Helper()
	cc, _ := w.app.FindCollectionByNameOrId("contacts")
	r := core.NewRecord(cc)
	r.Set("registrant", owner.Id)
	r.Set("name", "Rosa")
	r.Set("language", "es")
	if err := w.app.Save(r); err != nil {
		w.t.Fatal(err)
	}
	return r
}
