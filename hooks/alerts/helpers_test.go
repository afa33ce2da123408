package alerts_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"golang.org/x/crypto/bcrypt"

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/family"
	"alertbutton/hooks/pins"
	"alertbutton/hooks/push"
)

const (
	cancelPIN = "2468"
	duressPIN = "1357"
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
	w.a = newRegistrant(t, app, "+13105550101", "Ana María López", "es", disclosure, "90012")
	w.b = newRegistrant(t, app, "+13105550102", "Beto Ruiz", "en", "all", "90012")
	w.relES, w.tokES = newContact(t, app, w.a, "Rosa López", "es", "rosa@example.org")
	w.relEN, w.tokEN = newContact(t, app, w.a, "John Smith", "en", "")
	w.adviser = newStaff(t, app, "asesora@consulado.example", "adviser", true)
	w.consul = newStaff(t, app, "consul@consulado.example", "consul", false)
	w.it = newStaff(t, app, "it@consulado.example", "it", true)
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
	return w
}

func newRegistrant(t testing.TB, app core.App, phone, name, lang, disclosure, zip string) *core.Record {
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
	r.Set("zip", zip)
	r.Set("home_consulate", "los-angeles")
	r.Set("disclosure", disclosure)
	h := fastHashes()
	r.SetRaw("password", &core.PasswordFieldValue{Hash: h.password})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if err := pins.Store(app, r.Id, h.cancel, h.duress); err != nil {
		t.Fatal(err)
	}
	return r
}

func newContact(t testing.TB, app core.App, owner *core.Record, name, lang, email string) (*core.Record, string) {
	t.Helper()
	c, _ := app.FindCollectionByNameOrId("contacts")
	r := core.NewRecord(c)
	r.Set("registrant", owner.Id)
	r.Set("name", name)
	r.Set("language", lang)
	r.Set("email", email)
	token, hash := family.NewToken()
	r.Set("family_token_hash", hash)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r, token
}

func newStaff(t testing.TB, app core.App, email, role string, onDuty bool) *core.Record {
	t.Helper()
	c, _ := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	s := core.NewRecord(c)
	s.SetEmail(email)
	s.SetRaw("password", &core.PasswordFieldValue{Hash: fastHashes().password})
	s.Set("role", role)
	s.Set("on_duty", onDuty)
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	return s
}

// fastHashes are bcrypt hashes at the lowest cost, made once: the default cost, nine times
// per world, makes the race detector's run ten times slower. The cost is read from the hash,
// so the code under test checks them as it checks any other.
var fastHashes = sync.OnceValue(func() (h struct{ password, cancel, duress string }) {
	hash := func(s string) string {
		b, err := bcrypt.GenerateFromPassword([]byte(s), bcrypt.MinCost)
		if err != nil {
			panic(err)
		}
		return string(b)
	}
	h.password, h.cancel, h.duress = hash("contraseña-larga-1"), hash(cancelPIN), hash(duressPIN)
	return h
})

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
	recs, err := app.FindRecordsByFilter("alert_events", "alert = {:id}", "created", 0, 0, dbx.Params{"id": alertID})
	if err != nil {
		t.Fatal(err)
	}
	staffOnly = map[string]bool{}
	for _, r := range recs {
		types = append(types, r.GetString("type"))
		staffOnly[r.GetString("type")] = r.GetBool("staff_only")
	}
	return types, staffOnly
}

// server serves the app over HTTP on 127.0.0.1, as alertbutton serve does.
func server(t testing.TB, app *tests.TestApp) *httptest.Server {
	return apptest.Serve(t, app)
}

// call makes one JSON request and returns the status and the body.
func call(t testing.TB, srv *httptest.Server, method, path, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}

func decode(t testing.TB, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	return m
}

func ptr(f float64) *float64 { return &f }
