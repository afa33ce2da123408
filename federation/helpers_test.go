package federation_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"alertbutton/federation"
	"alertbutton/federation/protocol"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/appliance"
	"alertbutton/hooks/apptest"
	"alertbutton/hooks/outbox"
)

const (
	fresnoLat, fresnoLon = 36.7378, -119.7871
	secretNote           = "SENTINEL-NOTE-corner-of-5th"
	secretName           = "Ana María López"
	secretBirth          = "1990-04-05"
)

// node is one in-process appliance served on a loopback port.
type node struct {
	code string
	app  *tests.TestApp
	cfg  *appliance.Config
	url  string
}

func newNode(t *testing.T, code string) *node {
	t.Helper()
	app, cfg := apptest.New(t, code)
	n := &node{code: code, app: app, cfg: cfg}
	n.url = apptest.Serve(t, app).URL
	return n
}

// trust makes a trust b directly, at url (b's own by default).
func trust(t *testing.T, a, b *node, url ...string) {
	t.Helper()
	u := b.url
	if len(url) > 0 {
		u = url[0]
	}
	if err := federation.AddPeer(a.app, a.code, b.code, u, b.cfg.Keys().SigningKey(), b.cfg.Keys().SealKey(), time.Now()); err != nil {
		t.Fatal(err)
	}
}

// trustedPair returns los-angeles and fresno, each trusting the other at its own URL.
func trustedPair(t *testing.T) (la, fresno *node) {
	t.Helper()
	la, fresno = newNode(t, "los-angeles"), newNode(t, "fresno")
	trust(t, la, fresno)
	trust(t, fresno, la)
	return la, fresno
}

func (n *node) relay(c *apptest.Clock) *federation.Relay {
	opts := federation.Options{Client: &http.Client{Timeout: 5 * time.Second}}
	if c != nil {
		opts.Now = c.Now
	}
	return federation.NewRelay(n.app, n.cfg, opts)
}

func runOnce(t *testing.T, r *federation.Relay) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
}

// newRegistrant saves a registrant of n holding the secret name and birth date.
func newRegistrant(t *testing.T, n *node, phone string) *core.Record {
	t.Helper()
	return apptest.Registrant(t, n.app, phone, apptest.Fields{"name": secretName, "birth_date": secretBirth, "home_consulate": n.code})
}

// newStaff saves a staff member of n, on duty, and returns their token.
func newStaff(t *testing.T, n *node, email, role string) (*core.Record, string) {
	t.Helper()
	s := apptest.Staff(t, n.app, email, role, true)
	return s, apptest.Token(t, s)
}

// raise raises a button alert in Fresno for the registrant.
func raise(t *testing.T, n *node, reg *core.Record) *core.Record {
	t.Helper()
	a := apptest.Raise(t, n.app, n.cfg, reg, fresnoLat, fresnoLon, secretNote)
	if a.GetString("target_consulate") != "fresno" {
		t.Fatalf("a Fresno point routed to %q", a.GetString("target_consulate"))
	}
	return a
}

func count(t *testing.T, n *node, collection string, exprs ...dbx.Expression) int {
	t.Helper()
	v, err := n.app.CountRecords(collection, exprs...)
	if err != nil {
		t.Fatal(err)
	}
	return int(v)
}

func federationRows(t *testing.T, n *node, target, state string) []*core.Record {
	t.Helper()
	rows, err := n.app.FindAllRecords("outbox", dbx.HashExp{"channel": "federation", "target": target, "state": state})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func alertAt(t *testing.T, n *node, uid string) *core.Record {
	t.Helper()
	a, err := alerts.FindByUID(n.app, uid)
	if err != nil {
		t.Fatalf("alert %s at %s: %v", uid, n.code, err)
	}
	return a
}

// do sends body as JSON (none when nil) and returns the status and the answer.
func do(t *testing.T, method, url, token string, body any) (int, []byte) {
	t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	status, out := apptest.CallURL(t, method, url, token, string(raw))
	return status, []byte(out)
}

// post delivers body as an inbox request signed by signer's key of consulate code.
func post(t *testing.T, url string, body []byte, envSig string, mutate func(*http.Request)) (int, []byte) {
	t.Helper()
	status, out, _ := postHeaders(t, url, body, envSig, mutate)
	return status, out
}

// postHeaders is post that also returns the answer's headers.
func postHeaders(t *testing.T, url string, body []byte, envSig string, mutate func(*http.Request)) (int, []byte, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+federation.InboxPath, bytes.NewReader(body))
	req.Header.Set(protocol.HeaderEnvelopeSignature, envSig)
	if mutate != nil {
		mutate(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out, res.Header
}

// builtRow returns the pending row to target, its envelope built as at first send.
func builtRow(t *testing.T, n *node, target string) *core.Record {
	t.Helper()
	rows := federationRows(t, n, target, "pending")
	if len(rows) != 1 {
		t.Fatalf("%d pending rows to %s", len(rows), target)
	}
	if err := federation.Build(n.app, n.cfg, rows[0], time.Now()); err != nil {
		t.Fatal(err)
	}
	return rows[0]
}

// signedBy signs an inbox request with n's key, created at now+offset.
func signedBy(t *testing.T, n *node, body []byte, offset time.Duration) func(*http.Request) {
	return func(r *http.Request) {
		keyID := protocol.KeyID(n.code, n.cfg.Keys().SigningKey())
		if err := protocol.SignRequest(r, body, keyID, n.cfg.Keys().Signer(), time.Now().Add(offset)); err != nil {
			t.Fatal(err)
		}
	}
}

func pubKey(t *testing.T, n *node) ed25519.PublicKey {
	t.Helper()
	return n.cfg.Keys().Signer().Public().(ed25519.PublicKey)
}

// dbxPushTo selects the outbox push rows to a staff member's devices.
func dbxPushTo(t *testing.T, n *node, staffID string) []dbx.Expression {
	t.Helper()
	subs, err := n.app.FindAllRecords("push_subscriptions", dbx.HashExp{"staff": staffID})
	if err != nil || len(subs) != 1 {
		t.Fatalf("staff devices: %v %v", subs, err)
	}
	return []dbx.Expression{dbx.HashExp{"channel": "push", "target": subs[0].Id}}
}

// envelopeRow queues a federation row of type typ about uid to target and builds it.
func envelopeRow(t *testing.T, n *node, target, typ, uid string) *core.Record {
	t.Helper()
	return envelopeRowAt(t, n, target, typ, uid, time.Now())
}

func envelopeRowAt(t *testing.T, n *node, target, typ, uid string, at time.Time) *core.Record {
	t.Helper()
	row := queueRow(t, n, target, typ, uid)
	if err := federation.Build(n.app, n.cfg, row, at); err != nil {
		t.Fatal(err)
	}
	return row
}

// envelopeFrom is an envelope written by from to dest, sealed and signed, with plain as its
// sealed message.
func envelopeFrom(t *testing.T, from, dest *node, typ, uid string, seq int64, plain string) builtEnvelope {
	t.Helper()
	env := &protocol.Envelope{
		V: protocol.Version, ID: protocol.NewID(), Type: typ, Alert: uid,
		Origin: from.code, Destination: dest.code, Seq: seq, CreatedAt: time.Now().UTC(),
		Route: protocol.Route{Target: dest.code, Home: from.code},
	}
	if err := protocol.Seal(env, []byte(plain), dest.cfg.Keys().SealKey()); err != nil {
		t.Fatal(err)
	}
	body, err := protocol.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := protocol.SignEnvelope(body, from.cfg.Keys().Signer())
	return builtEnvelope{body, sig}
}

// deliver posts an envelope from its origin and fails unless it is accepted.
func deliver(t *testing.T, from, dest *node, e builtEnvelope) {
	t.Helper()
	if status, answer := post(t, dest.url, e.body, e.sig, signedBy(t, from, e.body, 0)); status != 200 {
		t.Fatalf("delivery to %s: %d %s", dest.code, status, answer)
	}
}

// queueRow queues a federation row of type typ about uid to target, without its envelope.
func queueRow(t *testing.T, n *node, target, typ, uid string) *core.Record {
	t.Helper()
	row, err := outbox.NewFederationRow(n.app, target, typ, uid)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.app.Save(row); err != nil {
		t.Fatal(err)
	}
	return row
}
