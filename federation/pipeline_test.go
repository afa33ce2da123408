package federation_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/federation"
	"alertbutton/federation/protocol"
	"alertbutton/hooks/apptest"
)

// watcher stands in front of a node's inbox and records what reaches it: the envelopes in
// the order they arrive, how many requests are in flight at once, and whether two of one
// alert ever were. Requests after the first alert's wait (up to 5 s) until InFlight are
// in flight together, so that a relay that posts one at a time is seen to.
type watcher struct {
	url string

	mu          sync.Mutex
	first       string         // the first alert seen
	inFlight    int            // requests in flight now
	maxInFlight int            // the most at once
	perAlert    map[string]int // requests in flight by alert
	overlap     bool           // two requests of one alert were in flight at once
	arrived     []*protocol.Envelope
	bodies      map[string][]byte // envelope id → the body as posted
	full        chan struct{}     // closed when InFlight are in flight
	lose        map[string]bool   // envelope types whose first answer is lost
	lost        map[string]bool   // envelope ids whose answer was lost
}

func newWatcher(t *testing.T, n *node) *watcher {
	target, _ := url.Parse(n.url)
	proxy := httputil.NewSingleHostReverseProxy(target)
	w := &watcher{perAlert: map[string]int{}, bodies: map[string][]byte{}, full: make(chan struct{}),
		lose: map[string]bool{}, lost: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path != federation.InboxPath {
			proxy.ServeHTTP(rw, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		env, err := protocol.ParseEnvelope(body)
		if err != nil {
			t.Errorf("an inbox body that does not parse: %v", err)
			http.Error(rw, "bad", http.StatusBadRequest)
			return
		}
		w.enter(env, body)
		defer w.leave(env)
		if w.loseAnswer(env) {
			proxy.ServeHTTP(httptest.NewRecorder(), r) // stored there; the answer never comes back
			http.Error(rw, `{"message":"answer lost"}`, http.StatusBadGateway)
			return
		}
		proxy.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	w.url = srv.URL
	return w
}

func (w *watcher) enter(env *protocol.Envelope, body []byte) {
	w.mu.Lock()
	if w.first == "" {
		w.first = env.Alert
	}
	w.arrived = append(w.arrived, env)
	w.bodies[env.ID] = body
	w.inFlight++
	w.maxInFlight = max(w.maxInFlight, w.inFlight)
	if w.perAlert[env.Alert]++; w.perAlert[env.Alert] > 1 {
		w.overlap = true
	}
	if w.inFlight == federation.InFlight {
		w.release()
	}
	first := env.Alert == w.first
	w.mu.Unlock()
	if !first {
		select {
		case <-w.full:
		case <-time.After(5 * time.Second):
			w.mu.Lock()
			w.release() // they do not come: wait no more
			w.mu.Unlock()
		}
	}
}

func (w *watcher) release() {
	select {
	case <-w.full:
	default:
		close(w.full)
	}
}

func (w *watcher) leave(env *protocol.Envelope) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.inFlight--
	w.perAlert[env.Alert]--
}

func (w *watcher) loseAnswer(env *protocol.Envelope) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.lose[env.Type] || w.lost[env.ID] {
		return false
	}
	w.lost[env.ID] = true
	return true
}

// backlog raises n alerts at la for Fresno and queues a status row after each created row.
func backlog(t *testing.T, la *node, n int) []string {
	t.Helper()
	var uids []string
	for i := range n {
		uid := raise(t, la, newRegistrant(t, la, fmt.Sprintf("+1310555%04d", i))).GetString("uid")
		queueRow(t, la, "fresno", protocol.TypeStatus, uid)
		uids = append(uids, uid)
	}
	return uids
}

// checkDelivered checks that every row of the backlog reached fresno once, each alert's
// created before its status, with the bytes the row stores.
func checkDelivered(t *testing.T, la, fresno *node, w *watcher, uids []string) {
	t.Helper()
	rows := 2 * len(uids)
	if n := len(federationRows(t, la, "fresno", "sent")); n != rows {
		t.Fatalf("%d rows sent, want %d", n, rows)
	}
	if n := count(t, fresno, "alerts"); n != len(uids) {
		t.Errorf("%d alerts at fresno, want %d", n, len(uids))
	}
	if n := count(t, fresno, "federation_inbox"); n != rows {
		t.Errorf("%d envelopes stored at fresno, want %d (each once)", n, rows)
	}
	for _, uid := range uids {
		if n := count(t, fresno, "federation_inbox", dbx.HashExp{"alert": uid, "applied": true}); n != 2 {
			t.Errorf("alert %s: %d envelopes applied at fresno, want 2", uid, n)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.overlap {
		t.Error("two rows of one alert were in flight at once")
	}
	created := map[string]bool{}
	for _, env := range w.arrived {
		switch env.Type {
		case protocol.TypeCreated:
			created[env.Alert] = true
		case protocol.TypeStatus:
			if !created[env.Alert] {
				t.Errorf("alert %s: its status arrived before its created", env.Alert)
			}
		}
	}
	for _, row := range federationRows(t, la, "fresno", "sent") {
		env, err := protocol.ParseEnvelope([]byte(row.GetString("envelope")))
		if err != nil || !bytes.Equal(w.bodies[env.ID], []byte(row.GetString("envelope"))) {
			t.Fatalf("row %s: the peer got other bytes than the row stores (%v)", row.Id, err)
		}
	}
}

// TestConcurrentDeliveries: a backlog of alerts, each with its created and a status row,
// goes out InFlight rows at a time, each alert's rows one after the other and in order,
// each once; the envelopes are built BuildChunk alerts to a transaction, and the rows
// marked sent in one.
func TestConcurrentDeliveries(t *testing.T) {
	t.Parallel()
	la, fresno := newNode(t, "los-angeles"), newNode(t, "fresno")
	w := newWatcher(t, fresno)
	trust(t, la, fresno, w.url)
	trust(t, fresno, la)
	uids := backlog(t, la, federation.InFlight+8) // more than the first alone and InFlight after it
	rows := 2 * len(uids)

	// How many rows were committed built, and sent, whenever one's save was: one number
	// for each transaction.
	builds, marks := map[int]bool{}, map[int]bool{}
	la.app.OnRecordAfterUpdateSuccess("outbox").BindFunc(func(e *core.RecordEvent) error {
		switch e.Record.GetString("state") {
		case "pending":
			builds[count(t, la, "outbox", dbx.HashExp{"channel": "federation", "state": "pending"}, dbx.NewExp("envelope != ''"))] = true
		case "sent":
			marks[count(t, la, "outbox", dbx.HashExp{"channel": "federation", "state": "sent"})] = true
		}
		return e.Next()
	})

	runOnce(t, la.relay(nil))
	checkDelivered(t, la, fresno, w, uids)
	// The first alert alone (the peer is not known up yet), then BuildChunk alerts at a time.
	wantBuilds := 1 + (len(uids)-1+federation.BuildChunk-1)/federation.BuildChunk
	if len(builds) != wantBuilds || len(marks) != 1 {
		t.Errorf("%d build transactions (want %d), %d marking the rows sent (want 1)", len(builds), wantBuilds, len(marks))
	}
	if w.maxInFlight < 2 || w.maxInFlight != federation.InFlight || len(w.arrived) != rows {
		t.Errorf("%d posts, at most %d in flight at once: want %d posts, %d at once (InFlight, 2 or more)", len(w.arrived), w.maxInFlight, rows, federation.InFlight)
	}
}

// TestLostAnswersSentAgain: the answers to the status rows are lost after the peer stored
// them; the rows are sent again, with the same bytes, and stored once.
func TestLostAnswersSentAgain(t *testing.T) {
	t.Parallel()
	la, fresno := newNode(t, "los-angeles"), newNode(t, "fresno")
	c := apptest.NewClock(time.Now())
	apptest.Appliance(fresno.app).Federation.SetClock(c.Now)
	w := newWatcher(t, fresno)
	w.lose[protocol.TypeStatus] = true
	trust(t, la, fresno, w.url)
	trust(t, fresno, la)
	uids := backlog(t, la, 8)
	relay := la.relay(c)
	for range 20 { // two lost answers in a row back the peer off; its probe ends that
		runOnce(t, relay)
		c.Add(6 * time.Second)
	}
	checkDelivered(t, la, fresno, w, uids)
	// Each created once and each status twice; the posts in flight when the second lost
	// answer backs the peer off are cut, and go again with the rest.
	if most := 3*len(uids) + federation.InFlight; len(w.lost) != len(uids) || len(w.arrived) < 3*len(uids) || len(w.arrived) > most {
		t.Errorf("%d answers lost, %d posts: want %d, and %d to %d", len(w.lost), len(w.arrived), len(uids), 3*len(uids), most)
	}
}

// TestBatchWithAGoneAlert: a row whose alert is gone fails its batch's build; the other
// rows are built one by one and delivered, and the row is given up on.
func TestBatchWithAGoneAlert(t *testing.T) {
	t.Parallel()
	la, fresno := trustedPair(t)
	reg := newRegistrant(t, la, "+13105550101")
	raise(t, la, reg)
	gone := queueRow(t, la, "fresno", protocol.TypeStatus, "0195f3a4-0000-7000-8000-000000000000")
	raise(t, la, reg)

	runOnce(t, la.relay(nil))
	if n := len(federationRows(t, la, "fresno", "sent")); n != 2 {
		t.Fatalf("%d rows sent, want 2", n)
	}
	dead := federationRows(t, la, "fresno", "dead")
	if len(dead) != 1 || dead[0].Id != gone.Id || dead[0].GetString("envelope") != "" {
		t.Fatalf("the gone alert's row: %v", dead)
	}
	if dead[0].GetString("delivery") != "failed" || dead[0].GetString("last_error") == "" {
		t.Fatalf("the gone alert's row reads %q, with why %q", dead[0].GetString("delivery"), dead[0].GetString("last_error"))
	}
	if n := count(t, fresno, "alerts"); n != 2 {
		t.Fatalf("%d alerts at fresno, want 2", n)
	}
}

// TestPeerCache: a peer is read once and kept; saving its consulates row here is seen at
// once, a change made by another process (no hook here) within MaxPeerAge.
func TestPeerCache(t *testing.T) {
	t.Parallel()
	la, fresno := newNode(t, "los-angeles"), newNode(t, "fresno")
	trust(t, la, fresno, "http://127.0.0.1:9/one")
	now := time.Now()
	load := func(at time.Time) string {
		t.Helper()
		p, err := apptest.Appliance(la.app).Federation.LoadPeerCachedAt(la.app, "fresno", at)
		if err != nil {
			t.Fatal(err)
		}
		return p.URL
	}
	if u := load(now); u != "http://127.0.0.1:9/one" {
		t.Fatalf("url %q", u)
	}
	trust(t, la, fresno, "http://127.0.0.1:9/two")
	if u := load(now); u != "http://127.0.0.1:9/two" {
		t.Fatalf("after the peer was saved here: url %q", u)
	}
	if _, err := la.app.DB().Update("consulates", dbx.Params{"public_url": "http://127.0.0.1:9/three"}, dbx.HashExp{"code": "fresno"}).Execute(); err != nil {
		t.Fatal(err)
	}
	if u := load(now.Add(time.Second)); u != "http://127.0.0.1:9/two" {
		t.Fatalf("read again within the cache's age: url %q", u)
	}
	if u := load(now.Add(federation.MaxPeerAge)); u != "http://127.0.0.1:9/three" {
		t.Fatalf("after MaxPeerAge: url %q", u)
	}
	if err := federation.RemovePeer(la.app, "fresno"); err != nil {
		t.Fatal(err)
	}
	if _, err := apptest.Appliance(la.app).Federation.LoadPeerCachedAt(la.app, "fresno", now.Add(federation.MaxPeerAge)); err == nil {
		t.Fatal("a removed peer is still trusted through the cache")
	}
}

// TestRemovedPeerRefusedAtOnce: the inbox stops taking a peer's envelopes as soon as it is
// no longer trusted, though it had just taken one (and cached the peer).
func TestRemovedPeerRefusedAtOnce(t *testing.T) {
	t.Parallel()
	la, fresno := trustedPair(t)
	reg := newRegistrant(t, la, "+13105550101")
	raise(t, la, reg)
	first := builtRow(t, la, "fresno")
	deliver(t, la, fresno, builtEnvelope{[]byte(first.GetString("envelope")), first.GetString("signature")})
	if err := federation.RemovePeer(fresno.app, "los-angeles"); err != nil {
		t.Fatal(err)
	}
	body, sig := []byte(first.GetString("envelope")), first.GetString("signature")
	if status, answer := post(t, fresno.url, body, sig, signedBy(t, la, body, 0)); status != http.StatusUnauthorized {
		t.Fatalf("from a peer no longer trusted: %d %s", status, answer)
	}
}
