package staff_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/audit"
	"alertbutton/migrations"
)

// TestSchemaIsTheMigrations tries every schema change the collections API offers, as every
// role, on the collections the insider would go for, and checks that each is refused with
// the rule named and that nothing changed.
func TestSchemaIsTheMigrations(t *testing.T) {
	t.Parallel()
	type attempt struct{ name, method, url, body string }
	var attempts []attempt
	for _, c := range []string{"audit_log", "alerts", "registrants", "federation_rosters", core.CollectionNameSuperusers} {
		attempts = append(attempts,
			attempt{"renames " + c, http.MethodPatch, "/api/collections/" + c, `{"name":"` + c + `_old"}`},
			attempt{"re-rules " + c, http.MethodPatch, "/api/collections/" + c, `{"listRule":"","viewRule":""}`},
			attempt{"adds a field to " + c, http.MethodPatch, "/api/collections/" + c, `{"fields":[{"name":"extra","type":"text"}]}`},
			attempt{"deletes " + c, http.MethodDelete, "/api/collections/" + c, ""},
			attempt{"truncates " + c, http.MethodDelete, "/api/collections/" + c + "/truncate", ""},
		)
	}
	attempts = append(attempts,
		attempt{"creates a collection", http.MethodPost, "/api/collections", `{"name":"extra","type":"base"}`},
		attempt{"creates a view over registrants", http.MethodPost, "/api/collections",
			`{"name":"people","type":"view","listRule":"","viewQuery":"SELECT id, phone FROM registrants"}`},
		attempt{"dry-runs a view", http.MethodPost, "/api/collections/meta/dry-run-view", `{"query":"SELECT id, cancel_pin_hash FROM registrants"}`},
		attempt{"imports a renamed audit_log", http.MethodPut, "/api/collections/import",
			`{"collections":[{"name":"audit_gone","type":"base","id":"` + "AUDITID" + `"}],"deleteMissing":false}`},
		attempt{"imports with deleteMissing", http.MethodPut, "/api/collections/import", `{"collections":[{"name":"only","type":"base"}],"deleteMissing":true}`},
	)
	for _, a := range attempts {
		for _, role := range []string{"it", "consul", "adviser"} {
			apptest.Run(t, "los-angeles", tests.ApiScenario{
				Name: role + " " + a.name, Method: a.method, URL: a.url,
				ExpectedStatus:  403,
				ExpectedContent: []string{"The schema belongs to the appliance's migrations"},
				AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
					schemaUnchanged(t, app)
				},
			}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
				as(role)(t, app, s)
				if err := apptest.Audit(app).Append(app, audit.Entry{Actor: "system", Action: "test"}); err != nil {
					t.Fatal(err)
				}
				body := strings.ReplaceAll(a.body, "AUDITID", auditLogID(t, app))
				if body != "" {
					s.Body = strings.NewReader(body)
				}
			})
		}
	}
}

func auditLogID(t testing.TB, app core.App) string {
	c, err := app.FindCollectionByNameOrId("audit_log")
	if err != nil {
		t.Fatal(err)
	}
	return c.Id
}

// schemaUnchanged checks that the appliance's collections are all there, named and ruled
// as the migrations left them, with their rows, and that nothing was added.
func schemaUnchanged(t testing.TB, app *tests.TestApp) {
	t.Helper()
	for _, name := range append(append([]string{}, migrations.Collections...), vocab.FederationCollections...) {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Errorf("collection %s is gone: %v", name, err)
			continue
		}
		if c.ListRule != nil && *c.ListRule == "" && name != "consulates" && name != "jurisdictions" {
			t.Errorf("collection %s was opened to everyone", name)
		}
		if c.Fields.GetByName("extra") != nil {
			t.Errorf("collection %s gained a field", name)
		}
	}
	for _, name := range []string{"extra", "people", "only", "audit_gone"} {
		if _, err := app.FindCollectionByNameOrId(name); err == nil {
			t.Errorf("collection %s was created", name)
		}
	}
	if n, _ := app.CountRecords("audit_log"); n == 0 {
		t.Error("the audit log was emptied")
	}
}

// TestSchemaLockedOnceServing: migrations change the schema before serve starts; once the
// appliance serves, no code in the process does, whatever route it would come through.
func TestSchemaLockedOnceServing(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	if err := app.Save(core.NewBaseCollection("before_serve")); err != nil {
		t.Fatalf("a migration-time change was refused: %v", err)
	}
	apptest.Handler(t, app)
	if err := app.Save(core.NewBaseCollection("after_serve")); err == nil {
		t.Error("a collection was created while serving")
	}
	c, _ := app.FindCollectionByNameOrId("audit_log")
	c.Name = "audit_log_old"
	if err := app.Save(c); err == nil {
		t.Error("audit_log was renamed while serving")
	}
	c, _ = app.FindCollectionByNameOrId("before_serve")
	if err := app.Delete(c); err == nil {
		t.Error("a collection was deleted while serving")
	}
}

// TestSchemaHooksRefuseWithoutThePolicy: the collections API's own hooks refuse, so a route
// the URL policy does not know (a custom one, a new PocketBase version's) is refused too.
func TestSchemaHooksRefuseWithoutThePolicy(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	c, err := app.FindCollectionByNameOrId("audit_log")
	if err != nil {
		t.Fatal(err)
	}
	request := func() *core.RequestEvent {
		e := &core.RequestEvent{App: app}
		e.Request = httptest.NewRequest(http.MethodPatch, "/somewhere/else", nil)
		e.Response = httptest.NewRecorder()
		return e
	}
	saved := func(*core.CollectionRequestEvent) error { return errors.New("the change went through") }
	for name, h := range map[string]*hook.Hook[*core.CollectionRequestEvent]{
		"create": app.OnCollectionCreateRequest(), "update": app.OnCollectionUpdateRequest(), "delete": app.OnCollectionDeleteRequest(),
	} {
		e := &core.CollectionRequestEvent{RequestEvent: request()}
		e.Collection = c
		err := h.Trigger(e, saved)
		if apiErr, ok := err.(*router.ApiError); !ok || apiErr.Status != 403 || !strings.Contains(apiErr.Message, "migrations") {
			t.Errorf("%s: %v", name, err)
		}
	}
	err = app.OnCollectionsImportRequest().Trigger(&core.CollectionsImportRequestEvent{RequestEvent: request()},
		func(*core.CollectionsImportRequestEvent) error { return errors.New("the import went through") })
	if apiErr, ok := err.(*router.ApiError); !ok || apiErr.Status != 403 {
		t.Errorf("import: %v", err)
	}
}
