// Package access_test checks who may do what on the appliance, from the outside: every
// collection and custom route, for every kind of caller, as DESIGN.md section 4 and the
// staff roles say. It is test-only.
package access_test

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"
	"golang.org/x/crypto/bcrypt"

	"alertbutton/federation"
	"alertbutton/federation/protocol"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/audit"
	"alertbutton/hooks/family"
	"alertbutton/hooks/pins"
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
	cancelPIN = "2468"
	duressPIN = "1357"
	laLat     = 34.0522
	laLon     = -118.2437
	// subKey is a valid P-256 public key, for push subscriptions the appliance accepts.
	subKey  = "BF3CAQ1Yx4VHUuooWaDHB3WURsYiN1Unrfo2XPTohSEwnrCvRLQx42hKQBnko7c7y_dgA8sLY0AmPfetz6j6vn4"
	subAuth = "tBHItJI5svbpez7KI4CCXg"
)

var hashes = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for _, s := range []string{"contraseña-larga-1", cancelPIN, duressPIN} {
		h, _ := bcrypt.GenerateFromPassword([]byte(s), bcrypt.MinCost)
		out[s] = string(h)
	}
	return out
})

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
	if err := audit.Append(app, audit.Entry{Actor: "system", Action: "test"}); err != nil {
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
	w.tokens[regA] = w.token(w.a)
	w.tokens[regB] = w.token(w.b)
	w.tokens[rel] = w.familyToken
	w.tokens[adviser] = w.token(w.adviser)
	w.tokens[consul] = w.token(w.consul)
	w.tokens[it] = w.token(w.it)
	w.srv = serve(t, app)
	return w
}

func serve(t testing.TB, app *tests.TestApp) *httptest.Server {
	return apptest.Serve(t, app)
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
	r := w.newRecord("registrants")
	r.Set("phone", "+1310555"+string(rune('0'+w.phones/1000%10))+string(rune('0'+w.phones/100%10))+string(rune('0'+w.phones/10%10))+string(rune('0'+w.phones%10)))
	r.Set("name", "Ana Prueba")
	r.Set("language", "es")
	r.Set("consent", true)
	r.Set("zip", "90012")
	r.Set("address", "SENTINEL-ACCESS-ADDRESS")
	r.SetRaw("password", &core.PasswordFieldValue{Hash: hashes()["contraseña-larga-1"]})
	w.save(r)
	w.setPINs(r)
	return r
}

func (w *world) newContact(owner *core.Record) (*core.Record, string) {
	r := w.newRecord("contacts")
	r.Set("registrant", owner.Id)
	r.Set("name", "Rosa")
	r.Set("language", "es")
	r.Set("phone", "+5215550000000")
	token, hash := family.NewToken()
	r.Set("family_token_hash", hash)
	return w.save(r), token
}

func (w *world) raise(owner *core.Record) *core.Record {
	lat, lon := laLat, laLon
	a, _, err := alerts.Raise(w.app, w.cfg, alerts.Draft{
		Kind: "detained", Source: alerts.SourceButton, Actor: "registrant:" + owner.Id,
		Registrant: owner, Lat: &lat, Lon: &lon, Note: "SENTINEL-ACCESS-NOTE",
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func (w *world) newCheckin(owner *core.Record) *core.Record {
	r := w.newRecord("checkins")
	r.Set("registrant", owner.Id)
	r.Set("due_at", types.NowDateTime().Add(time.Hour))
	r.Set("place", "SENTINEL-ACCESS-PLACE")
	return w.save(r)
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
	r := w.newRecord(core.CollectionNameSuperusers)
	r.SetEmail(role + "-" + core.GenerateDefaultRandomId() + "@consulado.example")
	r.SetRaw("password", &core.PasswordFieldValue{Hash: hashes()["contraseña-larga-1"]})
	r.Set("role", role)
	return w.save(r)
}

func (w *world) token(r *core.Record) string {
	tok, err := r.NewAuthToken()
	if err != nil {
		w.t.Fatal(err)
	}
	return tok
}

// fresh makes another record of collection for a mutating request, so that each caller's
// update or delete has its own target; for registrants, the owner is the new registrant.
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
		audit.Append(w.app, audit.Entry{Actor: "system", Action: "test"})
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

// listener is a realtime client of /api/realtime.
type listener struct {
	mu     sync.Mutex
	events []string
}

func (l *listener) saw(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ev := range l.events {
		if strings.Contains(ev, `"id":"`+id+`"`) {
			return true
		}
	}
	return false
}

// listen connects to the realtime endpoint and subscribes to topics with the caller's
// Authorization, as PocketBase's JS SDK does.
func (w *world) listen(caller string, topics ...string) *listener {
	w.t.Helper()
	l, clientID := w.connect()
	body, _ := json.Marshal(map[string]any{"clientId": clientID, "subscriptions": topics})
	if status, out := w.request(caller, http.MethodPost, "/api/realtime", string(body)); status != 204 {
		w.t.Fatalf("%s could not subscribe: %d %s", caller, status, out)
	}
	return l
}

// connect opens a realtime connection and returns its listener and client id.
func (w *world) connect() (*listener, string) {
	w.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w.t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.srv.URL+"/api/realtime", nil)
	res, err := w.srv.Client().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	l := &listener{}
	hello := make(chan string, 1)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var name string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				name = strings.TrimPrefix(line, "event:")
			case strings.HasPrefix(line, "data:"):
				data := strings.TrimPrefix(line, "data:")
				if name == "PB_CONNECT" {
					hello <- data
					continue
				}
				l.mu.Lock()
				l.events = append(l.events, data)
				l.mu.Unlock()
			}
		}
	}()
	var connect struct{ ClientID string }
	select {
	case data := <-hello:
		json.Unmarshal([]byte(data), &connect)
	case <-time.After(5 * time.Second):
		w.t.Fatal("no PB_CONNECT")
	}
	return l, connect.ClientID
}

// setPINs gives r the world's cancel and duress PINs.
func (w *world) setPINs(r *core.Record) {
	w.t.Helper()
	if err := pins.Store(w.app, r.Id, hashes()[cancelPIN], hashes()[duressPIN]); err != nil {
		w.t.Fatal(err)
	}
}
