package federation_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation"
	"alertbutton/hooks/alerts"
	"alertbutton/hooks/alerts/vocab"
	"alertbutton/hooks/apptest"
)

// gate stands in front of a node: it passes requests through, answers 503 while down, and
// holds them until the client gives up while hung.
type gate struct {
	url          string
	down, hung   atomic.Bool
	inbox, probe atomic.Int64
	poison       atomic.Value // a string: an inbox body holding it gets a 500
}

func newGate(t *testing.T, n *node) *gate {
	target, _ := url.Parse(n.url)
	proxy := httputil.NewSingleHostReverseProxy(target)
	g := &gate{}
	g.down.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case federation.InboxPath:
			g.inbox.Add(1)
		case "/api/health":
			g.probe.Add(1)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		poison, _ := g.poison.Load().(string)
		switch {
		case poison != "" && bytes.Contains(body, []byte(poison)):
			http.Error(w, `{"message":"choked"}`, http.StatusInternalServerError)
		case g.hung.Load():
			<-r.Context().Done() // the body is read: the server sees the client leave
		case g.down.Load():
			http.Error(w, `{"message":"down for the test"}`, http.StatusServiceUnavailable)
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	g.url = srv.URL
	return g
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	r := federation.NewRelay(nil, nil, federation.Options{Rand: rand.New(rand.NewPCG(1, 2))})
	for n := 1; n <= 40; n++ {
		d := r.Backoff(n)
		full := min(5*time.Minute, time.Second<<min(n-1, 30))
		if d < full/2 || d > full || d > 5*time.Minute {
			t.Errorf("backoff after %d failures: %s, want within [%s, %s]", n, d, full/2, full)
		}
	}
}

// TestBackoffThresholdsAndDrain: on an injected clock, a peer that is down is tried with a
// growing backoff (never above 5 minutes) and probed meanwhile; its alerts are flagged at 2
// minutes and escalated at 10; the first probe answered drains the backlog at once.
func TestBackoffThresholdsAndDrain(t *testing.T) {
	t.Parallel()
	la, fresno := newNode(t, "los-angeles"), newNode(t, "fresno")
	c := apptest.NewClock(time.Now())
	apptest.Appliance(fresno.app).Federation.SetClock(c.Now)
	g := newGate(t, fresno)
	trust(t, la, fresno, g.url)
	trust(t, fresno, la)
	adviser, _ := newStaff(t, la, "asesora@la.example", "adviser")
	apptest.Subscription(t, la.app, "staff", adviser.Id, "")
	reg := newRegistrant(t, la, "+13105550101")
	var raised []*core.Record
	for range 3 {
		raised = append(raised, raise(t, la, reg))
	}
	c.Set(time.Now()) // the thresholds count from the rows' creation
	start := c.Now()
	relay := la.relay(c)

	runOnce(t, relay)
	if g.inbox.Load() != 1 {
		t.Fatalf("%d sends to a peer that is down, want 1 (then back off)", g.inbox.Load())
	}
	runOnce(t, relay)
	if g.inbox.Load() != 1 || g.probe.Load() != 0 {
		t.Fatalf("retried at once: %d sends, %d probes", g.inbox.Load(), g.probe.Load())
	}

	relayStatus := func() string { return alertAt(t, la, raised[0].GetString("uid")).GetString("relay_status") }
	longest := time.Duration(0)
	for c.Now().Sub(start) < 12*time.Minute {
		c.Add(5 * time.Second)
		runOnce(t, relay)
		wait := relay.RetryAt("fresno").Sub(c.Now())
		if wait > 5*time.Minute {
			t.Fatalf("backoff of %s, more than 5 minutes", wait)
		}
		longest = max(longest, wait)
		age := c.Now().Sub(start)
		switch {
		case age < federation.DelayedAfter-5*time.Second && relayStatus() != "sending":
			t.Fatalf("flagged %q after %s", relayStatus(), age)
		case age >= federation.DelayedAfter+5*time.Second && age < federation.EscalatedAfter-5*time.Second && relayStatus() != "delayed":
			t.Fatalf("relay_status %q after %s, want delayed", relayStatus(), age)
		}
	}
	if longest < 2*time.Minute {
		t.Errorf("the backoff never grew past %s", longest)
	}
	sends := g.inbox.Load()
	if sends > 15 || g.probe.Load() < 100 {
		t.Errorf("in 12 minutes: %d sends (want few), %d probes (want one every 5 s)", sends, g.probe.Load())
	}
	for _, a := range raised {
		a = alertAt(t, la, a.GetString("uid"))
		if a.GetString("relay_status") != "escalated" || a.GetInt("escalation_level") < 1 {
			t.Fatalf("after 12 minutes: relay_status %q, escalation %d", a.GetString("relay_status"), a.GetInt("escalation_level"))
		}
		if len(apptest.Events(t, la.app, a.Id, vocab.EventRelayDelayed)) != 1 || len(apptest.Events(t, la.app, a.Id, vocab.EventRelayEscalated)) != 1 {
			t.Fatal("each alert gets one relay_delayed and one relay_escalated event")
		}
	}
	if n := count(t, la, "outbox", append(dbxPushTo(t, la, adviser.Id), dbx.NewExp("payload LIKE '%sin entregar%'"))...); n != 3 {
		t.Errorf("%d escalation pushes to the adviser, want 3", n)
	}
	if n, _ := federation.Health(la.app, c.Now()); len(n) != 1 || n[0].Queue != 3 || n[0].OldestUndeliveredSeconds < 700 || n[0].LastError == "" ||
		n[0].State != federation.PeerDown || n[0].Since == "" || !strings.HasPrefix(n[0].Line, "fresno down since "+n[0].Since+", 3 waiting: ") {
		t.Errorf("health while down: %+v", n)
	} else if down, _ := time.Parse(time.RFC3339, n[0].Since); c.Now().Sub(down) < 11*time.Minute {
		t.Errorf("down since %s, at %s: it is the first failure's time, not the last's", n[0].Since, c.Now())
	}

	// The peer is back while a long backoff has just begun: the next probe ends it.
	for relay.RetryAt("fresno").Sub(c.Now()) < time.Minute {
		c.Add(5 * time.Second)
		runOnce(t, relay)
	}
	g.down.Store(false)
	c.Add(5 * time.Second)
	runOnce(t, relay)
	if n := len(federationRows(t, la, "fresno", "sent")); n != 3 {
		t.Fatalf("%d rows sent after the peer came back, want 3", n)
	}
	if n := count(t, fresno, "alerts"); n != 3 {
		t.Fatalf("%d alerts at fresno, want 3", n)
	}
	for _, a := range raised {
		a = alertAt(t, la, a.GetString("uid"))
		if a.GetString("relay_status") != "delivered" || len(apptest.Events(t, la.app, a.Id, vocab.EventRelayDelivered)) != 1 {
			t.Fatalf("after delivery: relay_status %q", a.GetString("relay_status"))
		}
	}
	if h, _ := federation.Health(la.app, c.Now()); len(h) != 1 || h[0].Queue != 0 || h[0].LastSuccessAt == "" ||
		h[0].State != federation.PeerOK || h[0].Since != "" || h[0].LastError != "" || h[0].Line != "fresno ok" {
		t.Errorf("health after the drain (a recovery clears the old error): %+v", h)
	}
}

// TestDownPeerDoesNotSlowOthers: a peer that hangs holds only its own worker.
func TestDownPeerDoesNotSlowOthers(t *testing.T) {
	t.Parallel()
	la, fresno, sd := newNode(t, "los-angeles"), newNode(t, "fresno"), newNode(t, "san-diego")
	g := newGate(t, fresno)
	g.hung.Store(true)
	trust(t, la, fresno, g.url)
	trust(t, la, sd)
	trust(t, sd, la)
	relay := federation.NewRelay(la.app, la.cfg, federation.Options{Client: &http.Client{Timeout: time.Minute}})
	relay.Start()
	defer relay.Stop(context.Background())

	reg := newRegistrant(t, la, "+13105550101")
	raise(t, la, reg) // to fresno, which hangs
	for g.inbox.Load() == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	lat, lon := 32.7157, -117.1611
	a, _, err := alerts.Raise(la.app, la.cfg, apptest.Directory(la.app), alerts.Draft{Kind: "raid", Source: alerts.SourceButton, Registrant: reg, Lat: &lat, Lon: &lon})
	if err != nil || a.GetString("target_consulate") != "san-diego" {
		t.Fatalf("san diego alert: %v %v", a, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for count(t, sd, "alerts") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("san-diego's alert waited behind fresno's hung request")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(federationRows(t, la, "fresno", "pending")); n != 1 {
		t.Fatalf("fresno's row: %d pending", n)
	}
}

// TestOneBadEnvelopeHoldsNoOneUp: a row the peer fails on every time (a 500 for it alone)
// goes to the back of the line; the rows behind it are delivered.
func TestOneBadEnvelopeHoldsNoOneUp(t *testing.T) {
	t.Parallel()
	la, fresno := newNode(t, "los-angeles"), newNode(t, "fresno")
	c := apptest.NewClock(time.Now())
	apptest.Appliance(fresno.app).Federation.SetClock(c.Now)
	g := newGate(t, fresno)
	g.down.Store(false)
	trust(t, la, fresno, g.url)
	trust(t, fresno, la)
	reg := newRegistrant(t, la, "+13105550101")
	first := raise(t, la, reg).GetString("uid")
	raise(t, la, reg)
	raise(t, la, reg)
	relay := la.relay(c)
	for _, row := range federationRows(t, la, "fresno", "pending") {
		if err := federation.Build(la.app, la.cfg, row, c.Now()); err != nil {
			t.Fatal(err)
		}
	}
	g.poison.Store(first)

	for range 3 {
		runOnce(t, relay)
		c.Add(6 * time.Second)
	}
	if n := len(federationRows(t, la, "fresno", "sent")); n != 2 {
		t.Fatalf("%d rows delivered past the bad one, want 2", n)
	}
	pending := federationRows(t, la, "fresno", "pending")
	if len(pending) != 1 || pending[0].GetString("alert") != first || pending[0].GetInt("attempts") < 1 || pending[0].GetString("last_error") == "" {
		t.Fatalf("the bad row: %v", pending)
	}

	g.poison.Store("")
	for range 3 {
		c.Add(6 * time.Second)
		runOnce(t, relay)
	}
	if n := count(t, fresno, "alerts"); n != 3 {
		t.Fatalf("%d alerts at fresno once the peer takes the row, want 3", n)
	}
}
