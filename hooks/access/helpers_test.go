// Package access_test checks who may do what on the appliance, from the outside: every
// collection and custom route, for every kind of caller, as DESIGN.md section 4 and the
// staff roles say. It is test-only.
package access_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/federation"
	"alertbutton/federation/protocol"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/audit"
	"alertbutton/hooks/family"
)

// Callers.
const (
	anon    = "anonymous"
	regA    = "registrant A"
	regB    = "registrant B"
	rel     = "relative"
	adviser = "adviser"
	consul  = "consul"
	it      = "IT"
	peer    = "peer"
	forged  = "forged peer"
)

var callers = []string{anon, regA, regB, rel, adviser, consul, it, peer, forged}

const (
	cancelPIN = apptest.CancelPIN
	duressPIN = apptest.DuressPIN
	laLat     = 34.0522
	laLon     = -118.2437
	// subKey is a valid P-256 public key, for push subscriptions the appliance accepts.
	subKey  = "BF3CAQ1Yx4VHUuooWaDHB3WURsYiN1Unrfo2XPTohSEwnrCvRLQx42hKQBnko7c7y_dgA8sLY0AmPfetz6j6vn4"
	subAuth = "tBHItJI5svbpez7KI4CCXg"
)

// world is one appliance with A and B, A's relative, alerts, check-in and subscription,
// the three staff roles and a trusted peer, served once.
type world struct {
	t   testing.TB
	app *tests.TestApp
	cfg *appliance.Config
	srv *httptest.Server

	a, b, contact, alert, alert2, checkin, event, sub *core.Record
	adviser, consul, it                               *core.Record
	familyToken                                       string
	peerKey, forgedKey                                ed25519.PrivateKey
	tokens                                            map[string]string // caller -> Authorization
	phones                                            int
}

func newWorld(t testing.TB) *world {
	t.Helper()
	app, cfg := apptest.New(t, "los-angeles")
	id, _ := age.GenerateX25519Identity()
	cfg.BackupRecipients = []age.Recipient{id.Recipient()}
	w := &world{t: t, app: app, cfg: cfg, tokens: map[string]string{}}
	w.a = w.registrant()
	w.b = w.registrant()
	w.contact, w.familyToken = w.newContact(w.a)
	w.alert = w.raise(w.a)
	w.alert2 = w.raise(w.a)
	w.checkin = w.newCheckin(w.a)
	w.sub = w.newSub(w.a, "http://127.0.0.1/push/a")
	evs, err := app.FindAllRecords("alert_events")
	if err != nil || len(evs) == 0 {
		t.Fatal("no timeline event", err)
	}
	w.event = evs[0]
	w.adviser, w.consul, w.it = w.staff("adviser"), w.staff("consul"), w.staff("it")
	if err := apptest.Audit(app).Append(app, audit.Entry{Actor: "system", Action: "test"}); err != nil {
		t.Fatal(err)
	}
	_, w.peerKey, _ = ed25519.GenerateKey(rand.Reader)
	_, w.forgedKey, _ = ed25519.GenerateKey(rand.Reader)
	sealKey := make([]byte, 32)
	rand.Read(sealKey)
	pub := w.peerKey.Public().(ed25519.PublicKey)
	if err := federation.AddPeer(app, "los-angeles", "fresno", "https://fresno.example.org",
		base64.RawURLEncoding.EncodeToString(pub), base64.RawURLEncoding.EncodeToString(sealKey), time.Now()); err != nil {
		t.Fatal(err)
	}
	w.tokens[regA] = apptest.Token(w.t, w.a)
	w.tokens[regB] = apptest.Token(w.t, w.b)
	w.tokens[rel] = w.familyToken
	w.tokens[adviser] = apptest.Token(w.t, w.adviser)
	w.tokens[consul] = apptest.Token(w.t, w.consul)
	w.tokens[it] = apptest.Token(w.t, w.it)
	w.srv = apptest.Serve(t, app)
	return w
}

func (w *world) save(r *core.Record) *core.Record {
	w.t.Helper()
	if err := w.app.Save(r); err != nil {
		w.t.Fatalf("saving a %s: %v", r.Collection().Name, err)
	}
	return r
}

func (w *world) newRecord(collection string) *core.Record {
	c, err := w.app.FindCollectionByNameOrId(collection)
	if err != nil {
		w.t.Fatal(err)
	}
	return core.NewRecord(c)
}

func (w *world) registrant() *core.Record {
	w.phones++
	phone := "+1310555" + string(rune('0'+w.phones/1000%10)) + string(rune('0'+w.phones/100%10)) + string(rune('0'+w.phones/10%10)) + string(rune('0'+w.phones%10))
	r := apptest.Registrant(w.t, w.app, phone, apptest.Fields{"zip": "90012", "address": "SENTINEL-ACCESS-ADDRESS"})
	apptest.SetPINs(w.t, w.app, r)
	return r
}

func (w *world) newContact(owner *core.Record) (*core.Record, string) {
	return apptest.LinkedContact(w.t, w.app, owner, apptest.Fields{"phone": "+5215550000000"})
}

func (w *world) raise(owner *core.Record) *core.Record {
	return apptest.Raise(w.t, w.app, w.cfg, owner, laLat, laLon, "SENTINEL-ACCESS-NOTE")
}

func (w *world) newCheckin(owner *core.Record) *core.Record {
	return apptest.Checkin(w.t, w.app, owner, time.Now().Add(time.Hour), "SENTINEL-ACCESS-PLACE")
}

func (w *world) newSub(owner *core.Record, endpoint string) *core.Record {
	r := w.newRecord("push_subscriptions")
	r.Set("endpoint", endpoint)
	r.Set("p256dh", subKey)
	r.Set("auth", subAuth)
	r.Set("registrant", owner.Id)
	return w.save(r)
}

func (w *world) staff(role string) *core.Record {
	return apptest.Staff(w.t, w.app, role+"-"+core.GenerateDefaultRandomId()+"@consulado.example", role, false)
}

func (w *world) fresh(collection string) (target *core.Record, owner *core.Record) {
	switch collection {
	case "registrants":
		r := w.registrant()
		return r, r
	case "contacts":
		r, _ := w.newContact(w.a)
		return r, w.a
	case "alerts":
		return w.raise(w.a), w.a
	case "checkins":
		return w.newCheckin(w.a), w.a
	case "push_subscriptions":
		return w.newSub(w.a, "http://127.0.0.1/push/"+core.GenerateDefaultRandomId()), w.a
	case "alert_events":
		evs, _ := w.app.FindRecordsByFilter("alert_events", "alert = {:a}", "", 1, 0, map[string]any{"a": w.raise(w.a).Id})
		return evs[0], w.a
	case core.CollectionNameSuperusers:
		return w.staff("adviser"), nil
	case "audit_log":
		apptest.Audit(w.app).Append(w.app, audit.Entry{Actor: "system", Action: "test"})
		rows, _ := w.app.FindRecordsByFilter("audit_log", "", "-seq", 1, 0)
		return rows[0], nil
	}
	return w.existing(collection), nil
}

// existing is a record of collection for the read requests.
func (w *world) existing(collection string) *core.Record {
	switch collection {
	case "registrants":
		return w.a
	case "contacts":
		return w.contact
	case "alerts":
		return w.alert
	case "checkins":
		return w.checkin
	case "push_subscriptions":
		return w.sub
	case "alert_events":
		return w.event
	case core.CollectionNameSuperusers:
		return w.adviser
	}
	rows, err := w.app.FindRecordsByFilter(collection, "", "", 1, 0)
	if err != nil || len(rows) == 0 {
		r := w.newRecord(collection)
		for k, v := range createBody(w, collection) {
			r.Set(k, v)
		}
		if err := w.app.SaveNoValidate(r); err != nil {
			w.t.Fatalf("no %s to read: %v", collection, err)
		}
		return r
	}
	return rows[0]
}

// request is one HTTP request as caller. A peer signs it with the trusted peer's key, a
// forged peer with a key the appliance does not know; the relative sends the family token
// where a token goes.
func (w *world) request(caller, method, path, body string) (int, string) {
	w.t.Helper()
	return w.requestAs(caller, w.tokens[caller], method, path, body)
}

func (w *world) requestAs(caller, token, method, path, body string) (int, string) {
	w.t.Helper()
	req, err := http.NewRequest(method, w.srv.URL+path, strings.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Close = true // one connection per request: a refused huge body ends its connection
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	switch caller {
	case peer:
		w.sign(req, body, w.peerKey)
	case forged:
		w.sign(req, body, w.forgedKey)
	case rel:
		req.Header.Set(family.Header, token) // as the family page sends it
	}
	res, err := w.srv.Client().Do(req)
	if err != nil && len(body) > hugeBody {
		// The server answered and closed before the client finished sending: refused.
		return closedEarly, err.Error()
	}
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}

// closedEarly is the status of a huge request the server stopped reading and closed.
const (
	closedEarly = -1
	hugeBody    = 64 << 10
)

func (w *world) sign(req *http.Request, body string, key ed25519.PrivateKey) {
	pub := base64.RawURLEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	if err := protocol.SignRequest(req, []byte(body), protocol.KeyID("fresno", pub), key, time.Now()); err != nil {
		w.t.Fatal(err)
	}
}

// saw reports whether l heard of the record id.
func saw(l *apptest.Listener, id string) bool {
	for _, ev := range l.Heard() {
		if strings.Contains(ev, `"id":"`+id+`"`) {
			return true
		}
	}
	return false
}

// listen connects to the realtime endpoint and subscribes to topics with the caller's
// Authorization, as PocketBase's JS SDK does.
func (w *world) listen(caller string, topics ...string) *apptest.Listener {
	w.t.Helper()
	l, clientID := apptest.Connect(w.t, w.srv)
	body, _ := json.Marshal(map[string]any{"clientId": clientID, "subscriptions": topics})
	if status, out := w.request(caller, http.MethodPost, "/api/realtime", string(body)); status != 204 {
		w.t.Fatalf("%s could not subscribe: %d %s", caller, status, out)
	}
	return l
}
