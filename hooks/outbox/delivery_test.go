package outbox_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
)

// A delivered push is recorded in one transaction: the row sent, its subscription's
// last success.
func TestDeliveryIsRecordedInOneTransaction(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	host, _ := statusService(t, http.StatusCreated)
	cfg.PushHosts = push.HostList{host}
	rec := saveSubscription(t, app, fakeSubscription(t, host))
	queuePush(t, app, rec.Id, payload(1))

	var mu sync.Mutex
	txOf := map[string]core.App{}
	app.OnRecordUpdate("outbox", "push_subscriptions").BindFunc(func(e *core.RecordEvent) error {
		mu.Lock()
		txOf[e.Record.Collection().Name] = e.App
		mu.Unlock()
		return e.Next()
	})

	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{})); sent != 1 {
		t.Fatalf("sent %d", sent)
	}
	row, sub := txOf["outbox"], txOf["push_subscriptions"]
	if row == nil || sub == nil || !row.IsTransactional() || row != sub {
		t.Fatal("the sent row and its subscription's last_success were saved in separate transactions")
	}
	checkState(t, onlyRow(t, app, rec.Id), "sent", 1, "")
	if reload(t, app, rec).GetDateTime("last_success").IsZero() {
		t.Fatal("last_success not recorded")
	}
}

// gatedService answers 201 to requests in rounds of n: a request waits until n are in
// flight at once, or answers 503 after 5 seconds. It counts the connections opened to it.
func gatedService(t *testing.T, n int) (host string, conns *atomic.Int32) {
	t.Helper()
	var mu sync.Mutex
	gate, waiting := make(chan struct{}), 0
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		g := gate
		if waiting++; waiting == n {
			close(gate)
			gate, waiting = make(chan struct{}), 0
		}
		mu.Unlock()
		select {
		case <-g:
			w.WriteHeader(http.StatusCreated)
		case <-time.After(5 * time.Second):
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	conns = new(atomic.Int32)
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), conns
}

func TestWorkersSendAtOnceAndKeepTheirConnections(t *testing.T) {
	t.Parallel()
	const workers = 16
	app, cfg := apptest.New(t, "los-angeles")
	host, conns := gatedService(t, workers)
	cfg.PushHosts = push.HostList{host}
	rec := saveSubscription(t, app, fakeSubscription(t, host))
	// A client of the tests' own, without a transport: the dispatcher gives it one.
	d := dispatcher(t, app, cfg, outbox.Options{Workers: workers, Client: &http.Client{Timeout: 10 * time.Second}})

	for round := range 3 {
		for i := range workers {
			queuePush(t, app, rec.Id, payload(round*workers+i))
		}
		if sent := runOnce(t, d); sent != workers {
			t.Fatalf("round %d: sent %d, want %d at once", round, sent, workers)
		}
	}
	if n := conns.Load(); n != workers {
		t.Fatalf("%d connections opened for 3 rounds of %d sends, want one per worker, kept", n, workers)
	}
	sent, err := app.CountRecords("outbox", dbx.HashExp{"state": "sent"})
	if err != nil || sent != 3*workers {
		t.Fatalf("%d rows sent (%v), want %d", sent, err, 3*workers)
	}
}

// Push services are across the internet: the default pool keeps many sends in flight.
func TestDefaultWorkersSendSixtyFourAtOnce(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	host, _ := gatedService(t, 64)
	cfg.PushHosts = push.HostList{host}
	rec := saveSubscription(t, app, fakeSubscription(t, host))
	for i := range 64 {
		queuePush(t, app, rec.Id, payload(i))
	}
	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{})); sent != 64 {
		t.Fatalf("sent %d, want 64 at once", sent)
	}
}

// What people are shown of a push is the push service's answer: delivered on its 201,
// failed with why on a refusal; the row names the subscription's owner.
func TestPushDeliveryStateIsThePushServicesAnswer(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]string{http.StatusCreated: "delivered", http.StatusBadRequest: "failed"} {
		app, cfg := apptest.New(t, "los-angeles")
		host, _ := statusService(t, status)
		cfg.PushHosts = push.HostList{host}
		rec := saveSubscription(t, app, fakeSubscription(t, host))
		queuePush(t, app, rec.Id, payload(1))
		row, err := app.FindFirstRecordByFilter("outbox", "target = {:s}", dbx.Params{"s": rec.Id})
		if err != nil || row.GetString("delivery") != "queued" || row.GetString("recipient_kind") != "staff" {
			t.Fatalf("queued row: delivery %q for %q (%v)", row.GetString("delivery"), row.GetString("recipient_kind"), err)
		}
		runOnce(t, dispatcher(t, app, cfg, outbox.Options{}))
		row, _ = app.FindRecordById("outbox", row.Id)
		if got := row.GetString("delivery"); got != want {
			t.Errorf("push service %d: delivery %q, want %q", status, got, want)
		}
		if want == "delivered" && row.GetDateTime("delivered_at").IsZero() {
			t.Error("delivered with no delivered_at")
		}
		if want == "failed" && row.GetString("last_error") == "" {
			t.Error("failed without saying why")
		}
	}
}
