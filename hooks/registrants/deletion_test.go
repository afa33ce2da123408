package registrants_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/pins"
	"alertbutton/hooks/schedule"
)

func pendingRows(t testing.TB, app core.App, id string) int {
	t.Helper()
	var n int
	if err := app.DB().Select("count(*)").From("pending_deletions").Where(dbx.HashExp{"registrant": id}).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Deleting the account during a case answers as a deletion and ends the person's sessions,
// but keeps the case, the person and the relatives whole until the last case closes; then
// the person is forgotten as any deletion does.
func TestDeletionWaitsForTheOpenCase(t *testing.T) {
	t.Parallel()
	s := serve(t)
	a := register(t, s.app, "+13105550160")
	if err := pins.Store(s.app, a.Id, "$2a$04$cancel", "$2a$04$duress"); err != nil {
		t.Fatal(err)
	}
	contact := apptest.Contact(t, s.app, a, apptest.Fields{"name": "Mamá", "phone": "+5215550000000"})
	first := openAlert(t, s.app, a, "0192d4a8-7c5e-7abc-8def-0123456789b1", "in_progress")
	second := openAlert(t, s.app, a, "0192d4a8-7c5e-7abc-8def-0123456789b2", "new")
	adviserToken := apptest.Token(t, apptest.Staff(t, s.app, "asesora@consulado.example", "adviser", false))

	// The same answer as a real deletion (TestDeletingTheAccountForgetsThePerson).
	tok := apptest.Token(t, a)
	status, body := s.do(http.MethodDelete, "/api/collections/registrants/records/"+a.Id, tok, "")
	if status != 204 || body != "" {
		t.Fatalf("deletion answered %d %q", status, body)
	}
	if status, _ := s.do(http.MethodGet, "/api/collections/registrants/records/"+a.Id, tok, ""); status == 200 {
		t.Error("the session still works after the deletion")
	}
	// Signing in fails as for an account that does not exist: after the duress PIN the case
	// is open, after the cancel PIN it is not, and the phone must not tell them apart.
	status, body = s.do(http.MethodPost, "/api/collections/registrants/auth-with-password", "",
		`{"identity":"+13105550160","password":"contraseña-1"}`)
	goneStatus, goneBody := s.do(http.MethodPost, "/api/collections/registrants/auth-with-password", "",
		`{"identity":"+13105550169","password":"contraseña-1"}`)
	if status != 400 || status != goneStatus || body != goneBody {
		t.Errorf("sign-in after the deletion: %d %s; with no account: %d %s", status, body, goneStatus, goneBody)
	}

	// Nothing is lost meanwhile, and the advisers see the request on each case.
	apptest.Find(t, s.app, "registrants", a.Id)
	apptest.Find(t, s.app, "contacts", contact.Id)
	for _, alert := range []*core.Record{first, second} {
		kept := apptest.Find(t, s.app, "alerts", alert.Id)
		if kept.GetString("registrant") != a.Id || kept.GetString("note") == "" || kept.GetString("location") == "" || kept.GetString("county_geoid") != "06037" {
			t.Errorf("the case lost data before it closed: %v", kept.FieldsData())
		}
		evs := apptest.Events(t, s.app, alert.Id, "deletion_requested")
		if len(evs) != 1 || !evs[0].GetBool("staff_only") {
			t.Errorf("%d deletion_requested events on %s", len(evs), alert.Id)
		}
	}
	if set, _ := pins.IsSet(s.app, a.Id); !set {
		t.Error("the PINs were lost before the case closed")
	}

	close := func(alert *core.Record) {
		t.Helper()
		status, body := s.do(http.MethodPatch, "/api/collections/alerts/records/"+alert.Id, adviserToken, `{"status":"resolved"}`)
		if status != 200 {
			t.Fatalf("closing the case: %d %s", status, body)
		}
	}
	close(first)
	apptest.Find(t, s.app, "contacts", contact.Id)
	if pendingRows(t, s.app, a.Id) != 1 {
		t.Fatal("the deletion was carried out while a case is still open")
	}
	// Retention still applies to the closed case of a person whose deletion waits.
	if n, err := schedule.ApplyRetention(s.app, time.Now().Add(48*time.Hour), schedule.Retention{Closed: time.Hour, FalseAlarm: time.Hour}); err != nil || n != 1 {
		t.Errorf("retention applied to %d alerts (%v), want 1", n, err)
	}

	close(second)
	if _, err := s.app.FindRecordById("registrants", a.Id); err == nil {
		t.Fatal("the person was not deleted when the last case closed")
	}
	if _, err := s.app.FindRecordById("contacts", contact.Id); err == nil {
		t.Error("the relative survived the deletion")
	}
	for _, alert := range []*core.Record{first, second} {
		kept := apptest.Find(t, s.app, "alerts", alert.Id)
		if kept.GetString("subject_phone") != "" || kept.GetString("note") != "" || kept.GetString("place") != "" || kept.GetString("registrant") != "" {
			t.Errorf("the closed case kept personal data: %v", kept.FieldsData())
		}
		if kept.GetString("status") != "resolved" || kept.GetString("facility") != adelanto(t, s.app) {
			t.Error("the case itself was lost")
		}
	}
	if set, _ := pins.IsSet(s.app, a.Id); set || pendingRows(t, s.app, a.Id) != 0 {
		t.Error("the PINs or the pending deletion outlived the person")
	}
	if _, err := s.app.FindFirstRecordByFilter("audit_log", "action = 'forget_registrant' && record_id = {:id}", map[string]any{"id": a.Id}); err != nil {
		t.Error("the deletion was not audited")
	}
	if _, err := apptest.Audit(s.app).Verify(s.app); err != nil {
		t.Fatal(err)
	}
}
