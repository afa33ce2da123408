package alerts_test

import (
	"encoding/json"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
	"alertbutton/hooks/push"
)

const (
	cancelPIN = apptest.CancelPIN
	duressPIN = apptest.DuressPIN
	wrongPIN  = "0000"

	// Points: downtown Los Angeles (Los Angeles County, served by los-angeles) and
	// downtown Fresno (Fresno County, served by fresno).
	laLat, laLon         = 34.0522, -118.2437
	fresnoLat, fresnoLon = 36.7378, -119.7871

	secretNote = "SENTINEL-NOTE-corner-of-5th"
)

// world is a los-angeles appliance with two registrants, A's relatives and staff, each with
// a push subscription.
type world struct {
	app *tests.TestApp
	cfg *appliance.Config

	a, b           *core.Record // registrants: A (Spanish, disclosure all), B
	relES, relEN   *core.Record // A's relatives: Spanish with e-mail, English without
	tokES, tokEN   string       // their family links
	adviser        *core.Record // on duty
	consul         *core.Record // off duty
	it             *core.Record // on duty, IT
	subA, subB     *core.Record
	subRelES       *core.Record
	subRelEN       *core.Record
	subAdviser     *core.Record
	subConsul      *core.Record
	subIT          *core.Record
	tokA, tokB     string
	tokAdviser     string
	tokConsul      string
	familyTokenBad string
}

func newWorld(t testing.TB, disclosure string) *world {
	t.Helper()
	app, cfg := apptest.New(t, "los-angeles")
	w := &world{app: app, cfg: cfg}
	w.a = newRegistrant(t, app, "+13105550101", "Ana María López", "es", disclosure)
	w.b = newRegistrant(t, app, "+13105550102", "Beto Ruiz", "en", "all")
	w.relES, w.tokES = apptest.LinkedContact(t, app, w.a, apptest.Fields{"name": "Rosa López", "email": "rosa@example.org"})
	w.relEN, w.tokEN = apptest.LinkedContact(t, app, w.a, apptest.Fields{"name": "John Smith", "language": "en"})
	w.adviser = apptest.Staff(t, app, "asesora@consulado.example", "adviser", true)
	w.consul = apptest.Staff(t, app, "consul@consulado.example", "consul", false)
	w.it = apptest.Staff(t, app, "it@consulado.example", "it", true)
	w.subA = apptest.Subscription(t, app, "registrant", w.a.Id, "")
	w.subB = apptest.Subscription(t, app, "registrant", w.b.Id, "")
	w.subRelES = apptest.Subscription(t, app, "contact", w.relES.Id, "")
	w.subRelEN = apptest.Subscription(t, app, "contact", w.relEN.Id, "en")
	w.subAdviser = apptest.Subscription(t, app, "staff", w.adviser.Id, "es")
	w.subConsul = apptest.Subscription(t, app, "staff", w.consul.Id, "en")
	w.subIT = apptest.Subscription(t, app, "staff", w.it.Id, "")
	w.tokA, w.tokB = apptest.Token(t, w.a), apptest.Token(t, w.b)
	w.tokAdviser, w.tokConsul = apptest.Token(t, w.adviser), apptest.Token(t, w.consul)
	w.familyTokenBad, _ = family.NewToken()
	trustConsulate(t, app, "fresno") // alerts placed in Fresno are relayed there
	return w
}

// trustConsulate marks the consulate code a trusted peer, as far as raising an alert looks.
func trustConsulate(t testing.TB, app core.App, code string) {
	t.Helper()
	c, err := app.FindFirstRecordByData("consulates", "code", code)
	if err != nil {
		t.Fatal(err)
	}
	c.Set("trust", "direct")
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
}

// newRegistrant saves a registrant of los-angeles (ZIP 90012) with the test PINs.
func newRegistrant(t testing.TB, app core.App, phone, name, lang, disclosure string) *core.Record {
	t.Helper()
	r := apptest.Registrant(t, app, phone, apptest.Fields{
		"name": name, "language": lang, "zip": "90012", "home_consulate": "los-angeles", "disclosure": disclosure,
	})
	apptest.SetPINs(t, app, r)
	return r
}

// snapshot counts the rows a raise writes.
type snapshot struct{ alerts, events, outbox int }

func counts(t testing.TB, app core.App) snapshot {
	return snapshot{apptest.Count(t, app, "alerts"), apptest.Count(t, app, "alert_events"), apptest.Count(t, app, "outbox")}
}

// row is an outbox row, decoded.
type row struct {
	Channel, Target string
	Payload         push.Payload
	Raw             string
}

// outboxFor returns the outbox rows about the alert uid, oldest first.
func outboxFor(t testing.TB, app core.App, uid string) []row {
	t.Helper()
	recs, err := app.FindRecordsByFilter("outbox", "alert = {:uid}", "created", 0, 0, dbx.Params{"uid": uid})
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]row, 0, len(recs))
	for _, r := range recs {
		raw, _ := json.Marshal(r.Get("payload"))
		var p push.Payload
		json.Unmarshal(raw, &p)
		rows = append(rows, row{Channel: r.GetString("channel"), Target: r.GetString("target"), Payload: p, Raw: string(raw)})
	}
	return rows
}

// to returns the rows to one target (a subscription, contact or consulate).
func to(rows []row, target string) []row {
	var out []row
	for _, r := range rows {
		if r.Target == target {
			out = append(out, r)
		}
	}
	return out
}

func channel(rows []row, ch string) []row {
	var out []row
	for _, r := range rows {
		if r.Channel == ch {
			out = append(out, r)
		}
	}
	return out
}

// events returns the types of an alert's timeline, oldest first, and which are staff-only.
func events(t testing.TB, app core.App, alertID string) (types []string, staffOnly map[string]bool) {
	t.Helper()
	staffOnly = map[string]bool{}
	for _, r := range apptest.Events(t, app, alertID, "") {
		types = append(types, r.GetString("type"))
		staffOnly[r.GetString("type")] = r.GetBool("staff_only")
	}
	return types, staffOnly
}

func ptr(f float64) *float64 { return &f }
