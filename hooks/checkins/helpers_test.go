package checkins_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
)

const secretPlace = "SENTINEL-PLACE ICE field office, 300 N Los Angeles St"

type world struct {
	app        *tests.TestApp
	cfg        *appliance.Config
	a, b       *core.Record // registrants: A (Spanish), B (English)
	tokA, tokB string
}

func newWorld(t testing.TB) *world {
	t.Helper()
	app, cfg := apptest.New(t, "los-angeles")
	w := &world{app: app, cfg: cfg}
	w.a = newRegistrant(t, app, "+13105550301", "Ana María López", "es")
	w.b = newRegistrant(t, app, "+13105550302", "Beto Ruiz", "en")
	w.tokA, w.tokB = apptest.Token(t, w.a), apptest.Token(t, w.b)
	return w
}

func newRegistrant(t testing.TB, app core.App, phone, name, lang string) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("registrants")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Set("phone", phone)
	r.Set("name", name)
	r.Set("language", lang)
	r.Set("consent", true)
	r.Set("zip", "90012")
	r.Set("home_consulate", "los-angeles")
	apptest.SetPassword(r)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// newCheckin stores an armed check-in of owner due at due, as the records API would.
func newCheckin(t testing.TB, app core.App, owner *core.Record, due time.Time, place string) *core.Record {
	t.Helper()
	c, _ := app.FindCollectionByNameOrId("checkins")
	r := core.NewRecord(c)
	r.Set("registrant", owner.Id)
	r.Set("due_at", due)
	r.Set("place", place)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return apptest.Find(t, app, "checkins", r.Id)
}

// handler serves the app in process, as alertbutton serve does (its OnServe hooks run).
func handler(t testing.TB, app *tests.TestApp) http.Handler {
	return apptest.Handler(t, app)
}

// call makes one JSON request and returns the status and the decoded body.
func call(t testing.TB, h http.Handler, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Result().Body)
	var m map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, raw)
		}
	}
	return rec.Code, m
}

// fieldCode is the error code PocketBase's error shape gives for field.
func fieldCode(body map[string]any, field string) string {
	data, _ := body["data"].(map[string]any)
	f, _ := data[field].(map[string]any)
	code, _ := f["code"].(string)
	return code
}

func fieldMessage(body map[string]any, field string) string {
	data, _ := body["data"].(map[string]any)
	f, _ := data[field].(map[string]any)
	msg, _ := f["message"].(string)
	return msg
}

func dateJSON(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }
