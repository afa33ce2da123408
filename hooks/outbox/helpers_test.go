package outbox_test

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"fmt"
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

	"alertbutton/hooks/appliance"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
	"alertbutton/hooks/push/pushtest"
)

const alertUID = "01JD3X2K7Q9F8V6N4M2P0R5T7W"

func payload(i int) push.Payload {
	return push.Payload{
		Type:  "alert.created",
		Alert: alertUID,
		Title: "Alerta: persona detenida",
		Body:  fmt.Sprintf("Su familiar pidió ayuda al consulado (%d).", i),
		URL:   "/alerts/" + alertUID,
		Lang:  "es",
	}
}

// dispatcher returns a dispatcher that is stopped when the test ends.
func dispatcher(t *testing.T, app core.App, cfg *appliance.Config, opts outbox.Options) *outbox.Dispatcher {
	t.Helper()
	d := outbox.NewDispatcher(app, cfg, opts)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := d.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return d
}

func runOnce(t *testing.T, d *outbox.Dispatcher) int {
	t.Helper()
	sent, err := d.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return sent
}

// queuePush queues pushes in one committed transaction.
func queuePush(t *testing.T, app core.App, subscriptionID string, ps ...push.Payload) {
	t.Helper()
	sub, err := app.FindRecordById("push_subscriptions", subscriptionID)
	if err != nil {
		t.Fatal(err)
	}
	err = app.RunInTransaction(func(txApp core.App) error {
		for _, p := range ps {
			if err := outbox.Push(txApp, sub, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// saveSubscription stores a push subscription as the subscription routes would.
func saveSubscription(t *testing.T, app core.App, sub push.Subscription) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("push_subscriptions")
	if err != nil {
		t.Fatal(err)
	}
	rec := core.NewRecord(c)
	rec.Set("endpoint", sub.Endpoint)
	rec.Set("p256dh", sub.P256dh)
	rec.Set("auth", sub.Auth)
	rec.Set("language", "es")
	if err := app.Save(rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// subscribe makes a web-push-testing subscription for the appliance's VAPID key and
// stores it with its endpoint on host (the service itself, or a proxy in front of it).
func subscribe(t *testing.T, app core.App, cfg *appliance.Config, svc *pushtest.Service, host string) (push.Subscription, *core.Record) {
	t.Helper()
	sub := svc.Subscribe(t, cfg.Keys().VAPIDPublicKey())
	stored := sub
	stored.Endpoint = strings.Replace(sub.Endpoint, svc.Host(), host, 1)
	return sub, saveSubscription(t, app, stored)
}

// fakeSubscription is a subscription with valid keys for a fake push service.
func fakeSubscription(t *testing.T, host string) push.Subscription {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	return push.Subscription{
		Endpoint: "http://" + host + "/push/" + rand.Text(),
		P256dh:   base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes()),
		Auth:     base64.RawURLEncoding.EncodeToString(auth),
	}
}

type answer struct {
	status int
	header map[string]string
}

// pushProxy answers its first requests with answers, then forwards to target (a real
// push service); it counts the requests it gets.
func pushProxy(t *testing.T, target string, answers ...answer) (host string, requests *atomic.Int32) {
	t.Helper()
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: target})
	requests = new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(requests.Add(1))
		if n > len(answers) {
			proxy.ServeHTTP(w, r)
			return
		}
		for k, v := range answers[n-1].header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(answers[n-1].status)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), requests
}

// statusService answers every request with status.
func statusService(t *testing.T, status int) (host string, requests *atomic.Int32) {
	t.Helper()
	requests = new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(status)
		w.Write([]byte(`{"reason":"test"}`))
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), requests
}

// hangingService never answers; it reports each request on hit, and in ended whether a
// request is over (the client gave up).
func hangingService(t *testing.T) (host string, hit <-chan struct{}, ended *atomic.Bool) {
	t.Helper()
	hits := make(chan struct{}, 100)
	ended = new(atomic.Bool)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer ended.Store(true)
		hits <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv.Listener.Addr().String(), hits, ended
}

// clock is a test's time, moved by hand.
func rows(t *testing.T, app core.App, target string) []*core.Record {
	t.Helper()
	list, err := app.FindRecordsByFilter("outbox", "target = {:t}", "created", 0, 0, dbx.Params{"t": target})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func onlyRow(t *testing.T, app core.App, target string) *core.Record {
	t.Helper()
	list := rows(t, app, target)
	if len(list) != 1 {
		t.Fatalf("%d outbox rows for %s, want 1", len(list), target)
	}
	return list[0]
}

// waitRow polls a row until ok holds, for up to 10 seconds.
func waitRow(t *testing.T, app core.App, id string, ok func(*core.Record) bool) *core.Record {
	t.Helper()
	return waitRecord(t, app, "outbox", id, ok)
}

func waitRecord(t *testing.T, app core.App, collection, id string, ok func(*core.Record) bool) *core.Record {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rec, err := app.FindRecordById(collection, id)
		if err != nil {
			t.Fatal(err)
		}
		if ok(rec) {
			return rec
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s %s stayed %v", collection, id, rec.PublicExport())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func checkState(t *testing.T, row *core.Record, state string, attempts int, errorHas string) {
	t.Helper()
	if row.GetString("state") != state || row.GetInt("attempts") != attempts {
		t.Fatalf("row is %s after %d attempts (%q), want %s after %d", row.GetString("state"), row.GetInt("attempts"), row.GetString("last_error"), state, attempts)
	}
	if !strings.Contains(row.GetString("last_error"), errorHas) {
		t.Fatalf("last_error = %q, want it to mention %q", row.GetString("last_error"), errorHas)
	}
}

func reload(t *testing.T, app core.App, rec *core.Record) *core.Record {
	t.Helper()
	fresh, err := app.FindRecordById(rec.Collection().Name, rec.Id)
	if err != nil {
		t.Fatal(err)
	}
	return fresh
}
