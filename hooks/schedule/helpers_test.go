package schedule_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/alerts"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/push"
)

// Downtown Los Angeles and downtown Fresno: alerts for this consulate and for another.
const (
	laLat, laLon         = 34.0522, -118.2437
	fresnoLat, fresnoLon = 36.7378, -119.7871
)

// world is a los-angeles appliance with a registrant and four staff members, each with a
// push subscription.
type world struct {
	app *tests.TestApp
	cfg *appliance.Config
	a   *core.Record

	adviser, adviserOff, consul, it  *core.Record
	subA                             *core.Record
	subAdviser, subAdviserOff, subIT *core.Record
	subConsul                        *core.Record
}

func newWorld(t testing.TB) *world {
	t.Helper()
	app, cfg := apptest.New(t, "los-angeles")
	w := &world{app: app, cfg: cfg}
	w.a = newRegistrant(t, app, "+13105550401")
	w.adviser = newStaff(t, app, "asesora@consulado.example", "adviser", true)
	w.adviserOff = newStaff(t, app, "asesor@consulado.example", "adviser", false)
	w.consul = newStaff(t, app, "consul@consulado.example", "consul", false)
	w.it = newStaff(t, app, "it@consulado.example", "it", true)
	w.subA = apptest.Subscription(t, app, "registrant", w.a.Id, "es")
	w.subAdviser = apptest.Subscription(t, app, "staff", w.adviser.Id, "es")
	w.subAdviserOff = apptest.Subscription(t, app, "staff", w.adviserOff.Id, "")
	w.subConsul = apptest.Subscription(t, app, "staff", w.consul.Id, "en")
	w.subIT = apptest.Subscription(t, app, "staff", w.it.Id, "es")
	return w
}

func newRegistrant(t testing.TB, app core.App, phone string) *core.Record {
	t.Helper()
	c, _ := app.FindCollectionByNameOrId("registrants")
	r := core.NewRecord(c)
	r.Set("phone", phone)
	r.Set("name", "Ana María López")
	r.Set("language", "es")
	r.Set("consent", true)
	r.Set("zip", "90012")
	r.Set("home_consulate", "los-angeles")
	apptest.SetPassword(r)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

func newStaff(t testing.TB, app core.App, email, role string, onDuty bool) *core.Record {
	t.Helper()
	c, _ := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	s := core.NewRecord(c)
	s.SetEmail(email)
	apptest.SetPassword(s)
	s.Set("role", role)
	s.Set("on_duty", onDuty)
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	return s
}

// raise stores a button alert of w.a at the point, with a note.
func raise(t testing.TB, w *world, lat, lon float64) *core.Record {
	t.Helper()
	a, created, err := alerts.Raise(w.app, w.cfg, alerts.Draft{
		Kind: "detained", Source: alerts.SourceButton, Actor: "registrant:" + w.a.Id, Registrant: w.a,
		Lat: &lat, Lon: &lon, Note: "SENTINEL-NOTE",
	})
	if err != nil || !created {
		t.Fatalf("raise: %v", err)
	}
	return apptest.Find(t, w.app, "alerts", a.Id)
}

// pushes returns the escalation pushes about an alert, by subscription, oldest first.
func pushes(t testing.TB, app core.App, alert *core.Record) map[string][]push.Payload {
	t.Helper()
	recs, err := app.FindRecordsByFilter("outbox", "alert = {:uid} && channel = 'push'", "created", 0, 0, dbx.Params{"uid": alert.GetString("uid")})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]push.Payload{}
	for _, r := range recs {
		var p push.Payload
		raw, _ := json.Marshal(r.Get("payload"))
		json.Unmarshal(raw, &p)
		if p.Type == "alert.escalated" {
			out[r.GetString("target")] = append(out[r.GetString("target")], p)
		}
	}
	return out
}

// events returns an alert's events of one type, oldest first.
func events(t testing.TB, app core.App, alertID, typ string) []*core.Record {
	t.Helper()
	recs, err := app.FindRecordsByFilter("alert_events", "alert = {:id} && type = {:type}", "created", 0, 0, dbx.Params{"id": alertID, "type": typ})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// handler serves the app in process, as alertbutton serve does (its OnServe hooks run).
func handler(t testing.TB, app *tests.TestApp) http.Handler {
	return apptest.Handler(t, app)
}

func call(t testing.TB, h http.Handler, method, path, token, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(raw)
}

func setDate(t testing.TB, app core.App, r *core.Record, field string, at time.Time) {
	t.Helper()
	r.Set(field, at)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}
