package registrants_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/apptest"
)

// served is one appliance and its handler, for tests that make several requests in turn.
type served struct {
	t   *testing.T
	app *tests.TestApp
	h   http.Handler
}

func serve(t *testing.T) *served {
	app, _ := apptest.New(t, "los-angeles")
	return &served{t: t, app: app, h: apptest.Handler(t, app)}
}

// do sends a JSON request with token (if any) and returns the status and body.
func (s *served) do(method, url, token, body string) (int, string) {
	s.t.Helper()
	status, answer := apptest.Call(s.t, s.h, method, url, token, body)
	return status, strings.TrimSpace(answer)
}

// openAlert saves an open case of r holding personal data.
func openAlert(t testing.TB, app core.App, r *core.Record, uid, status string) *core.Record {
	t.Helper()
	c, _ := app.FindCollectionByNameOrId("alerts")
	a := core.NewRecord(c)
	a.Set("uid", uid)
	a.Set("registrant", r.Id)
	a.Set("source", "button")
	a.Set("kind", "detained")
	a.Set("status", status)
	a.Set("location", `{"lat":34.05,"lon":-118.24}`)
	a.Set("note", "SENTINEL-NOTE")
	a.Set("place", "SENTINEL-PLACE")
	a.Set("subject_phone", r.GetString("phone"))
	a.Set("county_geoid", "06037")
	a.Set("facility", adelanto(t, app))
	if err := app.SaveNoValidate(a); err != nil {
		t.Fatal(err)
	}
	return a
}

// adelanto is the id of the facility the test cases are held at.
func adelanto(t testing.TB, app core.App) string {
	t.Helper()
	if f, err := app.FindFirstRecordByData("facilities", "name", "Adelanto"); err == nil {
		return f.Id
	}
	return apptest.Facility(t, app, "Adelanto", nil).Id
}
