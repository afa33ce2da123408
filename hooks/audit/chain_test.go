package audit_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/audit"
)

func TestChainVerifiesAndDetectsTampering(t *testing.T) {
	app, _ := apptest.New(t, "los-angeles")
	for i := 0; i < 5; i++ {
		if err := audit.Append(app, audit.Entry{Actor: "staff:abc", Action: "view", Collection: "alerts", RecordID: "r" + string(rune('a'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := audit.Verify(app); err != nil || n != 5 {
		t.Fatalf("verify: %d rows, %v", n, err)
	}
	// Someone with the database file edits a row directly.
	if _, err := app.DB().NewQuery("UPDATE audit_log SET actor = 'staff:someone-else' WHERE seq = 3").Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.Verify(app); err == nil || !strings.Contains(err.Error(), "seq 3") {
		t.Fatalf("an altered row went unnoticed: %v", err)
	}
	app.DB().NewQuery("UPDATE audit_log SET actor = 'staff:abc' WHERE seq = 3").Execute()
	app.DB().NewQuery("DELETE FROM audit_log WHERE seq = 2").Execute()
	if _, err := audit.Verify(app); err == nil {
		t.Fatal("a removed row went unnoticed")
	}
}

func TestNobodyEditsOrDeletesTheLog(t *testing.T) {
	app, _ := apptest.New(t, "los-angeles")
	audit.Append(app, audit.Entry{Actor: "system", Action: "test"})
	row, err := app.FindFirstRecordByFilter("audit_log", "seq = 1")
	if err != nil {
		t.Fatal(err)
	}
	row.Set("actor", "x")
	if err := app.Save(row); err == nil {
		t.Error("an audit row was edited")
	}
	if err := app.Delete(row); err == nil {
		t.Error("an audit row was deleted")
	}
}

func TestITCannotDropTheLog(t *testing.T) {
	apptest.Run(t, "los-angeles", tests.ApiScenario{
		Method: http.MethodDelete, URL: "/api/collections/audit_log", ExpectedStatus: 403, ExpectedContent: []string{"The schema belongs to the appliance's migrations"},
	}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
		c, _ := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
		it := core.NewRecord(c)
		it.SetEmail("it@consulado.example")
		it.SetPassword("contraseña-larga-1")
		app.Save(it)
		s.Headers = map[string]string{"Authorization": apptest.Token(t, it)}
	})
}

func TestStaffReadsAreAudited(t *testing.T) {
	var staffID, registrantID string
	apptest.Run(t, "los-angeles", tests.ApiScenario{
		Method: http.MethodGet, ExpectedStatus: 200, ExpectedContent: []string{`"phone":"+13105550150"`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			row, err := app.FindFirstRecordByFilter("audit_log", "action = 'view' && collection = 'registrants'")
			if err != nil {
				t.Fatal("the staff read was not audited")
			}
			if row.GetString("actor") != "staff:"+staffID || row.GetString("record_id") != registrantID {
				t.Errorf("audited %s on %s", row.GetString("actor"), row.GetString("record_id"))
			}
			if _, err := audit.Verify(app); err != nil {
				t.Error(err)
			}
		},
	}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
		rc, _ := app.FindCollectionByNameOrId("registrants")
		r := core.NewRecord(rc)
		r.Set("phone", "+13105550150")
		r.Set("name", "Ana")
		r.Set("language", "es")
		r.Set("consent", true)
		r.SetPassword("contraseña-1")
		app.Save(r)
		sc, _ := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
		staff := core.NewRecord(sc)
		staff.SetEmail("adviser@consulado.example")
		staff.SetPassword("contraseña-larga-1")
		staff.Set("role", "adviser")
		app.Save(staff)
		staffID, registrantID = staff.Id, r.Id
		s.URL = "/api/collections/registrants/records/" + r.Id
		s.Headers = map[string]string{"Authorization": apptest.Token(t, staff)}
	})
}
