package registrants_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/pins"
)

const validBody = `{"phone":"+13105550123","password":"contraseña-1","passwordConfirm":"contraseña-1","name":"Ana María López","language":"es","consent":true,"birth_date":"1990-04-01","address":"SENTINEL-CALLE-9","zip":"90012","home_consulate":"fresno"}`

func withField(field, value string) string {
	// replace one "field":value pair of validBody
	start := strings.Index(validBody, `"`+field+`":`)
	end := strings.IndexAny(validBody[start+len(field)+3:], ",}") + start + len(field) + 3
	return validBody[:start] + `"` + field + `":` + value + validBody[end:]
}

func TestRegistration(t *testing.T) {
	post := func(name, body string, lang string, status int, expect ...string) tests.ApiScenario {
		s := tests.ApiScenario{
			Name: name, Method: http.MethodPost, URL: "/api/collections/registrants/records",
			Body: strings.NewReader(body), ExpectedStatus: status, ExpectedContent: expect,
			Headers: map[string]string{"Content-Type": "application/json"}, TestAppFactory: apptest.Factory,
		}
		if lang != "" {
			s.Headers["Accept-Language"] = lang
		}
		return s
	}
	scenarios := []tests.ApiScenario{
		post("valid registration", validBody, "", 200, `"phone":"+13105550123"`, `"home_consulate":"los-angeles"`, `"disclosure":"all"`),
		post("phone as typed, no country code", withField("phone", `"310 555 0123"`), "", 200, `"phone":"+13105550123"`),
		post("phone with brackets and dash", withField("phone", `"(310) 555-0123"`), "", 200, `"phone":"+13105550123"`),
		post("phone with dashes", withField("phone", `"310-555-0123"`), "", 200, `"phone":"+13105550123"`),
		post("phone with +1 and spaces", withField("phone", `"+1 310 555 0123"`), "", 200, `"phone":"+13105550123"`),
		post("Mexican phone", withField("phone", `"+52 55 1234 5678"`), "", 200, `"phone":"+525512345678"`),
		post("Mexican mobile with the old 1", withField("phone", `"+52 1 55 1234 5678"`), "", 200, `"phone":"+525512345678"`),
		post("phone too short", withField("phone", `"555 0123"`), "", 400, `"phone":{"code":"invalid_phone","message":"No entendimos el teléfono. Escríbelo con lada, por ejemplo 559 555 1234`),
		post("phone message in English", withField("phone", `"555 0123"`), "en", 400, `"message":"We did not understand the phone number. Write it with the area code, for example 559 555 1234`),
		post("minor", withField("birth_date", `"2015-01-01"`), "", 400, `"birth_date":{"code":"not_adult"`),
		post("impossible birth date", withField("birth_date", `"1990-02-30"`), "", 400, `"birth_date":{"code":"invalid_birth_date"`),
		post("short password", withField("password", `"corta"`), "", 400, `"password":{"code":"password_too_short"`),
		post("passwords differ", withField("passwordConfirm", `"otra-contraseña"`), "", 400, `"passwordConfirm":{"code":"password_mismatch"`),
		post("no consent", withField("consent", `false`), "", 400, `"consent":{"code":"consent_required"`),
		post("unknown language", withField("language", `"fr"`), "", 400, `"language":{"code":"invalid_language"`),
		post("bad zip", withField("zip", `"9001"`), "", 400, `"zip":{"code":"invalid_zip"`),
	}
	for _, s := range scenarios {
		s.NotExpectedContent = []string{"SENTINEL-CALLE-9", "sealed:v1"}
		if s.ExpectedStatus != 200 {
			s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n, _ := app.CountRecords("registrants"); n != 0 {
					t.Errorf("a refused registration left %d registrants", n)
				}
			}
		}
		s.Test(t)
	}
}

func register(t testing.TB, app core.App, phone string) *core.Record {
	t.Helper()
	return apptest.Registrant(t, app, phone, apptest.Fields{"name": "Ana López", "password": "contraseña-1"})
}

func auth(t testing.TB, r *core.Record) map[string]string {
	return map[string]string{"Authorization": apptest.Token(t, r), "Content-Type": "application/json"}
}

func TestSignInWithPhone(t *testing.T) {
	s := tests.ApiScenario{
		Method: http.MethodPost, URL: "/api/collections/registrants/auth-with-password",
		Body:           strings.NewReader(`{"identity":"+13105550140","password":"contraseña-1"}`),
		Headers:        map[string]string{"Content-Type": "application/json"},
		ExpectedStatus: 200, ExpectedContent: []string{`"token":`, `"phone":"+13105550140"`},
		TestAppFactory: apptest.Factory,
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) { register(t, app, "+13105550140") },
	}
	s.Test(t)
}

// twoRegistrants makes A and B, signs in as A and points the scenario at path(A, B).
func twoRegistrants(path func(a, b *core.Record) string) func(testing.TB, *tests.TestApp, *tests.ApiScenario) {
	return func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
		a := register(t, app, "+13105550141")
		b := register(t, app, "+13105550142")
		s.URL = path(a, b)
		s.Headers = auth(t, a)
	}
}

func TestRegistrantSeesOnlyThemself(t *testing.T) {
	t.Parallel()
	records := "/api/collections/registrants/records"
	own := func(a, _ *core.Record) string { return records + "/" + a.Id }
	other := func(_, b *core.Record) string { return records + "/" + b.Id }
	for _, c := range []struct {
		s    tests.ApiScenario
		path func(a, b *core.Record) string
	}{
		{tests.ApiScenario{Name: "A views A", Method: http.MethodGet, ExpectedStatus: 200, ExpectedContent: []string{`"phone":"+13105550141"`}}, own},
		{tests.ApiScenario{Name: "A views B", Method: http.MethodGet, ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}}, other},
		{tests.ApiScenario{Name: "A lists", Method: http.MethodGet, ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}}, func(_, _ *core.Record) string { return records }},
		{tests.ApiScenario{Name: "A edits B", Method: http.MethodPatch, Body: strings.NewReader(`{"name":"x"}`), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}}, other},
		{tests.ApiScenario{Name: "A deletes B", Method: http.MethodDelete, ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}}, other},
		{tests.ApiScenario{Name: "A cannot move to another consulate", Method: http.MethodPatch, Body: strings.NewReader(`{"home_consulate":"fresno"}`), ExpectedStatus: 200, ExpectedContent: []string{`"home_consulate":"los-angeles"`}}, own},
	} {
		apptest.Run(t, "los-angeles", c.s, twoRegistrants(c.path))
	}
}

func TestPins(t *testing.T) {
	t.Parallel()
	url := "/api/alertbutton/pins"
	signedIn := func(t testing.TB, app *tests.TestApp, s *tests.ApiScenario) {
		s.Headers = auth(t, register(t, app, "+13105550143"))
	}
	for _, s := range []tests.ApiScenario{
		{Name: "letters", Body: strings.NewReader(`{"cancelPin":"12ab","duressPin":"9876"}`), ExpectedStatus: 400, ExpectedContent: []string{`"cancelPin":{"code":"invalid_pin"`}},
		{Name: "too long", Body: strings.NewReader(`{"cancelPin":"1234","duressPin":"123456789"}`), ExpectedStatus: 400, ExpectedContent: []string{`"duressPin":{"code":"invalid_pin"`}},
		{Name: "equal", Body: strings.NewReader(`{"cancelPin":"1234","duressPin":"1234"}`), ExpectedStatus: 400, ExpectedContent: []string{`"duressPin":{"code":"pins_equal"`}},
	} {
		s.Method, s.URL = http.MethodPost, url
		apptest.Run(t, "los-angeles", s, signedIn)
	}
	apptest.Run(t, "los-angeles", tests.ApiScenario{Name: "anonymous", Method: http.MethodPost, URL: url,
		Body: strings.NewReader(`{"cancelPin":"1234","duressPin":"9876"}`), ExpectedStatus: 401, ExpectedContent: []string{"Entra a tu cuenta"}}, nil)

	apptest.Run(t, "los-angeles", tests.ApiScenario{
		Name: "set", Method: http.MethodPost, URL: url, Body: strings.NewReader(`{"cancelPin":"1234","duressPin":"9876"}`), ExpectedStatus: 204,
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			stored, _ := app.FindFirstRecordByData("registrants", "phone", "+13105550143")
			for pin, want := range map[string]string{"1234": pins.Cancel, "9876": pins.Duress, "0000": pins.None} {
				if got, err := pins.Check(app, stored.Id, pin); got != want || err != nil {
					t.Errorf("PIN %s checks as %q (%v), want %q", pin, got, err, want)
				}
			}
		},
	}, signedIn)
}

func TestDeletingTheAccountForgetsThePerson(t *testing.T) {
	t.Parallel()
	app, _ := apptest.New(t, "los-angeles")
	a := register(t, app, "+13105550144")
	if err := pins.Store(app, a.Id, "$2a$04$cancel", "$2a$04$duress"); err != nil {
		t.Fatal(err)
	}
	contact := apptest.Contact(t, app, a, apptest.Fields{"name": "Mamá", "phone": "+5215550000000"})
	alerts, _ := app.FindCollectionByNameOrId("alerts")
	alert := core.NewRecord(alerts)
	alert.Set("uid", "0192d4a8-7c5e-7abc-8def-0123456789ab")
	alert.Set("registrant", a.Id)
	alert.Set("source", "staff")
	alert.Set("kind", "detained")
	alert.Set("status", "resolved") // an open case defers the deletion: TestDeletionWaitsForTheOpenCase
	alert.Set("location", `{"lat":34.05,"lon":-118.24}`)
	alert.Set("note", "SENTINEL-NOTE")
	alert.Set("place", "SENTINEL-PLACE")
	alert.Set("subject_phone", "+13105550144")
	alert.Set("facility", adelanto(t, app))
	if err := app.SaveNoValidate(alert); err != nil {
		t.Fatal(err)
	}
	s := tests.ApiScenario{
		Method: http.MethodDelete, URL: "/api/collections/registrants/records/" + a.Id, Headers: auth(t, a),
		ExpectedStatus: 204, TestAppFactory: func(testing.TB) *tests.TestApp { return app }, DisableTestAppCleanup: true,
	}
	s.Test(t) // the only scenario served by this app
	if _, err := app.FindRecordById("contacts", contact.Id); err == nil {
		t.Error("the relative survived the account's deletion")
	}
	if set, err := pins.IsSet(app, a.Id); set || err != nil {
		t.Errorf("the PINs survived the account's deletion (%v)", err)
	}
	kept, err := app.FindRecordById("alerts", alert.Id)
	if err != nil {
		t.Fatal("the case must stay with the consulate:", err)
	}
	if kept.GetString("note") != "" || kept.GetString("location") != "" || kept.GetString("place") != "" || kept.GetString("subject_phone") != "" || kept.GetString("registrant") != "" {
		t.Errorf("the case kept personal data: note=%q location=%q registrant=%q", kept.GetString("note"), kept.GetString("location"), kept.GetString("registrant"))
	}
	if kept.GetString("facility") != adelanto(t, app) || kept.GetString("status") != "resolved" {
		t.Error("the case itself was lost")
	}
	row, err := app.FindFirstRecordByFilter("audit_log", "action = 'forget_registrant' && record_id = {:id}", map[string]any{"id": a.Id})
	if err != nil || row == nil {
		t.Fatal("the deletion was not audited")
	}
	if _, err := apptest.Audit(app).Verify(app); err != nil {
		t.Fatal(err)
	}
}
