package staff_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/notify"
	"alertbutton/hooks/staff"
)

func TestNobodyChangesTheirOwnRole(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ role, to string }{{"it", "consul"}, {"consul", "it"}, {"adviser", "consul"}} {
		apptest.Run(t, "los-angeles", tests.ApiScenario{
			Name: c.role + " makes themself " + c.to, Method: http.MethodPatch, Body: strings.NewReader(`{"role":"` + c.to + `"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"role":{"code":"role_locked"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := auditRows(t, app, staff.ActionStaffRoleChange); n != 0 {
					t.Errorf("%d role changes audited", n)
				}
			},
		}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
			me := apptest.Staff(t, app, c.role+"@consulado.example", c.role, false)
			s.URL = "/api/collections/_superusers/records/" + me.Id
			s.Headers = map[string]string{"Authorization": apptest.Token(t, me)}
		})
	}
}

// TestStaffChangesAreAuditedAndShownToConsuls: IT adds an adviser and makes them a consul;
// each step leaves an audit row naming IT and a push to every consul device, and nothing
// else about staff does.
func TestStaffChangesAreAuditedAndShownToConsuls(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	it := apptest.Staff(t, app, "it@consulado.example", "it", false)
	consul := apptest.Staff(t, app, "consul@consulado.example", "consul", false)
	adviser := apptest.Staff(t, app, "adviser@consulado.example", "adviser", false)
	consulDevice := apptest.Subscription(t, app, "staff", consul.Id, "en")
	apptest.Subscription(t, app, "staff", adviser.Id, "es")
	srv := apptest.Serve(t, app)
	before := apptest.Count(t, app, "audit_log")

	status, body := apptest.CallURL(t, http.MethodPost, srv.URL+"/api/collections/_superusers/records", apptest.Token(t, it),
		`{"email":"nuevo@consulado.example","password":"contraseña-larga-1","passwordConfirm":"contraseña-larga-1","role":"adviser"}`)
	if status != 200 {
		t.Fatalf("IT could not add an adviser: %d %s", status, body)
	}
	added, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "nuevo@consulado.example")
	if err != nil {
		t.Fatal(err)
	}
	status, body = apptest.CallURL(t, http.MethodPatch, srv.URL+"/api/collections/_superusers/records/"+added.Id, apptest.Token(t, it), `{"role":"consul"}`)
	if status != 200 {
		t.Fatalf("IT could not change a role: %d %s", status, body)
	}
	// Whoever sets another's password can sign in as them.
	status, body = apptest.CallURL(t, http.MethodPatch, srv.URL+"/api/collections/_superusers/records/"+added.Id, apptest.Token(t, it),
		`{"password":"otra-contraseña-1","passwordConfirm":"otra-contraseña-1"}`)
	if status != 200 {
		t.Fatalf("IT could not set a password: %d %s", status, body)
	}
	// An account's own edits, its password included, are neither audited here nor announced.
	status, body = apptest.CallURL(t, http.MethodPatch, srv.URL+"/api/collections/_superusers/records/"+adviser.Id, apptest.Token(t, adviser),
		`{"on_duty":true,"oldPassword":"contraseña-larga-1","password":"otra-contraseña-1","passwordConfirm":"otra-contraseña-1"}`)
	if status != 200 {
		t.Fatalf("an adviser could not change their own account: %d %s", status, body)
	}
	status, body = apptest.CallURL(t, http.MethodDelete, srv.URL+"/api/collections/_superusers/records/"+added.Id, apptest.Token(t, it), "")
	if status != 204 {
		t.Fatalf("IT could not delete an account: %d %s", status, body)
	}

	rows, err := app.FindRecordsByFilter("audit_log", "seq > {:n}", "seq", 0, 0, dbx.Params{"n": before})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.GetString("actor")+" "+r.GetString("action")+" "+r.GetString("record_id"))
	}
	want := []string{
		"staff:" + it.Id + " staff_create " + added.Id,
		"staff:" + it.Id + " staff_role_change " + added.Id,
		"staff:" + it.Id + " staff_credentials_change " + added.Id,
		"staff:" + it.Id + " staff_delete " + added.Id,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	pushes, err := app.FindAllRecords("outbox", dbx.HashExp{"channel": "push"})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, p := range pushes {
		if p.GetString("target") != consulDevice.Id {
			t.Errorf("a staff notice went to %s, not the consul's device", p.GetString("target"))
		}
		var payload struct{ Type, Body string }
		p.UnmarshalJSONField("payload", &payload)
		types = append(types, payload.Type+": "+payload.Body)
	}
	wantTypes := []string{
		notify.TypeStaffCreated + ": A staff account with the role adviser was created. Review it in the admin panel.",
		notify.TypeStaffRoleChanged + ": A staff account went from the role adviser to the role consul. Review it in the admin panel.",
		notify.TypeStaffCredentials + ": The password or e-mail of a staff account with the role consul was not changed by its holder from their session (another account, the command line or a reset link did it): whoever did can sign in as that person. Review it in the admin panel.",
		notify.TypeStaffDeleted + ": A staff account with the role consul was deleted.",
	}
	if strings.Join(types, "\n") != strings.Join(wantTypes, "\n") {
		t.Errorf("consul notices:\n%s\nwant:\n%s", strings.Join(types, "\n"), strings.Join(wantTypes, "\n"))
	}
}

// TestCommandLineAccountIsAudited: `superuser upsert` saves without a request; the account
// it makes is IT, and it is audited and announced like any other.
func TestCommandLineAccountIsAudited(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	consul := apptest.Staff(t, app, "consul@consulado.example", "consul", false)
	apptest.Subscription(t, app, "staff", consul.Id, "es")
	c, _ := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	s := core.NewRecord(c)
	s.SetEmail("cli@consulado.example")
	s.SetPassword("contraseña-larga-1")
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	rows, err := app.FindAllRecords("audit_log", dbx.HashExp{"action": staff.ActionStaffCreate, "record_id": s.Id})
	if err != nil || len(rows) != 1 || rows[0].GetString("actor") != "system" {
		t.Fatalf("command line account not audited as the system's: %v %v", rows, err)
	}
	if n := apptest.Count(t, app, "outbox"); n != 1 {
		t.Errorf("%d notices, want 1 to the consul", n)
	}
	if _, err := apptest.Audit(app).Verify(app); err != nil {
		t.Error(err)
	}
}

// TestNoInstallerLink: PocketBase would print a link that makes the first superuser in the
// browser; the first IT account is the command line's.
func TestNoInstallerLink(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	// PocketBase's test app drops the installer first thing; put it back, as serve has it.
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Priority: -99998, Func: func(e *core.ServeEvent) error {
		e.InstallerFunc = apis.DefaultInstallerFunc
		return e.Next()
	}})
	se := &core.ServeEvent{App: app, Router: router}
	ran := false
	if err := app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		ran = true
		if e.InstallerFunc != nil {
			t.Error("the installer would run")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !ran {
		t.Fatal("serve did not start")
	}
}

func auditRows(t testing.TB, app core.App, action string) int {
	t.Helper()
	rows, err := app.FindAllRecords("audit_log", dbx.HashExp{"action": action})
	if err != nil {
		t.Fatal(err)
	}
	return len(rows)
}
