package schedule_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

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
	w.a = apptest.Registrant(t, app, "+13105550401", apptest.Fields{"name": "Ana María López", "zip": "90012", "home_consulate": "los-angeles"})
	w.adviser = apptest.Staff(t, app, "asesora@consulado.example", "adviser", true)
	w.adviserOff = apptest.Staff(t, app, "asesor@consulado.example", "adviser", false)
	w.consul = apptest.Staff(t, app, "consul@consulado.example", "consul", false)
	w.it = apptest.Staff(t, app, "it@consulado.example", "it", true)
	w.subA = apptest.Subscription(t, app, "registrant", w.a.Id, "es")
	w.subAdviser = apptest.Subscription(t, app, "staff", w.adviser.Id, "es")
	w.subAdviserOff = apptest.Subscription(t, app, "staff", w.adviserOff.Id, "")
	w.subConsul = apptest.Subscription(t, app, "staff", w.consul.Id, "en")
	w.subIT = apptest.Subscription(t, app, "staff", w.it.Id, "es")
	return w
}

// raise stores a button alert of w.a at the point, with a note.
func raise(t testing.TB, w *world, lat, lon float64) *core.Record {
	t.Helper()
	a := apptest.Raise(t, w.app, w.cfg, w.a, lat, lon, "SENTINEL-NOTE")
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
		if strings.HasPrefix(p.Type, "alert.escalated") {
			out[r.GetString("target")] = append(out[r.GetString("target")], p)
		}
	}
	return out
}
