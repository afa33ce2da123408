package access_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"alertbutton/hooks/outbox"

	"alertbutton/hooks/apptest"

	"github.com/pocketbase/pocketbase/core"
)

// TestInsiderAccess is what an insider with the admin UI would try to rewrite: their own
// role, the federation's trust and queue, and the roles through a batch (which PocketBase
// runs without the router's middlewares). Nobody may, IT included.
func TestInsiderAccess(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	settings := w.app.Settings()
	settings.Batch.Enabled = true // IT may enable batches: they must not open anything
	settings.Batch.MaxRequests = 10
	if err := w.app.Save(settings); err != nil {
		t.Fatal(err)
	}
	peer, err := w.app.FindFirstRecordByData("consulates", "code", "fresno")
	if err != nil {
		t.Fatal(err)
	}
	row, err := outbox.NewFederationRow(w.app, "fresno", "alert.created", w.alert.GetString("uid"))
	if err != nil {
		t.Fatal(err)
	}
	w.save(row)
	auditRow := jsonBody(createBody(w, "audit_log"))
	superusers, err := w.app.FindCachedCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	staffRef := superusers.Id + `","recordRef":"` + w.staff("consul").Id
	cases := []struct {
		what, method, path, body string
		who                      []string
	}{
		{"trusts a new key for a peer", http.MethodPatch, "/api/collections/consulates/records/" + peer.Id, `{"seal_key":"x","signing_keys":[]}`, nobody},
		{"sends a peer's envelopes elsewhere", http.MethodPatch, "/api/collections/consulates/records/" + peer.Id, `{"public_url":"https://elsewhere.example.org"}`, nobody},
		{"queues a federation envelope", http.MethodPost, "/api/collections/outbox/records", `{"channel":"federation","target":"fresno","state":"pending"}`, nobody},
		{"drops a federation envelope", http.MethodDelete, "/api/collections/outbox/records/" + row.Id, "", nobody},
		{"adds an audit row in a batch", http.MethodPost, "/api/batch",
			`{"requests":[{"method":"POST","url":"/api/collections/audit_log/records","body":` + auditRow + `}]}`, nobody},
		{"makes a one-time password for another staff member", http.MethodPost, "/api/collections/_otps/records",
			`{"collectionRef":"` + staffRef + `","password":"12345678"}`, nobody},
		{"links an OAuth2 account to another staff member", http.MethodPost, "/api/collections/_externalAuths/records",
			`{"collectionRef":"` + staffRef + `","provider":"google","providerId":"x"}`, nobody},
		{"forgets another staff member's sign-in origins", http.MethodPost, "/api/collections/_authOrigins/records",
			`{"collectionRef":"` + staffRef + `","fingerprint":"x"}`, nobody},
		{"writes a person in a batch", http.MethodPost, "/api/batch",
			`{"requests":[{"method":"PATCH","url":"/api/collections/registrants/records/` + w.b.Id + `","body":{"name":"Otra"}}]}`, caseStaff},
	}
	for _, c := range cases {
		for _, caller := range callers {
			status, body := w.request(caller, c.method, c.path, c.body)
			check(t, caller+" "+c.what, slices.Contains(c.who, caller), ok(status), status, body)
		}
	}
	for caller, role := range map[string]string{adviser: "adviser", consul: "consul", it: "it"} {
		me := w.staff(role)
		for _, to := range []string{"adviser", "consul", "it"} {
			if to == role {
				continue
			}
			status, body := w.requestAs(caller, apptest.Token(w.t, me), http.MethodPatch, "/api/collections/"+core.CollectionNameSuperusers+"/records/"+me.Id, `{"role":"`+to+`"}`)
			check(t, caller+" makes themself "+to, false, ok(status), status, body)
		}
		if got, _ := w.app.FindRecordById(core.CollectionNameSuperusers, me.Id); got.GetString("role") != role {
			t.Errorf("%s is now %s", caller, got.GetString("role"))
		}
	}
	// IT still manages the others' roles, each change audited.
	other := w.staff("adviser")
	status, body := w.request(it, http.MethodPatch, "/api/collections/"+core.CollectionNameSuperusers+"/records/"+other.Id, `{"role":"consul"}`)
	if !ok(status) {
		t.Fatalf("IT could not change another's role: %d %s", status, body)
	}
	rows, _ := w.app.FindRecordsByFilter("audit_log", "action = 'staff_role_change' && record_id = {:id}", "", 0, 0, map[string]any{"id": other.Id})
	if len(rows) != 1 || !strings.HasPrefix(rows[0].GetString("actor"), "staff:"+w.it.Id) {
		t.Errorf("role change audited as %v", rows)
	}
}
