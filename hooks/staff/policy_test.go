package staff_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/apptest"
)

func as(role string) func(testing.TB, *tests.TestApp, *tests.ApiScenario) {
	return func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
		s.Headers = map[string]string{"Authorization": apptest.Token(t, apptest.Staff(t, app, role+"@consulado.example", role, false))}
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		method, url, body, expect string
		allowed                   map[string]bool
	}{
		// The admin UI reads its name on every load: advisers and consuls get that only (TestUISettings).
		{"GET", "/api/settings", "", `"meta":`, map[string]bool{"it": true, "adviser": true, "consul": true}},
		{"PATCH", "/api/settings", `{"meta":{"appName":"x"}}`, `"appName":"x"`, map[string]bool{"it": true}},
		{"GET", "/api/backups", "", `[]`, map[string]bool{"it": true}},
		{"GET", "/api/logs", "", `"items":`, map[string]bool{"it": true}},
		{"GET", "/api/crons", "", `[`, map[string]bool{"it": true}},
		{"DELETE", "/api/collections/alerts", "", "", map[string]bool{}},
		{"DELETE", "/api/collections/audit_log/truncate", "", "", map[string]bool{}},
		{"POST", "/api/collections", `{"name":"x","type":"base"}`, "", map[string]bool{}},
		// The admin UI refreshes its session on every load.
		{"POST", "/api/collections/_superusers/auth-refresh", "", `"token":`, map[string]bool{"it": true, "adviser": true, "consul": true}},
		{"POST", "/api/sql", `{"query":"DELETE FROM audit_log"}`, "", map[string]bool{}},
		{"GET", "/api/collections/alerts/records", "", `"items":`, map[string]bool{"it": true, "adviser": true, "consul": true}},
		{"POST", "/api/collections/registrants/records", `{"phone":"+13105550199","password":"contraseña-1","passwordConfirm":"contraseña-1","name":"A","language":"es","consent":true}`, `"phone":"+13105550199"`, map[string]bool{}}, // staff never set a person's credentials
	}
	for _, c := range cases {
		for _, role := range []string{"it", "consul", "adviser"} {
			s := tests.ApiScenario{Name: role + " " + c.method + " " + c.url, Method: c.method, URL: c.url}
			if c.body != "" {
				s.Body = strings.NewReader(c.body)
			}
			if c.allowed[role] {
				s.ExpectedStatus = 200
				s.ExpectedContent = []string{c.expect}
			} else {
				s.ExpectedStatus = 403
				s.ExpectedContent = []string{`"status":403`}
			}
			apptest.Run(t, "los-angeles", s, as(role))
		}
	}
}

// Advisers and consuls read the admin UI's name and colour from the settings, nothing else;
// IT reads them whole.
func TestUISettings(t *testing.T) {
	t.Parallel()
	secret := []string{`"smtp"`, `"backups"`, `"s3"`, `"trustedProxy"`, `"rateLimits"`, `"senderAddress"`, `"logs"`, `"batch"`}
	for _, role := range []string{"adviser", "consul"} {
		apptest.Run(t, "los-angeles", tests.ApiScenario{
			Name: role + " reads the settings", Method: http.MethodGet, URL: "/api/settings", ExpectedStatus: 200,
			ExpectedContent:    []string{`{"meta":{"accentColor":`, `"appName":"Botón de alerta`, `"hideControls":false}}`},
			NotExpectedContent: secret,
		}, as(role))
	}
	apptest.Run(t, "los-angeles", tests.ApiScenario{
		Name: "IT reads the settings", Method: http.MethodGet, URL: "/api/settings", ExpectedStatus: 200,
		ExpectedContent: secret,
	}, as("it"))
}

func TestOnlyITManagesStaff(t *testing.T) {
	t.Parallel()
	body := `{"email":"new@consulado.example","password":"contraseña-larga-1","passwordConfirm":"contraseña-larga-1","role":"adviser"}`
	for role, status := range map[string]int{"it": 200, "adviser": 403, "consul": 403} {
		apptest.Run(t, "los-angeles", tests.ApiScenario{
			Name: role + " adds staff", Method: http.MethodPost, URL: "/api/collections/_superusers/records",
			Body: strings.NewReader(body), ExpectedStatus: status, ExpectedContent: []string{"{"},
		}, as(role))
	}
	apptest.Run(t, "los-angeles", tests.ApiScenario{
		Name: "adviser promotes themself", Method: http.MethodPatch, Body: strings.NewReader(`{"role":"it"}`),
		ExpectedStatus: 400, ExpectedContent: []string{`"role":{"code":"role_locked"`},
	}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
		me := apptest.Staff(t, app, "adviser@consulado.example", "adviser", false)
		s.URL = "/api/collections/_superusers/records/" + me.Id
		s.Headers = map[string]string{"Authorization": apptest.Token(t, me)}
	})
}

func TestCommandLineSuperuserIsIT(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	c, _ := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	s := core.NewRecord(c)
	s.SetEmail("cli@consulado.example")
	s.SetPassword("contraseña-larga-1")
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	if s.GetString("role") != "it" {
		t.Fatalf("role %q, want it", s.GetString("role"))
	}
}

// TestBatchFollowsRoles: a batch's requests skip the router's middlewares, so IT enabling
// batches must not open the records the roles close.
func TestBatchFollowsRoles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		role, method, url, body string
		status                  int
	}{
		{"it", "POST", "/api/collections/audit_log/records", `{"seq":99999,"actor":"system","action":"view","hash":"` + strings.Repeat("0", 64) + `"}`, 403},
		{"it", "PATCH", "/api/collections/registrants/records/REG", `{"name":"Otra"}`, 403},
		{"adviser", "POST", "/api/collections/consulates/records", `{"code":"test-office","name":"x","city":"x","state":"CA"}`, 403},
		{"adviser", "PATCH", "/api/collections/registrants/records/REG", `{"name":"Otra"}`, 200},
	}
	for _, c := range cases {
		apptest.Run(t, "los-angeles", tests.ApiScenario{
			Name: c.role + " batch " + c.method + " " + c.url, Method: http.MethodPost, URL: "/api/batch",
			ExpectedStatus: c.status, ExpectedContent: []string{"{"},
		}, func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
			settings := app.Settings()
			settings.Batch.Enabled = true
			settings.Batch.MaxRequests = 10
			if err := app.Save(settings); err != nil {
				t.Fatal(err)
			}
			reg := apptest.Registrant(t, app, "+13105550142", apptest.Fields{"name": "Ana"})
			url := strings.ReplaceAll(c.url, "REG", reg.Id)
			s.Body = strings.NewReader(`{"requests":[{"method":"` + c.method + `","url":"` + url + `","body":` + c.body + `}]}`)
			as(c.role)(t, app, s)
		})
	}
}
