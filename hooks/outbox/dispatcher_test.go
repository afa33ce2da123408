package outbox_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"alertbutton/hooks/apptest"
	"alertbutton/hooks/outbox"
	"alertbutton/hooks/push"
)

func TestStopWaitsForSendsThenCutsThem(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	host, hit, _ := hangingService(t)
	cfg.PushHosts = push.HostList{host}
	rec := saveSubscription(t, app, fakeSubscription(t, host))
	queuePush(t, app, rec.Id, payload(1))

	d := outbox.NewDispatcher(app, cfg, outbox.Options{Client: &http.Client{Timeout: time.Minute}})
	d.Start()
	select {
	case <-hit:
	case <-time.After(10 * time.Second):
		t.Fatal("the push service got no request")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := d.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop = %v, want the deadline's error", err)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond || waited > 5*time.Second {
		t.Fatalf("Stop returned after %v, want it to wait for the send until its deadline", waited)
	}
	// The cut send is recorded as a failed attempt, to be retried.
	checkState(t, onlyRow(t, app, rec.Id), "pending", 1, "context canceled")
}

func TestFederationRowsAreLeftAlone(t *testing.T) {
	t.Parallel()
	app, cfg := apptest.New(t, "los-angeles")
	c, err := app.FindCollectionByNameOrId("outbox")
	if err != nil {
		t.Fatal(err)
	}
	row := core.NewRecord(c)
	row.Set("channel", "federation")
	row.Set("target", "san-diego")
	row.Set("payload", map[string]any{"v": 1})
	row.Set("state", "pending")
	if err := app.Save(row); err != nil {
		t.Fatal(err)
	}

	if sent := runOnce(t, dispatcher(t, app, cfg, outbox.Options{})); sent != 0 {
		t.Fatalf("sent %d", sent)
	}
	after := reload(t, app, row)
	if after.GetString("state") != "pending" || after.GetString("next_at") != "" || after.GetInt("attempts") != 0 {
		t.Fatalf("the federation row was touched: %v", after.PublicExport())
	}
}
